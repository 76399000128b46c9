package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.Fakes.TWO_AT_ONCE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.router.RouteInfo;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.3: an account holds at most its plan's {@code max-concurrent-requests} requests in
 * progress. Over the real server, with an account whose plan allows two: the third concurrent request is
 * refused at once with 429 (type {@code requests}, code {@code concurrency_limit_exceeded},
 * {@code Retry-After}) before its body is read, while another account is still served; and the slots
 * come back however a request ends (answered, streamed, refused for its body, failed in the gateway, body
 * too slow, caller gone), so that after each kind of ending both slots can be taken again.
 */
@DisplayName("Requirement 9.3: a plan bounds an account's requests in progress; slots come back on every ending")
class AccountConcurrencyTest {

    private static final String HOLD = "{\"messages\":[{\"role\":\"user\",\"content\":\"hold\"}]}";
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private final FakeRouter router = new FakeRouter();
    private final TestGateway gateway = TestGateway.withBodyRead(router, new BodyReadLimits(Duration.ofMillis(300), 1_000));
    private volatile CountDownLatch entered = new CountDownLatch(0);
    private volatile CountDownLatch release = new CountDownLatch(0);

    AccountConcurrencyTest() {
        router.holdsMarked(() -> entered, () -> release);
    }

    @AfterEach
    void stop() {
        release.countDown();
        gateway.close();
    }

    @Test
    void the_request_over_the_bound_gets_429_while_another_account_is_served() throws Exception {
        // given the account's two slots taken by requests the router holds
        List<CompletableFuture<HttpResponse<String>>> held = holdBothSlots();

        // when a third request of the same account arrives
        HttpResponse<String> third = gateway.post("/v1/chat/completions", CHAT, "Authorization", bearer(TWO_AT_ONCE_KEY));

        // then it is refused at once, saying why and when to come back, and never reaches the router
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode error = ChatCompletionsApiTest.json(third.body()).at("/error");
        assertThat(error.at("/type").asText()).isEqualTo("requests");
        assertThat(error.at("/code").asText()).isEqualTo("concurrency_limit_exceeded");
        assertThat(error.at("/message").asText()).contains("concurrent", "'" + Fakes.CONCURRENCY_PLAN + "'", "2");
        assertThat(router.commands).hasSize(2);

        // and another account is served meanwhile
        assertThat(gateway.post("/v1/chat/completions", CHAT, "Authorization", bearer(ENTERPRISE_KEY)).statusCode())
                .isEqualTo(200);

        // and the held requests finish normally once let go
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertBothSlotsFree();
    }

    @Test
    void the_429_comes_before_the_body_is_read() {
        List<CompletableFuture<HttpResponse<String>>> held = holdBothSlots();
        try (RawHttp client = new RawHttp(gateway.port)) {
            // a body declared and never sent: answered without waiting for it
            client.send(RawHttp.chatHead(TWO_AT_ONCE_KEY, "Content-Length: 1000"));
            RawHttp.Answer answer = client.answer();
            assertThat(answer.status()).isEqualTo(429);
            assertThat(answer.nanosAfterLastByteSent()).isLessThan(TimeUnit.MILLISECONDS.toNanos(300));
        }
        release.countDown();
        held.forEach(CompletableFuture::join);
    }

    @Test
    void every_ending_gives_its_slot_back() throws Exception {
        // a stream whose caller hangs up: the router streams until told the caller is gone
        CompletableFuture<Void> firstChunk = new CompletableFuture<>();
        CompletableFuture<Void> hungUp = new CompletableFuture<>();
        CompletableFuture<Void> routerSawCallerGone = new CompletableFuture<>();
        router.streams((command, listener) -> {
            RouteInfo route = Outcomes.route("gpt-4o-eastus");
            listener.onStart(route, Outcomes.LIMITS);
            listener.onChunk(Outcomes.chunk(Outcomes.CHUNKS.get(1)));
            firstChunk.complete(null);
            hungUp.join();
            while (listener.onChunk(Outcomes.chunk(Outcomes.CHUNKS.get(1)))) {
                // until the write fails
            }
            routerSawCallerGone.complete(null);
            return new ChatOutcome.StreamBroken(route, Optional.empty(), new TokenUsage(10, 1), Outcomes.COST,
                    List.of(Outcomes.success("gpt-4o-eastus")), Outcomes.LIMITS);
        });
        try (RawHttp client = new RawHttp(gateway.port)) {
            String body = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            client.send(RawHttp.chatHead(TWO_AT_ONCE_KEY, "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length))
                    .send(body);
            firstChunk.get(10, TimeUnit.SECONDS);
        }
        hungUp.complete(null);
        routerSawCallerGone.get(20, TimeUnit.SECONDS);
        router.streams(Outcomes::streamed);

        // answered
        assertThat(post(CHAT).statusCode()).isEqualTo(200);
        // streamed
        HttpResponse<String> streamed = post("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
        // refused for its body, after the slot was taken
        assertThat(post("{\"messages\":").statusCode()).isEqualTo(400);
        // refused by the router
        router.completes(command -> new ChatOutcome.Refused(
                Refusal.of(Refusal.Reason.UNKNOWN_MODEL, "The model 'gpt-9' does not exist"), Outcomes.LIMITS));
        assertThat(post(CHAT).statusCode()).isEqualTo(404);
        // failed inside the gateway
        router.completes(command -> {
            throw new IllegalStateException("a fault of the gateway's own");
        });
        assertThat(post(CHAT).statusCode()).isEqualTo(500);
        // a body too slow
        try (RawHttp client = new RawHttp(gateway.port)) {
            client.send(RawHttp.chatHead(TWO_AT_ONCE_KEY, "Content-Length: 100")).send("{");
            assertThat(client.answer().status()).isEqualTo(408);
        }

        router.holdsMarked(() -> entered, () -> release);
        assertBothSlotsFree();
    }

    /** Both slots can be taken at once, and then not a third: none leaked, none left over. */
    private void assertBothSlotsFree() {
        List<CompletableFuture<HttpResponse<String>>> held = holdBothSlots();
        assertThat(post(CHAT).statusCode()).isEqualTo(429);
        release.countDown();
        held.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    }

    private List<CompletableFuture<HttpResponse<String>>> holdBothSlots() {
        entered = new CountDownLatch(2);
        release = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> held = List.of(postAsync(HOLD), postAsync(HOLD));
        FakeRouter.await(entered);
        return held;
    }

    private HttpResponse<String> post(String body) {
        return gateway.post("/v1/chat/completions", body, "Authorization", bearer(TWO_AT_ONCE_KEY));
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return gateway.http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.base() + "/v1/chat/completions"))
                .header("Authorization", bearer(TWO_AT_ONCE_KEY)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }


}
