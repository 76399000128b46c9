package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 9, Requirement 1.3 and Property 3 under failure: EU-only requests
 * ({@code x-router-residency: eu}) to a chain whose primary and secondary are in the EU and whose
 * disaster-recovery deployment is in the US.
 *
 * <p>Proves: while the EU deployments are healthy they serve; when they fail, EU requests fall back
 * only within the EU, and when every EU deployment is down (and their breakers open) the callers get
 * an error — never an answer from the US, whose journal stays empty of EU traffic. Requests without the
 * constraint are served by the US deployment at the same time, so it was there to be (wrongly) used.
 */
@DisplayName("Scenario 9: EU-only requests never reach a non-EU deployment, even with every EU deployment down")
class ResidencyTest {

    static final String EU_PRIMARY = "economy-westeurope";
    static final String EU_SECONDARY = "economy-swedencentral";
    static final String US_DR = "economy-eastus";
    static final Map<String, String> EU_ONLY = Map.of("x-router-residency", "eu");

    FakeDeployment euPrimary;
    FakeDeployment euSecondary;
    FakeDeployment usDr;
    ChaosGateway gateway;

    @BeforeEach
    void start() {
        euPrimary = FakeDeployment.start(EU_PRIMARY, ChaosGateway.MODEL);
        euSecondary = FakeDeployment.start(EU_SECONDARY, ChaosGateway.MODEL);
        usDr = FakeDeployment.start(US_DR, ChaosGateway.MODEL);
        gateway = ChaosGateway.builder()
                .deployment(EU_PRIMARY, "westeurope", "primary", euPrimary)
                .deployment(EU_SECONDARY, "swedencentral", "secondary", euSecondary)
                .deployment(US_DR, "eastus", "disaster-recovery", usDr)
                .start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        euPrimary.close();
        euSecondary.close();
        usDr.close();
    }

    @Test
    void eu_traffic_stays_in_the_eu_through_every_failure() {
        LoadDriver driver = new LoadDriver(LoadDriver.newClient());
        int clients = ChaosScale.clients(4);

        // healthy: the EU primary serves
        LoadReport healthy = driver.run("9 healthy", clients, ChaosScale.requests(20), Duration.ofSeconds(30),
                i -> gateway.chat(false, EU_ONLY));
        assertThat(healthy.servedBy()).as(healthy.summary()).containsOnlyKeys(EU_PRIMARY);

        // the EU primary down: the EU secondary serves
        euPrimary.unavailable();
        LoadReport primaryDown = driver.run("9 EU primary down", clients, ChaosScale.requests(20),
                Duration.ofSeconds(30), i -> gateway.chat(false, EU_ONLY));
        assertThat(primaryDown.succeeded()).as(primaryDown.summary()).isEqualTo(primaryDown.requests());
        assertThat(primaryDown.servedBy()).containsOnlyKeys(EU_SECONDARY);

        // every EU deployment down: EU callers get errors, not the US
        euSecondary.unavailable();
        LoadReport euDown = driver.run("9 every EU deployment down", clients, ChaosScale.requests(40),
                Duration.ofSeconds(30), i -> gateway.chat(false, EU_ONLY));
        assertThat(euDown.succeeded()).as(euDown.summary()).isZero();
        assertThat(euDown.statuses().keySet()).allMatch(s -> s >= 500 && s != 500);
        assertThat(euDown.results()).allSatisfy(r -> assertThat(r.header("x-router-region")).isNotEqualTo("eastus"));

        // the US deployment was there all along, for requests without the constraint
        LoadReport unconstrained = driver.run("9 no residency", clients, ChaosScale.requests(10),
                Duration.ofSeconds(30), i -> gateway.chat());
        assertThat(unconstrained.succeeded()).as(unconstrained.summary()).isEqualTo(unconstrained.requests());
        assertThat(unconstrained.servedBy()).containsOnlyKeys(US_DR);

        // the US journal holds exactly the unconstrained requests: no EU request ever reached it
        assertThat(usDr.requestCount()).isEqualTo(unconstrained.requests());
        var records = Accounting.awaitRecords(gateway, 1);
        assertThat(records.stream().filter(r -> r.deployment().equals(US_DR)).count())
                .isEqualTo(unconstrained.requests());

        long euRequests = healthy.requests() + primaryDown.requests() + euDown.requests();
        Scorecard.add(new Scorecard.Row("9 residency under failure", euRequests + unconstrained.requests(),
                (double) (healthy.succeeded() + primaryDown.succeeded() + unconstrained.succeeded())
                        / (euRequests + unconstrained.requests()),
                "EU served in EU, else error", Math.max(healthy.p99Millis(), primaryDown.p99Millis()),
                primaryDown.fallbacks(EU_PRIMARY), gateway.transitions(EU_PRIMARY) + " / " + gateway.transitions(EU_SECONDARY),
                records.size() + " records; US records = " + unconstrained.requests() + " unconstrained requests",
                "-", "0 of " + euRequests + " EU requests reached the US (journal); all-EU-down → "
                        + euDown.statuses()));
    }
}
