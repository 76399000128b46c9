package dev.llmrouter.domain.ratelimit;

/** The two per-minute limits of a plan ({@link dev.llmrouter.domain.plan.RateLimits}). */
public enum RateDimension {
    REQUESTS,
    TOKENS
}
