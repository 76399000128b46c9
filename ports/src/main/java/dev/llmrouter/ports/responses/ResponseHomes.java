package dev.llmrouter.ports.responses;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.util.Objects;

/**
 * Outbound port: which deployment holds each stored response (Requirement 8.2).
 *
 * <p>A Responses API call that continues a stored response ({@code previous_response_id}) can only be
 * served by the Azure resource that stored it, so the gateway remembers, for every response id a
 * deployment answered with, that deployment, and sends the continuation there. Implementations keep
 * an entry at least as long as the service keeps the response it names (Azure: 30 days) unless told a
 * shorter time, and may forget entries beyond a size bound. Shared among gateway processes when the
 * store is (Redis), local otherwise.
 *
 * <p>A store that cannot answer says so ({@link Lookup.Unavailable}); it never throws into the call
 * path. A remember that fails is lost: the continuation is then routed like any request.
 */
public interface ResponseHomes {

    /** Notes that {@code deployment} answered with the stored response {@code responseId}. */
    void remember(String responseId, DeploymentId deployment);

    /** Where {@code responseId} is held, if this store knows. */
    Lookup find(String responseId);

    /** The answer of {@link #find}. */
    sealed interface Lookup {
        /** The response was answered by {@code deployment}. */
        record Found(DeploymentId deployment) implements Lookup {
            public Found {
                Objects.requireNonNull(deployment, "deployment");
            }
        }

        /** The store does not know the id (never seen, expired, or answered outside the gateway). */
        record Unknown() implements Lookup {}

        /** The store could not answer. */
        record Unavailable(String reason) implements Lookup {}

        Lookup UNKNOWN = new Unknown();
    }
}
