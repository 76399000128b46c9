package dev.llmrouter.domain.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * Where one dimension (requests or tokens) of an account's rolling minute stands.
 *
 * @param limit     the most admitted per rolling minute; {@code 0} = unlimited
 * @param remaining how many more could be admitted right now (0, meaningless, when unlimited)
 * @param reset     time until everything now counted has left the window, i.e. until
 *                  {@code remaining == limit} again if nothing else is admitted
 */
public record WindowStatus(long limit, long remaining, Duration reset) {

    public static final WindowStatus UNLIMITED = new WindowStatus(0, 0, Duration.ZERO);

    public WindowStatus {
        Objects.requireNonNull(reset, "reset");
        if (limit < 0 || remaining < 0 || reset.isNegative()) {
            throw new IllegalArgumentException(
                    "window status cannot be negative: limit=" + limit + " remaining=" + remaining + " reset=" + reset);
        }
    }

    public boolean isUnlimited() {
        return limit == 0;
    }
}
