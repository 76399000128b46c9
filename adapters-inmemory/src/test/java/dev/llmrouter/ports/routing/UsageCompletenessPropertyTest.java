package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.stream;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.streamCut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 15 — usage logging completeness (Requirement 5.1): for any sequence of requests and
 * scripted outcomes, the ledger holds exactly one record per request that reached a deployment and
 * none for the others, every field filled and consistent with what happened (cost is the model's
 * price of the tokens, the deployment is the last one called, the path lists the attempts).
 */
@DisplayName("Property 15 — usage logging completeness")
class UsageCompletenessPropertyTest {

    private static final String EAST = "gpt-4o-eastus";
    private static final String WEST = "gpt-4o-westeurope";

    /** What happens to one request. */
    enum Scenario {
        SUCCESS, FALLBACK_THEN_SUCCESS, FINAL_ERROR, EXHAUSTED, STREAM_OK, STREAM_FALLBACK_BEFORE_CONTENT,
        STREAM_CUT, STREAM_CALLER_GONE, REFUSED_UNKNOWN_MODEL, REFUSED_RATE_LIMIT, REFUSED_QUOTA, ALL_COOLING_DOWN
    }

    record Request(Scenario scenario, int tokens) {}

    @Test
    void one_record_per_request_that_reached_a_deployment() {
        qt().withExamples(60).forAll(lists().of(integers().between(0, Scenario.values().length - 1)
                        .zip(integers().between(1, 9), (s, n) -> new Request(Scenario.values()[s], n)))
                .ofSizeBetween(1, 15))
                .checkAssert(this::check);
    }

