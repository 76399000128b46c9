package dev.llmrouter.chaos;

import dev.llmrouter.app.Gateway;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.http.HttpApi;

/**
 * The one place the suite starts a gateway: the production options (the real Azure SDK adapter,
 * system clock, real pacing) with the real HTTP API, on a free port.
 */
final class GatewayWiring {

    private GatewayWiring() {}

    static Gateway start(GatewayConfig config) {
        return Gateway.build(config, Gateway.Options.defaults().withHttp(HttpApi::create)).start(0);
    }
}
