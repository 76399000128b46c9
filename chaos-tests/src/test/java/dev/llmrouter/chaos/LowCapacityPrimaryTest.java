package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageOutcome;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 14, Requirement 1.4 (balancing by Azure's remaining capacity): two primaries, one of them
 * with a small tokens-per-window quota (six requests' worth per 2 s window) that it reports on every
 * answer ({@code x-ratelimit-remaining-tokens} and its reset) and enforces with a 429 when a request
 * does not fit, as Azure does; the other without limit.
 *
 * <p>The same load runs twice in the same test, each time against a fresh gateway and fresh
 * deployments: under the default {@code balanced} strategy, and under strict priority (the
 * {@code weighted} strategy with weights 1 and 0: the small primary first, the other only as its
 * fallback). Proves: balanced, the small primary receives no request it could not fit (it answers no
 * 429) while it still serves its quota every window; strict priority calls it past its quota and is
 * answered 429s (measured, and at least one per window it exhausted), each a fallback the balanced
 * run saved. Every request is served in both runs.
 */
@DisplayName("Scenario 14: a primary reporting low remaining tokens gets no request it cannot fit (429s against strict priority)")
class LowCapacityPrimaryTest {

    static final String SMALL = "economy-eastus";
    static final String LARGE = "economy-eastus2";
    /** Each request is charged its 12 prompt tokens and its max_tokens (16): six fit a window. */
    static final long CHARGE = AzureBodies.PROMPT_TOKENS + 16;
    static final long QUOTA = 6 * CHARGE;
    static final Duration WINDOW = Duration.ofSeconds(2);
    static final Duration LENGTH = Duration.ofSeconds(6);

    /** {@code records}: SUCCESS usage records, asserted equal to the two deployments' complete answers. */
    record Run(LoadReport report, long smallServed, long small429, long largeServed, long windows, long records) {}

    @Test
    void no_request_it_cannot_fit_against_strict_priority() {
        Run balanced = run("14 balanced", null, 1);
        Run strict = run("14 strict priority", "weighted", 0);

        // balanced: the small primary served within its quota and was never called past it; the pick
        // takes a request's room in the same step as it chooses, so callers picking at the same
        // instant never share its last room
        assertThat(balanced.small429()).as("429s of the small primary, balanced").isZero();
        assertThat(balanced.smallServed()).as("it still serves its quota").isGreaterThanOrEqualTo(6);
        // strict: it was called past its quota, at least once per window it exhausted
        assertThat(strict.small429()).as("429s of the small primary, strict priority")
                .isGreaterThanOrEqualTo(strict.windows() - 1).isPositive();
        assertThat(strict.smallServed()).isGreaterThanOrEqualTo(6);

        Scorecard.add(new Scorecard.Row("14 primary reporting low remaining tokens", balanced.report().requests()
                + strict.report().requests(), 1.0, "100 %",
                Math.max(balanced.report().p99Millis(), strict.report().p99Millis()), strict.small429(), "0",
                (balanced.records() + strict.records()) + " SUCCESS = " + (balanced.records() + strict.records())
                        + " upstream 200s", "-",
                "balanced: no call past its quota (" + balanced.smallServed() + " served by it, "
                        + balanced.largeServed() + " by the other); strict priority: " + strict.small429()
                        + " 429s in " + strict.windows() + " windows (" + strict.smallServed() + " served by it), "
                        + "each a fallback saved"));
    }

    private Run run(String scenario, String strategy, int largeWeight) {
        try (FakeDeployment small = FakeDeployment.start(SMALL, ChaosGateway.MODEL).tokenQuota(QUOTA, WINDOW);
                FakeDeployment large = FakeDeployment.start(LARGE, ChaosGateway.MODEL)) {
            ChaosGateway.Builder b = ChaosGateway.builder()
                    .deployment(SMALL, "eastus", "primary", small)
                    .deployment(LARGE, "eastus2", "primary", large)
                    .weight(LARGE, largeWeight);
            if (strategy != null) {
                b.balancing(strategy);
            }
            try (ChaosGateway gateway = b.start()) {
                LoadReport report = new LoadDriver(LoadDriver.newClient()).run(scenario, ChaosScale.clients(4),
                        ChaosScale.requests(100_000), ChaosScale.duration(LENGTH), i -> gateway.chat());
                assertThat(report.succeeded()).as(report.summary()).isEqualTo(report.requests());
                var records = Accounting.awaitRecords(gateway, report.requests());
                assertThat(records).hasSize(report.requests())
                        .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(UsageOutcome.SUCCESS));
                assertThat((long) records.size()).isEqualTo(small.successfulCalls() + large.successfulCalls());
                long windows = (report.elapsed().toMillis() + WINDOW.toMillis() - 1) / WINDOW.toMillis();
                return new Run(report, small.successfulCalls(), small.answersOf(FakeDeployment.Kind.THROTTLED),
                        large.successfulCalls(), windows, records.size());
            }
        }
    }
}
