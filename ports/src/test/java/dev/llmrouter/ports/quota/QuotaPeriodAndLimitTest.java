package dev.llmrouter.ports.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.plan.Quota;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 5.4 — the month a request is counted in and the limit it is held to are exactly the
 * calendar month (UTC) and the plan's quota, whatever instants came before (the month is cached).
 */
@DisplayName("Requirement 5.4 — quota month and limit of an admission")
class QuotaPeriodAndLimitTest {

    /** 1900 .. 2200 in epoch seconds. */
    private static final long FROM = -2_208_988_800L;
    private static final long TO = 7_258_118_400L;

    @Test
    @DisplayName("the period of an instant is its UTC calendar month, around month boundaries too")
    void periodIsTheUtcCalendarMonth() {
        qt().withExamples(200)
                .forAll(lists().of(longs().between(FROM, TO).zip(integers().between(-2, 2), (s, d) -> new long[] {s, d}))
                        .ofSizeBetween(1, 40))
                .checkAssert(instants -> {
                    for (long[] pick : instants) {
                        // half of the instants sit within two seconds of a month's first second
                        Instant any = Instant.ofEpochSecond(pick[0], 123);
                        YearMonth month = YearMonth.from(any.atOffset(ZoneOffset.UTC));
                        Instant nearStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(pick[1]);
                        for (Instant instant : new Instant[] {any, nearStart, nearStart.minusNanos(1), nearStart.plusNanos(1)}) {
                            assertThat(QuotaPeriods.periodOf(instant))
                                    .as("%s", instant)
                                    .isEqualTo(YearMonth.from(instant.atOffset(ZoneOffset.UTC)));
                        }
                    }
                });
    }

    @Test
    @DisplayName("the limit is the plan's quota, unbounded where it sets none")
    void limitIsThePlansQuota() {
        assertThat(QuotaLimit.of(Quota.UNLIMITED)).isEqualTo(QuotaLimit.UNLIMITED);
        assertThat(QuotaLimit.of(Quota.ofTokens(5))).isEqualTo(new QuotaLimit(QuotaLimit.UNBOUNDED, 5));
        assertThat(QuotaLimit.of(Quota.ofCost(Money.ofNanos(7)))).isEqualTo(new QuotaLimit(7, QuotaLimit.UNBOUNDED));
        assertThat(QuotaLimit.of(Quota.of(Money.ofNanos(7), 0))).isEqualTo(new QuotaLimit(7, 0));
        assertThat(QuotaLimit.of(new Quota(Optional.empty(), Optional.of(0L)))).isEqualTo(new QuotaLimit(QuotaLimit.UNBOUNDED, 0));
    }
}
