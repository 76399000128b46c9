package dev.llmrouter.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.llmrouter.adapters.azure.AzureOpenAiEndpoint;
import dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry;
import dev.llmrouter.ports.chat.ByteBoundEstimator;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.BodyIndex;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.telemetry.AttemptTrace;
import dev.llmrouter.ports.telemetry.RequestTrace;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import dev.llmrouter.ports.telemetry.RouterTracer;
import dev.llmrouter.ports.responses.ResponseHomes;
import dev.llmrouter.ports.usage.UsageLedger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
 *   <li>{@code ports} holds no adapter: none of its classes implements an outbound port, except the
 *       few that reach nothing outside the process and belong to the router itself (the estimator
 *       that bounds a prompt by its bytes, the guard around telemetry, the no-op telemetry);
 *   <li>no adapter depends on another adapter, and only the application wires adapters: no class
 *       outside it depends on more than one adapter module (its own included);
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
    private static final String ADAPTERS_PREFIX = "dev.llmrouter.adapters.";

    /** The outbound ports: what an adapter implements for the router to call. */
    private static final Set<String> OUTBOUND_PORTS = names(ChatEndpoint.class, PromptTokenEstimator.class,
            QuotaStore.class, AccountRateLimiter.class, RateAndQuotaStore.class, UsageLedger.class, RouterTelemetry.class,
            RouterTracer.class, ResponseHomes.class);

    /**
     * What an outbound port hands back and its adapter implements along with it, and the callbacks a port's
     * values are read through: not ports of their own.
     */
    private static final Set<String> PORT_PRODUCTS = names(ChatStream.class, BodyIndex.PromptVisitor.class,
            RequestTrace.class, AttemptTrace.class);

    /**
     * The outbound-port implementations that belong in {@code ports}: they adapt nothing outside the
     * process. {@link ByteBoundEstimator} bounds a prompt by its body's length, the estimator an
     * embedder without a tokenizer gets; {@code GuardedTelemetry} is the router's guard around any
     * telemetry; {@link RouterTelemetry#NOOP} is the default telemetry; {@code GuardedTracer} is the
     * router's guard around any tracer; {@link RateAndQuotaStore#of} asks two stores in turn.
     */
    private static final Set<String> PORT_IMPLEMENTATIONS_OF_THE_ROUTER = Set.of(
            ByteBoundEstimator.class.getName(),
            "dev.llmrouter.ports.routing.GuardedTelemetry",
            "dev.llmrouter.ports.routing.GuardedTracer",
            RouterTelemetry.NOOP.getClass().getName(),
            RateAndQuotaStore.class.getName());

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
    @DisplayName("ports holds no adapter: no class of ports implements an outbound port, but the router's own")
    void portsHoldNoAdapter() {
        Set<String> allowed = PORT_IMPLEMENTATIONS_OF_THE_ROUTER;
        assertThat(allowed).as("every allowed implementation exists (an allowance outlives no class)")
                .allSatisfy(name -> assertThat(production.contain(name)).as(name).isTrue());
        holdNoAdapter(PORTS, allowed).check(production);
    }

    @Test
    @DisplayName("the ports rule catches a class of ports implementing an outbound port, and only that")
    void portsRuleCatchesAnAdapter() {
        // given: a class implementing the telemetry port, in the package the rule is pointed at
        JavaClasses offender = new ClassFileImporter().importClasses(
                ImplementsAnOutboundPort.class, ImplementsNoPort.class);

        // when
        EvaluationResult caught = holdNoAdapter("dev.llmrouter.architecture..", Set.of()).evaluate(offender);
        EvaluationResult allowed = holdNoAdapter("dev.llmrouter.architecture..",
                Set.of(ImplementsAnOutboundPort.class.getName())).evaluate(offender);

        // then
        assertThat(caught.getFailureReport().getDetails())
                .singleElement().asString()
                .contains(ImplementsAnOutboundPort.class.getName())
                .contains(RouterTelemetry.class.getName());
        assertThat(allowed.hasViolation()).isFalse();
    }

    @Test
    @DisplayName("every port interface an adapter implements is a known outbound port or port product")
    void theOutboundPortListIsComplete() {
        Set<String> implemented = production.stream()
                .filter(c -> c.getPackageName().startsWith(ADAPTERS_PREFIX))
                .flatMap(c -> c.getAllRawInterfaces().stream())
                .map(JavaClass::getName)
                .filter(name -> name.startsWith("dev.llmrouter.ports."))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(implemented).as("the adapters implement ports").isNotEmpty();
        assertThat(union(OUTBOUND_PORTS, PORT_PRODUCTS)).containsAll(implemented);
    }

    @Test
    @DisplayName("only the application wires adapters: no other class depends on two adapter modules")
    void onlyTheApplicationWiresAdapters() {
        wireAtMostOneAdapterModule(APP).check(production);
    }

    @Test
    @DisplayName("the wiring rule catches a class outside the application that depends on two adapter modules")
    void wiringRuleCatchesTwoAdapters() {
        // given: a class holding both the Azure endpoint and the Micrometer telemetry
        JavaClasses offender = new ClassFileImporter().importClasses(WiresTwoAdapters.class, WiresOneAdapter.class);

        // when
        EvaluationResult result = wireAtMostOneAdapterModule("dev.llmrouter.app..").evaluate(offender);

        // then
        assertThat(result.getFailureReport().getDetails())
                .singleElement().asString()
                .contains(WiresTwoAdapters.class.getName())
                .contains("[azure, metrics]");
    }

    @Test
    @DisplayName("nothing outside the application depends on it")
    void nothingDependsOnTheApplication() {
        noClasses().that().resideOutsideOfPackage(APP)
                .should().dependOnClassesThat().resideInAPackage(APP)
                .allowEmptyShould(true)
                .check(production);
    }

    /**
     * No class of {@code packages} implements an outbound port, but {@code allowed} and their nested
     * classes.
     */
    private static ArchRule holdNoAdapter(String packages, Set<String> allowed) {
        return classes().that().resideInAPackage(packages)
                .and(DescribedPredicate.not(DescribedPredicate.describe("allowed", (JavaClass c) -> isOrIsInside(c, allowed))))
                .should(new ArchCondition<>("implement no outbound port") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        c.getAllRawInterfaces().stream()
                                .map(JavaClass::getName)
                                .filter(OUTBOUND_PORTS::contains)
                                .sorted()
                                .forEach(port -> events.add(SimpleConditionEvent.violated(c,
                                        c.getName() + " implements the outbound port " + port)));
                    }
                })
                .because("adapters live in their own modules; ports holds ports, use cases and the application services")
                .allowEmptyShould(true);
    }

    private static boolean isOrIsInside(JavaClass c, Set<String> names) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (names.contains(k.getName())) {
                return true;
            }
        }
        return false;
    }

    /** Outside {@code wiringPackages} (and the harnesses), a class reaches at most one adapter module, its own included. */
    private static ArchRule wireAtMostOneAdapterModule(String wiringPackages) {
        return classes().that().resideOutsideOfPackages(wiringPackages, "dev.llmrouter.benchmarks..", "dev.llmrouter.chaos..")
                .should(new ArchCondition<>("reach at most one adapter module, its own included") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        Set<String> modules = Stream.concat(Stream.of(c),
                                        c.getDirectDependenciesFromSelf().stream().map(Dependency::getTargetClass))
                                .map(t -> adapterModule(t.getBaseComponentType()))
                                .filter(m -> !m.isEmpty())
                                .collect(Collectors.toCollection(TreeSet::new));
                        if (modules.size() > 1) {
                            events.add(SimpleConditionEvent.violated(c,
                                    c.getName() + " depends on the adapter modules " + modules));
                        }
                    }
                })
                .allowEmptyShould(true);
    }

    /** The adapter module a class belongs to ({@code azure} for {@code dev.llmrouter.adapters.azure..}), or "". */
    private static String adapterModule(JavaClass c) {
        String pkg = c.getPackageName();
        if (!pkg.startsWith(ADAPTERS_PREFIX)) {
            return "";
        }
        int end = pkg.indexOf('.', ADAPTERS_PREFIX.length());
        return end < 0 ? pkg.substring(ADAPTERS_PREFIX.length()) : pkg.substring(ADAPTERS_PREFIX.length(), end);
    }

    private static Set<String> names(Class<?>... types) {
        return Stream.of(types).map(Class::getName).collect(Collectors.toUnmodifiableSet());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
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

    /** An adapter where ports would be: proves the ports rule is not vacuous. */
    static final class ImplementsAnOutboundPort implements RouterTelemetry {
    }

    /** Implements nothing the rule concerns. */
    static final class ImplementsNoPort implements Runnable {
        @Override
        public void run() {
        }
    }

    /** Wiring outside the application: proves the wiring rule is not vacuous. */
    @SuppressWarnings("unused")
    static final class WiresTwoAdapters {
        private AzureOpenAiEndpoint endpoint;
        private MicrometerRouterTelemetry telemetry;
    }

    /** One adapter module is allowed (an adapter's own classes reach their module). */
    @SuppressWarnings("unused")
    static final class WiresOneAdapter {
        private MicrometerRouterTelemetry telemetry;
    }
}
