package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 4.1 at the HTTP edge: one structured log line per request with id, account, route, status,
 * latency, tokens and cost — and never a key or a prompt; concurrent requests each get their own id.
 */
@DisplayName("Requirement 4.1: one log line per request, without keys or prompts")
class RequestLogTest {

    @Test
    void one_line_per_request_without_key_or_prompt() throws InterruptedException {
        FakeRouter router = new FakeRouter();
        List<String> lines;
        String everything;
        try (TestGateway gateway = TestGateway.withFakes(router, new Fakes.Usage(), 1 << 20);
                StderrCapture captured = new StderrCapture()) {
            gateway.post("/v1/chat/completions", "{\"model\":\"premium\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"TOP-SECRET-PROMPT\"}]}", "Authorization", bearer(ENTERPRISE_KEY), "x-request-id", "log-1");
            gateway.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"TOP-SECRET-PROMPT\"",
                    "Authorization", bearer("sk-leaked-key-42"), "x-request-id", "log-2");
            // the lines are written by the async appender's worker: wait for them, bounded
            lines = captured.awaitLines(l -> l.contains("dev.llmrouter.app.http.access"), 2, Duration.ofSeconds(10));
            everything = captured.text();
        }

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("[").contains("] INFO dev.llmrouter.app.http.access - request id=log-1",
                "method=POST", "path=/v1/chat/completions", "account=acct-ent",
                "tier=premium", "model=gpt-4o", "deployment=gpt-4o-eastus", "region=eastus", "status=200", "latency_ms=",
                "tokens_in=10", "tokens_out=5", "cost_usd=0.000125", "attempts=1", "outcome=served");
        assertThat(lines.get(1)).contains("request id=log-2", "status=401", "outcome=invalid_api_key");
        assertThat(everything).doesNotContain(ENTERPRISE_KEY, "sk-leaked-key-42", "TOP-SECRET-PROMPT");
    }

    @Test
    void concurrent_requests_each_get_their_own_id_and_answer() throws Exception {
        try (TestGateway gateway = TestGateway.withFakes(new FakeRouter(), new Fakes.Usage(), 1 << 20)) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(gateway.http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.base() + "/v1/chat/completions"))
                        .header("Authorization", bearer(ENTERPRISE_KEY))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"" + i + "\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            Set<String> ids = new HashSet<>();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                ids.add(response.headers().firstValue("x-request-id").orElseThrow());
            }
            assertThat(ids).hasSize(64);
        }
    }
}
