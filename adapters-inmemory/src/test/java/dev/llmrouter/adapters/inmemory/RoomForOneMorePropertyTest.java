package dev.llmrouter.adapters.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.2: the router's cheap check before the estimate. The limiter's lock-free answer that
 * there is surely room for one more request is given only when its full check of a request of no
 * tokens admits it, whatever the admissions, the time that passed and a change of plan limits; and at
 * a steady pace under the limit it is the answer nearly every request gets.
 */
@DisplayName("Requirement 9.2 — the cheap room answer never passes what the check refuses")
class RoomForOneMorePropertyTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void room_is_claimed_only_when_the_check_admits_a_request_of_no_tokens() {
        // each step: an admission of (step % 50) tokens after (step / 50) seconds; plan limits switch at 97+
        qt().withExamples(300).forAll(
                        lists().of(integers().between(0, 50 * 25 + 49)).ofSizeBetween(1, 60),
                        integers().between(1, 6),
                        integers().between(0, 200))
                .checkAssert((steps, requests, tokens) -> {
                    AtomicLong nanos = new AtomicLong(7);
                    InMemoryAccountRateLimiter limiter =
                            new InMemoryAccountRateLimiter(nanos::get, Duration.ofSeconds(61), Duration.ofMillis(10));
                    RateLimits limits = new RateLimits(requests, tokens);
                    RateLimits other = new RateLimits(requests + 1, tokens);
                    for (int i = 0; i < steps.size(); i++) {
                        int step = steps.get(i);
                        nanos.addAndGet(step / 50 * SECOND);
                        RateLimits now = i % 7 == 6 ? other : limits;
                        limiter.tryAcquire("acme", now, step % 50);
                        for (RateLimits asked : List.of(limits, other)) {
                            if (limiter.surelyRoomForOneMore("acme", asked)) {
                                assertThat(((RateAnswer.Decided) limiter.check("acme", asked, 0)).decision().isAllowed())
                                        .isTrue();
                            }
                        }
                    }
                    assertThat(limiter.surelyRoomForOneMore("nobody", limits)).isFalse();
                });
    }

    @Test
    void under_the_limit_the_cheap_answer_is_yes_and_at_the_limit_no() {
        AtomicLong nanos = new AtomicLong(7);
        InMemoryAccountRateLimiter limiter =
                new InMemoryAccountRateLimiter(nanos::get, Duration.ofSeconds(61), Duration.ofMillis(10));
        RateLimits limits = new RateLimits(3, 0);

        limiter.tryAcquire("acme", limits, 10);
        limiter.tryAcquire("acme", limits, 10);
        assertThat(limiter.surelyRoomForOneMore("acme", limits)).isTrue();

        limiter.tryAcquire("acme", limits, 10);
        assertThat(limiter.surelyRoomForOneMore("acme", limits)).isFalse();
        assertThat(((RateAnswer.Decided) limiter.check("acme", limits, 0)).decision().isAllowed()).isFalse();
    }
}
