package dev.llmrouter.app;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import java.util.Map;

/**
 * The router's one {@link ChatEndpoint}, handing each call to the endpoint of its deployment: the
 * simulator for simulated deployments, the Azure adapter for real ones. A fleet may mix both.
 */
public final class RoutingChatEndpoint implements ChatEndpoint {

    private final Map<DeploymentId, ChatEndpoint> endpoints;

    public RoutingChatEndpoint(Map<DeploymentId, ChatEndpoint> endpoints) {
        this.endpoints = Map.copyOf(endpoints);
    }

    @Override
    public ChatReply complete(ChatCall call) {
        return endpointOf(call).complete(call);
    }

    @Override
    public ChatStream openStream(ChatCall call) {
        return endpointOf(call).openStream(call);
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
