package dev.llmrouter.app.http;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Outcomes and bodies for the fake router, over the example fleet. */
final class Outcomes {

    static final Fleet FLEET = Fixtures.exampleFleet();
    static final RateLimitStatus LIMITS =
            new RateLimitStatus(300, 299, Duration.ofMillis(200), 300_000, 299_000, Duration.ofSeconds(6 * 60));
    static final Money COST = Money.ofUsd("0.000125");

    static final String REPLY = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}""";

    static final String TOOL_REPLY = """
            {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"gpt-4o",\
            "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1",\
            "type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},\
            "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":20,"completion_tokens":7,"total_tokens":27}}""";

    static final String TEXT_REPLY = """
            {"id":"cmpl-1","object":"text_completion","created":1700000000,"model":"gpt-35-turbo-instruct",\
            "choices":[{"index":0,"text":" world","logprobs":null,"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}""";

    static final List<String> CHUNKS = List.of(
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}",
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}",
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    static final String USAGE_CHUNK =
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12}}";

    private Outcomes() {}

    static Deployment deployment(String id) {
        return FLEET.deployment(DeploymentId.of(id)).orElseThrow();
    }

    static ModelSpec model(String id) {
        return FLEET.catalog().model(id).orElseThrow();
    }

    static RouteInfo route(String deploymentId) {
        Deployment d = deployment(deploymentId);
        ModelSpec m = model(d.modelId());
        return new RouteInfo(Optional.of(m.tier()), m.tier(), m, d, Optional.empty(), false);
    }

    static RouteInfo downgraded(String deploymentId, Tier requested, String reason) {
        Deployment d = deployment(deploymentId);
        ModelSpec m = model(d.modelId());
        return new RouteInfo(Optional.of(requested), m.tier(), m, d, Optional.of(reason), false);
    }

    static Attempt success(String deploymentId) {
        Deployment d = deployment(deploymentId);
        return new Attempt(d.id(), d.region().name(), Attempt.Outcome.SUCCESS, Optional.empty(), Duration.ofMillis(5));
    }

    static Attempt failed(String deploymentId, Failure failure) {
        Deployment d = deployment(deploymentId);
        return new Attempt(d.id(), d.region().name(), Attempt.Outcome.FAILED, Optional.of(failure), Duration.ofMillis(5));
    }

    static Attempt skipped(String deploymentId, Attempt.Outcome why) {
        Deployment d = deployment(deploymentId);
        return new Attempt(d.id(), d.region().name(), why, Optional.empty(), Duration.ZERO);
    }

    static ChatOutcome.Served served(ChatCommand command) {
        return served(REPLY, route("gpt-4o-eastus"));
    }

    static ChatOutcome.Served served(String body, RouteInfo route) {
        return new ChatOutcome.Served(route, Optional.of(new ChatReply(body.getBytes(StandardCharsets.UTF_8),
                new TokenUsage(10, 5))), new TokenUsage(10, 5), COST,
                List.of(success(route.deployment().id().value())), LIMITS);
    }

    /** Streams {@link #CHUNKS} (and the usage chunk when asked for) and ends Served. */
    static ChatOutcome streamed(ChatCommand command, StreamListener listener) {
        RouteInfo route = route("gpt-4o-eastus");
        listener.onStart(route, LIMITS);
        for (String chunk : CHUNKS) {
            if (!listener.onChunk(chunk(chunk))) {
                return new ChatOutcome.StreamBroken(route, Optional.empty(), new TokenUsage(10, 1), COST,
                        List.of(success("gpt-4o-eastus")), LIMITS);
            }
        }
        if (command.request().includeUsage()) {
            listener.onChunk(new StreamChunk(USAGE_CHUNK.getBytes(StandardCharsets.UTF_8), false,
                    Optional.of(new TokenUsage(10, 2))));
        }
        return new ChatOutcome.Served(route, Optional.empty(), new TokenUsage(10, 2), COST,
                List.of(success("gpt-4o-eastus")), LIMITS);
    }

    static StreamChunk chunk(String json) {
        return new StreamChunk(json.getBytes(StandardCharsets.UTF_8), true, Optional.empty());
    }
}
