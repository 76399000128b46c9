package dev.llmrouter.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * The fakes of one scenario: a US primary, an EU secondary and, when asked, a US disaster-recovery
 * deployment, each a {@link FakeDeployment}; closed together with the gateway.
 */
final class Fleet implements AutoCloseable {

    static final String PRIMARY = "economy-eastus";
    static final String SECONDARY = "economy-westeurope";
    static final String DR = "economy-eastus2";

    final FakeDeployment primary;
    final FakeDeployment secondary;
    final FakeDeployment dr;
    private final List<AutoCloseable> open = new ArrayList<>();

    private Fleet(boolean withDr) {
        primary = FakeDeployment.start(PRIMARY, ChaosGateway.MODEL);
        secondary = FakeDeployment.start(SECONDARY, ChaosGateway.MODEL);
        dr = withDr ? FakeDeployment.start(DR, ChaosGateway.MODEL) : null;
        open.add(primary);
        open.add(secondary);
        if (dr != null) {
            open.add(dr);
        }
    }

    static Fleet primaryAndSecondary() {
        return new Fleet(false);
    }

    static Fleet withDisasterRecovery() {
        return new Fleet(true);
    }

    /** A gateway over this fleet, with the scenario's settings still open to change. */
    ChaosGateway.Builder gateway() {
        ChaosGateway.Builder b = ChaosGateway.builder()
                .deployment(PRIMARY, "eastus", "primary", primary)
                .deployment(SECONDARY, "westeurope", "secondary", secondary);
        if (dr != null) {
            b.deployment(DR, "eastus2", "disaster-recovery", dr);
        }
        return b;
    }

    List<FakeDeployment> all() {
        return dr == null ? List.of(primary, secondary) : List.of(primary, secondary, dr);
    }

    /** Successful upstream calls of the whole fleet (complete answers with usage). */
    long successfulCalls() {
        return all().stream().mapToLong(FakeDeployment::successfulCalls).sum();
    }

    long requests() {
        return all().stream().mapToLong(FakeDeployment::requestCount).sum();
    }

    void add(AutoCloseable c) {
        open.add(0, c);
    }

    @Override
    public void close() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }
}
