package dev.llmrouter.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The hexagonal architecture of the SPEC's module table, enforced on the production classes of every
 * module (this module's test classpath sees them all):
 * <ul>
 *   <li>{@code domain} depends on nothing outside {@code java.*}, and never reads the clock (time is
 *       passed in, so the domain is deterministic and testable with a fake clock);
 *   <li>{@code ports} depends only on the domain, the JDK, Failsafe and Caffeine;
 *   <li>no adapter depends on another adapter;
 *   <li>nothing outside the application depends on it.
 * </ul>
 * Only production classes are imported: test classes and the modules' test-jars are left out.
 */
@DisplayName("Architecture: the module table of the SPEC")
class ArchitectureTest {

    private static final String ROOT = "dev.llmrouter";
    private static final String DOMAIN = "dev.llmrouter.domain..";
    private static final String PORTS = "dev.llmrouter.ports..";
    private static final String APP = "dev.llmrouter.app..";

    /** Static methods that read the system clock, by owner. */
    private static final Map<String, Set<String>> CLOCK_READS = Map.of(
            "java.lang.System", Set.of("currentTimeMillis", "nanoTime"),
            "java.time.Clock", Set.of("systemUTC", "systemDefaultZone", "system", "tickSeconds", "tickMinutes", "tickMillis"),
            "java.time.InstantSource", Set.of("system"));

    /** Types whose {@code now(...)} reads the system clock unless it is handed a {@code Clock}. */
    private static final Set<String> NOW_OWNERS = Set.of(
            "java.time.Instant", "java.time.LocalDate", "java.time.LocalDateTime", "java.time.LocalTime",
            "java.time.ZonedDateTime", "java.time.OffsetDateTime", "java.time.OffsetTime", "java.time.Year",
            "java.time.YearMonth", "java.time.MonthDay");

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(new DoNotIncludeTestJars())
                .importPackages(ROOT);
    }

    @Test
    @DisplayName("domain depends on nothing outside java.*")
    void domainDependsOnlyOnTheJdk() {
        assertThat(production.that(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(DOMAIN)))
                .as("the domain's classes are imported").isNotEmpty();
        classes().that().resideInAPackage(DOMAIN)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN)
                .check(production);
    }

    @Test
    @DisplayName("domain never reads the clock")
    void domainNeverReadsTheClock() {
        domainNeverReadsTheClock(DOMAIN).check(production);
    }

    @Test
    @DisplayName("the clock rule catches a class that reads the clock")
    void clockRuleCatchesAClockRead() {
        // given: a class that reads the clock in three ways
        JavaClasses offender = new ClassFileImporter().importClasses(ReadsTheClock.class);

        // when
        EvaluationResult result = domainNeverReadsTheClock("dev.llmrouter.architecture..").evaluate(offender);

        // then
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(d -> d.contains("System.currentTimeMillis"))
                .anyMatch(d -> d.contains("Instant.now"))
                .anyMatch(d -> d.contains("Clock.systemUTC"))
                .noneMatch(d -> d.contains("Instant.now(java.time.Clock)"));
    }

    @Test
    @DisplayName("ports depend only on the domain, the JDK, Failsafe and Caffeine")
    void portsDependOnlyOnDomainAndTheirLibraries() {
        classes().that().resideInAPackage(PORTS)
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "java..", DOMAIN, PORTS, "dev.failsafe..", "com.github.benmanes.caffeine..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    @DisplayName("no adapter depends on another adapter")
    void adaptersAreIndependent() {
        slices().matching("dev.llmrouter.adapters.(*)..")
                .should().notDependOnEachOther()
                .allowEmptyShould(true)
                .check(production);
        for (List<String> pair : List.of(
                List.of("dev.llmrouter.adapters.azure..", "dev.llmrouter.adapters.metrics.."),
                List.of("dev.llmrouter.adapters.metrics..", "dev.llmrouter.adapters.azure.."))) {
            noClasses().that().resideInAPackage(pair.get(0))
                    .should().dependOnClassesThat().resideInAPackage(pair.get(1))
                    .allowEmptyShould(true)
                    .check(production);
        }
    }

    @Test
    @DisplayName("nothing outside the application depends on it")
    void nothingDependsOnTheApplication() {
        noClasses().that().resideOutsideOfPackage(APP)
                .should().dependOnClassesThat().resideInAPackage(APP)
                .allowEmptyShould(true)
                .check(production);
    }

    /** No class of {@code packages} calls a method that reads the system clock. */
    private static ArchRule domainNeverReadsTheClock(String packages) {
        return noClasses().that().resideInAPackage(packages)
                .should().callCodeUnitWhere(readsTheSystemClock())
                .because("time is passed in (InstantSource, Instant or long nanos) so the domain is deterministic");
    }

    private static DescribedPredicate<JavaCall<?>> readsTheSystemClock() {
        return DescribedPredicate.describe("read the system clock", call -> {
            String owner = call.getTargetOwner().getName();
            String name = call.getName();
            if (CLOCK_READS.getOrDefault(owner, Set.of()).contains(name)) {
                return true;
            }
            if (NOW_OWNERS.contains(owner) && name.equals("now")) {
                // now(Clock) reads the clock it is given, which is how time is injected.
                return call.getTarget().getRawParameterTypes().stream()
                        .noneMatch(p -> p.getName().equals("java.time.Clock"));
            }
            return owner.equals("java.util.Date") && name.equals("<init>")
                    && call.getTarget().getRawParameterTypes().isEmpty();
        });
    }

    /** Leaves out the modules' test-jars (shared fixtures), which are test code too. */
    private static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    /** Reads the clock on purpose: proves the clock rule is not vacuous. */
    @SuppressWarnings("unused")
    static final class ReadsTheClock {
        long millis() {
            return System.currentTimeMillis();
        }

        java.time.Instant instant() {
            return java.time.Instant.now();
        }

        java.time.Instant fromInjected(java.time.Clock clock) {
            return java.time.Instant.now(clock);
        }

        java.time.Clock utc() {
            return java.time.Clock.systemUTC();
        }
    }
}
