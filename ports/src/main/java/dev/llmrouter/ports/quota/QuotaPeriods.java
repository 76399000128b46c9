package dev.llmrouter.ports.quota;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** Quota months: the calendar month in UTC, reset at the first instant of the next one. */
public final class QuotaPeriods {

    private QuotaPeriods() {}

    /**
     * The quota month (UTC) an instant falls in.
     *
     * <p>Called on every admission, and the calendar arithmetic allocates a handful of date objects:
     * the month last answered is kept with its bounds in epoch seconds, so an instant inside it (all
     * but the first call of each month) is answered by two comparisons. The cache is an immutable
     * record behind a volatile field: racing threads at worst both recompute.
     */
    public static YearMonth periodOf(Instant instant) {
        CachedPeriod cached = lastPeriod;
        long second = instant.getEpochSecond();
        if (second >= cached.startSecond() && second < cached.endSecond()) {
            return cached.period();
        }
        YearMonth period = YearMonth.from(instant.atOffset(ZoneOffset.UTC));
        lastPeriod = CachedPeriod.of(period);
        return period;
    }

    /** The first instant of the month after {@code period} (UTC): when its quota resets. */
    public static Instant resetsAt(YearMonth period) {
        return period.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** A month with its bounds: {@code [startSecond, endSecond)} in epoch seconds, UTC. */
    private record CachedPeriod(YearMonth period, long startSecond, long endSecond) {
        static CachedPeriod of(YearMonth period) {
            return new CachedPeriod(period,
                    period.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond(),
                    resetsAt(period).getEpochSecond());
        }
    }

    private static volatile CachedPeriod lastPeriod = CachedPeriod.of(YearMonth.of(1970, 1));
}
