package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.RateDimension;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.quota.EndResult;
import dev.llmrouter.ports.quota.Ended;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaDimension;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaRefused;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaUsage;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import dev.llmrouter.ports.quota.StoreUnavailable;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Requirements 5.4, 5.5 and 7.5: a store that keeps both an account's rate limit and its quota may
 * admit a request under both in one round trip. {@link RateAndQuotaStore#of} (two stores asked in
 * order) asks the quota only when the rate limit admitted; a router on a combined store calls it once
 * per admission and nothing else before the call; and whichever way the stores are asked, the router
 * reaches the same outcome: rate limit first, then quota, each store judged by its own fail-closed or
 * fail-open policy.
 */
@DisplayName("Requirements 5.4, 5.5, 7.5: rate limit and quota in one round trip")
class RateAndQuotaStoreTest {

    private static final UnavailableStorePolicy RATE_CLOSED = UnavailableStorePolicy.failClosed(Duration.ofSeconds(3));
    private static final UnavailableStorePolicy QUOTA_CLOSED = UnavailableStorePolicy.failClosed(Duration.ofSeconds(9));
    private static final Plan PLAN = Fixtures.aPlan("metered").highestTier(Tier.PREMIUM)
            .quota(Quota.ofCost(Money.ofUsd("10"))).rateLimits(new RateLimits(100, 1_000_000)).build();
    private static final YearMonth MONTH = YearMonth.of(2026, 3);
    private static final QuotaLimit LIMIT = QuotaLimit.of(PLAN.quota());

    private static final RateAnswer ADMITTED = new RateAnswer.Decided(new RateDecision.Allowed(
            new RateLimitStatus(100, 99, Duration.ofSeconds(60), 1_000_000, 999_000, Duration.ofSeconds(60))));
    private static final RateAnswer LIMITED = new RateAnswer.Decided(new RateDecision.Limited(
            RateDimension.REQUESTS, Duration.ofMillis(2_500), new RateLimitStatus(100, 0, Duration.ofMillis(2_500), 1_000_000, 0, Duration.ZERO)));
    private static final RateAnswer RATE_AWAY = new RateAnswer.Unavailable("timed out after 50 ms");

    private static ChatCommand ask() {
        return new ChatCommand(new Caller("acct-7", PLAN, "dave", "chat"), "gpt-4o", null, Residency.ANY, false,
                ChatRequest.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").withMaxOutputTokens(50), "");
    }

    /** A rate limiter that answers what it is told to, counting its calls. */
    private static final class ScriptedLimiter implements AccountRateLimiter {
        private final RateAnswer answer;
        int acquires;

        ScriptedLimiter(RateAnswer answer) {
            this.answer = answer;
        }

        @Override
        public RateAnswer tryAcquire(String account, RateLimits limits, long tokens) {
            acquires++;
            return answer;
        }

        /** Lets every request on to admission, where the scripted answer is given. */
        @Override
        public RateAnswer check(String account, RateLimits limits, long tokens) {
            return ADMITTED;
        }
    }

    /** A quota store that reserves what it is asked (or answers what it is told to), counting its calls. */
    private static final class ScriptedQuota implements QuotaStore {
        private final ReserveResult answer;
        private final boolean throwing;
        int reserves;
        int ends;

        ScriptedQuota(ReserveResult answer) {
            this(answer, false);
        }

        ScriptedQuota(ReserveResult answer, boolean throwing) {
            this.answer = answer;
            this.throwing = throwing;
        }

        static ScriptedQuota reserving() {
            return new ScriptedQuota(null);
        }

        @Override
        public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
            reserves++;
            if (throwing) {
                throw new IllegalStateException("connection reset");
            }
            return answer != null ? answer : new Reservation(account, period, reserves, amount, Long.MAX_VALUE);
        }

        @Override
        public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
            return new Reservation(held.account(), held.period(), held.id(), newAmount, held.expiresAtEpochNanos());
        }

        @Override
        public EndResult settle(Reservation reservation, QuotaAmount actual) {
            ends++;
            return Ended.WITHIN_LEASE;
        }

        @Override
        public EndResult release(Reservation reservation) {
            ends++;
            return Ended.WITHIN_LEASE;
        }

