package dev.llmrouter.app.http;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.usage.UsageQueryUseCase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Hand-written stand-ins for the usage query, the deployment status query and the key directory. */
final class Fakes {

    private Fakes() {}

    /** Keys of the tests: one per plan, and an operator. */
    static final String FREE_KEY = "sk-free-0123456789";
    static final String PRO_KEY = "sk-pro-0123456789";
    static final String ENTERPRISE_KEY = "sk-ent-0123456789";
    static final String OPERATOR_KEY = "sk-ops-0123456789";
    /** Two requests a minute. */
    static final String LIMITED_KEY = "sk-limited-0123456789";
    /** A monthly quota of 100 tokens: any real request's worst case exceeds it. */
    static final String BROKE_KEY = "sk-broke-0123456789";
    /** Two requests in progress at once; its plan is {@link #CONCURRENCY_PLAN}. */
    static final String TWO_AT_ONCE_KEY = "sk-two-at-once-0123456789";
    static final String CONCURRENCY_PLAN = "two-at-once";
    /** 1 000 tokens a minute: a request asking for more output than that can never be admitted. */
    static final String NARROW_KEY = "sk-narrow-0123456789";

    static AccountDirectory accounts() {
        Map<String, Account> byKey = Map.of(
                FREE_KEY, new Account("acct-free", Fixtures.freePlan(), false),
                PRO_KEY, new Account("acct-pro", Fixtures.proPlan(), false),
                ENTERPRISE_KEY, new Account("acct-ent", Fixtures.enterprisePlan(), false),
                OPERATOR_KEY, new Account("acct-ops", Fixtures.enterprisePlan(), true),
                LIMITED_KEY, new Account("acct-limited", Fixtures.aPlan("limited").highestTier(Tier.PREMIUM)
                        .rateLimits(new RateLimits(2, 10_000_000)).build(), false),
                BROKE_KEY, new Account("acct-broke", Fixtures.aPlan("broke").highestTier(Tier.PREMIUM)
                        .quota(Quota.ofTokens(100)).build(), false),
                TWO_AT_ONCE_KEY, new Account("acct-two-at-once", Fixtures.aPlan(CONCURRENCY_PLAN)
                        .highestTier(Tier.PREMIUM).maxConcurrentRequests(2).build(), false),
                NARROW_KEY, new Account("acct-narrow", Fixtures.aPlan("narrow").highestTier(Tier.PREMIUM)
                        .rateLimits(new RateLimits(0, 1_000)).build(), false));
        return key -> Optional.ofNullable(byKey.get(key));
    }

    /** Answers a fixed report and remembers each query. */
    static final class Usage implements UsageQueryUseCase {
        record Query(String accountId, Instant from, Instant to, GroupBy groupBy) {}

        final List<Query> queries = new CopyOnWriteArrayList<>();

        @Override
        public UsageReport usage(String accountId, Instant from, Instant to, GroupBy groupBy, Page page) {
            queries.add(new Query(accountId, from, to, groupBy));
            Line a = new Line("gpt-4o", 3, 300, 120, Money.ofUsd("0.0025"));
            Line b = new Line("gpt-4", 1, 10, 5, Money.ofUsd("0.000125"));
            return new UsageReport(accountId, from, to, groupBy, List.of(a, b),
                    new Line("", 4, 310, 125, Money.ofUsd("0.002625")));
        }
    }

    static DeploymentStatusQuery deployments() {
        return () -> Outcomes.FLEET.deployments().stream()
                .map(d -> new DeploymentStatusQuery.DeploymentStatus(d,
                        d.id().value().equals("gpt-4o-eastus") ? "open" : "closed",
                        d.id().value().equals("gpt-4o-eastus") ? Optional.of(Instant.parse("2026-11-26T10:00:30Z"))
                                : Optional.empty(),
                        Optional.empty(), 10, d.id().value().equals("gpt-4o-eastus") ? 6 : 0, 1))
                .toList();
    }
}
