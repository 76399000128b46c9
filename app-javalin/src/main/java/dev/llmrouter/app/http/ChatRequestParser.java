package dev.llmrouter.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.llmrouter.adapters.azure.ChatBodyReader;
import dev.llmrouter.adapters.azure.ChatBodyReader.Field;
import dev.llmrouter.adapters.azure.ChatBodyReader.Kind;
import dev.llmrouter.adapters.azure.ChatBodyReader.Value;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import java.io.IOException;

/**
 * Reads what the router needs from a caller's JSON body and validates it, without rebuilding the body:
 * the {@link ChatRequest} carries the caller's bytes unchanged, so fields the gateway does not know
 * (tools, response_format, seed, ...) reach the deployment as sent. The body is parsed once, by
 * {@link ChatBodyReader}; the request carries that parse's index, which the estimator and the adapter
 * read instead of parsing the body again. Every value is checked after the whole body was read, in
 * the order below, so a malformed document is reported before a wrong field.
 *
 * <p>Read: {@code model}, {@code stream}, {@code stream_options.include_usage}, {@code max_tokens} /
 * {@code max_completion_tokens} (the latter wins), the number of {@code image_url} content parts,
 * {@code user} and {@code metadata.operation} (bounded printable text, {@link CallerText}). Validated: the body is a JSON object; for chat,
 * {@code messages} is a non-empty array of objects with a string {@code role}; for completions,
 * {@code prompt} is a string or an array; for embeddings, {@code input} as {@link #embeddings} says; for
 * the Responses API, {@code input} is a string or an array of item objects (content parts with a string
 * {@code type}, an {@code input_image} with its image), {@code instructions} a string,
 * {@code max_output_tokens} the cap and {@code previous_response_id} bounded printable text; and the
 * fields read have the right types. Every error names the field in {@code param}.
 */
final class ChatRequestParser {

    /**
     * What the router needs of one request.
     *
     * @param request   the request with the caller's bytes
     * @param model     the model or tier named, or {@code null} for the plan's default
     * @param user      the body's {@code user}, or {@code null}
     * @param operation the body's {@code metadata.operation}, or {@code null}
     * @param previousResponseId the Responses API's {@code previous_response_id}, or {@code null}
     */
    record Parsed(ChatRequest request, String model, String user, String operation, String previousResponseId) {}

    private final ChatBodyReader reader;

    ChatRequestParser(ChatBodyReader reader) {
        this.reader = reader;
    }

    /**
     * @param pathModel the Azure route's deployment name, which wins over the body's {@code model}, or
     *                  {@code null} on the OpenAI routes
     */
    Parsed parse(ChatOperation operation, byte[] body, String pathModel) {
        ChatBodyReader.Read read = read(operation, body);
        if (!read.isObject()) {
            throw ApiError.invalidJson(read.rootType().equals("empty") ? "the body is empty"
                    : "the body is a JSON " + read.rootType() + ", not an object").exception();
        }
        String model = pathModel != null ? pathModel : optionalText(read.value(Field.MODEL), "model");
        if (model != null && model.isBlank()) {
            throw ApiError.invalidField("model", "invalid_value", "'model' must name a tier or a model.").exception();
        }
        if (operation == ChatOperation.EMBEDDINGS) {
            return embeddings(read, body, model);
        }
        int images = switch (operation) {
            case CHAT -> validateMessages(read);
            case RESPONSES -> validateInput(read);
            default -> validatePrompt(read.value(Field.PROMPT));
        };
        boolean stream = optionalBoolean(read.value(Field.STREAM), "stream");
        boolean includeUsage = false;
        Value options = read.value(Field.STREAM_OPTIONS);
        if (options.present()) {
            if (options.kind() != Kind.OBJECT) {
                throw wrongType("stream_options", "an object");
            }
            includeUsage = optionalBoolean(read.value(Field.INCLUDE_USAGE), "stream_options.include_usage");
        }
        int maxTokens = operation == ChatOperation.RESPONSES
                ? optionalPositiveInt(read.value(Field.MAX_OUTPUT_TOKENS), "max_output_tokens")
                : optionalPositiveInt(read.value(Field.MAX_COMPLETION_TOKENS), "max_completion_tokens");
        if (maxTokens == 0 && operation != ChatOperation.RESPONSES) {
            maxTokens = optionalPositiveInt(read.value(Field.MAX_TOKENS), "max_tokens");
        }
        String user = CallerText.field(optionalText(read.value(Field.USER), "user"), "user");
        String op = null;
        Value metadata = read.value(Field.METADATA);
        if (metadata.present()) {
            if (metadata.kind() != Kind.OBJECT) {
                throw wrongType("metadata", "an object");
            }
            op = CallerText.field(optionalText(read.value(Field.OPERATION), "metadata.operation"), "metadata.operation");
        }
        // Each of n (or best_of) completions may use the whole output cap: the quota reserves for all.
        int choices = Math.max(1, Math.max(optionalPositiveInt(read.value(Field.N), "n"),
                optionalPositiveInt(read.value(Field.BEST_OF), "best_of")));
        if (choices > MAX_CHOICES) {
            throw ApiError.invalidField(read.value(Field.BEST_OF).kind() != Kind.ABSENT ? "best_of" : "n", "invalid_value",
                    "At most " + MAX_CHOICES + " completions can be asked for in one request.").exception();
        }
        ChatRequest request = new ChatRequest(operation, body, stream, stream && includeUsage, maxTokens, images, choices,
                read.index());
        String previous = null;
        if (operation == ChatOperation.RESPONSES) {
            previous = CallerText.field(optionalText(read.value(Field.PREVIOUS_RESPONSE_ID), "previous_response_id"),
                    "previous_response_id");
        }
        return new Parsed(request, model, user, op, previous);
    }

