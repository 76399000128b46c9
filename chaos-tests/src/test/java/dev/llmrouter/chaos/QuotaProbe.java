package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/**
 * Measures what is left of an account's quota the way a caller would: by spending it. With the fleet
 * healthy, identical requests are sent one after another until the gateway refuses one with 429
 * {@code insufficient_quota}; the number served is the room that was left.
 *
 * <p>Why through the API rather than the quota store: it is what a caller can rely on. A reservation
 * left behind by a failed request, or a charge for a request that was never served, shows up as room
 * missing compared with an account on the same plan that never saw a fault (the control account).
 * Every served request costs exactly the same (same prompt, same answer), so the comparison is exact.
 */
final class QuotaProbe {

    private QuotaProbe() {}

    /**
     * Spends the account's remaining quota, one request at a time.
     *
     * @param max a bound on the requests sent (the run fails if the quota is not spent by then)
     * @return how many requests were served before the first refusal
     */
    static int spendUntilRefused(ChaosGateway gateway, String key, int max) {
        LoadDriver driver = new LoadDriver(LoadDriver.newClient());
        for (int served = 0; served < max; served++) {
            LoadDriver.Result r = driver.send(served, gateway.chatAs(key));
            if (r.status() == 429) {
                assertThat(r.body()).contains("insufficient_quota");
                return served;
            }
            assertThat(r.status()).as("spending the quota: %s", r.body()).isEqualTo(200);
        }
        throw new AssertionError("quota not spent after " + max + " requests");
    }

    /** Bound for {@link #spendUntilRefused}: the quota divided by one answer's cost, with room to spare. */
    static int bound(dev.llmrouter.domain.money.Money quota) {
        return (int) (quota.nanos() / Accounting.COST_OF_ONE_ANSWER.nanos()) + 10;
    }

    /**
     * Sends requests as the operator's account until one is served: after an outage the breakers are
     * open, and only traffic (probes once the open duration has passed) closes them again. The
     * operator's own quota pays for it, so the accounts being compared are untouched.
     */
    static void healWithOperatorTraffic(ChaosGateway gateway) {
        LoadDriver driver = new LoadDriver(LoadDriver.newClient());
        int[] last = {0};
        Eventually.driveUntil(Duration.ofSeconds(10), "a request served again after the outage",
                () -> last[0] = driver.send(0, gateway.chatAs(ChaosGateway.OPS_KEY)).status(), () -> last[0] == 200);
    }
}
