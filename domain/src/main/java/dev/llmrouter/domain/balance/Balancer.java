package dev.llmrouter.domain.balance;

import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.routing.Candidate;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks the next deployment of one priority group for one request: a pure function of the group, the
 * positions already tried, the request's estimated tokens, each deployment's {@link DeploymentLoad},
 * the strategy, a random source and the time. Calling it again with the pick added to {@code tried}
 * gives the rest of the group in balanced order, each pick made on the load of its own moment.
 *
 * <h2>Algorithm</h2>
 * Over the group's positions {@code [from, to)} not in {@code tried} (at most 64 per group: bit
 * {@code i - from} of the mask):
 * <ol>
 *   <li><b>Fit</b> (strategies that {@linkplain Strategy#fits fit}): positions whose deployment
 *       {@linkplain DeploymentLoad#cannotFit cannot fit} the estimate are dropped, unless none can
 *       fit, then all stay (the call is made and a 429 moves on, as without balancing).</li>
 *   <li><b>Standby</b>: weight-0 deployments are dropped while a positive weight remains.</li>
 *   <li><b>Latency</b>: with probability {@value #EXPLORE_ONE_IN}⁻¹ a uniform draw (exploration, so
 *       that a deployment that was slow and has recovered is measured again), else the lowest
 *       decayed latency; a deployment never measured counts as 0 and is tried first. Ties: the
 *       earlier position.</li>
 *   <li><b>Two choices</b>: two positions drawn by weight without replacement; the one with fewer in
 *       flight, the first drawn on a tie.</li>
 *   <li>Otherwise one draw by weight (uniform when every weight left is 0).</li>
 * </ol>
 * No allocation: the candidate set is a bit mask, each position's load is looked up once into a
 * per-thread array, draws are a scan. O(group size) per pick.
 */
public final class Balancer {

    /** One pick in this many is uniform under {@link Strategy#LATENCY}. */
    public static final int EXPLORE_ONE_IN = 10;
    /** The largest group balanced as one; longer runs are split (see {@code PriorityGroups}). */
    public static final int MAX_GROUP = 64;

    /**
     * Each open position's load, looked up once per pick and read by every step after. Per thread, so
     * the pick allocates nothing; entries are overwritten by the next pick and never read across picks.
     */
    private static final ThreadLocal<DeploymentLoad[]> SCRATCH = ThreadLocal.withInitial(() -> new DeploymentLoad[MAX_GROUP]);

    private Balancer() {}

    /** Where each deployment's load is read. */
    @FunctionalInterface
    public interface Loads {
        DeploymentLoad of(Deployment deployment);
    }

    /**
     * @param chain           the candidates
     * @param from            the group's first position
     * @param to              one past its last ({@code to - from <= 64})
     * @param tried           bit {@code i - from} set: position {@code i} is not to be picked
     * @param estimatedTokens the request's estimated tokens (prompt and expected output)
     * @return the position to try next, or -1 when every position of the group is in {@code tried}
     */
    public static int pick(List<Candidate> chain, int from, int to, long tried, long estimatedTokens,
            Strategy strategy, Loads loads, RandomGenerator random, long nowNanos) {
        int size = to - from;
        if (size <= 0 || size > MAX_GROUP) {
            throw new IllegalArgumentException("group size must be 1.." + MAX_GROUP + ", got " + size);
        }
        long open = (size == 64 ? -1L : (1L << size) - 1) & ~tried;
        if (open == 0) {
            return -1;
        }
        if (Long.bitCount(open) == 1) {
            return from + Long.numberOfTrailingZeros(open);
        }
        DeploymentLoad[] at = SCRATCH.get();
        long fitting = 0;
        long positive = 0;
        for (long m = open; m != 0; m &= m - 1) {
            int i = Long.numberOfTrailingZeros(m);
            DeploymentLoad load = loads.of(chain.get(from + i).deployment());
            at[i] = load;
            if (load.weight() > 0) {
                positive |= 1L << i;
            }
            if (strategy.fits() && !load.cannotFit(estimatedTokens, nowNanos)) {
                fitting |= 1L << i;
            }
        }
        long eligible = fitting != 0 ? fitting : open;
        long weighted = eligible & positive;
        boolean uniform = weighted == 0; // only standbys left: each as likely as the other
        if (!uniform) {
            eligible = weighted;
        }
        if (Long.bitCount(eligible) == 1) {
            return from + Long.numberOfTrailingZeros(eligible);
        }
        if (strategy.byLatency()) {
            if (random.nextInt(EXPLORE_ONE_IN) == 0) {
                return from + draw(at, eligible, true, random);
            }
            int best = -1;
            long bestNanos = Long.MAX_VALUE;
            for (long m = eligible; m != 0; m &= m - 1) {
                int i = Long.numberOfTrailingZeros(m);
                long nanos = Math.max(0, at[i].latencyNanos());
                if (nanos < bestNanos) {
                    bestNanos = nanos;
                    best = i;
                }
            }
            return from + best;
        }
        int first = draw(at, eligible, uniform, random);
        if (!strategy.twoChoices()) {
            return from + first;
        }
        int second = draw(at, eligible & ~(1L << first), uniform, random);
        return from + (at[second].inFlight() < at[first].inFlight() ? second : first);
    }

    /** One position of {@code among} (non-empty), by weight or uniformly; relative to the group's first. */
    private static int draw(DeploymentLoad[] at, long among, boolean uniform, RandomGenerator random) {
        if (uniform) {
            int k = random.nextInt(Long.bitCount(among));
            long m = among;
            for (; k > 0; k--) {
                m &= m - 1;
            }
            return Long.numberOfTrailingZeros(m);
        }
        long total = 0;
        for (long m = among; m != 0; m &= m - 1) {
            total += at[Long.numberOfTrailingZeros(m)].weight();
        }
        long r = random.nextLong(total);
        int last = -1;
        for (long m = among; m != 0; m &= m - 1) {
            last = Long.numberOfTrailingZeros(m);
            r -= at[last].weight();
            if (r < 0) {
                return last;
            }
        }
        return last; // unreachable while weights do not change under the scan
    }
}