    private void check(List<Request> requests) {
        // given a router over the example fleet, with switchable limits and a scripted endpoint
        FakeClock clock = new FakeClock();
        Fleet fleet = Fixtures.exampleFleet();
        ScriptedChatEndpoint endpoint = new ScriptedChatEndpoint(clock);
        InMemoryUsageLedger ledger = new InMemoryUsageLedger();
        RecordingQuotaGate quota = new RecordingQuotaGate();
        boolean[] rateLimited = {false};
        LocalDeploymentHealth health = new LocalDeploymentHealth();
        Router router = Router.builder().fleet(fleet).endpoint(endpoint).clock(clock).ticker(clock.ticker())
                .retry(RetrySettings.defaults().withoutBackoff()).ledger(ledger).health(health).quota(quota)
                .rateLimits((caller, tokens, now) -> rateLimited[0]
                        ? new RateGate.Verdict.Limited("slow down", java.util.Optional.of(Duration.ofSeconds(3)), RateLimitStatus.UNLIMITED)
                        : new RateGate.Verdict.Allowed(RateLimitStatus.UNLIMITED))
                .build();
        Caller caller = new Caller("acct-1", Fixtures.enterprisePlan(), "alice", "summarize");

        int expectedRecords = 0;
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            Scenario s = r.scenario();
            String id = "req-" + i;
            int callsBefore = endpoint.calls().size();
            rateLimited[0] = s == Scenario.REFUSED_RATE_LIMIT;
            quota.refuseReservations = s == Scenario.REFUSED_QUOTA;
            script(endpoint, s, r.tokens());
            if (s == Scenario.ALL_COOLING_DOWN) {
                health.coolDownUntil(DeploymentId.of(EAST), clock.instant().plusSeconds(1));
                health.coolDownUntil(DeploymentId.of(WEST), clock.instant().plusSeconds(1));
            }
            ChatCommand command = new ChatCommand(caller, s == Scenario.REFUSED_UNKNOWN_MODEL ? "no-such-model" : "gpt-4o",
                    null, Residency.ANY, false, ChatRequest.chat("{\"messages\":[]}"), id);

            // when the request is routed
            ChatOutcome outcome = s.name().startsWith("STREAM")
                    ? router.stream(command, listener(s == Scenario.STREAM_CALLER_GONE ? 1 : Integer.MAX_VALUE))
                    : router.complete(command);
            clock.advance(Duration.ofSeconds(2)); // any cooldown is over before the next request

            // then a request that reached a deployment has exactly one record, consistent with the outcome
            List<String> called = endpoint.calledDeployments().subList(callsBefore, endpoint.calls().size());
            List<UsageRecord> mine = ledger.all().stream().filter(rec -> rec.requestId().equals(id)).toList();
            if (called.isEmpty()) {
                assertThat(mine).as("%s: no deployment reached, no record", s).isEmpty();
                continue;
            }
            expectedRecords++;
            assertThat(mine).as("%s: one record", s).hasSize(1);
            UsageRecord rec = mine.get(0);
            assertThat(rec.deployment()).isEqualTo(called.get(called.size() - 1));
            assertThat(rec.accountId()).isEqualTo("acct-1");
            assertThat(rec.creator()).isEqualTo("alice");
            assertThat(rec.operation()).isEqualTo("summarize");
            assertThat(rec.planId()).isEqualTo("enterprise");
            assertThat(rec.model()).isEqualTo("gpt-4o");
            assertThat(rec.region()).isEqualTo(fleet.deployment(DeploymentId.of(rec.deployment())).orElseThrow().region().name());
            assertThat(rec.cost()).isEqualTo(fleet.catalog().model(rec.model()).orElseThrow().pricing().costOf(rec.tokens()));
            assertThat(rec.latency().isNegative()).isFalse();
            assertThat(rec.requestedTier()).isPresent();
            assertThat(rec.path()).hasSize(attemptsOf(outcome).size());
            for (int k = 0; k < rec.path().size(); k++) {
                assertThat(rec.path().get(k)).startsWith(attemptsOf(outcome).get(k).deployment().value() + ":"
                        + attemptsOf(outcome).get(k).outcome());
            }
            assertThat(rec.outcome()).isEqualTo(expectedOutcome(s));
            assertThat(rec.timeToFirstToken().isPresent()).isEqualTo(s.name().startsWith("STREAM"));
            if (s == Scenario.SUCCESS || s == Scenario.FALLBACK_THEN_SUCCESS) {
                assertThat(rec.tokens()).isEqualTo(new TokenUsage(100L * r.tokens(), 10L * r.tokens()));
            }
            if (s == Scenario.STREAM_CUT) {
                assertThat(rec.tokens()).isEqualTo(new TokenUsage(50, r.tokens()));
            }
        }
        assertThat(ledger.all()).hasSize(expectedRecords);
        assertThat(quota.open).as("every reservation settled or released").isZero();
    }

    private static void script(ScriptedChatEndpoint endpoint, Scenario s, int n) {
        switch (s) {
            case SUCCESS, STREAM_OK -> endpoint.script(EAST, s == Scenario.SUCCESS ? ok(100L * n, 10L * n) : stream(n, 50));
            case FALLBACK_THEN_SUCCESS -> endpoint.script(EAST, fail(FailureKind.SERVER_ERROR))
                    .script(WEST, ok(100L * n, 10L * n));
            case FINAL_ERROR -> endpoint.script(EAST, fail(FailureKind.CONTENT_FILTERED));
            case EXHAUSTED -> endpoint.script(EAST, fail(FailureKind.SERVER_ERROR)).script(WEST, fail(FailureKind.TIMEOUT));
            case STREAM_FALLBACK_BEFORE_CONTENT -> endpoint.script(EAST, streamCut(0, 50, FailureKind.CONNECTION_RESET))
                    .script(WEST, stream(n, 50));
            case STREAM_CUT -> endpoint.script(EAST, streamCut(n, 50, FailureKind.CONNECTION_RESET));
            case STREAM_CALLER_GONE -> endpoint.script(EAST, stream(n + 1, 50));
            default -> endpoint.script(EAST, ok(1, 1)).script(WEST, ok(1, 1));
        }
    }

    private static UsageOutcome expectedOutcome(Scenario s) {
        return switch (s) {
            case FINAL_ERROR -> UsageOutcome.FINAL_ERROR;
            case EXHAUSTED -> UsageOutcome.EXHAUSTED;
            case STREAM_CUT -> UsageOutcome.STREAM_INTERRUPTED;
            case STREAM_CALLER_GONE -> UsageOutcome.CANCELLED;
            default -> UsageOutcome.SUCCESS;
        };
    }

    private static List<dev.llmrouter.ports.router.Attempt> attemptsOf(ChatOutcome o) {
        if (o instanceof ChatOutcome.Served x) {
            return x.attempts();
        }
        if (o instanceof ChatOutcome.Failed x) {
            return x.attempts();
        }
        if (o instanceof ChatOutcome.Exhausted x) {
            return x.attempts();
        }
        if (o instanceof ChatOutcome.StreamBroken x) {
            return x.attempts();
        }
        return List.of();
    }

    /** A caller that accepts {@code max} content chunks and then goes away. */
    private static StreamListener listener(int max) {
        List<StreamChunk> got = new ArrayList<>();
        return new StreamListener() {
            @Override
            public void onStart(RouteInfo route, RateLimitStatus rateLimit) {}

            @Override
            public boolean onChunk(StreamChunk chunk) {
                got.add(chunk);
                return got.stream().filter(StreamChunk::hasContent).count() < max;
            }
        };
    }

}
