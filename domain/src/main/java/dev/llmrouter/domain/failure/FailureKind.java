package dev.llmrouter.domain.failure;

/**
 * Why a call to a deployment failed, as one taxonomy shared by every adapter.
 *
 * <p>Each kind answers three questions, fixed here so that no adapter or executor decides them again:
 * <ul>
 *   <li>{@link #retryableSameDeployment()}: may the same deployment be tried again after a backoff
 *       (transient faults only);
 *   <li>{@link #retryableElsewhere()}: may the next deployment of the chain be tried — false for
 *       failures another deployment would repeat (the request itself is at fault);
 *   <li>{@link #countsAgainstBreaker()}: is it evidence that the deployment is unhealthy. A caller's
 *       bad request or a content filter never opens a breaker; a 429 puts the deployment in a
 *       cooldown instead (see {@code Retry-After}), it is not a health failure.
 * </ul>
 */
public enum FailureKind {
    /** Could not connect (refused, DNS, TLS). */
    CONNECT_FAILED(true, true, true),
    /** Connection reset or closed before a complete answer. */
    CONNECTION_RESET(true, true, true),
    /** No answer within the attempt timeout. */
    TIMEOUT(true, true, true),
    /** An answer that is not a valid Azure OpenAI response (garbage, truncated JSON or SSE). */
    MALFORMED_RESPONSE(true, true, true),
    /** 429: the deployment is throttling; honour its retry-after. */
    THROTTLED(false, true, false),
    /** 500, 502, 503, 504. */
    SERVER_ERROR(true, true, true),
    /** 408 from the deployment. */
    REQUEST_TIMEOUT(true, true, true),
    /** 404: the Azure deployment does not exist (misconfiguration), another deployment may serve. */
    DEPLOYMENT_MISSING(false, true, true),
    /**
     * 401/403 from the deployment: the router's own credential for it is wrong or lacks access. The
     * caller is authenticated by the gateway, so this is the deployment's fault, and another
     * deployment (with its own credential) may serve.
     */
    DEPLOYMENT_AUTH(false, true, true),
    /** 400, 413, 415, 422: the request is invalid and every deployment would refuse it. */
    BAD_REQUEST(false, false, false),
    /** The prompt or completion was filtered by the content-management policy. */
    CONTENT_FILTERED(false, false, false),
    /** The prompt does not fit the model's context window (retryable only on a larger window). */
    CONTEXT_LENGTH_EXCEEDED(false, false, false),
    /** A stream that failed after content reached the caller: nothing may be retried. */
    STREAM_INTERRUPTED(false, false, true);

    private final boolean retryableSameDeployment;
    private final boolean retryableElsewhere;
    private final boolean countsAgainstBreaker;

    FailureKind(boolean retryableSameDeployment, boolean retryableElsewhere, boolean countsAgainstBreaker) {
        this.retryableSameDeployment = retryableSameDeployment;
        this.retryableElsewhere = retryableElsewhere;
        this.countsAgainstBreaker = countsAgainstBreaker;
    }

    public boolean retryableSameDeployment() {
        return retryableSameDeployment;
    }

    public boolean retryableElsewhere() {
        return retryableElsewhere;
    }

    public boolean countsAgainstBreaker() {
        return countsAgainstBreaker;
    }

    /** Final for the request: returned to the caller as it is. */
    public boolean isFinal() {
        return !retryableElsewhere;
    }

    /** The kind an HTTP status from a deployment maps to when the body says nothing more specific. */
    public static FailureKind ofStatus(int status) {
        return switch (status) {
            case 408 -> REQUEST_TIMEOUT;
            case 429 -> THROTTLED;
            case 401, 403 -> DEPLOYMENT_AUTH;
            case 404 -> DEPLOYMENT_MISSING;
            case 400, 413, 415, 422 -> BAD_REQUEST;
            default -> status >= 500 ? SERVER_ERROR : BAD_REQUEST;
        };
    }
}
