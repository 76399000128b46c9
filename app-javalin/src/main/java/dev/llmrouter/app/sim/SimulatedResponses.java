package dev.llmrouter.app.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrouter.domain.money.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Responses API's JSON as Azure answers it, for the simulated deployments: the response object
 * and the event sequence of a streamed one ({@code response.created}, {@code response.in_progress},
 * the output item and its content part opened, one {@code response.output_text.delta} per piece, the
 * text, part and item closed, {@code response.completed} carrying the usage).
 */
final class SimulatedResponses {

    private SimulatedResponses() {}

    /** One event: its name and its JSON, and whether it says part of the answer. */
    record Event(String type, ObjectNode data, boolean content) {}

    /** The text the model reads of a Responses request: its instructions and every string of its input. */
    static String promptText(JsonNode request) {
        StringBuilder text = new StringBuilder(request.path("instructions").asText(""));
        JsonNode input = request.path("input");
        if (input.isTextual()) {
            text.append(' ').append(input.asText());
        } else {
            for (JsonNode item : input) {
                JsonNode content = item.path("content");
                if (content.isTextual()) {
                    text.append(' ').append(content.asText());
                }
                for (JsonNode part : content) {
                    text.append(' ').append(part.path("text").asText(""));
                }
            }
        }
        return text.toString().strip();
    }

    /** The last thing the user said: the input string, or the text of the last user item. */
    static String lastUserText(JsonNode request) {
        JsonNode input = request.path("input");
        if (input.isTextual()) {
            return input.asText();
        }
        String last = "";
        for (JsonNode item : input) {
            if (!item.path("role").asText("user").equals("user")) {
                continue;
            }
            JsonNode content = item.path("content");
            if (content.isTextual()) {
                last = content.asText();
            } else {
                StringBuilder t = new StringBuilder();
                content.forEach(part -> t.append(part.path("text").asText("")));
                last = t.toString();
            }
        }
        return last;
    }

    static ObjectNode response(ObjectMapper json, String id, String model, long createdAt, JsonNode request,
            String text, boolean truncated, TokenUsage usage, boolean done) {
        ObjectNode r = json.createObjectNode();
        r.put("id", "resp_" + id);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", !done ? "in_progress" : truncated ? "incomplete" : "completed");
        r.put("model", model);
        r.putNull("error");
        if (done && truncated) {
            r.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            r.putNull("incomplete_details");
        }
        JsonNode instructions = request.path("instructions");
        if (instructions.isTextual()) {
            r.put("instructions", instructions.asText());
        } else {
            r.putNull("instructions");
        }
        r.putObject("metadata");
        r.put("parallel_tool_calls", true);
        r.put("temperature", 1.0);
        r.put("top_p", 1.0);
        r.put("tool_choice", "auto");
        r.putArray("tools");
        JsonNode previous = request.path("previous_response_id");
        if (previous.isTextual()) {
            r.put("previous_response_id", previous.asText());
        } else {
            r.putNull("previous_response_id");
        }
        ArrayNode output = r.putArray("output");
        if (done) {
            output.add(message(json, id, text, true));
            r.set("usage", usage(json, usage));
        } else {
            r.putNull("usage");
        }
        return r;
    }

    static ObjectNode message(ObjectMapper json, String id, String text, boolean done) {
        ObjectNode m = json.createObjectNode();
        m.put("id", "msg_" + id);
        m.put("type", "message");
        m.put("status", done ? "completed" : "in_progress");
        m.put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (done) {
            content.add(outputText(json, text));
        }
        return m;
    }

    static ObjectNode outputText(ObjectMapper json, String text) {
        ObjectNode part = json.createObjectNode();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode usage(ObjectMapper json, TokenUsage usage) {
        ObjectNode u = json.createObjectNode();
        u.put("input_tokens", usage.inputTokens());
        u.putObject("input_tokens_details").put("cached_tokens", 0);
        u.put("output_tokens", usage.outputTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", 0);
        u.put("total_tokens", usage.totalTokens());
        return u;
    }

    /**
     * The events of a streamed response.
     *
     * @param responseAt the response object as it stands: {@code false} while in progress, {@code true} once done
     */
    static List<Event> events(ObjectMapper json, String id, List<String> pieces, Function<Boolean, ObjectNode> responseAt) {
        List<Event> out = new ArrayList<>();
        int[] seq = {0};
        Function<String, ObjectNode> event = type -> {
            ObjectNode e = json.createObjectNode();
            e.put("type", type);
            e.put("sequence_number", seq[0]++);
            return e;
        };
        String itemId = "msg_" + id;
        String text = String.join("", pieces);
        ObjectNode created = event.apply("response.created");
        created.set("response", responseAt.apply(false));
        out.add(new Event("response.created", created, false));
        ObjectNode inProgress = event.apply("response.in_progress");
        inProgress.set("response", responseAt.apply(false));
        out.add(new Event("response.in_progress", inProgress, false));
        ObjectNode itemAdded = event.apply("response.output_item.added");
        itemAdded.put("output_index", 0);
        itemAdded.set("item", message(json, id, "", false));
        out.add(new Event("response.output_item.added", itemAdded, false));
        ObjectNode partAdded = event.apply("response.content_part.added");
        partAdded.put("item_id", itemId).put("output_index", 0).put("content_index", 0);
        partAdded.set("part", outputText(json, ""));
        out.add(new Event("response.content_part.added", partAdded, false));
        for (String piece : pieces) {
            ObjectNode delta = event.apply("response.output_text.delta");
            delta.put("item_id", itemId).put("output_index", 0).put("content_index", 0).put("delta", piece);
            delta.putArray("logprobs");
            out.add(new Event("response.output_text.delta", delta, true));
        }
        ObjectNode textDone = event.apply("response.output_text.done");
        textDone.put("item_id", itemId).put("output_index", 0).put("content_index", 0).put("text", text);
        textDone.putArray("logprobs");
        out.add(new Event("response.output_text.done", textDone, false));
        ObjectNode partDone = event.apply("response.content_part.done");
        partDone.put("item_id", itemId).put("output_index", 0).put("content_index", 0);
        partDone.set("part", outputText(json, text));
        out.add(new Event("response.content_part.done", partDone, false));
        ObjectNode itemDone = event.apply("response.output_item.done");
        itemDone.put("output_index", 0);
        itemDone.set("item", message(json, id, text, true));
        out.add(new Event("response.output_item.done", itemDone, false));
        ObjectNode done = responseAt.apply(true);
        String last = done.path("status").asText().equals("incomplete") ? "response.incomplete" : "response.completed";
        ObjectNode completed = event.apply(last);
        completed.set("response", done);
        out.add(new Event(last, completed, true));
        return out;
    }
}
