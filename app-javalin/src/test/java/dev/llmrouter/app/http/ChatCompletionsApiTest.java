package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.Fakes.FREE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.ChatCommand;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirements 3.1 and 3.3: the chat and completion routes, in OpenAI and Azure shape, hand the router
 * the caller's request unchanged with what it needs read from it, and answer with the deployment's body
 * and the routing, cost and rate-limit headers.
 */
@DisplayName("Requirement 3.1/3.3: chat and completion routes")
class ChatCompletionsApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final FakeRouter ROUTER = new FakeRouter();
    @RegisterExtension
    static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);

    @Test
    void served_chat_returns_the_deployments_body_and_route_headers() {
        // given a request with fields the gateway does not know
        String body = """
                {"model":"premium","messages":[{"role":"user","content":"Hi"}],"temperature":0.2,\
                "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],\
                "seed":7,"x_custom":{"a":[1,2]}}""";

        // when
        HttpResponse<String> response = gateway.get().post("/v1/chat/completions", body,
                "Authorization", bearer(ENTERPRISE_KEY), "Content-Type", "application/json", "x-request-id", "req-42");

        // then the deployment's answer comes back as it was
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Outcomes.REPLY);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("x-request-id")).hasValue("req-42");
        assertThat(response.headers().firstValue("x-router-tier")).hasValue("premium");
        assertThat(response.headers().firstValue("x-router-model")).hasValue("gpt-4o");
        assertThat(response.headers().firstValue("x-router-deployment")).hasValue("gpt-4o-eastus");
        assertThat(response.headers().firstValue("x-router-region")).hasValue("eastus");
        assertThat(response.headers().firstValue("x-router-attempts")).hasValue("1");
        assertThat(response.headers().firstValue("x-router-cost-usd")).hasValue("0.000125");
        assertThat(response.headers().firstValue("x-router-downgraded")).isEmpty();
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).hasValue("300");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("299");
        assertThat(response.headers().firstValue("x-ratelimit-reset-requests")).hasValue("200ms");
        assertThat(response.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("300000");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("299000");
        assertThat(response.headers().firstValue("x-ratelimit-reset-tokens")).hasValue("6m0s");

        // and the router got the caller's bytes unchanged
        ChatCommand command = ROUTER.last();
        assertThat(new String(command.request().body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(command.requested()).isEqualTo("premium");
        assertThat(command.request().operation()).isEqualTo(ChatOperation.CHAT);
        assertThat(command.request().stream()).isFalse();
        assertThat(command.caller().accountId()).isEqualTo("acct-ent");
        assertThat(command.requestId()).isEqualTo("req-42");
        assertThat(command.allowFallDown()).isTrue();
        assertThat(command.residency().isUnconstrained()).isTrue();
    }

    @Test
    void the_router_reads_what_it_needs_from_body_and_headers() {
        String body = """
                {"model":"gpt-4o","user":"alice","metadata":{"operation":"from-body"},"max_completion_tokens":300,\
                "max_tokens":999,"n":3,"stream":false,"messages":[{"role":"user","content":[\
                {"type":"text","text":"What is in these?"},\
                {"type":"image_url","image_url":{"url":"https://example.com/a.png"}},\
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}}]}]}""";

        HttpResponse<String> response = gateway.get().post("/v1/chat/completions", body, "api-key", ENTERPRISE_KEY,
                "x-router-operation", "summarize-ticket", "x-router-region", "westeurope",
                "x-router-residency", "eu, uk,swedencentral", "x-router-fall-down", "false");

        assertThat(response.statusCode()).isEqualTo(200);
        ChatCommand command = ROUTER.last();
        assertThat(command.requested()).isEqualTo("gpt-4o");
        assertThat(command.caller().creator()).isEqualTo("alice");
        assertThat(command.caller().operation()).isEqualTo("summarize-ticket");
        assertThat(command.preferredRegion()).isEqualTo("westeurope");
        assertThat(command.residency().geographies()).containsExactlyInAnyOrder(Geography.EU, Geography.UK);
        assertThat(command.residency().regions()).containsExactly("swedencentral");
        assertThat(command.allowFallDown()).isFalse();
        assertThat(command.request().maxOutputTokens()).isEqualTo(300);
        assertThat(command.request().imageCount()).isEqualTo(2);
        assertThat(command.request().choices()).isEqualTo(3);
        // a generated request id when the caller sent none
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
    }

    @Test
    void creator_from_header_and_operation_from_metadata_when_the_other_source_is_absent() {
        gateway.get().post("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"Hi"}],"metadata":{"operation":"triage"}}""",
                "Authorization", bearer(FREE_KEY), "x-router-creator", "svc-billing");

        ChatCommand command = ROUTER.last();
        assertThat(command.requested()).isNull();
        assertThat(command.caller().creator()).isEqualTo("svc-billing");
        assertThat(command.caller().operation()).isEqualTo("triage");
        assertThat(command.caller().plan().id()).isEqualTo("free");
        assertThat(command.request().maxOutputTokens()).isZero();
    }

    @Test
    void azure_route_takes_the_model_from_the_path_and_accepts_any_api_version() {
        HttpResponse<String> response = gateway.get().post(
                "/openai/deployments/economy/chat/completions?api-version=2024-10-21",
                "{\"model\":\"ignored\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "api-key", ENTERPRISE_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ROUTER.last().requested()).isEqualTo("economy");
    }

    @Test
    void text_completions_in_both_shapes() throws Exception {
        ROUTER.completes(c -> Outcomes.served(Outcomes.TEXT_REPLY, Outcomes.route("gpt-35-turbo-instruct-eastus")));

        HttpResponse<String> openAi = gateway.get().post("/v1/completions",
                "{\"model\":\"gpt-35-turbo-instruct\",\"prompt\":\"Hello\",\"max_tokens\":5}", "Authorization", bearer(FREE_KEY));
        HttpResponse<String> azure = gateway.get().post("/openai/deployments/gpt-35-turbo-instruct/completions?api-version=2024-02-01",
                "{\"prompt\":[\"Hello\"]}", "api-key", FREE_KEY);

        assertThat(openAi.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(openAi.body()).at("/choices/0/text").asText()).isEqualTo(" world");
        assertThat(azure.statusCode()).isEqualTo(200);
        assertThat(ROUTER.commands).extracting(c -> c.request().operation())
                .containsExactly(ChatOperation.TEXT_COMPLETION, ChatOperation.TEXT_COMPLETION);
        assertThat(ROUTER.commands.get(0).request().maxOutputTokens()).isEqualTo(5);
        assertThat(openAi.headers().firstValue("x-router-tier")).hasValue("economy");
    }

    @Test
    void a_downgrade_is_named_in_a_header() {
        ROUTER.completes(c -> Outcomes.served(Outcomes.REPLY,
                Outcomes.downgraded("gpt-35-turbo-eastus", Tier.PREMIUM, "plan free allows up to economy")));

        HttpResponse<String> response = gateway.get().post("/v1/chat/completions",
                "{\"model\":\"premium\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "Authorization", bearer(FREE_KEY));

        assertThat(response.headers().firstValue("x-router-tier")).hasValue("economy");
        assertThat(response.headers().firstValue("x-router-downgraded")).hasValue("plan free allows up to economy");
    }

    @Test
    void unlimited_dimensions_send_no_rate_limit_headers() {
        ROUTER.completes(c -> {
            var served = Outcomes.served(c);
            return new dev.llmrouter.ports.router.ChatOutcome.Served(served.route(), served.reply(), served.usage(),
                    served.cost(), served.attempts(), dev.llmrouter.domain.ratelimit.RateLimitStatus.UNLIMITED);
        });

        HttpResponse<String> response = gateway.get().post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(response.headers().map().keySet()).noneMatch(h -> h.startsWith("x-ratelimit"));
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