        @Override
        public QuotaUsage usage(String account, YearMonth period) {
            return QuotaUsage.NONE;
        }
    }

    /** {@link RateAndQuotaStore#of} over the two scripted stores, counting its combined calls. */
    private static final class CountingCombined implements RateAndQuotaStore {
        final ScriptedLimiter limiter;
        final ScriptedQuota quota;
        private final RateAndQuotaStore inOrder;
        private final boolean throwing;
        int admits;

        CountingCombined(ScriptedLimiter limiter, ScriptedQuota quota) {
            this(limiter, quota, false);
        }

        CountingCombined(ScriptedLimiter limiter, ScriptedQuota quota, boolean throwing) {
            this.limiter = limiter;
            this.quota = quota;
            this.inOrder = RateAndQuotaStore.of(limiter, quota);
            this.throwing = throwing;
        }

        @Override
        public AccountRateLimiter rateLimiter() {
            return limiter;
        }

        @Override
        public QuotaStore quotaStore() {
            return quota;
        }

        @Override
        public Answer admit(String account, RateLimits limits, long tokens,
                YearMonth period, QuotaAmount worstCase, QuotaLimit limit, Duration lease) {
            admits++;
            if (throwing) {
                throw new IllegalStateException("connection reset");
            }
            return inOrder.admit(account, limits, tokens, period, worstCase, limit, lease);
        }
    }

    @Nested
    @DisplayName("the default composition asks the quota only after the rate limit admitted")
    class DefaultComposition {

        @Test
        void an_admitted_request_has_its_worst_case_reserved() {
            // given
            ScriptedLimiter limiter = new ScriptedLimiter(ADMITTED);
            ScriptedQuota quota = ScriptedQuota.reserving();

            // when
            RateAndQuotaStore.Answer answer = RateAndQuotaStore.of(limiter, quota)
                    .admit("acct-7", PLAN.rateLimits(), 500, MONTH, new QuotaAmount(1_000, 500), LIMIT, Duration.ofMinutes(1));

            // then
            assertThat(answer).isInstanceOfSatisfying(RateAndQuotaStore.Answer.Both.class, both -> {
                assertThat(both.rate().status()).isEqualTo(((RateAnswer.Decided) ADMITTED).decision().status());
                assertThat(both.quota()).isInstanceOfSatisfying(Reservation.class,
                        r -> assertThat(r.amount()).isEqualTo(new QuotaAmount(1_000, 500)));
            });
            assertThat(limiter.acquires).isEqualTo(1);
            assertThat(quota.reserves).isEqualTo(1);
        }

        @Test
        void a_limited_or_unavailable_rate_limit_leaves_the_quota_unasked() {
            for (RateAnswer rate : List.of(LIMITED, RATE_AWAY)) {
                // given
                ScriptedQuota quota = ScriptedQuota.reserving();

                // when
                RateAndQuotaStore.Answer answer = RateAndQuotaStore.of(new ScriptedLimiter(rate), quota)
                        .admit("acct-7", PLAN.rateLimits(), 500, MONTH, new QuotaAmount(1_000, 500), LIMIT, Duration.ofMinutes(1));

                // then
                assertThat(answer).isEqualTo(new RateAndQuotaStore.Answer.RateOnly(rate));
                assertThat(quota.reserves).isZero();
            }
        }

        @Test
        void a_quota_store_that_throws_after_the_rate_admitted_is_an_unavailable_quota() {
            // when
            RateAndQuotaStore.Answer answer = RateAndQuotaStore.of(new ScriptedLimiter(ADMITTED), new ScriptedQuota(null, true))
                    .admit("acct-7", PLAN.rateLimits(), 500, MONTH, new QuotaAmount(1_000, 500), LIMIT, Duration.ofMinutes(1));

            // then the minute is known to count the request, the quota to be away
            assertThat(answer).isInstanceOfSatisfying(RateAndQuotaStore.Answer.Both.class,
                    both -> assertThat(both.quota()).isInstanceOf(StoreUnavailable.class));
        }
    }

    @Nested
    @DisplayName("a router on a combined store")
    class OneRoundTrip {

        @Test
        void calls_the_combined_store_once_per_admission_and_the_separate_ports_only_to_end() {
            // given
            CountingCombined store = new CountingCombined(new ScriptedLimiter(ADMITTED), ScriptedQuota.reserving());
            RouterHarness h = new RouterHarness();
            h.builder.rateAndQuotaStore(store, RATE_CLOSED, QUOTA_CLOSED, QuotaStore.DEFAULT_LEASE);
            h.endpoint.script("gpt-4o-eastus", ok(10, 20), ok(10, 20), ok(10, 20));

            // when
            for (int i = 0; i < 3; i++) {
                assertThat(h.router().complete(ask())).isInstanceOf(ChatOutcome.Served.class);
            }

            // then one round trip each: the of() inside counted one acquire and one reserve per admission
            assertThat(store.admits).isEqualTo(3);
            assertThat(store.limiter.acquires).isEqualTo(3);
            assertThat(store.quota.reserves).isEqualTo(3);
            assertThat(store.quota.ends).as("each reservation settled through the quota port").isEqualTo(3);
        }

        @Test
        void a_store_that_throws_is_a_rate_limit_that_could_not_answer() {
            // given
            CountingCombined store = new CountingCombined(new ScriptedLimiter(ADMITTED), ScriptedQuota.reserving(), true);
            RouterHarness h = new RouterHarness();
            h.builder.rateAndQuotaStore(store, RATE_CLOSED, QUOTA_CLOSED, QuotaStore.DEFAULT_LEASE);

            // when
            ChatOutcome outcome = h.router().complete(ask());

            // then
            assertRefused(outcome, Refusal.Reason.STORE_UNAVAILABLE, Duration.ofSeconds(3));
            assertThat(h.endpoint.calls()).isEmpty();
        }
    }

    @Nested
    @DisplayName("asked in order or in one round trip, the same outcome")
    class SameOutcome {

        @Test
        void admitted_by_both() {
            assertSameOutcome(ADMITTED, ScriptedQuota.reserving(), RATE_CLOSED,
                    outcome -> assertThat(outcome).isInstanceOf(ChatOutcome.Served.class));
        }

        @Test
        void limited_by_the_rate_before_the_quota_is_asked() {
            assertSameOutcome(LIMITED, new ScriptedQuota(new QuotaRefused(QuotaDimension.COST, 1, 0, 0)), RATE_CLOSED,
                    outcome -> {
                        assertRefused(outcome, Refusal.Reason.RATE_LIMITED, Duration.ofMillis(2_500));
                        assertThat(outcome.rateLimit().refusedBy()).contains(RateDimension.REQUESTS);
                    });
        }

        @Test
        void refused_by_the_quota_after_the_rate_admitted() {
            assertSameOutcome(ADMITTED, new ScriptedQuota(new QuotaRefused(QuotaDimension.COST, 5_000, 0, 1_000)), RATE_CLOSED,
                    outcome -> {
                        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class,
                                r -> assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.QUOTA_EXCEEDED));
                        assertThat(outcome.rateLimit().remainingRequests()).as("the rate's position is reported").isEqualTo(99);
                    });
        }

        @Test
        void a_rate_limit_away_fails_closed_by_its_policy() {
            assertSameOutcome(RATE_AWAY, ScriptedQuota.reserving(), RATE_CLOSED,
                    outcome -> assertRefused(outcome, Refusal.Reason.STORE_UNAVAILABLE, Duration.ofSeconds(3)));
        }

        @Test
        void a_rate_limit_away_failing_open_still_has_the_quota_asked() {
            assertSameOutcome(RATE_AWAY, new ScriptedQuota(new StoreUnavailable("timed out")), UnavailableStorePolicy.FAIL_OPEN,
                    outcome -> assertRefused(outcome, Refusal.Reason.STORE_UNAVAILABLE, Duration.ofSeconds(9)));
            assertSameOutcome(RATE_AWAY, ScriptedQuota.reserving(), UnavailableStorePolicy.FAIL_OPEN,
                    outcome -> assertThat(outcome).isInstanceOf(ChatOutcome.Served.class));
        }

        @Test
        void a_quota_away_fails_closed_by_its_policy() {
            assertSameOutcome(ADMITTED, new ScriptedQuota(new StoreUnavailable("timed out")), RATE_CLOSED,
                    outcome -> assertRefused(outcome, Refusal.Reason.STORE_UNAVAILABLE, Duration.ofSeconds(9)));
        }

        /** The router on two separate gates, then on one combined store, over the same scripted answers. */
        private void assertSameOutcome(RateAnswer rate, ScriptedQuota quotaTemplate, UnavailableStorePolicy ratePolicy,
                Consumer<ChatOutcome> expected) {
            ScriptedQuota separateQuota = new ScriptedQuota(quotaTemplate.answer, quotaTemplate.throwing);
            RouterHarness separate = new RouterHarness();
            separate.builder.rateLimits(new AccountRateGate(new ScriptedLimiter(rate), ratePolicy))
                    .quota(new QuotaStoreGate(separateQuota, QUOTA_CLOSED, QuotaStore.DEFAULT_LEASE));
            separate.endpoint.script("gpt-4o-eastus", ok(10, 20));

            ScriptedQuota combinedQuota = new ScriptedQuota(quotaTemplate.answer, quotaTemplate.throwing);
            CountingCombined store = new CountingCombined(new ScriptedLimiter(rate), combinedQuota);
            RouterHarness combined = new RouterHarness();
            combined.builder.rateAndQuotaStore(store, ratePolicy, QUOTA_CLOSED, QuotaStore.DEFAULT_LEASE);
            combined.endpoint.script("gpt-4o-eastus", ok(10, 20));

            ChatOutcome inOrder = separate.router().complete(ask());
            ChatOutcome oneTrip = combined.router().complete(ask());

            expected.accept(inOrder);
            expected.accept(oneTrip);
            assertThat(oneTrip.getClass()).isEqualTo(inOrder.getClass());
            assertThat(oneTrip.rateLimit()).isEqualTo(inOrder.rateLimit());
            if (inOrder instanceof ChatOutcome.Refused refused) {
                assertThat(((ChatOutcome.Refused) oneTrip).refusal()).isEqualTo(refused.refusal());
            }
            assertThat(combinedQuota.reserves).as("the quota asked as often either way").isEqualTo(separateQuota.reserves);
            assertThat(store.admits).isEqualTo(1);
            assertThat(combined.endpoint.calls()).hasSameSizeAs(separate.endpoint.calls());
        }
    }

    private static void assertRefused(ChatOutcome outcome, Refusal.Reason reason, Duration retryAfter) {
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, refused -> {
            assertThat(refused.refusal().reason()).isEqualTo(reason);
            assertThat(refused.refusal().retryAfter()).contains(retryAfter);
        });
    }
}
