package dev.llmrouter.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import java.io.IOException;

/**
 * Reads what the router needs from a caller's JSON body and validates it, without rebuilding the body:
 * the {@link ChatRequest} carries the caller's bytes unchanged, so fields the gateway does not know
 * (tools, response_format, seed, ...) reach the deployment as sent.
 *
 * <p>Read: {@code model}, {@code stream}, {@code stream_options.include_usage}, {@code max_tokens} /
 * {@code max_completion_tokens} (the latter wins), the number of {@code image_url} content parts,
 * {@code user} and {@code metadata.operation} (bounded printable text, {@link CallerText}). Validated: the body is a JSON object; for chat,
 * {@code messages} is a non-empty array of objects with a string {@code role}; for completions,
 * {@code prompt} is a string or an array; and the fields read have the right types. Every error
 * names the field in {@code param}.
 */
final class ChatRequestParser {

    /**
     * What the router needs of one request.
     *
     * @param request   the request with the caller's bytes
     * @param model     the model or tier named, or {@code null} for the plan's default
     * @param user      the body's {@code user}, or {@code null}
     * @param operation the body's {@code metadata.operation}, or {@code null}
     */
    record Parsed(ChatRequest request, String model, String user, String operation) {}

    private final ObjectMapper reader;

    ChatRequestParser(ObjectMapper reader) {
        this.reader = reader;
    }

