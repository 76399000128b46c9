package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.llmrouter.adapters.azure.ChatBodyReader.Field;
import dev.llmrouter.adapters.azure.ChatBodyReader.Kind;
import dev.llmrouter.adapters.azure.ChatBodyReader.Problem;
import dev.llmrouter.ports.chat.BodyIndex;
import dev.llmrouter.ports.chat.BodyIndex.OwnedMember;
import dev.llmrouter.ports.chat.ChatOperation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one parse of a request body: what it reads, where its index points, and that a text read back
 * through the index is the text a JSON parser gives.
 */
@DisplayName("The request body is parsed once: values, owned members and prompt texts from one pass")
class ChatBodyReaderTest {

    private static final ChatBodyReader READER = new ChatBodyReader(1 << 20);

    private static ChatBodyReader.Read read(ChatOperation operation, String json) throws IOException {
        return READER.read(operation, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reads_the_values_the_application_checks() throws IOException {
        ChatBodyReader.Read read = read(ChatOperation.CHAT, "{\"model\":\"premium\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true,\"x\":[1]},\"max_tokens\":7,\"n\":3000000000,"
                + "\"user\":\"zo\\u00eb\",\"metadata\":{\"operation\":\"summarise\"},\"best_of\":null,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"https://x/a.png\"},"
                + "{\"image_url\":{\"url\":\"https://x/b.png\"},\"type\":\"image_url\"}]}]}");

        assertThat(read.isObject()).isTrue();
        assertThat(read.value(Field.MODEL).text()).isEqualTo("premium");
        assertThat(read.value(Field.STREAM)).extracting(ChatBodyReader.Value::kind, ChatBodyReader.Value::number)
                .containsExactly(Kind.BOOLEAN, 1);
        assertThat(read.value(Field.STREAM_OPTIONS).kind()).isEqualTo(Kind.OBJECT);
        assertThat(read.value(Field.INCLUDE_USAGE).number()).isEqualTo(1);
        assertThat(read.value(Field.MAX_TOKENS)).extracting(ChatBodyReader.Value::kind, ChatBodyReader.Value::number)
                .containsExactly(Kind.INT, 7);
        assertThat(read.value(Field.N).kind()).as("beyond an int").isEqualTo(Kind.NUMBER);
        assertThat(read.value(Field.USER).text()).isEqualTo("zoë");
        assertThat(read.value(Field.OPERATION).text()).isEqualTo("summarise");
        assertThat(read.value(Field.BEST_OF).kind()).isEqualTo(Kind.NULL);
        assertThat(read.value(Field.MAX_COMPLETION_TOKENS).kind()).isEqualTo(Kind.ABSENT);
        assertThat(read.value(Field.MESSAGES)).extracting(ChatBodyReader.Value::kind, ChatBodyReader.Value::number)
                .containsExactly(Kind.ARRAY, 1);
        assertThat(read.images()).isEqualTo(2);
        assertThat(read.problem()).isNull();
    }

    @Test
    void keeps_the_first_problem_in_messages_in_reading_order() throws IOException {
        // message 0: its content comes before its role in the document, yet the role is checked first
        assertThat(read(ChatOperation.CHAT, "{\"messages\":[{\"content\":5},{\"role\":1}]}").problem())
                .isEqualTo(new ChatBodyReader.MessageProblem(Problem.ROLE_MISSING, "messages[0].role"));
        assertThat(read(ChatOperation.CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":1}},{\"type\":2}]}]}").problem())
                .isEqualTo(new ChatBodyReader.MessageProblem(Problem.IMAGE_URL_MISSING, "messages[0].content[1].image_url.url"));
        assertThat(read(ChatOperation.CHAT, "{\"messages\":[{\"role\":\"user\"},[]]}").problem())
                .isEqualTo(new ChatBodyReader.MessageProblem(Problem.MESSAGE_NOT_OBJECT, "messages[1]"));
        assertThat(read(ChatOperation.TEXT_COMPLETION, "{\"messages\":[[]],\"prompt\":[1,\"a\"]}").problem())
                .as("completions do not read messages").isNull();
    }

    @Test
    void refuses_what_a_strict_parser_refuses_anywhere_in_the_document() {
        for (String bad : List.of("{\"a\":1,\"a\":2}", "{\"a\":1} {}", "{\"a\":[1,}", "{\"a\":\"\t\"}",
                "{\"messages\":[],\"x\":\"\\q\"}", "[".repeat(2000))) {
            assertThatThrownBy(() -> read(ChatOperation.CHAT, bad)).as(bad).isInstanceOf(IOException.class);
        }
    }

    @Test
    void every_cut_short_body_is_refused_as_malformed_json() {
        // The texts are found by position before the parser reads them: a body cut anywhere, even inside
        // a string or an escape, must still end in the parser's own error and nothing else.
        String json = "{\"model\":\"m\",\"tools\":[{\"a\":\"b\\\"\"}],\"messages\":[{\"role\":\"user\",\"name\":\"n\\\\\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"h\\u00e9\"},{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"data:x\",\"detail\":\"low\"}}]}],\"prompt\":[\"p\",1],\"stream\":true,\"max_tokens\":5}";
        for (ChatOperation operation : ChatOperation.values()) {
            for (int cut = 1; cut < json.length(); cut++) {
                String prefix = json.substring(0, cut);
                assertThatThrownBy(() -> read(operation, prefix)).as(prefix).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void names_a_root_that_is_not_an_object() throws IOException {
        assertThat(read(ChatOperation.CHAT, " [1] ").rootType()).isEqualTo("array");
        assertThat(read(ChatOperation.CHAT, "null").rootType()).isEqualTo("null");
        assertThat(read(ChatOperation.CHAT, "  ").rootType()).isEqualTo("empty");
    }

    @Test
    void an_owned_member_runs_from_its_key_to_the_end_of_its_value() throws IOException {
        String json = "{ \"max_tokens\" : 12 ,\"a\":\"}\",\"stream\":true, \"stream_options\" : { \"include_usage\": false }\n,"
                + "\"max_completion_tokens\":-1e3}";
        BodyIndex index = read(ChatOperation.CHAT, json).index();

        List<String> members = new ArrayList<>();
        for (int i = 0; i < index.ownedCount(); i++) {
            members.add(index.ownedMember(i) + "=" + json.substring(index.ownedStart(i), index.ownedEnd(i)));
        }
        assertThat(members).containsExactly("MAX_TOKENS=\"max_tokens\" : 12", "STREAM=\"stream\":true",
                "STREAM_OPTIONS=\"stream_options\" : { \"include_usage\": false }",
                "MAX_COMPLETION_TOKENS=\"max_completion_tokens\":-1e3");
        assertThat(json.charAt(index.objectStart())).isEqualTo('{');
        assertThat(index.objectEnd()).isEqualTo(json.length() - 1);
        assertThat(index.has(OwnedMember.STREAM)).isTrue();
    }

    @Test
    void the_prompt_is_shown_in_document_order_with_its_texts_in_place() throws IOException {
        String json = "{\"tools\":[{\"type\":\"function\"}],\"messages\":[{\"role\":\"user\",\"name\":\"a\\\"b\","
                + "\"content\":[{\"text\":\"hi\",\"type\":\"text\"},{\"type\":\"image_url\",\"image_url\":{\"detail\":\"LOW\","
                + "\"url\":\"data:x\"}}]},{\"role\":\"tool\",\"content\":7,\"tool_calls\":[1]}]}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        List<String> seen = new ArrayList<>();
        READER.read(ChatOperation.CHAT, body).index().visitPrompt(new BodyIndex.PromptVisitor() {
            public void messages(int count) {
                seen.add("messages " + count);
            }

            public void name() {
                seen.add("name");
            }

            public void tokenIds(int count) {
                seen.add("ids " + count);
            }

            public void text(int start, int end) {
                seen.add("text " + BodyIndex.string(body, start, end));
            }

            public void raw(int start, int end) {
                seen.add("raw " + new String(body, start, end - start, StandardCharsets.UTF_8));
            }

            public void image(int urlStart, int urlEnd, boolean lowDetail) {
                seen.add("image " + BodyIndex.string(body, urlStart, urlEnd) + " " + lowDetail);
            }

            public void reply() {
                seen.add("reply");
            }
        });

        assertThat(seen).containsExactly("messages 1", "text user", "text a\"b", "name", "text hi", "image data:x true",
                "messages 1", "text tool", "raw [1]", "reply", "raw [{\"type\":\"function\"}]");
    }

    @Test
    void a_text_read_back_through_the_index_is_what_a_json_parser_decodes() {
        // Property: any string, written with any mix of escapes, decodes to the same text and length.
        JsonFactory jackson = new JsonFactory();
        qt().withExamples(300).forAll(strings().allPossible().ofLengthBetween(0, 40)).checkAssert(text -> {
            String json = "{\"messages\":[{\"role\":" + escapedAnyhow(text) + "}]}";
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            int[] span = new int[2];
            try {
                READER.read(ChatOperation.CHAT, body).index().visitPrompt(new TextOnly(span));
                String expected;
                try (JsonParser p = jackson.createParser(body)) {
                    while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                        // to the role's value
                    }
                    expected = p.getText();
                }
                if (expected.isEmpty()) {
                    return; // an empty text is not kept
                }
                assertThat(BodyIndex.string(body, span[0], span[1])).isEqualTo(expected);
                assertThat(BodyIndex.stringChars(body, span[0], span[1])).isEqualTo(expected.length());
                assertThat(BodyIndex.string(body, span[0], span[1], 3)).isEqualTo(expected.substring(0, Math.min(3, expected.length())));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Escapes control characters, quotes and backslashes as JSON must, and every third other character as \\u. */
    private static String escapedAnyhow(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || i % 3 == 2 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private record TextOnly(int[] span) implements BodyIndex.PromptVisitor {
        public void messages(int count) {}

        public void name() {}

        public void tokenIds(int count) {}

        public void text(int start, int end) {
            span[0] = start;
            span[1] = end;
        }

        public void raw(int start, int end) {}

        public void image(int urlStart, int urlEnd, boolean lowDetail) {}

        public void reply() {}
    }
}
