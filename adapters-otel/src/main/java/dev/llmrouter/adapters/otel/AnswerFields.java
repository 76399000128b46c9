package dev.llmrouter.adapters.otel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an attempt span reads from a deployment's JSON answer: its {@code id}, {@code model} and each
 * choice's {@code finish_reason}, and nothing else (never content). Read with a streaming parser that
 * skips every other value, only for spans that are recorded.
 */
record AnswerFields(String id, String model, List<String> finishReasons) {

    private static final JsonFactory JSON = new JsonFactory();
    static final AnswerFields NONE = new AnswerFields("", "", List.of());

    /** The fields of {@code body}; what cannot be read is left empty (an answer is never judged here). */
    static AnswerFields read(byte[] body) {
        String id = "";
        String model = "";
        List<String> reasons = new ArrayList<>(1);
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("id".equals(name) && value == JsonToken.VALUE_STRING) {
                    id = p.getText();
                } else if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
                    model = p.getText();
                } else if ("choices".equals(name) && value == JsonToken.START_ARRAY) {
                    readChoices(p, reasons);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            // A partial read still names what it found.
        }
        return new AnswerFields(id, model, List.copyOf(reasons));
    }

    private static void readChoices(JsonParser p, List<String> reasons) throws IOException {
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("finish_reason".equals(name) && value == JsonToken.VALUE_STRING) {
                    reasons.add(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
    }
}
