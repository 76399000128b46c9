package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.NOW;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirement 3.3: every way a request can end maps to its documented status, OpenAI error body and
 * headers ({@code Retry-After} rounded up to whole seconds), for plain and streaming requests alike.
 */
@DisplayName("Requirement 3.3: outcome to status mapping")
class OutcomeStatusTest {

    static final FakeRouter ROUTER = new FakeRouter();
    @RegisterExtension
    static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);
    static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    HttpResponse<String> chatEndingIn(ChatOutcome outcome, String body) {
        ROUTER.answers(outcome);
        return gateway.get().post("/v1/chat/completions", body, "Authorization", bearer(ENTERPRISE_KEY));
    }

    static JsonNode error(HttpResponse<String> response) {
        JsonNode node = ChatCompletionsApiTest.json(response.body());
        assertThat(node.has("error")).as("OpenAI error shape: %s", response.body()).isTrue();
        assertThat(node.get("error").has("message") && node.get("error").has("type") && node.get("error").has("param")
                && node.get("error").has("code")).isTrue();
        return node.get("error");
    }

    @Test
    void refusals() {
        record Case(Refusal.Reason reason, int status, String code) {}
        for (Case c : List.of(
                new Case(Refusal.Reason.UNKNOWN_MODEL, 404, "model_not_found"),
                new Case(Refusal.Reason.NO_ELIGIBLE_DEPLOYMENT, 400, "no_eligible_deployment"),
                new Case(Refusal.Reason.PROMPT_TOO_LARGE, 400, "context_length_exceeded"),
                new Case(Refusal.Reason.INVALID_REQUEST, 400, "invalid_request"))) {
            for (String body : List.of(CHAT, STREAM)) {
                HttpResponse<String> response = chatEndingIn(
                        new ChatOutcome.Refused(Refusal.of(c.reason(), "because " + c.reason()), Outcomes.LIMITS), body);
                assertThat(response.statusCode()).as(c.reason().toString()).isEqualTo(c.status());
                assertThat(error(response).get("code").asText()).isEqualTo(c.code());
                assertThat(error(response).get("message").asText()).isEqualTo("because " + c.reason());
                assertThat(response.headers().firstValue("retry-after")).isEmpty();
            }
        }
    }

    @Test
    void rate_limited_is_429_with_retry_after_rounded_up() {
        Refusal refusal = new Refusal(Refusal.Reason.RATE_LIMITED, "Rate limit reached: 300 requests per minute",
                Optional.of(Duration.ofMillis(2_100)));
        RateLimitStatus status = new RateLimitStatus(300, 0, Duration.ofMillis(2_100), 300_000, 1_000, Duration.ofSeconds(1));

        HttpResponse<String> response = chatEndingIn(new ChatOutcome.Refused(refusal, status), CHAT);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("3");
        assertThat(response.headers().firstValue("retry-after-ms")).hasValue("2100");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(response.headers().firstValue("x-ratelimit-reset-requests")).hasValue("2.1s");
        assertThat(error(response).get("code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void rate_limited_without_a_delay_takes_the_reset_of_the_exhausted_dimension() {
        RateLimitStatus status = new RateLimitStatus(300, 10, Duration.ofSeconds(1), 1_000, 0, Duration.ofMillis(41_500));

        HttpResponse<String> response = chatEndingIn(new ChatOutcome.Refused(
                Refusal.of(Refusal.Reason.RATE_LIMITED, "tokens per minute"), status), STREAM);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("42");
    }

    @Test
    void quota_exceeded_is_429_insufficient_quota() {
        Refusal refusal = new Refusal(Refusal.Reason.QUOTA_EXCEEDED, "Monthly quota of $5 reached",
                Optional.of(Duration.ofDays(4).plusMillis(1)));

        HttpResponse<String> response = chatEndingIn(new ChatOutcome.Refused(refusal, RateLimitStatus.UNLIMITED), CHAT);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue(Long.toString(4 * 86_400 + 1));
        assertThat(error(response).get("type").asText()).isEqualTo("insufficient_quota");
    }

    @Test
    @DisplayName("Requirement 7.5: a store that cannot answer, failing closed, is a 503 with Retry-After, never a 500")
    void store_unavailable_is_503_with_retry_after() {
        Refusal refusal = new Refusal(Refusal.Reason.STORE_UNAVAILABLE, "the quota service is unavailable",
                Optional.of(Duration.ofMillis(1_500)));

        HttpResponse<String> response = chatEndingIn(new ChatOutcome.Refused(refusal, RateLimitStatus.UNLIMITED), CHAT);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).hasValue("2");
        assertThat(response.headers().firstValue("retry-after-ms")).hasValue("1500");
        assertThat(error(response).get("type").asText()).isEqualTo("server_error");
        assertThat(error(response).get("code").asText()).isEqualTo("service_unavailable");
    }

    @Test
    void exhausted_without_any_call_is_503_with_retry_after_from_the_earliest_recovery() {
        ChatOutcome outcome = new ChatOutcome.Exhausted(List.of(
                Outcomes.skipped("gpt-4-turbo-eastus", Attempt.Outcome.SKIPPED_BREAKER_OPEN),
                Outcomes.skipped("gpt-4-turbo-westeurope", Attempt.Outcome.SKIPPED_COOLING_DOWN)),
                Optional.of(NOW.plusMillis(12_300)), Outcomes.LIMITS);

        for (String body : List.of(CHAT, STREAM)) {
            HttpResponse<String> response = chatEndingIn(outcome, body);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("retry-after")).hasValue("13");
            assertThat(error(response).get("message").asText())
                    .contains("gpt-4-turbo-eastus: breaker open", "gpt-4-turbo-westeurope: cooling down");
        }
    }

    @Test
    void exhausted_by_faults_is_502_by_throttling_503_by_time_504() {
        Failure err500 = Failure.of(FailureKind.SERVER_ERROR, 500, "", "boom");
        Failure throttled = Failure.of(FailureKind.THROTTLED, 429, "429", "slow down");
        Failure timeout = Failure.transport(FailureKind.TIMEOUT, "no answer in 30s");
        HttpResponse<String> faults = chatEndingIn(exhausted(Outcomes.failed("gpt-4-eastus", err500),
                Outcomes.failed("gpt-4-westeurope", timeout)), CHAT);
        assertThat(faults.statusCode()).isEqualTo(502);
        // no deployment said when it would be back: the shortest honest wait
        assertThat(faults.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(chatEndingIn(exhausted(Outcomes.failed("gpt-4-eastus", throttled),
                Outcomes.failed("gpt-4-westeurope", throttled)), CHAT).statusCode()).isEqualTo(503);
        assertThat(chatEndingIn(exhausted(Outcomes.failed("gpt-4-eastus", timeout),
                Outcomes.failed("gpt-4-westeurope", timeout)), CHAT).statusCode()).isEqualTo(504);
        assertThat(chatEndingIn(exhausted(Outcomes.failed("gpt-4-eastus", err500),
                Outcomes.skipped("gpt-4-westeurope", Attempt.Outcome.SKIPPED_DEADLINE)), CHAT).statusCode()).isEqualTo(504);
    }

    @Test
    void exhausted_because_every_candidate_is_over_quota_is_429_insufficient_quota() {
        HttpResponse<String> response = chatEndingIn(exhausted(
                Outcomes.skipped("gpt-4-turbo-eastus", Attempt.Outcome.SKIPPED_OVER_QUOTA),
                Outcomes.skipped("gpt-4o-eastus", Attempt.Outcome.SKIPPED_OVER_QUOTA)), CHAT);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(error(response).get("code").asText()).isEqualTo("insufficient_quota");
    }

    @Test
    void a_final_deployment_error_passes_through_with_its_status_and_body() {
        String azureBody = "{\"error\":{\"message\":\"The response was filtered\",\"type\":null,\"param\":\"prompt\","
                + "\"code\":\"content_filter\",\"status\":400,\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\","
                + "\"content_filter_result\":{\"hate\":{\"filtered\":true,\"severity\":\"high\"}}}}}";
        Failure filtered = new Failure(FailureKind.CONTENT_FILTERED, 400, "content_filter", "filtered", Optional.empty(), azureBody);

        HttpResponse<String> response = chatEndingIn(new ChatOutcome.Failed(Outcomes.route("gpt-4o-eastus"), filtered,
                List.of(Outcomes.failed("gpt-4o-eastus", filtered)), Outcomes.LIMITS), CHAT);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(azureBody);
        assertThat(response.headers().firstValue("x-router-deployment")).hasValue("gpt-4o-eastus");
        assertThat(response.headers().firstValue("x-router-attempts")).hasValue("1");
    }

    @Test
    void a_final_error_without_a_body_is_wrapped_in_openai_shape() {
        Failure tooLong = Failure.of(FailureKind.CONTEXT_LENGTH_EXCEEDED, 400, "context_length_exceeded",
                "This model's maximum context length is 8192 tokens");

        HttpResponse<String> response = chatEndingIn(new ChatOutcome.Failed(Outcomes.route("gpt-4-eastus"), tooLong,
                List.of(Outcomes.failed("gpt-4-eastus", tooLong)), Outcomes.LIMITS), STREAM);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error(response).get("message").asText()).startsWith("This model's maximum context length");
    }

    @Test
    void go_duration_format_matches_openai_headers() {
        assertThat(OutcomeMapping.goDuration(Duration.ZERO)).isEqualTo("0s");
        assertThat(OutcomeMapping.goDuration(Duration.ofMillis(20))).isEqualTo("20ms");
        assertThat(OutcomeMapping.goDuration(Duration.ofNanos(1))).isEqualTo("1ms");
        assertThat(OutcomeMapping.goDuration(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(OutcomeMapping.goDuration(Duration.ofMillis(8_640))).isEqualTo("8.64s");
        assertThat(OutcomeMapping.goDuration(Duration.ofMinutes(6))).isEqualTo("6m0s");
        assertThat(OutcomeMapping.goDuration(Duration.ofSeconds(3_723))).isEqualTo("1h2m3s");
        assertThat(OutcomeMapping.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(OutcomeMapping.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(OutcomeMapping.retryAfterSeconds(Duration.ofSeconds(5))).isEqualTo(5);
        assertThat(OutcomeMapping.retryAfterSeconds(Duration.ofSeconds(5).plusNanos(1))).isEqualTo(6);
    }

    static ChatOutcome exhausted(Attempt... attempts) {
        return new ChatOutcome.Exhausted(List.of(attempts), Optional.empty(), Outcomes.LIMITS);
    }
}
