package dev.llmrouter.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The load generator's response parser frames bodies as RFC 9112 says (Content-Length, chunked with
 * extensions and trailers, until close, none for 204 and 1xx) and finds a stream's first SSE data
 * frame, whatever way the bytes are split across reads (property: any split, same outcome).
 */
@DisplayName("Load generator: HTTP/1.1 response framing and first SSE frame, under any split of the bytes")
class ResponseParserTest {

    private static final String CHUNKED_STREAM = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "transfer-encoding: Chunked\r\n\r\n"
            + "7;ext=1\r\n: ping\n\r\n"
            + "1a\r\ndata: {\"choices\":[]}\n\ndata\r\n"
            + "e\r\n: [DONE]\n\ntail\r\n"
            + "0\r\nX-Trailer: yes\r\n\r\n";

    @Test
    void a_content_length_body_ends_the_response_and_leaves_the_next_bytes() throws IOException {
        // given
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1");
        ResponseParser p = new ResponseParser();
        p.reset(false);

        // when
        boolean complete = p.feed(in);

        // then
        assertThat(complete).isTrue();
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.bodyBytes()).isEqualTo(5);
        assertThat(p.keepAlive()).isTrue();
        assertThat(in.remaining()).isEqualTo("HTTP/1.1".length());
    }

    @Test
    void a_chunked_stream_with_extensions_and_trailers_is_framed_and_its_first_data_frame_found() throws IOException {
        ResponseParser p = new ResponseParser();
        p.reset(true);

        assertThat(p.feed(bytes(CHUNKED_STREAM))).isTrue();

        assertThat(p.firstFrame()).isTrue();
        assertThat(p.firstFrameError()).isFalse();
        assertThat(p.bodyBytes()).isEqualTo(7 + 0x1a + 0xe);
        assertThat(p.keepAlive()).isTrue();
    }

    @Test
    void property_any_split_of_the_bytes_gives_the_same_outcome() {
        byte[] all = (CHUNKED_STREAM + "HTTP/1.1 503 Busy\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno")
                .getBytes(StandardCharsets.UTF_8);
        qt().withExamples(300).forAll(lists().of(integers().between(1, 40)).ofSizeBetween(1, 60)).checkAssert(sizes -> {
            ResponseParser p = new ResponseParser();
            p.reset(true);
            List<ByteBuffer> parts = split(all, sizes);
            int i = 0;
            try {
                while (!p.feed(parts.get(i))) {
                    i++;
                }
                assertThat(p.firstFrame()).isTrue();
                assertThat(p.bodyBytes()).isEqualTo(7 + 0x1a + 0xe);
                assertThat(p.keepAlive()).isTrue();
                // the second response starts where the first ended, in the same buffer or the next
                ByteBuffer rest = parts.get(i);
                p.reset(false);
                boolean done = p.feed(rest);
                while (!done) {
                    done = p.feed(parts.get(++i));
                }
                assertThat(p.status()).isEqualTo(503);
                assertThat(p.keepAlive()).isFalse();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void the_first_data_frame_is_seen_before_the_stream_ends() throws IOException {
        ResponseParser p = new ResponseParser();
        p.reset(true);

        boolean complete = p.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\ndata: {\"a\":1}\n\n\r\n"));

        assertThat(complete).isFalse();
        assertThat(p.firstFrame()).isTrue();
    }

    @Test
    void a_first_frame_that_reports_an_error_is_marked() throws IOException {
        ResponseParser p = new ResponseParser();
        p.reset(true);
        String frame = "data: {\"error\":{\"code\":\"x\"}}\n\n";

        p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: " + frame.length() + "\r\n\r\n" + frame));

        assertThat(p.firstFrame()).isTrue();
        assertThat(p.firstFrameError()).isTrue();
    }

    @Test
    void a_body_without_length_ends_at_the_close_and_a_cut_one_does_not() throws IOException {
        ResponseParser untilClose = new ResponseParser();
        untilClose.reset(false);
        assertThat(untilClose.feed(bytes("HTTP/1.1 200 OK\r\n\r\nsome body"))).isFalse();
        assertThat(untilClose.endOfInput()).isTrue();
        assertThat(untilClose.keepAlive()).isFalse();

        ResponseParser cut = new ResponseParser();
        cut.reset(false);
        assertThat(cut.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))).isFalse();
        assertThat(cut.endOfInput()).isFalse();
    }

    @Test
    void an_interim_100_is_skipped_and_204_has_no_body() throws IOException {
        ResponseParser p = new ResponseParser();
        p.reset(false);

        assertThat(p.feed(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n"))).isTrue();

        assertThat(p.status()).isEqualTo(204);
        assertThat(p.bodyBytes()).isZero();
    }

    @Test
    void bytes_that_are_not_http_are_refused() {
        ResponseParser p = new ResponseParser();
        p.reset(false);

        assertThatThrownBy(() -> p.feed(bytes("SSH-2.0-OpenSSH_9.2\r\n"))).isInstanceOf(IOException.class);
        ResponseParser q = new ResponseParser();
        q.reset(false);
        assertThatThrownBy(() -> q.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")))
                .isInstanceOf(IOException.class);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ByteBuffer> split(byte[] all, List<Integer> sizes) {
        List<ByteBuffer> parts = new java.util.ArrayList<>();
        int at = 0;
        for (int i = 0; at < all.length; i++) {
            int n = Math.min(all.length - at, i < sizes.size() ? sizes.get(i) : all.length);
            parts.add(ByteBuffer.wrap(all, at, n).slice());
            at += n;
        }
        return parts;
    }
}
