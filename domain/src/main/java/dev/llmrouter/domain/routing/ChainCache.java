package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.region.Residency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The candidate chains a {@link RoutingPolicy} has built, so that a routing decision for a request
 * shape seen before allocates no candidate and no list.
 *
 * <h2>Why a chain can be remembered</h2>
 * The policy's chain is a pure function of the (immutable) fleet and of: the chosen model, the
 * effective tier, whether the model was named (then the tier's other models are left out), whether
 * fall-down applies, the operation (chat or text completion), whether the request needs vision, which
 * models' context windows hold the estimated prompt, the residency set and the preferred region. Tokens enter only through
 * {@code tokens < contextWindow}, so two estimates between the same two neighbouring distinct windows
 * of the catalog ({@link #bucket}) filter the same models. That tuple is the key; a hit returns the
 * very list the rules would build again. Only non-empty chains are stored: a rejection always runs
 * the filters that explain it. What is remembered is the eligible set in priority groups, never a
 * balanced order: the order within a group depends on load and chance and is chosen per request.
 *
 * <h2>Where they are kept, and the bound</h2>
 * Requests without residency and without a preferred region (nearly all) index a table of
 * {@code models × tiers × 2 × 2 × operations × 2 × buckets} slots fixed at construction, so a lookup is arithmetic
 * and one array read. Constrained requests go to a map keyed by the index, the residency and the
 * region name. Every preferred region the fleet does not have shares one key (it ranks no deployment
 * first, so all such names order a chain alike), so callers cannot fill the map with made-up names; residency sets are still the
 * caller's, so the map stops taking entries at {@link #MAX_CONSTRAINED} (held exactly under races);
 * further shapes are built every time, as without a cache. A catalog so large that the table would pass {@link #MAX_TABLE} slots uses the map for
 * everything.
 *
 * <p>Thread-safe. Stored chains are immutable ({@link CandidateChain}) and hold records, so a racing
 * second build of the same chain stores an equal chain and either may be returned.
 */
final class ChainCache {

    /** Most constrained request shapes remembered (residency sets and region names come from callers). */
    static final int MAX_CONSTRAINED = 1_024;
    /** Largest unconstrained table, in slots (256 KB of references at most). */
    static final int MAX_TABLE = 1 << 16;

    private static final int TIERS = Tier.values().length;
    private static final int OPERATIONS = dev.llmrouter.domain.catalog.Capability.values().length;

    /** Each catalog model's position, by id; the catalog's own instances, to check identity. */
    private final Map<String, Integer> modelIndex = new HashMap<>();
    private final ModelSpec[] models;
    /** The catalog's distinct context windows, ascending. */
    private final long[] windows;
    private final AtomicReferenceArray<CandidateChain> unconstrained;
    private final ConcurrentHashMap<Key, CandidateChain> constrained = new ConcurrentHashMap<>();
    /** Entries in {@link #constrained}, or slots reserved for one about to be added: holds the bound under races. */
    private final AtomicInteger constrainedCount = new AtomicInteger();
    /** The key of every preferred region the fleet does not have (not a region name: see {@link #knownRegion}). */
    private static final Object UNKNOWN_REGION = new Object();
    /** The fleet's region names: a preferred region outside them ranks no deployment first. */
    private final Set<String> regionNames = new HashSet<>();

    /** {@code preferredRegion}: null, a fleet region's name, or {@link #UNKNOWN_REGION}. */
    private record Key(long index, Residency residency, Object preferredRegion) {}

    ChainCache(Fleet fleet) {
        this.models = fleet.catalog().models().toArray(new ModelSpec[0]);
        fleet.regions().forEach(r -> regionNames.add(r.name()));
        TreeSet<Long> distinct = new TreeSet<>();
        for (int i = 0; i < models.length; i++) {
            modelIndex.put(models[i].id(), i);
            distinct.add((long) models[i].contextWindow());
        }
        this.windows = distinct.stream().mapToLong(Long::longValue).toArray();
        long slots = (long) models.length * TIERS * 8 * OPERATIONS * (windows.length + 1);
        this.unconstrained = slots <= MAX_TABLE ? new AtomicReferenceArray<>((int) slots) : null;
    }

    /** The remembered chain for this shape, or null. */
    CandidateChain get(ModelSpec model, Tier effective, boolean named, boolean fallDown, RouteRequest request) {
        long index = index(model, effective, named, fallDown, request);
        if (index < 0) {
            return null;
        }
        Object region = knownRegion(request);
        if (unconstrained != null && unconstrained(request, region)) {
            return unconstrained.get((int) index);
        }
        return constrained.get(new Key(index, request.residency(), region));
    }

    /** Remembers a non-empty chain built for this shape (within the bound). */
    void put(ModelSpec model, Tier effective, boolean named, boolean fallDown, RouteRequest request,
            CandidateChain chain) {
        long index = index(model, effective, named, fallDown, request);
        if (index < 0) {
            return;
        }
        Object region = knownRegion(request);
        if (unconstrained != null && unconstrained(request, region)) {
            unconstrained.set((int) index, chain);
        } else if (constrainedCount.incrementAndGet() <= MAX_CONSTRAINED) {
            if (constrained.putIfAbsent(new Key(index, request.residency(), region), chain) != null) {
                constrainedCount.decrementAndGet();
            }
        } else {
            constrainedCount.decrementAndGet();
        }
    }

    /** How many constrained shapes are remembered (tests: the bound). */
    int constrainedShapes() {
        return constrained.size();
    }

    /**
     * The preferred region as it affects the chain: null when there is none; {@link #UNKNOWN_REGION}
     * for every name the fleet has no region of (no deployment matches such a name and it has no
     * geography, so all of them order a chain alike: by role only); otherwise the name. Callers name
     * regions freely; only the fleet's own names and this one marker become keys.
     */
    private Object knownRegion(RouteRequest request) {
        String name = request.preferredRegion();
        return name == null ? null : regionNames.contains(name) ? name : UNKNOWN_REGION;
    }

    private static boolean unconstrained(RouteRequest request, Object region) {
        return region == null && request.residency().isUnconstrained();
    }

    /** The shape's slot without residency and region; -1 for a model that is not this catalog's own. */
    private long index(ModelSpec model, Tier effective, boolean named, boolean fallDown, RouteRequest request) {
        Integer m = modelIndex.get(model.id());
        if (m == null || models[m] != model) {
            return -1;
        }
        long i = (long) m * TIERS + effective.ordinal();
        i = i * 2 + (named ? 1 : 0);
        i = i * 2 + (fallDown ? 1 : 0);
        i = i * OPERATIONS + request.operation().ordinal();
        i = i * 2 + (request.needsVision() ? 1 : 0);
        return i * (windows.length + 1) + bucket(request.estimatedPromptTokens());
    }

    /**
     * How many distinct context windows are at most {@code tokens}: a model fits the prompt exactly
     * when {@code tokens < contextWindow}, so equal buckets mean the same models fit.
     */
    private int bucket(long tokens) {
        int b = 0;
        while (b < windows.length && windows[b] <= tokens) {
            b++;
        }
        return b;
    }
}
