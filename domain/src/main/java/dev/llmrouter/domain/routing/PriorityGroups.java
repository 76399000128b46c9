package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.balance.Balancer;
import java.util.Arrays;

/**
 * How a chain divides into priority groups: runs of candidates that serve the same model at the same
 * tier, in the same chain role and at the same closeness to the preferred region. Requests are
 * balanced only inside a group; a group is reached only when every deployment of the groups before it
 * has been tried or skipped (Requirement 1.4's order, kept between groups).
 *
 * <p>The preferred region is a strict preference: within a role, deployments in it form a group of
 * their own ahead of those of the same geography, which go ahead of the rest. A caller who names a
 * region asks for it ({@code x-router-region}: "a region to try first"); a weighted preference would
 * send some of those requests elsewhere while the region is healthy, which is what naming it was meant
 * to avoid. Without a preferred region, a role is one group whatever the regions.
 *
 * <p>A run longer than {@link Balancer#MAX_GROUP} is split there. Immutable.
 */
public final class PriorityGroups {

    private final int[] starts;
    private final int size;

    private PriorityGroups(int[] starts, int size) {
        this.starts = starts;
        this.size = size;
    }

    /** Each candidate a group of its own: the chain is tried exactly in its order. */
    public static PriorityGroups singletons(int size) {
        int[] s = new int[size];
        for (int i = 0; i < size; i++) {
            s[i] = i;
        }
        return new PriorityGroups(s, size);
    }

    /** Groups from each position's key: a new group starts where the key changes. */
    static PriorityGroups of(Object[] keys) {
        int[] s = new int[keys.length];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (i == 0 || !keys[i].equals(keys[i - 1]) || i - s[n - 1] == Balancer.MAX_GROUP) {
                s[n++] = i;
            }
        }
        return new PriorityGroups(Arrays.copyOf(s, n), keys.length);
    }

    public int count() {
        return starts.length;
    }

    /** The first position of group {@code g}. */
    public int start(int g) {
        return starts[g];
    }

    /** One past the last position of group {@code g}. */
    public int end(int g) {
        return g + 1 < starts.length ? starts[g + 1] : size;
    }

    /** The number of candidates covered. */
    public int size() {
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PriorityGroups p && p.size == size && Arrays.equals(p.starts, starts);
    }

    @Override
    public int hashCode() {
        return 31 * size + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "PriorityGroups" + Arrays.toString(starts) + "/" + size;
    }
}
