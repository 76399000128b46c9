package dev.llmrouter.domain.breaker;

import java.time.Duration;
import java.time.Instant;

/** A clock the test moves by hand, in epoch nanoseconds (no test waits for real time to pass). */
final class FakeClock {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private long nowNanos = EpochNanos.of(START);

    long nanos() {
        return nowNanos;
    }

    Instant instant() {
        return EpochNanos.toInstant(nowNanos);
    }

    FakeClock advance(Duration by) {
        nowNanos += by.toNanos();
        return this;
    }

    FakeClock advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }
}
