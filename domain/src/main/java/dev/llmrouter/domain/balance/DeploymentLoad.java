package dev.llmrouter.domain.balance;

/**
 * What a {@link Balancer} reads of one deployment: its weight and the load last seen on it. Values are
 * as of {@code nowNanos} on the ticker the state was recorded with.
 */
public interface DeploymentLoad {

    /** The configured weight (relative share); 0 makes it a standby within its group. */
    int weight();

    /** Tokens it last reported left, until their reset; {@link CapacityReport#UNKNOWN} when never reported or reset since. */
    long remainingTokens(long nowNanos);

    /** Requests it last reported left, until their reset; {@link CapacityReport#UNKNOWN} likewise. */
    long remainingRequests(long nowNanos);

    /** Requests of this process in flight to it now. */
    int inFlight();

    /** Its decayed recent latency in nanoseconds (time to first token for streams), or -1 before any answer. */
    long latencyNanos();

    /** True when the last report says the request's estimated tokens (or one more request) do not fit. */
    default boolean cannotFit(long estimatedTokens, long nowNanos) {
        long tokens = remainingTokens(nowNanos);
        long requests = remainingRequests(nowNanos);
        return (tokens != CapacityReport.UNKNOWN && tokens < estimatedTokens) || requests == 0;
    }
}
