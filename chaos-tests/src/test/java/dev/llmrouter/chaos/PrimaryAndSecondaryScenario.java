package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fleet most scenarios run against: a primary and a secondary deployment, and a gateway with the
 * default options in front of them, started fresh for each test and closed after it (deployments and
 * gateway together). Scenarios with another fleet or other gateway options set up their own.
 */
abstract class PrimaryAndSecondaryScenario {

    Fleet fleet;
    ChaosGateway gateway;

    @BeforeEach
    void startFleet() {
        fleet = Fleet.primaryAndSecondary();
        gateway = fleet.gateway().start();
        fleet.add(gateway);
    }

    @AfterEach
    void stopFleet() {
        fleet.close();
    }

    /** What {@link #cutStreamsUnderLoad} saw: the load, the streams cut and those served whole. */
    record CutStreams(LoadReport load, long cut, long whole) {}

    /**
     * The primary cutting its streams after their first content (set up, and cut once, by the caller), then
     * streams under load: each caller's stream ended either cut (an error event) or {@code whole}; the cut
     * ones opened the primary's breaker, after which the secondary served every stream whole; every cut
     * stream (the caller's first one included) has one STREAM_INTERRUPTED record, and every whole one a
     * SUCCESS record metered at the secondary's full answer.
     */
    CutStreams cutStreamsUnderLoad(LoadDriver driver, String scenario, IntFunction<HttpRequest> request,
            Predicate<String> whole) {
        LoadReport load = driver.run(scenario, ChaosScale.clients(4), ChaosScale.requests(40), Duration.ofSeconds(30),
                request);
        long cut = load.count(x -> x.ok() && !whole.test(x.body()));
        long served = load.count(x -> x.ok() && whole.test(x.body()));
        assertThat(cut + served).as(load.summary()).isEqualTo(load.requests());
        assertThat(cut + 1).isEqualTo(fleet.primary.answersOf(FakeDeployment.Kind.STREAM_CUT));
        assertThat(served).isEqualTo(fleet.secondary.successfulCalls()).isPositive();
        assertThat(gateway.transitions(Fleet.PRIMARY)).containsEntry("closed->open", 1L);
        List<UsageRecord> records = Accounting.awaitRecords(gateway, load.requests() + 1);
        assertThat(Accounting.count(records, UsageOutcome.STREAM_INTERRUPTED)).isEqualTo(cut + 1);
        Accounting.assertSuccessesMatchUpstream(records, fleet);
        assertThat(records.stream().filter(x -> x.outcome() == UsageOutcome.SUCCESS))
                .allSatisfy(x -> assertThat(x.tokens().outputTokens()).isEqualTo(AzureBodies.STREAM_CHUNKS));
        return new CutStreams(load, cut, served);
    }
}
