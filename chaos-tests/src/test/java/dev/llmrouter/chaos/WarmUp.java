package dev.llmrouter.chaos;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Pays the JVM's one-time costs (class loading and JIT of the SDK, Jackson, Jetty) on a throwaway
 * gateway and fake before the first scenario measures anything, so that the first scenario's p99 is
 * not the JVM's start-up. Breakers, ledgers and journals of the scenarios are untouched: they belong
 * to gateways and fakes started afterwards.
 */
final class WarmUp {

    private static boolean done;

    private WarmUp() {}

    static synchronized void once() {
        if (done) {
            return;
        }
        done = true;
        try (FakeDeployment fake = FakeDeployment.start("warm-up", ChaosGateway.MODEL);
             ChaosGateway gateway = ChaosGateway.builder().deployment("warm-up", "eastus", "primary", fake).startCold()) {
            HttpClient http = LoadDriver.newClient();
            new LoadDriver(http).run("warm-up", 4, 80, Duration.ofSeconds(20),
                    i -> gateway.chat(i % 4 == 0, java.util.Map.of()));
        }
    }
}
