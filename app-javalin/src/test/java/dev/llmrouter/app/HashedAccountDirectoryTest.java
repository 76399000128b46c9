package dev.llmrouter.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.llmrouter.app.config.AccountSpec;
import dev.llmrouter.app.config.KeyHasher;
import dev.llmrouter.app.http.Account;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.plan.Plan;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 3.2: a key maps to its account and plan; keys are held only as hashes and compared in constant time. */
@DisplayName("Requirement 3.2 — account directory over hashed keys")
class HashedAccountDirectoryTest {

    private final Map<String, Plan> plans = Map.of("free", Fixtures.freePlan(), "enterprise", Fixtures.enterprisePlan());
    private final HashedAccountDirectory directory = new HashedAccountDirectory(List.of(
            new AccountSpec("acme", "enterprise", false, List.of(KeyHasher.hash("acme-old"), KeyHasher.hash("acme-new"))),
            new AccountSpec("hobby", "free", false, List.of(KeyHasher.hash("hobby-key"))),
            new AccountSpec("ops", "enterprise", true, List.of(KeyHasher.hash("ops-key")))), plans);

    @Test
    void each_key_finds_its_account_with_plan_and_operator_flag() {
        assertThat(directory.authenticate("acme-old")).contains(new Account("acme", Fixtures.enterprisePlan(), false));
        assertThat(directory.authenticate("acme-new")).contains(new Account("acme", Fixtures.enterprisePlan(), false));
        assertThat(directory.authenticate("hobby-key")).contains(new Account("hobby", Fixtures.freePlan(), false));
        assertThat(directory.authenticate("ops-key")).hasValueSatisfying(a -> assertThat(a.operator()).isTrue());
    }

    @Test
    void unknown_empty_and_near_miss_keys_find_nothing() {
        assertThat(directory.authenticate("acme-ne")).isEmpty();
        assertThat(directory.authenticate("acme-new ")).isEmpty();
        assertThat(directory.authenticate("")).isEmpty();
        assertThat(directory.authenticate(null)).isEmpty();
        assertThat(directory.authenticate(KeyHasher.hash("acme-new"))).as("the stored form is not a key").isEmpty();
    }

    @Test
    void it_holds_digests_not_keys() {
        assertThat(directory.keyCount()).isEqualTo(4);
        assertThat(directory.toString()).doesNotContain("acme-new");
    }

    @Test
    void digests_are_compared_only_with_the_constant_time_MessageDigest_isEqual() throws Exception {
        JavaClasses classes = new ClassFileImporter().importClasses(HashedAccountDirectory.class, KeyHasher.class);

        noClasses().should().callMethod(java.util.Arrays.class, "equals", byte[].class, byte[].class)
                .orShould().callMethod(java.util.Arrays.class, "mismatch", byte[].class, byte[].class)
                .orShould().callMethod(String.class, "equals", Object.class)
                .because("a comparison that stops at the first differing byte leaks, through timing, how much of a hash matched")
                .check(classes);
        assertThat(new ClassFileImporter().importClasses(HashedAccountDirectory.class).get(HashedAccountDirectory.class)
                .getMethodCallsFromSelf())
                .anyMatch(call -> call.getTargetOwner().isEquivalentTo(MessageDigest.class)
                        && call.getName().equals("isEqual"));
    }
}
