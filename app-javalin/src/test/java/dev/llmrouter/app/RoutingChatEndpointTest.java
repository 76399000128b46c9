package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each call goes to its deployment's endpoint; streams wait for their first chunk at most the first-token timeout. */
class RoutingChatEndpointTest {

    static final ModelSpec MODEL = ExampleCatalog.create().model("gpt-4o").orElseThrow();

    /** Remembers the calls it got. */
    static final class Recording implements ChatEndpoint {
        final List<ChatCall> calls = new ArrayList<>();

        @Override
        public ChatReply complete(ChatCall call) {
            calls.add(call);
            return new ChatReply(new byte[0], TokenUsage.NONE);
        }

        @Override
        public ChatStream openStream(ChatCall call) {
            calls.add(call);
            return null;
        }
    }

    static ChatCall call(String deployment, Duration timeout) {
        Deployment d = Fixtures.deployment(deployment, "gpt-4o", Fixtures.EASTUS, ChainRole.PRIMARY);
        return new ChatCall(new Candidate(d, MODEL, MODEL.tier(), false), ChatRequest.chat("{}"), 100, timeout, "r");
    }

    private final Recording a = new Recording();
    private final Recording b = new Recording();
    private final RoutingChatEndpoint endpoint = new RoutingChatEndpoint(
            Map.of(DeploymentId.of("a"), a, DeploymentId.of("b"), b), Duration.ofSeconds(5));

    @Test
    void each_call_goes_to_the_endpoint_of_its_deployment_unchanged() {
        ChatCall toB = call("b", Duration.ofSeconds(30));

        endpoint.complete(toB);

        assertThat(a.calls).isEmpty();
        assertThat(b.calls).containsExactly(toB);
    }

    @Test
    void a_stream_gets_the_first_token_timeout_when_it_is_the_shorter() {
        endpoint.openStream(call("a", Duration.ofSeconds(30)));
        endpoint.openStream(call("a", Duration.ofSeconds(2)));

        assertThat(a.calls).extracting(ChatCall::timeout).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    @Test
    void a_deployment_without_endpoint_is_a_classified_failure() {
        assertThatThrownBy(() -> endpoint.complete(call("c", Duration.ofSeconds(1))))
                .isInstanceOfSatisfying(EndpointException.class,
                        e -> assertThat(e.failure().kind()).isEqualTo(FailureKind.DEPLOYMENT_MISSING));
    }
}
