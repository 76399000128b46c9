package dev.llmrouter.chaos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fleet most scenarios run against: a primary and a secondary deployment, and a gateway with the
 * default options in front of them, started fresh for each test and closed after it (deployments and
 * gateway together). Scenarios with another fleet or other gateway options set up their own.
 */
abstract class PrimaryAndSecondaryScenario {

    Fleet fleet;
    ChaosGateway gateway;

    @BeforeEach
    void startFleet() {
        fleet = Fleet.primaryAndSecondary();
        gateway = fleet.gateway().start();
        fleet.add(gateway);
    }

    @AfterEach
    void stopFleet() {
        fleet.close();
    }
}
