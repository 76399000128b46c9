package dev.llmrouter.chaos;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaUsage;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * Reads the team account's quota position this month — settled spend, what requests in flight hold,
 * and the plan's limit — from the running gateway's quota store.
 */
final class QuotaProbe {

    /**
     * @param used        settled spend, USD
     * @param reserved    held by requests in flight, USD
     * @param limit       the plan's monthly cost quota, USD ("unlimited" when none)
     * @param outstanding reservations not yet settled or released
     */
    record View(String used, String reserved, String limit, long outstanding) {}

    private final ChaosGateway gateway;

    private QuotaProbe(ChaosGateway gateway) {
        this.gateway = gateway;
    }

    static QuotaProbe of(ChaosGateway gateway) {
        return new QuotaProbe(gateway);
    }

    View view() {
        YearMonth period = YearMonth.from(Instant.now().atOffset(ZoneOffset.UTC));
        QuotaUsage usage = gateway.gateway().quotaStore().usage(ChaosGateway.ACCOUNT, period);
        QuotaLimit limit = QuotaLimit.of(gateway.gateway().config().plan("chaos").quota());
        return new View(usage.settled().cost().toUsdString(), usage.reserved().cost().toUsdString(),
                limit.isBounded(dev.llmrouter.ports.quota.QuotaDimension.COST)
                        ? Money.ofNanos(limit.costNanos()).toUsdString() : "unlimited",
                usage.outstanding());
    }
}
