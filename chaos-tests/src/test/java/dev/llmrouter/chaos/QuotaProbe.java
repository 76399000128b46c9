package dev.llmrouter.chaos;

/**
 * Reads the team account's quota position (used, reserved, limit) from the running gateway.
 */
final class QuotaProbe {

    /** @param used settled spend this period, @param reserved held by requests in flight, @param limit the plan's */
    record View(String used, String reserved, String limit) {}

    private final ChaosGateway gateway;

    private QuotaProbe(ChaosGateway gateway) {
        this.gateway = gateway;
    }

    static QuotaProbe of(ChaosGateway gateway) {
        return new QuotaProbe(gateway);
    }

    View view() {
        throw new AssertionError("the gateway does not expose its quota store yet");
    }
}
