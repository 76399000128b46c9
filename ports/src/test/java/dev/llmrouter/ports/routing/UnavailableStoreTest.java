package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.quota.EndResult;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaUsage;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 7.5: a quota store or rate limiter that cannot answer is a value the router applies a
 * policy to. Failing closed, the request is refused as {@link Refusal.Reason#STORE_UNAVAILABLE} with
 * the policy's wait, nothing reaches a deployment and nothing is recorded; failing open, it is
 * served. A store that throws instead of answering is treated the same: never a 500, never an
 * orphaned reservation.
 */
@DisplayName("Requirement 7.5: an unavailable store is a value; fail closed or fail open")
class UnavailableStoreTest {

    private static final UnavailableStorePolicy CLOSED = UnavailableStorePolicy.failClosed(Duration.ofSeconds(7));
    private static final Plan PLAN = Fixtures.aPlan("metered").highestTier(Tier.PREMIUM)
            .quota(Quota.ofCost(Money.ofUsd("10"))).rateLimits(new RateLimits(100, 1_000_000)).build();

    private static ChatCommand ask() {
        return new ChatCommand(new Caller("acct-9", PLAN, "carol", "chat"), "gpt-4o", null, Residency.ANY, false,
                ChatRequest.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").withMaxOutputTokens(50), "");
    }

    /** A quota store that is away: every answer is {@link StoreUnavailable}, or it throws. */
    private static class AwayQuotaStore implements QuotaStore {
        final boolean throwing;
        final AtomicInteger calls = new AtomicInteger();

        AwayQuotaStore(boolean throwing) {
            this.throwing = throwing;
        }

        private StoreUnavailable away() {
            calls.incrementAndGet();
            if (throwing) {
                throw new IllegalStateException("connection reset");
            }
            return new StoreUnavailable("timed out after 50 ms");
        }

        @Override
        public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
            return away();
        }

        @Override
        public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
            return away();
        }

        @Override
        public EndResult settle(Reservation reservation, QuotaAmount actual) {
            return away();
        }

        @Override
        public EndResult release(Reservation reservation) {
            return away();
        }

        @Override
        public QuotaUsage usage(String account, YearMonth period) {
            return QuotaUsage.NONE;
        }
    }

    /** A rate limiter that is away. */
    private static final AccountRateLimiter AWAY_LIMITER = new AccountRateLimiter() {
        @Override
        public RateAnswer tryAcquire(String account, RateLimits limits, long tokens) {
            return new RateAnswer.Unavailable("timed out after 50 ms");
        }

        @Override
        public RateAnswer check(String account, RateLimits limits, long tokens) {
            return new RateAnswer.Unavailable("timed out after 50 ms");
        }
    };

    private static void assertRefusedAsUnavailable(RouterHarness h, ChatOutcome outcome) {
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, refused -> {
            assertThat(refused.refusal().reason()).isEqualTo(Refusal.Reason.STORE_UNAVAILABLE);
            assertThat(refused.refusal().retryAfter()).contains(Duration.ofSeconds(7));
        });
        assertThat(h.endpoint.calls()).as("nothing reached a deployment").isEmpty();
        assertThat(h.ledger.all()).isEmpty();
    }

    @Test
    void a_quota_store_that_answers_unavailable_fails_closed_by_default_policy() {
        RouterHarness h = new RouterHarness();
        h.builder.quota(new QuotaStoreGate(new AwayQuotaStore(false), CLOSED, QuotaStore.DEFAULT_LEASE));
        h.endpoint.script("gpt-4o-eastus", ok(10, 20));

        assertRefusedAsUnavailable(h, h.router().complete(ask()));
    }

    @Test
    void a_quota_store_that_throws_is_treated_as_unavailable_not_a_500() {
        RouterHarness h = new RouterHarness();
        h.builder.quotaStore(new AwayQuotaStore(true));
        h.endpoint.script("gpt-4o-eastus", ok(10, 20));

        ChatOutcome outcome = h.router().complete(ask());

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, refused -> {
            assertThat(refused.refusal().reason()).isEqualTo(Refusal.Reason.STORE_UNAVAILABLE);
            assertThat(refused.refusal().retryAfter()).contains(UnavailableStorePolicy.FAIL_CLOSED.retryAfter());
        });
        assertThat(h.endpoint.calls()).isEmpty();
    }

    @Test
    void a_quota_store_set_to_fail_open_lets_the_request_through_and_holds_nothing() {
        RouterHarness h = new RouterHarness();
        AwayQuotaStore store = new AwayQuotaStore(false);
        h.builder.quota(new QuotaStoreGate(store, UnavailableStorePolicy.FAIL_OPEN, QuotaStore.DEFAULT_LEASE));
        h.endpoint.script("gpt-4o-eastus", ok(10, 20));

        assertThat(h.router().complete(ask())).isInstanceOf(ChatOutcome.Served.class);
        assertThat(store.calls.get()).as("only the reservation was asked: nothing held, nothing to settle").isEqualTo(1);
        assertThat(h.ledger.all()).hasSize(1);
    }

    @Test
    void a_rate_limiter_that_answers_unavailable_fails_closed() {
        RouterHarness h = new RouterHarness();
        h.builder.rateLimits(new AccountRateGate(AWAY_LIMITER, CLOSED));
        h.endpoint.script("gpt-4o-eastus", ok(10, 20));

        assertRefusedAsUnavailable(h, h.router().complete(ask()));
    }

    @Test
    void a_rate_limiter_set_to_fail_open_admits() {
        RouterHarness h = new RouterHarness();
        h.builder.rateLimits(new AccountRateGate(AWAY_LIMITER, UnavailableStorePolicy.FAIL_OPEN));
        h.endpoint.script("gpt-4o-eastus", ok(10, 20));

        assertThat(h.router().complete(ask())).isInstanceOf(ChatOutcome.Served.class);
        assertThat(h.endpoint.calls()).hasSize(1);
    }

    @Test
    void a_settle_the_store_cannot_take_still_serves_the_request() {
        // given a store that reserves, then goes away before the settle
        RouterHarness h = new RouterHarness();
        AtomicInteger settles = new AtomicInteger();
        QuotaStore flaky = new AwayQuotaStore(false) {
            @Override
            public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
                return new Reservation(account, period, 1, amount, Long.MAX_VALUE);
            }

            @Override
            public EndResult settle(Reservation reservation, QuotaAmount actual) {
                settles.incrementAndGet();
                return new StoreUnavailable("connection lost");
            }
        };
        h.builder.quotaStore(flaky);
        h.endpoint.script("gpt-4o-eastus", ok(10, 20));

        // then the caller is served and the record kept; the worst case stays held until its lease ends
        assertThat(h.router().complete(ask())).isInstanceOf(ChatOutcome.Served.class);
        assertThat(settles.get()).isEqualTo(1);
        assertThat(h.ledger.all()).hasSize(1);
    }
}
