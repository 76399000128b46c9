package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.domain.failure.Failure;

/** A classified failure of one call to a deployment. */
public final class EndpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Failure failure;
    private final transient CapacityReport capacity;

    public EndpointException(Failure failure) {
        this(failure, (Throwable) null);
    }

    public EndpointException(Failure failure, Throwable cause) {
        this(failure, CapacityReport.NONE, cause);
    }

    /** A failure whose answer said what quota the deployment has left (a 429's {@code x-ratelimit-remaining-*}). */
    public EndpointException(Failure failure, CapacityReport capacity) {
        this(failure, capacity, null);
    }

    public EndpointException(Failure failure, CapacityReport capacity, Throwable cause) {
        super(failure.toString(), cause, false, false);
        this.failure = failure;
        this.capacity = capacity == null ? CapacityReport.NONE : capacity;
    }

    public Failure failure() {
        return failure;
    }

    /** What the failed answer said of the deployment's remaining quota; {@link CapacityReport#NONE} when nothing. */
    public CapacityReport capacity() {
        return capacity;
    }
}
