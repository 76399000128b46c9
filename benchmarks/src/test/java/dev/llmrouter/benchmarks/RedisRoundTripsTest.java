package dev.llmrouter.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The round-trip tool times each kind of call against a real Redis, as many times as asked. */
@DisplayName("RedisRoundTrips: paced round trips to an embedded Redis, timed")
class RedisRoundTripsTest {

    @Test
    void times_every_kind_of_call_and_reads_the_scripts_own_time() throws Exception {
        RedisRoundTrips.Figures f = RedisRoundTrips.measure(100);

        for (long[] times : new long[][] {f.plainPing(), f.lettucePing(), f.admit(), f.settle()}) {
            assertThat(times).hasSize(100);
            assertThat(RedisRoundTrips.percentile(times, 50)).isPositive();
        }
        // Redis's own time is part of each script's round trip, so never more than the round trips' mean.
        double meanRoundTripMicros = (sum(f.admit()) + sum(f.settle())) / 200.0 / 1_000;
        assertThat(f.redisMicrosPerScript()).isPositive().isLessThan(meanRoundTripMicros);
    }

    private static long sum(long[] nanos) {
        long total = 0;
        for (long n : nanos) {
            total += n;
        }
        return total;
    }
}
