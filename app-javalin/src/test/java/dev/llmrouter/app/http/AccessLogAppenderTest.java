package dev.llmrouter.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 4.1: the access log is written off the request threads by Logback's async appender, as
 * {@code logback.xml} configures it: an orderly stop writes every queued line, in order; and when
 * the console cannot keep up, a caller is never blocked, and each line is either written or counted
 * as dropped.
 */
@DisplayName("Requirement 4.1: the async access log loses no line on an orderly stop and never blocks")
class AccessLogAppenderTest {

    private static final String ACCESS = "dev.llmrouter.app.http.access";

    /** A logging backend of its own, beside the one the tests log to. */
    private static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    /** A logging backend of its own, configured from the gateway's {@code logback.xml}. */
    private static LoggerContext configuredAsShipped() throws JoranException {
        LoggerContext context = newContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(AccessLogAppenderTest.class.getResource("/logback.xml"));
        return context;
    }

    @Test
    void an_orderly_stop_writes_every_queued_line_in_order_in_the_usual_layout() throws Exception {
        List<String> lines;
        try (StderrCapture captured = new StderrCapture()) {
            // given the shipped configuration and many lines logged at once
            LoggerContext context = configuredAsShipped();
            Logger access = context.getLogger(ACCESS);
            assertThat(access.getAppender("ACCESS")).isInstanceOf(AccessLogAppender.class);
            IntStream.range(0, 10_000).forEach(i -> access.info("line " + i));
            // when the logging stops
            context.stop();
            lines = captured.text().lines().filter(l -> l.contains(ACCESS)).toList();
        }

        // then every line was written, in order, with the thread that logged it
        String thread = Thread.currentThread().getName();
        assertThat(lines).containsExactlyElementsOf(
                IntStream.range(0, 10_000).mapToObj(i -> "[" + thread + "] INFO " + ACCESS + " - line " + i).toList());
    }

    @Test
    void a_full_queue_never_blocks_the_caller_and_every_line_is_written_or_counted() throws Exception {
        CountDownLatch consoleStuck = new CountDownLatch(1);
        int logged = 1_000;
        try (StderrCapture captured = new StderrCapture()) {
            // given an access log whose console is stuck, behind a queue of 16 lines
            LoggerContext context = newContext();
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>() {
                @Override
                protected void subAppend(ILoggingEvent event) {
                    try {
                        consoleStuck.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.subAppend(event);
                }
            };
            console.setContext(context);
            console.setTarget("System.err");
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%msg%n");
            encoder.start();
            console.setEncoder(encoder);
            console.start();
            AccessLogAppender appender = new AccessLogAppender();
            appender.setContext(context);
            appender.setQueueSize(16);
            appender.setDiscardingThreshold(0);
            appender.setNeverBlock(true);
            appender.addAppender(console);
            appender.start();
            Logger access = context.getLogger(ACCESS);
            access.setAdditive(false);
            access.addAppender(appender);

            // when far more lines are logged than the queue holds, the caller is not held up
            assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> IntStream.range(0, logged).forEach(i -> access.info("line " + i)));
            long dropped = appender.dropped();
            consoleStuck.countDown();
            context.stop();

            // then each line was either written or counted as dropped
            long written = captured.text().lines().filter(l -> l.startsWith("line ")).count();
            assertThat(dropped).isPositive();
            assertThat(written + dropped).isEqualTo(logged);
        }
    }
}
