package dev.llmrouter.chaos;

import dev.llmrouter.app.Gateway;
import dev.llmrouter.app.config.GatewayConfig;

/**
 * The one place the suite starts a gateway: the production options (real Azure adapter, real HTTP
 * API, system clock, real pacing) on a free port.
 */
final class GatewayWiring {

    private GatewayWiring() {}

    static Gateway start(GatewayConfig config) {
        return Gateway.build(config, Gateway.Options.defaults()).start(0);
    }
}
