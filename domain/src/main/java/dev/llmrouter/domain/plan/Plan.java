package dev.llmrouter.domain.plan;

import dev.llmrouter.domain.catalog.Tier;
import java.util.Objects;

/**
 * A subscription plan: which tiers its accounts may use and the limits they live within.
 *
 * @param id            e.g. {@code free}, {@code pro}, {@code enterprise}
 * @param highestTier   the most capable tier allowed; a request above it is downgraded to it
 * @param defaultTier   the tier a request that names none gets (never above {@code highestTier})
 * @param fallDown      whether an exhausted tier may fall down to the next lower tier's chain
 * @param quota         monthly spend and token limits
 * @param rateLimits    per-minute request and token limits
 * @param maxConcurrentRequests how many requests of one account may be in progress at once, from the
 *                      moment it is authenticated until its answer (plain or streamed) has ended: a bound
 *                      on the share of the gateway's threads and connections one account can hold, however
 *                      slowly it sends or reads. {@link #UNLIMITED_CONCURRENCY} for no bound.
 */
public record Plan(String id, Tier highestTier, Tier defaultTier, boolean fallDown, Quota quota, RateLimits rateLimits,
        int maxConcurrentRequests) {

    /** No bound on an account's requests in progress. */
    public static final int UNLIMITED_CONCURRENCY = Integer.MAX_VALUE;

    public Plan {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(highestTier, "highestTier");
        Objects.requireNonNull(defaultTier, "defaultTier");
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(rateLimits, "rateLimits");
        if (defaultTier.isAbove(highestTier)) {
            throw new IllegalArgumentException("plan " + id + ": default tier " + defaultTier.id()
                    + " is above its highest tier " + highestTier.id());
        }
        if (maxConcurrentRequests <= 0) {
            throw new IllegalArgumentException("plan " + id + ": maxConcurrentRequests must be positive");
        }
    }

    /** The tier a request actually gets: the requested one (or the default), capped at the highest. */
    public Tier effectiveTier(Tier requested) {
        return requested == null ? defaultTier : Tier.min(requested, highestTier);
    }

    public boolean allows(Tier tier) {
        return !tier.isAbove(highestTier);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Assembles a plan in code; unset limits are unlimited. */
    public static final class Builder {
        private final String id;
        private Tier highestTier = Tier.PREMIUM;
        private Tier defaultTier;
        private boolean fallDown = true;
        private Quota quota = Quota.UNLIMITED;
        private RateLimits rateLimits = RateLimits.UNLIMITED;
        private int maxConcurrentRequests = UNLIMITED_CONCURRENCY;

        private Builder(String id) {
            this.id = id;
        }

        public Builder highestTier(Tier tier) {
            this.highestTier = tier;
            return this;
        }

        public Builder defaultTier(Tier tier) {
            this.defaultTier = tier;
            return this;
        }

        public Builder fallDown(boolean allowed) {
            this.fallDown = allowed;
            return this;
        }

        public Builder quota(Quota quota) {
            this.quota = quota;
            return this;
        }

        public Builder rateLimits(RateLimits rateLimits) {
            this.rateLimits = rateLimits;
            return this;
        }

        public Builder maxConcurrentRequests(int max) {
            this.maxConcurrentRequests = max;
            return this;
        }

        public Plan build() {
            return new Plan(id, highestTier, defaultTier == null ? highestTier : defaultTier, fallDown, quota, rateLimits,
                    maxConcurrentRequests);
        }
    }
}
