package dev.llmrouter.adapters.azure;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatRequest;
import java.net.URI;
import java.time.Duration;

/** Deployments, models and calls pointing at a WireMock server. */
final class AzureFixtures {

    /** The gateway's own parse of request bodies: requests reach the adapter indexed by it. */
    static final ChatBodyReader READER = new ChatBodyReader(32L << 20);

    /** A chat request as the gateway reads it. */
    static ChatRequest chat(String json) {
        return READER.request(dev.llmrouter.ports.chat.ChatOperation.CHAT, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A completions request as the gateway reads it. */
    static ChatRequest completion(byte[] body) {
        return READER.request(dev.llmrouter.ports.chat.ChatOperation.TEXT_COMPLETION, body);
    }

    static final String KEY = "test-key-0123456789";
    static final ModelSpec GPT_4O = ModelSpec.builder("gpt-4o").tier(Tier.PREMIUM).encoding(TokenEncoding.O200K_BASE).build();

    private AzureFixtures() {}

    static Deployment deployment(String id, String baseUrl, String azureName) {
        return new Deployment(DeploymentId.of(id), GPT_4O.id(), Fixtures.EASTUS, URI.create(baseUrl), azureName,
                ChainRole.PRIMARY);
    }

    static Deployment deployment(WireMockServer wm) {
        return deployment("gpt-4o-eastus", wm.baseUrl(), "gpt-4o-prod");
    }

    static AzureDeploymentSettings keySettings(Deployment deployment) {
        return AzureDeploymentSettings.apiKey(deployment, KEY);
    }

    static ChatCall call(Deployment deployment, ChatRequest request, int cap, Duration timeout) {
        return new ChatCall(new Candidate(deployment, GPT_4O, Tier.PREMIUM, false), request, cap, timeout, "req-1");
    }

    static ChatCall call(Deployment deployment, ChatRequest request) {
        return call(deployment, request, 256, Duration.ofSeconds(5));
    }

    static final String CHAT_REPLY = """
            {"id":"chatcmpl-A1","object":"chat.completion","created":1732600000,"model":"gpt-4o-2024-08-06",\
            "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello there!"},\
            "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],\
            "usage":{"prompt_tokens":19,"completion_tokens":3,"total_tokens":22},"system_fingerprint":"fp_abc"}""";

    static String sse(String... events) {
        StringBuilder b = new StringBuilder();
        for (String e : events) {
            b.append("data: ").append(e).append("\n\n");
        }
        return b.toString();
    }

    static String delta(String content) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}";
    }

    static final String FILTER_RESULTS_CHUNK = "{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[],"
            + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}";

    static String usageChunk(long prompt, long completion) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }
}
