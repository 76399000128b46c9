package dev.llmrouter.app.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 7.5 for rate limits: while the shared limiter cannot answer, a limiter that fails open
 * lets the per-process limiter decide (the plan's limit still holds for this process's traffic), one
 * that fails closed passes the unavailability on for the gate to refuse; each such decision is counted
 * under its name, and the store's availability follows its answers. The shared limiter's cheap room
 * answer (Requirement 9.2's precheck) is passed on.
 */
@DisplayName("Requirement 7.5 — rate limits fail open to the per-process limiter, or closed, and are counted")
class ObservedRateLimiterTest {

    private static final RateLimits TWO_PER_MINUTE = new RateLimits(2, 0);

    /** A shared limiter that can be switched off, as a Redis that went away. */
    private static final class Switchable implements AccountRateLimiter {
        volatile boolean down;
        private final AccountRateLimiter inner = new InMemoryAccountRateLimiter();

        @Override
        public RateAnswer tryAcquire(String account, RateLimits limits, long tokens) {
            return down ? new RateAnswer.Unavailable("connection refused") : inner.tryAcquire(account, limits, tokens);
        }

        @Override
        public RateAnswer check(String account, RateLimits limits, long tokens) {
            return down ? new RateAnswer.Unavailable("connection refused") : inner.check(account, limits, tokens);
        }

        @Override
        public boolean surelyRoomForOneMore(String account, RateLimits limits) {
            return !down && inner.surelyRoomForOneMore(account, limits);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StoreMonitor monitor = new StoreMonitor(registry);
    private final Switchable shared = new Switchable();

    private double counted(String decision) {
        var counter = registry.find("llm_router_store_unavailable_total").tag("store", "rate_limit").tag("decision", decision)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double available() {
        return registry.get("llm_router_store_available").tag("store", "rate_limit").gauge().value();
    }

    @Test
    void failing_open_the_per_process_limiter_still_holds_the_limit() {
        // given a shared limiter that is down, failing open to a per-process one
        AccountRateLimiter limiter = new ObservedRateLimiter(shared,
                new InMemoryAccountRateLimiter(), monitor.watch("rate_limit", "redis", "fail-open-local", StoreMonitor.Probe.NONE));
        shared.down = true;

        // when three requests come within the minute
        RateAnswer first = limiter.tryAcquire("acme", TWO_PER_MINUTE, 1);
        RateAnswer second = limiter.tryAcquire("acme", TWO_PER_MINUTE, 1);
        RateAnswer third = limiter.tryAcquire("acme", TWO_PER_MINUTE, 1);

        // then two are admitted and the third is limited, by the local limiter; three fail-open decisions are counted
        assertThat(first).isInstanceOfSatisfying(RateAnswer.Decided.class,
                d -> assertThat(d.decision()).isInstanceOf(RateDecision.Allowed.class));
        assertThat(second).isInstanceOfSatisfying(RateAnswer.Decided.class,
                d -> assertThat(d.decision()).isInstanceOf(RateDecision.Allowed.class));
        assertThat(third).isInstanceOfSatisfying(RateAnswer.Decided.class,
                d -> assertThat(d.decision()).isInstanceOf(RateDecision.Limited.class));
        assertThat(counted("fail_open_local")).isEqualTo(3);
        assertThat(available()).isZero();
        assertThat(monitor.statuses()).singleElement().satisfies(s -> {
            assertThat(s.available()).isFalse();
            assertThat(s.problem()).contains("connection refused");
        });

        // and when the shared limiter is back, it answers again and the store is available
        shared.down = false;
        assertThat(limiter.tryAcquire("acme", TWO_PER_MINUTE, 1)).isInstanceOf(RateAnswer.Decided.class);
        assertThat(available()).isEqualTo(1);
        assertThat(counted("fail_open_local")).isEqualTo(3);
    }

    @Test
    void failing_closed_the_unavailability_goes_on_to_the_gate_and_is_counted() {
        // given a shared limiter that is down, failing closed
        AccountRateLimiter limiter = new ObservedRateLimiter(shared, null,
                monitor.watch("rate_limit", "redis", "fail-closed", StoreMonitor.Probe.NONE));
        shared.down = true;

        // when a request is prechecked and then admitted
        RateAnswer precheck = limiter.check("acme", TWO_PER_MINUTE, 1);
        RateAnswer answer = limiter.tryAcquire("acme", TWO_PER_MINUTE, 1);

        // then both say unavailable, and one decision (the admission) is counted as failing closed
        assertThat(precheck).isInstanceOf(RateAnswer.Unavailable.class);
        assertThat(answer).isEqualTo(new RateAnswer.Unavailable("connection refused"));
        assertThat(counted("fail_closed")).isEqualTo(1);
        assertThat(counted("fail_open_local")).isZero();
    }

    @Test
    void a_throwing_limiter_is_an_unavailable_one() {
        AccountRateLimiter throwing = new AccountRateLimiter() {
            @Override
            public RateAnswer tryAcquire(String account, RateLimits limits, long tokens) {
                throw new IllegalStateException("boom");
            }

            @Override
            public RateAnswer check(String account, RateLimits limits, long tokens) {
                throw new IllegalStateException("boom");
            }
        };
        AccountRateLimiter limiter = new ObservedRateLimiter(throwing, null,
                monitor.watch("rate_limit", "redis", "fail-closed", StoreMonitor.Probe.NONE));

        assertThat(limiter.tryAcquire("acme", TWO_PER_MINUTE, 1)).isEqualTo(new RateAnswer.Unavailable("IllegalStateException"));
        assertThat(counted("fail_closed")).isEqualTo(1);
    }

    @Test
    void the_shared_limiters_room_answer_is_passed_on_so_the_precheck_needs_no_full_check() {
        // given a shared limiter whose latest admission left room for one more request, then none
        AccountRateLimiter limiter = new ObservedRateLimiter(shared, null,
                monitor.watch("rate_limit", "redis", "fail-closed", StoreMonitor.Probe.NONE));
        limiter.tryAcquire("acct", TWO_PER_MINUTE, 1);
        assertThat(limiter.surelyRoomForOneMore("acct", TWO_PER_MINUTE)).isTrue();

        limiter.tryAcquire("acct", TWO_PER_MINUTE, 1);
        assertThat(limiter.surelyRoomForOneMore("acct", TWO_PER_MINUTE)).isFalse();
    }
}
