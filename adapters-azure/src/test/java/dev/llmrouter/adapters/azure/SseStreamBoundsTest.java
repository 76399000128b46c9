package dev.llmrouter.adapters.azure;

import static dev.llmrouter.adapters.azure.AzureFixtures.delta;
import static dev.llmrouter.adapters.azure.AzureFixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmrouter.adapters.azure.FailureClassifier.MalformedStreamException;
import dev.llmrouter.adapters.azure.SseChatStream.SseParser;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.EndpointException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 9.2 and 9.4 for a deployment's event stream: parsing costs time linear in the bytes
 * received however they are split across reads, and a line or an event longer than the bound fails
 * the stream as a malformed answer (Requirement 2.5) with the memory held never past the bound plus
 * one read, even when the upstream never ends its line.
 *
 * <p>Cost is counted, not timed: the parser counts the bytes it examines.
 */
@DisplayName("Requirements 9.2/9.4: the event-stream parser is linear and bounded")
class SseStreamBoundsTest {

    private static final int READ = SseChatStream.READ_SIZE;

    @Test
    void a_long_line_arriving_one_byte_per_read_is_scanned_once() {
        for (int size : new int[] {16 * 1024, 256 * 1024}) {
            // given: one event whose data line is `size` bytes, delivered one byte per read
            byte[] event = ("data: {\"choices\":[{\"text\":\"" + "x".repeat(size) + "\"}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            SseParser parser = new SseParser(AzureDeploymentSettings.DEFAULT_MAX_STREAM_EVENT_BYTES);

            // when: as the stream does, the parser is asked for an event after every read
            byte[] parsed = null;
            for (int i = 0; i < event.length && parsed == null; i++) {
                parser.feed(Arrays.copyOfRange(event, i, i + 1), 1);
                parsed = parser.nextEvent();
            }

            // then: every byte was looked at once for the line's end, plus the field name once
            assertThat(parsed).isEqualTo(Arrays.copyOfRange(event, "data: ".length(), event.length - 2));
            assertThat(parser.scannedBytes()).as("bytes scanned for a %d-byte event", event.length)
                    .isLessThanOrEqualTo(event.length + "data:".length());
        }
    }

    @Test
    void a_line_longer_than_the_bound_is_refused_before_the_next_read_with_bounded_buffers() {
        // given
        int bound = 64 * 1024;
        SseParser parser = new SseParser(bound);
        byte[] read = new byte[READ];
        Arrays.fill(read, (byte) 'x');
        byte[] prefix = "data: ".getBytes(StandardCharsets.UTF_8);
        parser.feed(prefix, prefix.length);
        long fed = prefix.length;
        int largestCapacity = 0;

        // when: the line never ends
        MalformedStreamException refused = null;
        while (refused == null && fed < 100L * bound) {
            parser.feed(read, read.length);
            fed += read.length;
            largestCapacity = Math.max(largestCapacity, parser.lineCapacity());
            try {
                assertThat(parser.nextEvent()).isNull();
            } catch (MalformedStreamException e) {
                refused = e;
            }
        }

        // then: refused within one read of the bound, holding no more than the bound and that read
        assertThat(refused).as("refused after %d bytes", fed).isNotNull();
        assertThat(refused.getMessage()).contains("line longer than " + bound + " bytes");
        assertThat(fed).isLessThanOrEqualTo(bound + 1L + READ);
        assertThat(largestCapacity).isLessThanOrEqualTo(bound + 1 + READ);
        assertThat(parser.eventCapacity()).isLessThanOrEqualTo(bound);
    }

    @Test
    void a_line_of_exactly_the_bound_is_read_even_when_its_cr_ends_a_read() {
        // given: a data line of exactly `bound` bytes, its CR at the end of one read, its LF in the next
        int bound = 1024;
        String value = "y".repeat(bound - "data: ".length());
        byte[] line = ("data: " + value + "\r").getBytes(StandardCharsets.UTF_8);
        SseParser parser = new SseParser(bound);

        // when
        parser.feed(line, line.length);
        byte[] beforeLf = parser.nextEvent();
        parser.feed("\n\n".getBytes(StandardCharsets.UTF_8), 2);

        // then
        assertThat(beforeLf).isNull();
        assertThat(parser.nextEvent()).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void an_event_of_many_short_lines_longer_than_the_bound_is_refused() {
        // given: short data lines that never end their event
        int bound = 1024;
        SseParser parser = new SseParser(bound);
        byte[] line = "data: 0123456789\n".getBytes(StandardCharsets.UTF_8);

        // when / then
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1_000; i++) {
                parser.feed(line, line.length);
                assertThat(parser.nextEvent()).isNull();
            }
        }).isInstanceOf(MalformedStreamException.class).hasMessageContaining("event longer than " + bound + " bytes");
        assertThat(parser.eventCapacity()).isLessThanOrEqualTo(bound);
    }

    @Test
    void a_deployment_that_never_ends_its_line_fails_the_stream_as_malformed_after_reading_at_most_the_bound() {
        // given: one event, then an endless line, on a body that counts what is read from it
        int bound = 256 * 1024;
        byte[] first = sse(delta("Hello")).getBytes(StandardCharsets.UTF_8);
        EndlessBody body = new EndlessBody(first);
        SseChatStream stream = new SseChatStream(new StreamBodyResponse(body), InFlightCall.open(), Duration.ofSeconds(30),
                new FailureClassifier(InstantSource.system()), TokenEncoding.O200K_BASE, () -> 7, bound);

        try {
            // when
            assertThat(stream.next()).isPresent();
            EndpointException e = catchThrowableOfType(EndpointException.class, stream::next);

            // then: the failure a malformed stream gets, raised by the parser, not a caught error
            assertThat(e).isNotNull();
            assertThat(e.failure().kind()).isEqualTo(FailureKind.MALFORMED_RESPONSE);
            assertThat(e.failure().message()).contains("longer than " + bound + " bytes");
            assertThat(e.getCause()).isNull();
            assertThat(catchThrowableOfType(EndpointException.class, stream::next)).isSameAs(e);
            // no more was read (so no more held) than the bound and one read beyond the first event
            assertThat(body.read).isLessThanOrEqualTo(first.length + bound + 1L + READ);
            assertThat(body.closed).as("the body is released").isTrue();
            assertThat(stream.usage().outputTokens()).isEqualTo(Tokenizers.count(TokenEncoding.O200K_BASE, "Hello"));
        } finally {
            stream.close();
        }
    }

    @Test
    void the_bound_is_a_deployment_setting_with_a_default() {
        AzureDeploymentSettings settings = AzureFixtures.keySettings(AzureFixtures.deployment("d", "http://127.0.0.1:1", "d"));

        assertThat(settings.maxStreamEventBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(settings.withMaxStreamEventBytes(1024).maxStreamEventBytes()).isEqualTo(1024);
        assertThat(settings.withMaxStreamEventBytes(1024).withApiVersion("2025-04-01-preview").maxStreamEventBytes())
                .isEqualTo(1024);
        assertThatThrownBy(() -> settings.withMaxStreamEventBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxStreamEventBytes");
    }

    /** {@code prefix}, then {@code x} for ever; counts the bytes handed out. */
    private static final class EndlessBody extends InputStream {
        private final byte[] prefix;
        long read;
        volatile boolean closed;

        EndlessBody(byte[] prefix) {
            this.prefix = prefix;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            read(one, 0, 1);
            return one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len && read + n < prefix.length) {
                b[off + n] = prefix[(int) read + n];
                n++;
            }
            Arrays.fill(b, off + n, off + len, (byte) 'x');
            read += len;
            return len;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
