package dev.llmrouter.app;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The router's one {@link ChatEndpoint}, handing each call to the endpoint of its deployment: the
 * simulator for simulated deployments, the Azure adapter for real ones. A fleet may mix both.
 *
 * <p>It also applies the configuration's first-token timeout: a stream's attempt may wait for its
 * first chunk at most that long, even when the router would allow the (longer) attempt timeout; a
 * stream that has not started by then is better tried elsewhere.
 */
public final class RoutingChatEndpoint implements ChatEndpoint {

    private final Map<DeploymentId, ChatEndpoint> endpoints;
    private final Duration firstTokenTimeout;

    /**
     * @param endpoints         the endpoint of each deployment
     * @param firstTokenTimeout the most a stream may take to its first chunk
     */
    public RoutingChatEndpoint(Map<DeploymentId, ChatEndpoint> endpoints, Duration firstTokenTimeout) {
        this.endpoints = Map.copyOf(endpoints);
        this.firstTokenTimeout = Objects.requireNonNull(firstTokenTimeout, "firstTokenTimeout");
    }

    @Override
    public ChatReply complete(ChatCall call) {
        return endpointOf(call).complete(call);
    }

    @Override
    public ChatStream openStream(ChatCall call) {
        ChatCall bounded = call.timeout().compareTo(firstTokenTimeout) <= 0 ? call
                : new ChatCall(call.candidate(), call.request(), call.maxOutputTokens(), firstTokenTimeout, call.requestId());
        return endpointOf(call).openStream(bounded);
    }

    public ChatEndpoint endpointOf(DeploymentId id) {
        ChatEndpoint endpoint = endpoints.get(id);
        if (endpoint == null) {
            throw new EndpointException(Failure.of(FailureKind.DEPLOYMENT_MISSING, 0, "DeploymentNotFound",
                    "no endpoint is configured for deployment '" + id + "'"));
        }
        return endpoint;
    }

    private ChatEndpoint endpointOf(ChatCall call) {
        return endpointOf(call.candidate().deployment().id());
    }
}