    /** OpenAI's own limit on {@code n}. */
    static final int MAX_CHOICES = 128;

    /** OpenAI's limit on the inputs of one embeddings request. */
    static final int MAX_EMBEDDING_INPUTS = 2048;

    /**
     * An embeddings request: {@code input} a non-empty string, or a non-empty array of non-empty
     * strings, of token ids or of non-empty arrays of token ids; {@code dimensions} a positive integer
     * and {@code encoding_format} {@code float} or {@code base64} when present. Both reach the
     * deployment as sent. Nothing is generated, so there is no output cap and no stream.
     */
    private static Parsed embeddings(ChatBodyReader.Read read, byte[] body, String model) {
        Value input = read.value(Field.INPUT);
        if (!input.present()) {
            throw ApiError.invalidField("input", "missing_required_parameter", "Missing required parameter: 'input'.")
                    .exception();
        }
        if (input.kind() == Kind.STRING) {
            if (input.number() == 0) {
                throw ApiError.invalidField("input", "invalid_value", "'input' cannot be an empty string.").exception();
            }
        } else if (input.kind() == Kind.ARRAY) {
            if (input.number() == 0) {
                throw ApiError.invalidField("input", "empty_array", "'input' must contain at least one element.")
                        .exception();
            }
            if (input.number() > MAX_EMBEDDING_INPUTS) {
                throw ApiError.invalidField("input", "invalid_value",
                        "'input' may hold at most " + MAX_EMBEDDING_INPUTS + " elements.").exception();
            }
            ChatBodyReader.InputProblem problem = read.inputProblem();
            if (problem != null) {
                throw wrongType(problem.param(), problem.expected());
            }
        } else {
            throw wrongType("input", "a string, an array of strings, an array of token ids or an array of token arrays");
        }
        optionalPositiveInt(read.value(Field.DIMENSIONS), "dimensions");
        Value format = read.value(Field.ENCODING_FORMAT);
        if (format.present() && (format.kind() != Kind.STRING
                || !(format.text().equals("float") || format.text().equals("base64")))) {
            throw ApiError.invalidField("encoding_format", "invalid_value",
                    "'encoding_format' must be 'float' or 'base64'.").exception();
        }
        String user = CallerText.field(optionalText(read.value(Field.USER), "user"), "user");
        ChatRequest request = new ChatRequest(ChatOperation.EMBEDDINGS, body, false, false, 0, 0, 1, read.index());
        return new Parsed(request, model, user, null, null);
    }

