package dev.llmrouter.ports.chat;

/**
 * Outbound port: calls one deployment. Implemented by the Azure OpenAI adapter, by simulated
 * deployments, and by test fakes.
 *
 * <p>An endpoint makes exactly one attempt per call: it never retries (the router owns retries and
 * fallback). Every failure surfaces as an {@link EndpointException} carrying a classified
 * {@link dev.llmrouter.domain.failure.Failure}; no vendor exception escapes.
 */
public interface ChatEndpoint {

    /** Sends a non-streaming request and returns the deployment's full answer. */
    ChatReply complete(ChatCall call);

    /**
     * Sends a streaming request. Returns once the deployment accepted it (status 200 and headers);
     * failures before that throw here, later ones from {@link ChatStream#next()}.
     */
    ChatStream openStream(ChatCall call);
}
