package dev.llmrouter.benchmarks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.adapters.azure.ChatBodyReader;
import dev.llmrouter.ports.chat.ChatOperation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one parse of a request body on arrival ({@link ChatBodyReader#read}: the values the gateway
 * checks and the index the estimator and the adapter use) beside a tree parse of the same body with
 * the same limits ({@code ObjectMapper.readTree}, strict about duplicates and trailing tokens), the
 * shape of a validation that builds the document before reading it.
 *
 * <ul>
 *   <li>{@code small}: the chat request of {@link AdmissionPathBenchmark};</li>
 *   <li>{@code conversation}: 200 messages of about 500 bytes (about 100 KB).</li>
 * </ul>
 *
 * <p>Run: {@code ./mvnw -B -q -DskipTests package &&
 * java -jar benchmarks/target/benchmarks.jar RequestParseBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RequestParseBenchmark {

    static final String SMALL = "{\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},"
            + "{\"role\":\"user\",\"content\":\"Summarise the three main causes of the French Revolution in two "
            + "sentences each, for a reader who knows nothing of the period.\"}],\"temperature\":0.2}";

    @Param({"small", "conversation"})
    public String body;

    private byte[] bytes;
    private ChatBodyReader reader;
    private ObjectMapper tree;

    @Setup
    public void setUp() {
        String json = switch (body) {
            case "small" -> SMALL;
            case "conversation" -> {
                StringBuilder b = new StringBuilder("{\"model\":\"gpt-4o\",\"max_tokens\":512,\"messages\":[");
                for (int i = 0; i < 200; i++) {
                    b.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                            .append("\",\"content\":\"").append("The router admits a request, then routes it. ".repeat(10))
                            .append("\"}");
                }
                yield b.append("],\"stream\":true,\"stream_options\":{\"include_usage\":true}}").toString();
            }
            default -> throw new IllegalArgumentException("unknown body " + body);
        };
        bytes = json.getBytes(StandardCharsets.UTF_8);
        reader = new ChatBodyReader(20L << 20);
        tree = new ObjectMapper();
        tree.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(20 << 20).build());
        tree.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        tree.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    @Benchmark
    public ChatBodyReader.Read read() throws IOException {
        return reader.read(ChatOperation.CHAT, bytes);
    }

    @Benchmark
    public Object treeParse() throws IOException {
        return tree.readTree(bytes);
    }
}
