package dev.llmrouter.domain.balance;

import java.util.Locale;
import java.util.Optional;

/**
 * How requests are spread over the deployments of one priority group (see {@link Balancer}).
 *
 * <p>Each strategy is a combination of four steps, applied in this order to the group's deployments
 * not yet tried by the request:
 * <ol>
 *   <li><b>fit</b>: a deployment whose last reported remaining tokens (before their reset) are below
 *       the request's estimate, or whose remaining requests are zero, is left out while another can
 *       take the request;</li>
 *   <li><b>weights</b>: a deployment of weight 0 is a standby, drawn only when every other is out;</li>
 *   <li>the <b>draw</b>: by weight ({@link #WEIGHTED}, {@link #CAPACITY}); two by weight, the one with
 *       fewer requests in flight kept ({@link #LEAST_BUSY}, {@link #BALANCED}); or the lowest recent
 *       latency, with exploration ({@link #LATENCY}).</li>
 * </ol>
 */
public enum Strategy {
    /**
     * The default: fit, then two draws by weight and the one with fewer in flight. With nothing in
     * flight it is exactly the weighted draw, so configured shares hold on a quiet fleet; under load
     * the less busy of two is preferred (the power of two choices keeps the most loaded deployment's
     * queue within a log-log bound of the mean, where a weighted draw alone lets it grow with the
     * variance); and Azure's own reports keep requests off a deployment that has said it cannot take
     * them (a 429 avoided is a fallback saved).
     */
    BALANCED(true, true, false),
    /** Static weights only (e.g. provisioned throughput shares): the share of each deployment is its weight's. */
    WEIGHTED(false, false, false),
    /** Fit by the remaining tokens and requests Azure reported, then by weight. */
    CAPACITY(true, false, false),
    /** Two draws by weight, the one with fewer requests in flight kept (the power of two choices). */
    LEAST_BUSY(false, true, false),
    /** Fit, then the lowest decayed latency (time to first token for streams, duration otherwise), exploring now and then. */
    LATENCY(true, false, true);

    private final boolean fit;
    private final boolean twoChoices;
    private final boolean latency;

    Strategy(boolean fit, boolean twoChoices, boolean latency) {
        this.fit = fit;
        this.twoChoices = twoChoices;
        this.latency = latency;
    }

    boolean fits() {
        return fit;
    }

    boolean twoChoices() {
        return twoChoices;
    }

    boolean byLatency() {
        return latency;
    }

    /** The name used in configuration: {@code balanced}, {@code weighted}, {@code capacity}, {@code least-busy}, {@code latency}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Strategy> parse(String name) {
        for (Strategy s : values()) {
            if (s.configName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
