package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ByteBoundEstimator;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.2: the prompt is estimated (the costly part of admission) only after the cheap
 * request-count check, so a caller at its request limit costs no estimate; and a request that could
 * never fit its plan's tokens per minute is refused for good rather than told to retry.
 */
@DisplayName("Requirement 9.2 — cheap checks before the estimate; a request larger than the token limit")
class CheapChecksFirstTest {

    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    /** Counts estimates, answering as the byte bound does. */
    static final class CountingEstimator implements PromptTokenEstimator {
        final AtomicInteger estimates = new AtomicInteger();
        private final ByteBoundEstimator bound = new ByteBoundEstimator();

        @Override
        public PromptEstimate estimate(ChatRequest request, TokenEncoding encoding) {
            estimates.incrementAndGet();
            return bound.estimate(request, encoding);
        }
    }

    private final RouterHarness h = new RouterHarness();
    private final CountingEstimator estimator = new CountingEstimator();

    CheapChecksFirstTest() {
        h.builder.estimator(estimator)
                .rateLimiter(new InMemoryAccountRateLimiter(h.clock::nanos, Duration.ofMinutes(10), Duration.ofNanos(1)));
    }

    private static ChatCommand ask(Plan plan, int maxTokens) {
        return new ChatCommand(new Caller("acct-9", plan, "bob", "chat"), "gpt-4o", null, Residency.ANY, false,
                ChatRequest.chat(BODY).withMaxOutputTokens(maxTokens), "");
    }

    @Test
    void a_caller_at_its_request_limit_is_refused_before_any_estimate() {
        // given 2 requests per minute, both used 10 s apart
        Plan plan = Fixtures.aPlan("slow").highestTier(Tier.PREMIUM).rateLimits(new RateLimits(2, 0)).build();
        h.endpoint.script("gpt-4o-eastus", ok(5, 5), ok(5, 5));
        assertThat(h.router().complete(ask(plan, 100))).isInstanceOf(ChatOutcome.Served.class);
        h.clock.advance(Duration.ofSeconds(10));
        assertThat(h.router().complete(ask(plan, 100))).isInstanceOf(ChatOutcome.Served.class);
        int estimatesOfTheAdmitted = estimator.estimates.get();

        // when a third arrives 10 s later
        h.clock.advance(Duration.ofSeconds(10));
        ChatOutcome third = h.router().complete(ask(plan, 100));

        // then it is refused with the exact wait until the first leaves the window, and never estimated
        assertThat(third).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.RATE_LIMITED);
            assertThat(r.refusal().retryAfter()).contains(Duration.ofSeconds(40));
        });
        assertThat(estimatesOfTheAdmitted).isPositive();
        assertThat(estimator.estimates.get()).isEqualTo(estimatesOfTheAdmitted);
        assertThat(h.endpoint.calls()).hasSize(2);

        // and once the first has left, the next one is estimated and served: the check consumed nothing
        h.clock.advance(Duration.ofSeconds(40));
        h.endpoint.script("gpt-4o-eastus", ok(5, 5));
        assertThat(h.router().complete(ask(plan, 100))).isInstanceOf(ChatOutcome.Served.class);
        assertThat(estimator.estimates.get()).isGreaterThan(estimatesOfTheAdmitted);
    }

    @Test
    void a_refused_check_consumes_nothing_so_a_retry_at_the_given_time_is_admitted() {
        // given 1 request per minute, used
        Plan plan = Fixtures.aPlan("one").highestTier(Tier.PREMIUM).rateLimits(new RateLimits(1, 0)).build();
        h.endpoint.script("gpt-4o-eastus", ok(5, 5), ok(5, 5));
        h.router().complete(ask(plan, 100));

        // when refused repeatedly before the minute is over
        Duration wait = Duration.ZERO;
        for (int i = 0; i < 5; i++) {
            h.clock.advance(Duration.ofSeconds(1));
            ChatOutcome refused = h.router().complete(ask(plan, 100));
            wait = ((ChatOutcome.Refused) refused).refusal().retryAfter().orElseThrow();
        }

        // then one nanosecond early is still refused, and exactly the wait later is served
        h.clock.advance(wait.minusNanos(1));
        assertThat(h.router().complete(ask(plan, 100))).isInstanceOf(ChatOutcome.Refused.class);
        h.clock.advance(Duration.ofNanos(1));
        assertThat(h.router().complete(ask(plan, 100))).isInstanceOf(ChatOutcome.Served.class);
    }

    @Test
    void a_request_larger_than_the_tokens_per_minute_is_refused_for_good_not_rate_limited() {
        // given 1 000 tokens per minute and a request whose output cap alone is 2 000
        Plan plan = Fixtures.aPlan("narrow").highestTier(Tier.PREMIUM).rateLimits(new RateLimits(0, 1_000)).build();

        // when it is routed, with the minute still empty
        ChatOutcome outcome = h.router().complete(ask(plan, 2_000));

        // then it is refused as larger than the limit, without a retry-after, and nothing was called
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.LARGER_THAN_RATE_LIMIT);
            assertThat(r.refusal().retryAfter()).isEmpty();
            assertThat(r.refusal().message()).contains("1000 per minute").contains("max_tokens");
        });
        assertThat(h.endpoint.calls()).isEmpty();

        // and a request that fits is still admitted: the refusal consumed nothing
        h.endpoint.script("gpt-4o-eastus", ok(5, 5));
        assertThat(h.router().complete(ask(plan, 500))).isInstanceOf(ChatOutcome.Served.class);
    }
}
