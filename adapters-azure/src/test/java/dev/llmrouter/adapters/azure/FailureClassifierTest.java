package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import dev.llmrouter.domain.failure.FailureKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;

/**
 * Requirement 2.5: the classification rules on their own — retry delays in every form the service
 * uses, and transport exceptions however deeply the SDK wraps them.
 */
@DisplayName("Requirement 2.5: retry-after forms and wrapped transport exceptions")
class FailureClassifierTest {

    static final Instant NOW = Instant.parse("2026-11-26T03:00:00Z");
    final FailureClassifier classifier = new FailureClassifier(InstantSource.fixed(NOW));

    static HttpHeaders headers(String name, String value) {
        return new HttpHeaders().set(HttpHeaderName.fromString(name), value);
    }

    @Test
    void retry_after_in_every_form() {
        assertThat(classifier.retryAfter(headers("retry-after-ms", "1500.5"))).contains(Duration.ofNanos(1_500_500_000));
        assertThat(classifier.retryAfter(headers("x-ms-retry-after-ms", "20"))).contains(Duration.ofMillis(20));
        assertThat(classifier.retryAfter(headers("Retry-After", "0.5"))).contains(Duration.ofMillis(500));
        assertThat(classifier.retryAfter(headers("Retry-After", "Thu, 26 Nov 2026 03:01:00 GMT"))).contains(Duration.ofMinutes(1));
        // a date already past means "now"; garbage and negatives mean nothing
        assertThat(classifier.retryAfter(headers("Retry-After", "Thu, 26 Nov 2026 02:59:00 GMT"))).contains(Duration.ZERO);
        assertThat(classifier.retryAfter(headers("Retry-After", "soon"))).isEmpty();
        assertThat(classifier.retryAfter(headers("Retry-After", "-3"))).isEmpty();
        assertThat(classifier.retryAfter(new HttpHeaders())).isEmpty();
        // the millisecond headers win over Retry-After
        HttpHeaders both = headers("Retry-After", "6").set(HttpHeaderName.fromString("retry-after-ms"), "5200");
        assertThat(classifier.retryAfter(both)).contains(Duration.ofMillis(5200));
    }

    @Test
    void wrapped_transport_exceptions_are_found_in_the_cause_chain() {
        assertThat(classifier.ofThrowable(new UncheckedIOException(new ConnectException("Connection refused"))).kind())
                .isEqualTo(FailureKind.CONNECT_FAILED);
        assertThat(classifier.ofThrowable(Exceptions.propagate(new TimeoutException("Did not observe"))).kind())
                .isEqualTo(FailureKind.TIMEOUT);
        assertThat(classifier.ofThrowable(new UncheckedIOException(new HttpTimeoutException("request timed out"))).kind())
                .isEqualTo(FailureKind.TIMEOUT);
        assertThat(classifier.ofThrowable(new UncheckedIOException(new HttpConnectTimeoutException("connect timed out"))).kind())
                .isEqualTo(FailureKind.CONNECT_FAILED);
        assertThat(classifier.ofThrowable(new RuntimeException(new IOException("Connection reset"))).kind())
                .isEqualTo(FailureKind.CONNECTION_RESET);
        assertThat(classifier.ofThrowable(new UncheckedIOException(new IOException("Invalid chunk header byte 32"))).kind())
                .isEqualTo(FailureKind.MALFORMED_RESPONSE);
        assertThat(classifier.ofThrowable(new IllegalStateException("something unforeseen")).kind())
                .isEqualTo(FailureKind.MALFORMED_RESPONSE);
    }

    @Test
    void okhttp_transport_faults_keep_the_kinds_of_the_jdk_client() {
        // nothing came back before the connection closed (empty response): reset
        assertThat(classifier.ofThrowable(new UncheckedIOException(new IOException("unexpected end of stream on http://127.0.0.1:1/...",
                new java.io.EOFException("\\n not found: limit=0 content=…")))).kind())
                .isEqualTo(FailureKind.CONNECTION_RESET);
        // bytes came that are no status line, then the connection closed (random data): malformed
        assertThat(classifier.ofThrowable(new UncheckedIOException(new IOException("unexpected end of stream on http://127.0.0.1:1/...",
                new java.io.EOFException("\\n not found: limit=26 content=6c6f72656d…")))).kind())
                .isEqualTo(FailureKind.MALFORMED_RESPONSE);
        // a status line or chunk header that is not HTTP: malformed
        assertThat(classifier.ofThrowable(new UncheckedIOException(new java.net.ProtocolException("Unexpected status line: lorem"))).kind())
                .isEqualTo(FailureKind.MALFORMED_RESPONSE);
        assertThat(classifier.ofThrowable(new UncheckedIOException(new java.net.ProtocolException(
                "Expected leading [0-9a-fA-F] character but was 0x7a"))).kind())
                .isEqualTo(FailureKind.MALFORMED_RESPONSE);
        // a body cut before its length or last chunk: reset, as the JDK client reports it
        assertThat(classifier.ofThrowable(new UncheckedIOException(new java.net.ProtocolException("unexpected end of stream"))).kind())
                .isEqualTo(FailureKind.CONNECTION_RESET);
        // a cancelled call (the adapter's deadline or close cancels it) without a deadline: reset
        assertThat(classifier.ofThrowable(new UncheckedIOException(new IOException("Canceled"))).kind())
                .isEqualTo(FailureKind.CONNECTION_RESET);
    }

    @Test
    void an_error_body_that_is_not_json_keeps_status_and_text() {
        var f = classifier.ofResponse(502, new HttpHeaders(), "<html>Bad Gateway</html>".getBytes(StandardCharsets.UTF_8));

        assertThat(f.kind()).isEqualTo(FailureKind.SERVER_ERROR);
        assertThat(f.status()).isEqualTo(502);
        assertThat(f.message()).isEqualTo("<html>Bad Gateway</html>");
        assertThat(f.body()).isEqualTo("<html>Bad Gateway</html>");
        assertThat(f.retryAfter()).isEqualTo(Optional.empty());
    }

    @Test
    void the_flat_error_shape_of_the_gateway_is_read_too() {
        var f = classifier.ofResponse(401, new HttpHeaders(),
                "{\"statusCode\":401,\"code\":\"Unauthorized\",\"message\":\"Access denied due to missing subscription key.\"}"
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(f.kind()).isEqualTo(FailureKind.DEPLOYMENT_AUTH);
        assertThat(f.code()).isEqualTo("Unauthorized");
        assertThat(f.message()).startsWith("Access denied");
    }
}
