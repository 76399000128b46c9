package dev.llmrouter.app;

/** The {@link Gateway.Options} the runnable jar uses: the real Azure adapter and the real HTTP API. */
final class GatewayOptions {

    private GatewayOptions() {}

    static Gateway.Options production() {
        return Gateway.Options.defaults();
    }
}
