package dev.llmrouter.adapters.inmemory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.responses.ResponseHomes;
import java.time.Duration;
import java.util.Objects;

/**
 * {@link ResponseHomes} in this process: a Caffeine cache whose entries expire a fixed time after they
 * were written (Caffeine's own expiry, on the given ticker) and that holds at most {@code maxEntries}
 * (least recently used first out). One process only: behind several gateway processes, a continuation
 * reaching another process is routed like any request; use the Redis store there.
 */
public final class InMemoryResponseHomes implements ResponseHomes {

    /** How long Azure keeps a stored response. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(30);
    public static final long DEFAULT_MAX_ENTRIES = 1_000_000;

    private final Cache<String, DeploymentId> homes;

    public InMemoryResponseHomes() {
        this(DEFAULT_TTL, DEFAULT_MAX_ENTRIES, Ticker.systemTicker());
    }

    /** @param ticker nanosecond time for expiry (tests: a fake one) */
    public InMemoryResponseHomes(Duration ttl, long maxEntries, Ticker ticker) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("ttl and maxEntries must be positive");
        }
        this.homes = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries)
                .ticker(Objects.requireNonNull(ticker, "ticker")).executor(Runnable::run).build();
    }

    @Override
    public void remember(String responseId, DeploymentId deployment) {
        homes.put(Objects.requireNonNull(responseId, "responseId"), Objects.requireNonNull(deployment, "deployment"));
    }

    @Override
    public Lookup find(String responseId) {
        DeploymentId home = homes.getIfPresent(responseId);
        return home == null ? Lookup.UNKNOWN : new Lookup.Found(home);
    }
}