    private ChatBodyReader.Read read(ChatOperation operation, byte[] body) {
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
            return reader.read(operation, body);
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

    private static int validateMessages(ChatBodyReader.Read read) {
        Value messages = read.value(Field.MESSAGES);
        if (!messages.present()) {
            throw ApiError.invalidField("messages", "missing_required_parameter",
                    "Missing required parameter: 'messages'.").exception();
        }
        if (messages.kind() != Kind.ARRAY) {
            throw wrongType("messages", "an array");
        }
        if (messages.number() == 0) {
            throw ApiError.invalidField("messages", "empty_array",
                    "'messages' must contain at least one message.").exception();
        }
        ChatBodyReader.MessageProblem problem = read.problem();
        if (problem != null) {
            String at = problem.param();
            throw switch (problem.problem()) {
                case MESSAGE_NOT_OBJECT, PART_NOT_OBJECT -> wrongType(at, "an object");
                case ROLE_MISSING -> ApiError.invalidField(at, "missing_required_parameter",
                        "Missing required parameter: '" + at + "'.").exception();
                case ROLE_NOT_STRING -> wrongType(at, "a string");
                case CONTENT_WRONG_TYPE -> wrongType(at, "a string or an array of content parts");
                case PART_TYPE_MISSING -> ApiError.invalidField(at, "missing_required_parameter",
                        "Each content part needs a string 'type'.").exception();
                case IMAGE_URL_MISSING -> ApiError.invalidField(at, "missing_required_parameter",
                        "An image_url part needs 'image_url.url' (an https URL or a data: URL).").exception();
            };
        }
        return read.images();
    }

    /** The Responses API's {@code input} (a string or an array of items) and {@code instructions} (a string). */
    private static int validateInput(ChatBodyReader.Read read) {
        Value input = read.value(Field.INPUT);
        if (!input.present()) {
            throw ApiError.invalidField("input", "missing_required_parameter",
                    "Missing required parameter: 'input'.").exception();
        }
        if (input.kind() != Kind.STRING && input.kind() != Kind.ARRAY) {
            throw wrongType("input", "a string or an array of input items");
        }
        Value instructions = read.value(Field.INSTRUCTIONS);
        if (instructions.present() && instructions.kind() != Kind.STRING) {
            throw wrongType("instructions", "a string");
        }
        ChatBodyReader.MessageProblem problem = read.problem();
        if (problem != null) {
            String at = problem.param();
            throw switch (problem.problem()) {
                case MESSAGE_NOT_OBJECT, PART_NOT_OBJECT -> wrongType(at, "an object");
                case ROLE_MISSING, ROLE_NOT_STRING -> wrongType(at, "a string");
                case CONTENT_WRONG_TYPE -> wrongType(at, "a string or an array of content parts");
                case PART_TYPE_MISSING -> ApiError.invalidField(at, "missing_required_parameter",
                        "Each content part needs a string 'type'.").exception();
                case IMAGE_URL_MISSING -> ApiError.invalidField(at, "missing_required_parameter",
                        "An input_image part needs 'image_url' (an https URL or a data: URL) or 'file_id'.").exception();
            };
        }
        return read.images();
    }

    private static int validatePrompt(Value prompt) {
        if (!prompt.present()) {
            throw ApiError.invalidField("prompt", "missing_required_parameter",
                    "Missing required parameter: 'prompt'.").exception();
        }
        if (prompt.kind() != Kind.STRING && prompt.kind() != Kind.ARRAY) {
            throw wrongType("prompt", "a string or an array");
        }
        return 0;
    }

    private static String optionalText(Value value, String param) {
        if (!value.present()) {
            return null;
        }
        if (value.kind() != Kind.STRING) {
            throw wrongType(param, "a string");
        }
        return value.text();
    }

    private static boolean optionalBoolean(Value value, String param) {
        if (!value.present()) {
            return false;
        }
        if (value.kind() != Kind.BOOLEAN) {
            throw wrongType(param, "a boolean");
        }
        return value.number() == 1;
    }

    /** A positive integer that fits an int, or 0 when absent. */
    private static int optionalPositiveInt(Value value, String field) {
        if (!value.present()) {
            return 0;
        }
        if (value.kind() != Kind.INT || value.number() < 1) {
            throw ApiError.invalidField(field, "invalid_value",
                    "'" + field + "' must be a positive integer.").exception();
        }
        return value.number();
    }

    private static ApiError.ApiException wrongType(String param, String expected) {
        return ApiError.invalidField(param, "invalid_type", "Invalid type for '" + param + "': expected " + expected + ".")
                .exception();
    }
}
