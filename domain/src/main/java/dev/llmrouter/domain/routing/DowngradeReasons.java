package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.catalog.Tier;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The downgrade reason of a plan, requested tier and effective tier, made once: the text depends on
 * nothing else, and building it (and its {@link Optional}) on every downgraded request was the
 * largest allocation of a routing decision after the chain itself. Plans are few, long-lived and
 * come from configuration; past {@link #MAX_PLANS} plan ids (plus at most one per thread racing at
 * the bound: the size check and the insert are two steps) the text is built each time rather than kept.
 */
final class DowngradeReasons {

    static final int MAX_PLANS = 256;

    private static final int TIERS = Tier.values().length;

    private final ConcurrentHashMap<String, AtomicReferenceArray<Optional<String>>> byPlan = new ConcurrentHashMap<>();

    Optional<String> reason(String planId, Tier requested, Tier effective) {
        AtomicReferenceArray<Optional<String>> reasons = byPlan.get(planId);
        if (reasons == null) {
            if (byPlan.size() >= MAX_PLANS) {
                return Optional.of(text(planId, requested, effective));
            }
            reasons = byPlan.computeIfAbsent(planId, id -> new AtomicReferenceArray<>(TIERS * TIERS));
        }
        int slot = requested.ordinal() * TIERS + effective.ordinal();
        Optional<String> reason = reasons.get(slot);
        if (reason == null) {
            reason = Optional.of(text(planId, requested, effective));
            reasons.set(slot, reason);
        }
        return reason;
    }

    static String text(String planId, Tier requested, Tier effective) {
        return "plan '" + planId + "' allows at most " + effective.id() + "; requested " + requested.id();
    }
}
