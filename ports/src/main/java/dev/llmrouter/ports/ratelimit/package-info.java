/**
 * Per-account requests-per-minute and tokens-per-minute limits (Requirement 5.5): the
 * {@link dev.llmrouter.ports.ratelimit.AccountRateLimiter} port and its in-memory implementation
 * over the domain's exact rolling-minute limiter.
 */
package dev.llmrouter.ports.ratelimit;
