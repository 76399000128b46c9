package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.failure.Failure;

/** A classified failure of one call to a deployment. */
public final class EndpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Failure failure;

    public EndpointException(Failure failure) {
        this(failure, null);
    }

    public EndpointException(Failure failure, Throwable cause) {
        super(failure.toString(), cause, false, false);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
