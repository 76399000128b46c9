package dev.llmrouter.app.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.llmrouter.adapters.azure.AzureDeploymentSettings;
import dev.llmrouter.adapters.azure.AzureOpenAiEndpoint;
import dev.llmrouter.adapters.inmemory.InMemoryResponseHomes;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.ports.usage.UsageReporter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2, the Responses API, across the whole stack: the official openai-java client calls the
 * gateway's {@code /v1/responses} over a socket, the real router calls two WireMock Azure resources
 * through the real Azure adapter on Azure's v1 path ({@code /openai/v1/responses}, the deployment named in
 * {@code model}, no {@code api-version}). Plain and streamed answers, a stream cut after its first delta,
 * a 429 that falls back, a content filter, and {@code previous_response_id} routed to the deployment
 * that answered it (and refused clearly when that deployment cannot be called).
 */
@DisplayName("Requirement 8.2: the Responses API through gateway, router and Azure adapter over WireMock")
class ResponsesApiGatewayTest {

    static final String UPSTREAM_KEY = "upstream-key-0123456789";
    static final String PATH = "/openai/v1/responses";

    WireMockServer east;
    WireMockServer west;
    InMemoryUsageLedger ledger;
    TestGateway gateway;
    OpenAIClient client;

    @BeforeEach
    void start() {
        east = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        west = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        east.start();
        west.start();
        Deployment a = new Deployment(DeploymentId.of("gpt-4o-eastus"), "gpt-4o", Fixtures.EASTUS, URI.create(east.baseUrl()),
                "gpt4o-east", ChainRole.PRIMARY);
        Deployment b = new Deployment(DeploymentId.of("gpt-4o-westeurope"), "gpt-4o", Fixtures.WESTEUROPE,
                URI.create(west.baseUrl()), "gpt4o-west", ChainRole.SECONDARY);
        Fleet fleet = Fleet.builder().catalog(ExampleCatalog.create()).deployment(a).deployment(b).build();
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(List.of(
                AzureDeploymentSettings.apiKey(a, UPSTREAM_KEY), AzureDeploymentSettings.apiKey(b, UPSTREAM_KEY)));
        ledger = new InMemoryUsageLedger();
        Router router = Router.builder().fleet(fleet).endpoint(endpoint).ledger(ledger)
                .retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0)).build();
        gateway = new TestGateway(new GatewayContext(router, new UsageReporter(ledger), router, Fakes.accounts(), fleet,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 1 << 20, BodyReadLimits.DEFAULT, List::of, null,
                new InMemoryResponseHomes()), InstantSource.system());
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.base() + "/v1").apiKey(ENTERPRISE_KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        east.stop();
        west.stop();
    }

    // ---- what the deployments answer -----------------------------------------------------------------

    static String response(String id, String text, int in, int out) {
        return """
                {"id":"%s","object":"response","created_at":1764633600,"status":"completed","model":"gpt-4o-2024-11-20",\
                "error":null,"incomplete_details":null,"instructions":null,"metadata":{},"parallel_tool_calls":true,\
                "temperature":1.0,"top_p":1.0,"tool_choice":"auto","tools":[],\
                "output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant",\
                "content":[{"type":"output_text","text":"%s","annotations":[]}]}],\
                "usage":{"input_tokens":%d,"input_tokens_details":{"cached_tokens":0},"output_tokens":%d,\
                "output_tokens_details":{"reasoning_tokens":0},"total_tokens":%d}}""".formatted(id, text, in, out, in + out);
    }

    static String event(String type, String json) {
        return "event: " + type + "\ndata: " + json + "\n\n";
    }

    static String created(String id) {
        return event("response.created", "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
                + response(id, "", 0, 0).replace("\"status\":\"completed\"", "\"status\":\"in_progress\"") + "}");
    }

    static String delta(int seq, String text) {
        return event("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":" + seq
                + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + text + "\",\"logprobs\":[]}");
    }

    static String completed(int seq, String id, String text, int in, int out) {
        return event("response.completed", "{\"type\":\"response.completed\",\"sequence_number\":" + seq
                + ",\"response\":" + response(id, text, in, out) + "}");
    }

    static void answers(WireMockServer server, int status, String contentType, String body) {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    static JsonNode json(String text) {
        return ChatCompletionsApiTest.json(text);
    }

    // ---- plain ---------------------------------------------------------------------------------------

    @Test
    void a_plain_response_goes_by_the_v1_path_with_the_deployment_in_model_and_the_cap_set() {
        answers(east, 200, "application/json", response("resp_east_1", "Hello from east", 12, 4)
                .replace("\"cached_tokens\":0", "\"cached_tokens\":5").replace("\"reasoning_tokens\":0", "\"reasoning_tokens\":1"));

        Response r = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("Hi")
                .instructions("Be brief.").build());

        assertThat(r.id()).isEqualTo("resp_east_1");
        assertThat(r.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Hello from east");
        assertThat(r.usage().get().inputTokens()).isEqualTo(12);
        east.verify(postRequestedFor(urlPathEqualTo(PATH))
                .withQueryParam("api-version", absent())
                .withHeader("api-key", equalTo(UPSTREAM_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt4o-east")))
                .withRequestBody(matchingJsonPath("$.input", equalTo("Hi")))
                .withRequestBody(matchingJsonPath("$.instructions", equalTo("Be brief.")))
                // absent from the caller: set to the model's cap, so the reservation is the true worst case
                .withRequestBody(matchingJsonPath("$.max_output_tokens", equalTo("16384"))));
        UsageRecord record = onlyRecord();
        assertThat(record.tokens()).isEqualTo(new TokenUsage(12, 4, 5, 0, 1)); // cached and reasoning shares kept
        assertThat(record.deployment()).isEqualTo("gpt-4o-eastus");
        assertThat(record.outcome()).isEqualTo(UsageOutcome.SUCCESS);
    }

    @Test
    void a_429_falls_back_to_the_next_deployment() {
        east.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("retry-after-ms", "50")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"429\",\"message\":\"Rate limit is exceeded.\"}}")));
        answers(west, 200, "application/json", response("resp_west_1", "Hello from west", 10, 3));

        var raw = client.responses().withRawResponse().create(ResponseCreateParams.builder().model("gpt-4o").input("Hi")
                .maxOutputTokens(50).build());

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().values("x-router-deployment")).containsExactly("gpt-4o-westeurope");
        assertThat(raw.parse().id()).isEqualTo("resp_west_1");
        west.verify(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(matchingJsonPath("$.model", equalTo("gpt4o-west")))
                .withRequestBody(matchingJsonPath("$.max_output_tokens", equalTo("50"))));
        assertThat(onlyRecord().path()).hasSize(2);
    }

    @Test
    void a_content_filter_comes_back_as_azure_sent_it_without_fallback() {
        answers(east, 400, "application/json", "{\"error\":{\"message\":\"The response was filtered due to the prompt "
                + "triggering Azure OpenAI's content management policy.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"prompt\",\"code\":\"content_filter\"}}");
        answers(west, 200, "application/json", response("resp_west_1", "should not be asked", 1, 1));

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"something hateful\"}",
                "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("content_filter");
        west.verify(0, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void bad_input_gets_openais_error_shape() {
        HttpResponse<String> missing = gateway.post("/v1/responses", "{\"model\":\"gpt-4o\"}",
                "Authorization", bearer(ENTERPRISE_KEY));
        HttpResponse<String> wrong = gateway.post("/openai/v1/responses", "{\"model\":\"gpt-4o\",\"input\":5}",
                "api-key", ENTERPRISE_KEY);
        HttpResponse<String> badItem = gateway.post("/v1/responses",
                "{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":[{\"text\":\"no type\"}]}]}",
                "Authorization", bearer(ENTERPRISE_KEY));
        HttpResponse<String> badCap = gateway.post("/v1/responses",
                "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"max_output_tokens\":-1}", "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing.body()).at("/error/param").asText()).isEqualTo("input");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(json(wrong.body()).at("/error/code").asText()).isEqualTo("invalid_type");
        assertThat(badItem.statusCode()).isEqualTo(400);
        assertThat(json(badItem.body()).at("/error/param").asText()).isEqualTo("input[0].content[0].type");
        assertThat(badCap.statusCode()).isEqualTo(400);
        assertThat(json(badCap.body()).at("/error/param").asText()).isEqualTo("max_output_tokens");
        assertThat(ledger.all()).isEmpty();
    }

    // ---- streamed ------------------------------------------------------------------------------------

    @Test
    void a_stream_reaches_the_official_client_event_by_event_and_is_metered_from_response_completed() {
        answers(east, 200, "text/event-stream", created("resp_s1") + delta(1, "Hel") + delta(2, "lo")
                + completed(3, "resp_s1", "Hello", 9, 2).replace("\"cached_tokens\":0", "\"cached_tokens\":4"));
        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();

        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("gpt-4o").input("Hi").build())) {
            stream.stream().forEach(e -> {
                e.created().ifPresent(c -> types.add("created"));
                e.outputTextDelta().ifPresent(d -> {
                    types.add("delta");
                    text.append(d.delta());
                });
                e.completed().ifPresent(c -> types.add("completed:" + c.response().usage().get().outputTokens()));
            });
        }

        assertThat(types).containsExactly("created", "delta", "delta", "completed:2");
        assertThat(text).hasToString("Hello");
        east.verify(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.stream_options", absent())));
        UsageRecord record = onlyRecord();
        assertThat(record.tokens()).isEqualTo(new TokenUsage(9, 2, 4, 0, 0));
        assertThat(record.outcome()).isEqualTo(UsageOutcome.SUCCESS);
    }

    @Test
    void the_raw_stream_keeps_the_event_lines_and_ends_without_done() {
        answers(east, 200, "text/event-stream", created("resp_s2") + delta(1, "Hi") + completed(2, "resp_s2", "Hi", 3, 1));

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true}",
                "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("event: response.created\ndata: {\"type\":\"response.created\"")
                .contains("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\"")
                .contains("event: response.completed\n")
                .doesNotContain("[DONE]");
    }

    @Test
    void a_stream_cut_after_its_first_delta_ends_in_an_error_event_and_one_record() {
        answers(east, 200, "text/event-stream", created("resp_cut") + delta(1, "Hel"));
        answers(west, 200, "text/event-stream", created("resp_w") + delta(1, "never") + completed(2, "resp_w", "never", 1, 1));
        StringBuilder text = new StringBuilder();

        assertThatThrownBy(() -> {
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                    ResponseCreateParams.builder().model("gpt-4o").input("Hi").build())) {
                stream.stream().forEach(e -> e.outputTextDelta().ifPresent(d -> text.append(d.delta())));
            }
        }).isInstanceOf(OpenAIException.class);

        assertThat(text).hasToString("Hel");
        west.verify(0, postRequestedFor(urlPathEqualTo(PATH))); // content reached the caller: no fallback
        UsageRecord record = onlyRecord();
        assertThat(record.outcome()).isEqualTo(UsageOutcome.STREAM_INTERRUPTED);
        assertThat(record.tokens().outputTokens()).isEqualTo(1); // "Hel", counted locally
        assertThat(record.tokens().inputTokens()).isPositive(); // the prompt as estimated

        HttpResponse<String> raw = gateway.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true}",
                "Authorization", bearer(ENTERPRISE_KEY));
        int errorAt = raw.body().indexOf("event: error\ndata: ");
        assertThat(errorAt).isPositive();
        JsonNode error = json(raw.body().substring(errorAt + "event: error\ndata: ".length()).strip());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("server_error");
    }

    @Test
    void a_stream_that_fails_before_its_first_delta_falls_back_invisibly() {
        answers(east, 200, "text/event-stream", created("resp_e") + event("error",
                "{\"type\":\"error\",\"sequence_number\":1,\"code\":\"server_error\",\"message\":\"The server had an error\"}"));
        answers(west, 200, "text/event-stream", created("resp_w2") + delta(1, "Fine") + completed(2, "resp_w2", "Fine", 5, 1));

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true}",
                "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-router-deployment")).hasValue("gpt-4o-westeurope");
        assertThat(r.body()).contains("resp_w2").doesNotContain("resp_e\"");
        assertThat(onlyRecord().tokens()).isEqualTo(new TokenUsage(5, 1));
    }

    // ---- previous_response_id --------------------------------------------------------------------------

    @Test
    void a_continuation_goes_to_the_deployment_that_answered_even_when_routing_would_pick_another() {
        // The first call lands on west (east is throttled once); east is the primary again afterwards.
        east.stubFor(post(urlPathEqualTo(PATH)).inScenario("east").whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"429\",\"message\":\"busy\"}}"))
                .willSetStateTo("ok"));
        east.stubFor(post(urlPathEqualTo(PATH)).inScenario("east").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(response("resp_east_2", "from east", 3, 2))));
        answers(west, 200, "application/json", response("resp_west_home", "from west", 3, 2));

        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("Hi").build());
        Response fresh = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("Hi again").build());
        Response continued = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("And then?")
                .previousResponseId(first.id()).build());

        assertThat(first.id()).isEqualTo("resp_west_home");
        assertThat(fresh.id()).isEqualTo("resp_east_2"); // without a previous response, routing picks east
        assertThat(continued.id()).isEqualTo("resp_west_home");
        west.verify(postRequestedFor(urlPathEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.previous_response_id", equalTo("resp_west_home"))));
        east.verify(0, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(matchingJsonPath("$.previous_response_id")));
    }

    @Test
    void a_streamed_response_is_remembered_too() {
        answers(east, 200, "text/event-stream", created("resp_streamed_home") + delta(1, "Hi")
                + completed(2, "resp_streamed_home", "Hi", 3, 1));
        gateway.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true}",
                "Authorization", bearer(ENTERPRISE_KEY));
        answers(east, 429, "application/json", "{\"error\":{\"code\":\"429\",\"message\":\"busy\"}}");
        answers(west, 200, "application/json", response("resp_west_x", "from west", 3, 2));

        HttpResponse<String> r = gateway.post("/v1/responses",
                "{\"model\":\"gpt-4o\",\"input\":\"more\",\"previous_response_id\":\"resp_streamed_home\"}",
                "Authorization", bearer(ENTERPRISE_KEY));

        // East holds the response and throttles: the continuation is not rerouted to west (and, as for any
        // chain whose every call was throttled, the caller gets 503 deployments_unavailable).
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("deployments_unavailable");
        east.verify(postRequestedFor(urlPathEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.previous_response_id", equalTo("resp_streamed_home"))));
        west.verify(0, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void a_continuation_whose_deployment_is_unavailable_gets_a_clear_503_and_no_silent_reroute() {
        answers(east, 200, "application/json", response("resp_east_home", "from east", 3, 2));
        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("Hi").build());
        // East now throttles for a minute: it cools down, and the continuation may go nowhere else.
        east.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("retry-after", "60")
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"code\":\"429\",\"message\":\"busy\"}}")));
        answers(west, 200, "application/json", response("resp_west_y", "from west", 3, 2));
        String body = "{\"model\":\"gpt-4o\",\"input\":\"more\",\"previous_response_id\":\"" + first.id() + "\"}";
        HttpResponse<String> throttled = gateway.post("/v1/responses", body, "Authorization", bearer(ENTERPRISE_KEY));
        int eastCalls = east.findAll(postRequestedFor(urlPathEqualTo(PATH))).size();

        HttpResponse<String> refused = gateway.post("/v1/responses", body, "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(json(throttled.body()).at("/error/code").asText()).isEqualTo("deployments_unavailable");
        assertThat(refused.statusCode()).isEqualTo(503);
        JsonNode error = json(refused.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("previous_response_deployment_unavailable");
        assertThat(error.path("param").asText()).isEqualTo("previous_response_id");
        assertThat(error.path("message").asText()).contains("gpt-4o-eastus");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(east.findAll(postRequestedFor(urlPathEqualTo(PATH)))).hasSize(eastCalls);
        west.verify(0, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void a_continuation_the_route_rules_out_is_refused_with_400() {
        answers(east, 200, "application/json", response("resp_east_home2", "from east", 3, 2));
        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("Hi").build());

        // The caller asks for the continuation with data kept in Europe: east (eastus) is ruled out.
        HttpResponse<String> r = gateway.post("/v1/responses",
                "{\"model\":\"gpt-4o\",\"input\":\"more\",\"previous_response_id\":\"" + first.id() + "\"}",
                "Authorization", bearer(ENTERPRISE_KEY), "x-router-residency", "westeurope");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("previous_response_not_routable");
        west.verify(0, postRequestedFor(urlPathEqualTo(PATH)));
    }

    private UsageRecord onlyRecord() {
        assertThat(ledger.all()).hasSize(1);
        return ledger.all().get(0);
    }
}
