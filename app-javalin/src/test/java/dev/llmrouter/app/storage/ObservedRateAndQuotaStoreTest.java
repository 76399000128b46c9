package dev.llmrouter.app.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.ports.quota.EndResult;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaUsage;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import dev.llmrouter.ports.quota.StoreUnavailable;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import dev.llmrouter.ports.routing.UnavailableStorePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.YearMonth;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 7.5 on the one-round-trip admission: a combined store that cannot answer is observed as
 * its rate limit away; failing open, the per-process limiter decides and the quota is then asked alone
 * (so the quota's own policy still applies); failing closed, the unavailability goes on to the gate.
 * Each part's availability follows its own answers.
 */
@DisplayName("Requirement 7.5 — the combined rate and quota store fails open or closed as its two parts would")
class ObservedRateAndQuotaStoreTest {

    private static final RateLimits TWO_PER_MINUTE = new RateLimits(2, 0);
    private static final YearMonth MONTH = YearMonth.of(2026, 3);
    private static final QuotaAmount WORST_CASE = new QuotaAmount(1_000, 10);

    /** A combined store over in-memory parts that can be switched off, as a Redis that went away. */
    private static final class Switchable implements RateAndQuotaStore {
        volatile boolean down;
        final RateAndQuotaStore inner;

        Switchable(QuotaStore quota) {
            this.inner = RateAndQuotaStore.of(new InMemoryAccountRateLimiter(), quota);
        }

        @Override
        public dev.llmrouter.ports.ratelimit.AccountRateLimiter rateLimiter() {
            return inner.rateLimiter();
        }

        @Override
        public QuotaStore quotaStore() {
            return inner.quotaStore();
        }

        @Override
        public Answer admit(String account, RateLimits limits, long tokens, YearMonth period, QuotaAmount worstCase,
                QuotaLimit quota, Duration lease) {
            return down ? new Answer.RateOnly(new RateAnswer.Unavailable("connection refused"))
                    : inner.admit(account, limits, tokens, period, worstCase, quota, lease);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StoreMonitor monitor = new StoreMonitor(registry);

    private double counted(String store, String decision) {
        var counter = registry.find("llm_router_store_unavailable_total").tag("store", store).tag("decision", decision).counter();
        return counter == null ? 0 : counter.count();
    }

    private double available(String store) {
        return registry.get("llm_router_store_available").tag("store", store).gauge().value();
    }

    private RateAndQuotaStore observed(Switchable store, boolean failOpen, QuotaStore quotaSeenAlone) {
        StoreMonitor.Health rateHealth = monitor.watch("rate_limit", "redis", failOpen ? "fail-open-local" : "fail-closed",
                StoreMonitor.Probe.NONE);
        StoreMonitor.Health quotaHealth = monitor.watch("quota", "redis", "fail-closed", StoreMonitor.Probe.NONE);
        return new ObservedRateAndQuotaStore(store,
                new ObservedRateLimiter(store.rateLimiter(), failOpen ? new InMemoryAccountRateLimiter() : null, rateHealth),
                new ObservedQuotaStore(quotaSeenAlone, quotaHealth, UnavailableStorePolicy.FAIL_CLOSED));
    }

    private RateAndQuotaStore.Answer admit(RateAndQuotaStore store) {
        return store.admit("acme", TWO_PER_MINUTE, 1, MONTH, WORST_CASE, QuotaLimit.UNLIMITED, Duration.ofMinutes(5));
    }

    @Test
    void failing_open_the_per_process_limiter_decides_and_the_quota_is_asked_alone() {
        // given a combined store that is down, its quota asked alone answering unavailable too
        QuotaStore quotaAway = new QuotaStore() {
            @Override
            public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
                return new StoreUnavailable("connection refused");
            }

            @Override
            public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
                return new StoreUnavailable("connection refused");
            }

            @Override
            public EndResult settle(Reservation reservation, QuotaAmount actual) {
                return new StoreUnavailable("connection refused");
            }

            @Override
            public EndResult release(Reservation reservation) {
                return new StoreUnavailable("connection refused");
            }

            @Override
            public QuotaUsage usage(String account, YearMonth period) {
                throw new IllegalStateException("connection refused");
            }
        };
        Switchable store = new Switchable(new InMemoryQuotaStore());
        RateAndQuotaStore observed = observed(store, true, quotaAway);
        store.down = true;

        // when three requests come within the minute
        RateAndQuotaStore.Answer first = admit(observed);
        admit(observed);
        RateAndQuotaStore.Answer third = admit(observed);

        // then the local limiter admitted two (each then told its quota is away) and limited the third
        assertThat(first).isInstanceOfSatisfying(RateAndQuotaStore.Answer.Both.class,
                both -> assertThat(both.quota()).isInstanceOf(StoreUnavailable.class));
        assertThat(third).isInstanceOfSatisfying(RateAndQuotaStore.Answer.RateOnly.class,
                rateOnly -> assertThat(rateOnly.rate()).isInstanceOf(RateAnswer.Decided.class));
        assertThat(counted("rate_limit", "fail_open_local")).isEqualTo(3);
        assertThat(counted("quota", "fail_closed")).isEqualTo(2);
        assertThat(available("rate_limit")).isZero();
        assertThat(available("quota")).isZero();
    }

    @Test
    void failing_closed_the_unavailability_goes_on_and_an_answering_store_is_available_again() {
        // given a combined store that is down, failing closed
        Switchable store = new Switchable(new InMemoryQuotaStore());
        RateAndQuotaStore observed = observed(store, false, store.quotaStore());
        store.down = true;

        // when a request is admitted
        RateAndQuotaStore.Answer away = admit(observed);

        // then it is told the rate limit is away, the quota unasked
        assertThat(away).isEqualTo(new RateAndQuotaStore.Answer.RateOnly(new RateAnswer.Unavailable("connection refused")));
        assertThat(counted("rate_limit", "fail_closed")).isEqualTo(1);
        assertThat(available("rate_limit")).isZero();

        // and when the store is back, one call admits and reserves, and both parts are available
        store.down = false;
        assertThat(admit(observed)).isInstanceOfSatisfying(RateAndQuotaStore.Answer.Both.class,
                both -> assertThat(both.quota()).isInstanceOf(Reservation.class));
        assertThat(available("rate_limit")).isEqualTo(1);
        assertThat(available("quota")).isEqualTo(1);
    }
}