    /**
     * @param pathModel the Azure route's deployment name, which wins over the body's {@code model}, or
     *                  {@code null} on the OpenAI routes
     */
    Parsed parse(ChatOperation operation, byte[] body, String pathModel) {
        JsonNode root = readTree(body);
        if (!root.isObject()) {
            throw ApiError.invalidJson("the body is a JSON " + root.getNodeType().toString().toLowerCase()
                    + ", not an object").exception();
        }
        String model = pathModel != null ? pathModel : optionalText(root, "model");
        if (model != null && model.isBlank()) {
            throw ApiError.invalidField("model", "invalid_value", "'model' must name a tier or a model.").exception();
        }
        int images = operation == ChatOperation.CHAT ? validateMessages(root) : validatePrompt(root);
        boolean stream = optionalBoolean(root, "stream", "stream");
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw wrongType("stream_options", "an object");
            }
            includeUsage = optionalBoolean(options, "include_usage", "stream_options.include_usage");
        }
        int maxTokens = optionalPositiveInt(root, "max_completion_tokens");
        if (maxTokens == 0) {
            maxTokens = optionalPositiveInt(root, "max_tokens");
        }
        String user = CallerText.field(optionalText(root, "user"), "user");
        String op = null;
        JsonNode metadata = root.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw wrongType("metadata", "an object");
            }
            op = CallerText.field(optionalText(metadata, "operation", "metadata.operation"), "metadata.operation");
        }
        // Each of n (or best_of) completions may use the whole output cap: the quota reserves for all.
        int choices = Math.max(1, Math.max(optionalPositiveInt(root, "n"), optionalPositiveInt(root, "best_of")));
        if (choices > MAX_CHOICES) {
            throw ApiError.invalidField(root.has("best_of") ? "best_of" : "n", "invalid_value",
                    "At most " + MAX_CHOICES + " completions can be asked for in one request.").exception();
        }
        ChatRequest request = new ChatRequest(operation, body, stream, stream && includeUsage, maxTokens, images, choices);
        return new Parsed(request, model, user, op);
    }

    /** OpenAI's own limit on {@code n}. */
    static final int MAX_CHOICES = 128;

    private JsonNode readTree(byte[] body) {
        if (body.length == 0) {
            throw ApiError.invalidJson("the body is empty").exception();
        }
        if (notUtf8(body)) {
            // Jackson would detect UTF-16/32 and parse it, but the body goes to the deployment as UTF-8.
            throw ApiError.invalidJson("the body is UTF-16 or UTF-32, not UTF-8").exception();
        }
        int invalid = Utf8.firstInvalid(body);
        if (invalid >= 0) {
            // Jackson accepts overlong forms and code points above U+10FFFF: strict UTF-8 is checked first.
            throw ApiError.invalidJson("the body is not valid UTF-8 (an ill-formed sequence at byte " + invalid + ")")
                    .exception();
        }
        try {
            JsonNode node = reader.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiError.invalidJson("the body is empty").exception();
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw ApiError.invalidJson("the JSON exceeds the gateway's limits (nesting or value length)").exception();
        } catch (JsonProcessingException e) {
            // The original message quotes part of the input: keep only Jackson's own description.
            throw ApiError.invalidJson(describe(e)).exception();
        } catch (IOException e) {
            throw ApiError.invalidJson("the body could not be read").exception();
        }
    }

    /** A UTF-16/32 byte-order mark, or a zero byte among the first four (JSON text in UTF-8 has none). */
    private static boolean notUtf8(byte[] body) {
        if (body.length >= 2 && ((body[0] == (byte) 0xfe && body[1] == (byte) 0xff) || (body[0] == (byte) 0xff && body[1] == (byte) 0xfe))) {
            return true;
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** Jackson's message without the echoed source text, so that no prompt reaches a response or log. */
    private static String describe(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "malformed JSON";
        }
        int quote = m.indexOf(" (");
        String head = (quote > 0 ? m.substring(0, quote) : m).replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
        if (head.length() > 120) {
            head = head.substring(0, 120);
        }
        var loc = e.getLocation();
        return loc == null ? head : head + " at byte " + loc.getByteOffset();
    }

    private static int validateMessages(JsonNode root) {
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiError.invalidField("messages", "missing_required_parameter",
                    "Missing required parameter: 'messages'.").exception();
        }
        if (!messages.isArray()) {
            throw wrongType("messages", "an array");
        }
        if (messages.isEmpty()) {
            throw ApiError.invalidField("messages", "empty_array",
                    "'messages' must contain at least one message.").exception();
        }
        int images = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            if (!message.isObject()) {
                throw wrongType(at, "an object");
            }
            JsonNode role = message.get("role");
            if (role == null || role.isNull()) {
                throw ApiError.invalidField(at + ".role", "missing_required_parameter",
                        "Missing required parameter: '" + at + ".role'.").exception();
            }
            if (!role.isTextual()) {
                throw wrongType(at + ".role", "a string");
            }
            JsonNode content = message.get("content");
            if (content == null || content.isNull() || content.isTextual()) {
                continue;
            }
            if (!content.isArray()) {
                throw wrongType(at + ".content", "a string or an array of content parts");
            }
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String partAt = at + ".content[" + j + "]";
                if (!part.isObject()) {
                    throw wrongType(partAt, "an object");
                }
                JsonNode type = part.get("type");
                if (type == null || !type.isTextual()) {
                    throw ApiError.invalidField(partAt + ".type", "missing_required_parameter",
                            "Each content part needs a string 'type'.").exception();
                }
                if ("image_url".equals(type.textValue())) {
                    JsonNode image = part.get("image_url");
                    JsonNode url = image == null ? null : image.isTextual() ? image : image.get("url");
                    if (url == null || !url.isTextual()) {
                        throw ApiError.invalidField(partAt + ".image_url.url", "missing_required_parameter",
                                "An image_url part needs 'image_url.url' (an https URL or a data: URL).").exception();
                    }
                    images++;
                }
            }
        }
        return images;
    }

    private static int validatePrompt(JsonNode root) {
        JsonNode prompt = root.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw ApiError.invalidField("prompt", "missing_required_parameter",
                    "Missing required parameter: 'prompt'.").exception();
        }
        if (!prompt.isTextual() && !prompt.isArray()) {
            throw wrongType("prompt", "a string or an array");
        }
        return 0;
    }

    private static String optionalText(JsonNode node, String field) {
        return optionalText(node, field, field);
    }

    private static String optionalText(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(param, "a string");
        }
        return value.textValue();
    }

    private static boolean optionalBoolean(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw wrongType(param, "a boolean");
        }
        return value.booleanValue();
    }

    /** A positive integer that fits an int, or 0 when absent. */
    private static int optionalPositiveInt(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            throw ApiError.invalidField(field, "invalid_value",
                    "'" + field + "' must be a positive integer.").exception();
        }
        return value.intValue();
    }

    private static ApiError.ApiException wrongType(String param, String expected) {
        return ApiError.invalidField(param, "invalid_type", "Invalid type for '" + param + "': expected " + expected + ".")
                .exception();
    }
}
