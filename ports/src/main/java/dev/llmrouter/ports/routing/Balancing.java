package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.balance.BalancingSettings;
import dev.llmrouter.domain.balance.LoadBoard;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.routing.Candidate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The balancing of one router: its settings, the load this process has seen on each deployment, and
 * where its randomness comes from (injected, so that a run can be replayed). State is per process:
 * see {@link LoadBoard}.
 */
public final class Balancing {

    private final BalancingSettings settings;
    private final LoadBoard board;
    private final Supplier<RandomGenerator> random;

    /**
     * @param random the random source of the calling thread; {@code ThreadLocalRandom::current} in
     *               production, a seeded generator in tests
     */
    public Balancing(BalancingSettings settings, Supplier<RandomGenerator> random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.board = new LoadBoard(settings::weightOf);
    }

    /** The default strategy and weights over {@link ThreadLocalRandom}. */
    public static Balancing defaults() {
        return new Balancing(BalancingSettings.DEFAULTS, ThreadLocalRandom::current);
    }

    public BalancingSettings settings() {
        return settings;
    }

    public LoadBoard board() {
        return board;
    }

    /**
     * The next position of the group {@code [from, to)} not in {@code tried}, with an attempt of
     * {@code estimatedTokens} started on it in the same step; see {@link LoadBoard#claim}. A group of
     * one is started without a draw.
     */
    int claim(List<Candidate> chain, int from, int to, long tried, long estimatedTokens, long nowNanos) {
        if (to - from == 1) {
            if (tried != 0) {
                return -1;
            }
            board.of(chain.get(from).deployment()).started(estimatedTokens);
            return from;
        }
        return board.claim(chain, from, to, tried, estimatedTokens, settings.strategyOf(chain.get(from)),
                random.get(), nowNanos);
    }

    LoadBoard.Slot slot(DeploymentId id) {
        return board.slot(id);
    }
}
