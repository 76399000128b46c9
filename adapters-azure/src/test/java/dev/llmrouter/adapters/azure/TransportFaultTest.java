package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.llmrouter.adapters.azure.AzureFixtures.CHAT_REPLY;
import static dev.llmrouter.adapters.azure.AzureFixtures.call;
import static dev.llmrouter.adapters.azure.AzureFixtures.keySettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.EndpointException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requirement 2.5: transport faults injected by WireMock (and a refused connection) reach the router
 * as classified failures, through the real SDK and its Netty client, for plain and streaming calls.
 */
@DisplayName("Requirement 2.5: transport faults classified")
class TransportFaultTest {

    static final String PATH = "/openai/deployments/gpt-4o-prod/chat/completions";
    static final ChatRequest REQUEST = AzureFixtures.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    @RegisterExtension
    static final AzureWireMock azure = new AzureWireMock();

    @ParameterizedTest(name = "{0}, stream={1} -> {2}")
    @CsvSource({
        "CONNECTION_RESET_BY_PEER, false, CONNECTION_RESET",
        "CONNECTION_RESET_BY_PEER, true, CONNECTION_RESET",
        "EMPTY_RESPONSE, false, CONNECTION_RESET",
        "EMPTY_RESPONSE, true, CONNECTION_RESET",
        "MALFORMED_RESPONSE_CHUNK, false, MALFORMED_RESPONSE",
        "MALFORMED_RESPONSE_CHUNK, true, MALFORMED_RESPONSE",
        "RANDOM_DATA_THEN_CLOSE, false, MALFORMED_RESPONSE",
        "RANDOM_DATA_THEN_CLOSE, true, MALFORMED_RESPONSE",
    })
    void a_wiremock_fault_becomes_a_classified_failure(Fault fault, boolean stream, FailureKind expected) {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withFault(fault)));

        EndpointException e = catchThrowableOfType(EndpointException.class, () -> attempt(stream, Duration.ofSeconds(5)));

        assertThat(e).as("an EndpointException").isNotNull();
        assertThat(e.failure().kind()).as("%s (cause %s)", e.failure(), e.getCause()).isEqualTo(expected);
        assertThat(e.failure().status()).isZero();
        azure.wm().verify(1, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @ParameterizedTest(name = "stream={0}")
    @CsvSource({"false", "true"})
    void an_answer_slower_than_the_attempt_timeout_is_a_timeout(boolean stream) {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody(CHAT_REPLY)
                .withFixedDelay(3_000)));

        long start = System.nanoTime();
        EndpointException e = catchThrowableOfType(EndpointException.class, () -> attempt(stream, Duration.ofMillis(300)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(e).isNotNull();
        assertThat(e.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(tookMs).as("gave up at the attempt timeout, not the stub's delay").isLessThan(2_500);
    }

    @Test
    void a_body_that_stalls_after_the_headers_is_a_timeout() throws Exception {
        try (RawSseServer raw = new RawSseServer("{\"id\":\"chatcmpl-1\",", RawSseServer.Then.WAIT_FOR_CLIENT_CLOSE)) {
            Deployment d = AzureFixtures.deployment("raw", raw.baseUrl(), "gpt-4o-prod");
            AzureOpenAiEndpoint e = new AzureOpenAiEndpoint(List.of(keySettings(d)));

            long start = System.nanoTime();
            EndpointException stalled = catchThrowableOfType(EndpointException.class,
                    () -> e.complete(call(d, REQUEST, 64, Duration.ofMillis(300))));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(stalled).isNotNull();
            assertThat(stalled.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
            assertThat(tookMs).as("bounded by the attempt timeout").isLessThan(2_500);
            assertThat(Thread.currentThread().isInterrupted()).as("the deadline leaves no interrupt behind").isFalse();
        }
    }

    @Test
    void a_refused_connection_is_connect_failed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Deployment nowhere = AzureFixtures.deployment("nowhere", "http://127.0.0.1:" + closedPort, "gpt-4o-prod");
        AzureOpenAiEndpoint e = new AzureOpenAiEndpoint(List.of(keySettings(nowhere)));

        EndpointException plain = catchThrowableOfType(EndpointException.class,
                () -> e.complete(call(nowhere, REQUEST)));
        EndpointException streaming = catchThrowableOfType(EndpointException.class,
                () -> e.openStream(call(nowhere, REQUEST.streaming(true))));

        assertThat(plain.failure().kind()).isEqualTo(FailureKind.CONNECT_FAILED);
        assertThat(streaming.failure().kind()).isEqualTo(FailureKind.CONNECT_FAILED);
    }

    @Test
    void a_2xx_answer_that_is_not_json_is_malformed() {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("<html>gateway</html>")));

        EndpointException e = catchThrowableOfType(EndpointException.class, () -> azure.endpoint().complete(call(azure.deployment(), REQUEST)));

        assertThat(e.failure().kind()).isEqualTo(FailureKind.MALFORMED_RESPONSE);
    }

    private static void attempt(boolean stream, Duration timeout) {
        if (stream) {
            try (var s = azure.endpoint().openStream(call(azure.deployment(), REQUEST.streaming(true), 64, timeout))) {
                while (s.next().isPresent()) {
                    // drain: a fault may surface on the first read
                }
            }
        } else {
            azure.endpoint().complete(call(azure.deployment(), REQUEST, 64, timeout));
        }
    }
}
