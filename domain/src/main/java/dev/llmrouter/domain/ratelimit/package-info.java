/**
 * Rate-limit math (Requirement 5.5): the exact rolling-minute limiter
 * ({@link dev.llmrouter.domain.ratelimit.RollingWindowLimiter}) and the decision it returns, which
 * carries everything an HTTP layer needs for {@code Retry-After} and the {@code x-ratelimit-*}
 * headers. Time is passed in as nanoseconds; nothing here reads a clock.
 */
package dev.llmrouter.domain.ratelimit;
