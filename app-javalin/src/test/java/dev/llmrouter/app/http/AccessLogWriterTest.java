package dev.llmrouter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 4.1: the access log is written off the request threads, and no line is lost — not at
 * close, not after it, not when more lines wait than the queue holds — and each line reaches the
 * {@code System.err} of the moment it was logged.
 */
@DisplayName("Requirement 4.1: the batched access log loses no line")
class AccessLogWriterTest {

    @Test
    void every_line_is_printed_in_order_by_close() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        AccessLogWriter writer = new AccessLogWriter();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // given more lines than the queue holds, so that some are printed by their callers
            IntStream.range(0, AccessLogWriter.MAX_QUEUED + 100).forEach(i -> writer.write("line " + i));
            // when the writer closes
            writer.close();
            // and a late line arrives
            writer.write("after close");
        } finally {
            System.setErr(original);
        }

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(AccessLogWriter.MAX_QUEUED + 101);
        assertThat(lines).containsAll(IntStream.range(0, AccessLogWriter.MAX_QUEUED + 100).mapToObj(i -> "line " + i).toList());
        assertThat(lines.get(lines.size() - 1)).isEqualTo("after close");
    }

    @Test
    void a_line_goes_to_the_stream_of_the_moment_it_was_logged() {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        PrintStream original = System.err;
        AccessLogWriter writer = new AccessLogWriter();
        try {
            System.setErr(new PrintStream(first, true, StandardCharsets.UTF_8));
            writer.write("to the first");
            System.setErr(new PrintStream(second, true, StandardCharsets.UTF_8));
            writer.write("to the second");
            writer.close();
        } finally {
            System.setErr(original);
        }

        assertThat(first.toString(StandardCharsets.UTF_8).lines()).containsExactly("to the first");
        assertThat(second.toString(StandardCharsets.UTF_8).lines()).containsExactly("to the second");
    }
}
