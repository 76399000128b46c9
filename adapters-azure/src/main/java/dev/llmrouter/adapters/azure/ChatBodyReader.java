package dev.llmrouter.adapters.azure;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.llmrouter.ports.chat.BodyIndex;
import dev.llmrouter.ports.chat.BodyIndex.OwnedMember;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import java.io.IOException;

/**
 * The one parse of a chat, completions, embeddings or Responses API request body: a single pass of Jackson's streaming parser
 * over the caller's bytes that reads what the gateway validates and routes by, and indexes where the
 * owned members and the prompt's texts lie ({@link BodyIndex}), so that neither the estimator
 * ({@link TokenizerEstimator}) nor the body sent to a deployment ({@link RequestBodies}) parses the
 * body again.
 *
 * <p>Why streaming and not a tree: the texts of a prompt, which are nearly all of a body's bytes,
 * are never decoded here (only their positions are kept), so reading a 20 MiB body allocates little
 * beyond the index. The whole document is still read to its end: malformed JSON, duplicated keys
 * (which would let the gateway read one {@code max_tokens} and a deployment honour another), nesting
 * deeper than Jackson's default and trailing tokens are errors, thrown as Jackson's exceptions.
 *
 * <p>It reports what it found and does not judge it: the application checks the values in
 * {@link Read} and words the errors. Only the first problem in {@code messages}, in the order a reader
 * of the array would meet it (message by message; in a message its role before its content), is kept.
 *
 * <p>OpenAI's request format is the one the gateway speaks on both sides, so the parse lives beside
 * the estimator and the body rewriting that consume its index.
 */
public final class ChatBodyReader {

    /** The top-level (and two nested) fields the application reads. */
    public enum Field {
        MODEL, STREAM, STREAM_OPTIONS, INCLUDE_USAGE, MAX_COMPLETION_TOKENS, MAX_TOKENS, USER, METADATA,
        OPERATION, N, BEST_OF, MESSAGES, PROMPT, INPUT, DIMENSIONS, ENCODING_FORMAT,
        /** Responses API: the output cap, the instructions, the continued response (its input is {@link #INPUT}). */
        MAX_OUTPUT_TOKENS, INSTRUCTIONS, PREVIOUS_RESPONSE_ID
    }

    public enum Kind { ABSENT, NULL, STRING, BOOLEAN, INT, NUMBER, OBJECT, ARRAY }

    /**
     * A field's value as far as the application reads it.
     *
     * @param text   a string's text, else {@code null}
     * @param number an {@code INT}'s value, a {@code BOOLEAN} as 1 or 0, an {@code ARRAY}'s length, an
     *               embeddings input {@code STRING}'s length in bytes (as written, escapes included)
     */
    public record Value(Kind kind, String text, int number) {
        static final Value ABSENT = new Value(Kind.ABSENT, null, 0);
        static final Value NULL = new Value(Kind.NULL, null, 0);
        static final Value OBJECT = new Value(Kind.OBJECT, null, 0);
        static final Value NUMBER = new Value(Kind.NUMBER, null, 0);
        static final Value TRUE = new Value(Kind.BOOLEAN, null, 1);
        static final Value FALSE = new Value(Kind.BOOLEAN, null, 0);

        /** Neither absent nor {@code null}. */
        public boolean present() {
            return kind != Kind.ABSENT && kind != Kind.NULL;
        }
    }

    /** What can be wrong with a message or a content part. */
    public enum Problem {
        MESSAGE_NOT_OBJECT, ROLE_MISSING, ROLE_NOT_STRING, CONTENT_WRONG_TYPE, PART_NOT_OBJECT, PART_TYPE_MISSING,
        IMAGE_URL_MISSING
    }

    /** @param param the path of the field at fault, e.g. {@code messages[2].content[0].type} */
    public record MessageProblem(Problem problem, String param) {}

    /**
     * The first element of an embeddings {@code input} array that does not fit the array's form.
     *
     * @param param    its path, e.g. {@code input[3]} or {@code input[1][0]}
     * @param expected what the element should be, worded for an error message
     */
    public record InputProblem(String param, String expected) {}

    /**
     * What one body holds.
     *
     * @param rootType {@code null} for an object; else {@code "empty"}, {@code "array"}, {@code "string"},
     *                 {@code "number"}, {@code "boolean"} or {@code "null"} (then nothing else is read)
     * @param problem  the first problem in {@code messages} (chat only), or {@code null}
     * @param images   the image content parts (chat only)
     * @param inputProblem the first misfit in an embeddings {@code input} array, or {@code null}
     */
    public record Read(String rootType, Value[] values, MessageProblem problem, int images, BodyIndex index,
            InputProblem inputProblem) {
        Read(String rootType, Value[] values) {
            this(rootType, values, null, 0, BodyIndex.UNREAD, null);
        }

        public Value value(Field field) {
            return values[field.ordinal()];
        }

        public boolean isObject() {
            return rootType == null;
        }
    }

    private final JsonFactory factory;

    /** @param maxBodyBytes the largest body read: a single string may be as long (a base64 image fills most of it) */
    public ChatBodyReader(long maxBodyBytes) {
        int maxString = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(maxBodyBytes, 1));
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Math.max(maxString, StreamReadConstraints.DEFAULT_MAX_STRING_LEN))
                        .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /**
     * Reads {@code body}: the values of the fields the application checks, the first problem in
     * {@code messages} and the index.
     *
     * @throws IOException Jackson's exception for malformed JSON or a broken limit
     */
    public Read read(ChatOperation operation, byte[] body) throws IOException {
        Value[] values = new Value[Field.values().length];
        java.util.Arrays.fill(values, Value.ABSENT);
        try (JsonParser p = factory.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Read("empty", values);
            }
            if (first != JsonToken.START_OBJECT) {
                String type = typeName(first);
                p.skipChildren();
                noTrailingTokens(p);
                return new Read(type, values);
            }
            int objectStart = tokenStart(p);
            Scan scan = new Scan(p, body, operation, values);
            scan.root();
            int objectEnd = (int) p.currentLocation().getByteOffset() - 1;
            noTrailingTokens(p);
            return new Read(null, values, scan.problem, scan.images, scan.index.build(objectStart, objectEnd),
                    scan.inputProblem);
        }
    }

    /**
     * The request for {@code body} with its index, for callers that have no use for the values (tests,
     * benchmarks): the application builds its requests from {@link #read} after checking them.
     *
     * @throws IllegalArgumentException when the body is not a JSON object
     */
    public ChatRequest request(ChatOperation operation, byte[] body) {
        Read read;
        try {
            read = read(operation, body);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
        if (!read.isObject()) {
            throw new IllegalArgumentException("the body is a JSON " + read.rootType() + ", not an object");
        }
        Value stream = read.value(Field.STREAM);
        Value max = read.value(Field.MAX_COMPLETION_TOKENS).kind() == Kind.INT
                ? read.value(Field.MAX_COMPLETION_TOKENS)
                : operation == ChatOperation.RESPONSES ? read.value(Field.MAX_OUTPUT_TOKENS) : read.value(Field.MAX_TOKENS);
        boolean streaming = stream.kind() == Kind.BOOLEAN && stream.number() == 1;
        boolean usage = read.value(Field.INCLUDE_USAGE).kind() == Kind.BOOLEAN && read.value(Field.INCLUDE_USAGE).number() == 1;
        int n = read.value(Field.N).kind() == Kind.INT ? read.value(Field.N).number() : 1;
        return new ChatRequest(operation, body, streaming, streaming && usage,
                max.kind() == Kind.INT ? Math.max(0, max.number()) : 0, read.images(), Math.max(1, n), read.index());
    }

    private static void noTrailingTokens(JsonParser p) throws IOException {
        JsonToken after = p.nextToken();
        if (after != null) {
            throw new com.fasterxml.jackson.core.JsonParseException(p,
                    "Trailing token (of type " + after + ") found after value");
        }
    }

    private static String typeName(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            default -> "null";
        };
    }

    /** Offsets of a byte-array parser are byte offsets; a string's token starts at its opening quote. */
    private static int tokenStart(JsonParser p) {
        return (int) p.currentTokenLocation().getByteOffset();
    }

    /** One pass over one body. */
    private static final class Scan {
        private final JsonParser p;
        private final byte[] body;
        private final boolean textCompletion;
        private final boolean chat;
        private final boolean embeddings;
        private final boolean responses;
        private final Value[] values;
        final BodyIndex.Builder index = new BodyIndex.Builder();
        MessageProblem problem;
        InputProblem inputProblem;
        int images;

        Scan(JsonParser p, byte[] body, ChatOperation operation, Value[] values) {
            this.p = p;
            this.body = body;
            this.textCompletion = operation == ChatOperation.TEXT_COMPLETION;
            this.chat = operation == ChatOperation.CHAT;
            this.embeddings = operation == ChatOperation.EMBEDDINGS;
            this.responses = operation == ChatOperation.RESPONSES;
            this.values = values;
        }

        void root() throws IOException {
            int[] tools = null;
            int[] functions = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int memberStart = tokenStart(p);
                JsonToken value = p.nextToken();
                int valueStart = tokenStart(p);
                switch (field) {
                    case "model" -> set(Field.MODEL, scalar(value));
                    case "user" -> set(Field.USER, scalar(value));
                    case "stream" -> set(Field.STREAM, scalar(value));
                    case "max_tokens" -> set(Field.MAX_TOKENS, scalar(value));
                    case "max_completion_tokens" -> set(Field.MAX_COMPLETION_TOKENS, scalar(value));
                    case "n" -> set(Field.N, scalar(value));
                    case "best_of" -> set(Field.BEST_OF, scalar(value));
                    case "stream_options" -> set(Field.STREAM_OPTIONS, nested(value, "include_usage", Field.INCLUDE_USAGE));
                    case "metadata" -> set(Field.METADATA, nested(value, "operation", Field.OPERATION));
                    case "messages" -> set(Field.MESSAGES,
                            chat && value == JsonToken.START_ARRAY ? new Value(Kind.ARRAY, null, messages()) : kind(value));
                    case "prompt" -> set(Field.PROMPT, textCompletion ? prompt(value) : kind(value));
                    case "input" -> set(Field.INPUT,
                            embeddings ? input(value) : responses ? input(value, valueStart) : kind(value));
                    case "dimensions" -> set(Field.DIMENSIONS, scalar(value));
                    case "encoding_format" -> set(Field.ENCODING_FORMAT, scalar(value));
                    case "max_output_tokens" -> set(Field.MAX_OUTPUT_TOKENS, scalar(value));
                    case "previous_response_id" -> set(Field.PREVIOUS_RESPONSE_ID, scalar(value));
                    case "instructions" -> {
                        if (responses && value == JsonToken.VALUE_STRING) {
                            text(value, valueStart);
                        }
                        set(Field.INSTRUCTIONS, kind(value));
                    }
                    case "tools" -> tools = definitions(value);
                    case "functions" -> functions = definitions(value);
                    default -> p.skipChildren();
                }
                OwnedMember owned = OwnedMember.of(field);
                if (owned != null) {
                    index.owned(owned, memberStart, valueEnd(value, valueStart));
                }
            }
            if (chat) {
                index.reply();
                // "tools" when present (and not null), else the older "functions"; either only when a non-empty array.
                int[] definitions = tools != null ? tools : functions;
                if (definitions != null && definitions[2] == 1) {
                    index.raw(definitions[0], definitions[1]);
                }
            }
        }

        private void set(Field field, Value value) {
            values[field.ordinal()] = value;
        }

        /** The current value, read if it is a scalar and skipped if it is not. */
        private Value scalar(JsonToken token) throws IOException {
            return switch (token) {
                case VALUE_STRING -> new Value(Kind.STRING, p.getText(), 0);
                case VALUE_TRUE -> Value.TRUE;
                case VALUE_FALSE -> Value.FALSE;
                case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.INT
                        ? new Value(Kind.INT, null, p.getIntValue()) : Value.NUMBER;
                case VALUE_NUMBER_FLOAT -> Value.NUMBER;
                case START_OBJECT -> {
                    p.skipChildren();
                    yield Value.OBJECT;
                }
                case START_ARRAY -> {
                    p.skipChildren();
                    yield new Value(Kind.ARRAY, null, 0);
                }
                default -> Value.NULL;
            };
        }

        /** An object of which one member is read into {@code into}, or a value of another kind. */
        private Value nested(JsonToken token, String key, Field into) throws IOException {
            if (token != JsonToken.START_OBJECT) {
                return scalar(token);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals(key)) {
                    set(into, scalar(value));
                } else {
                    p.skipChildren();
                }
            }
            return Value.OBJECT;
        }

        /** Where the value that started at {@code start} ends, once the parser has moved past it. */
        private int valueEnd(JsonToken token, int start) {
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                return (int) p.currentLocation().getByteOffset();
            }
            return token == JsonToken.VALUE_STRING ? stringEnd(start) : literalEnd(start);
        }

        /**
         * The offset after the closing quote of the string whose opening quote is at {@code start}. The
         * parser reads a string's contents only when asked, after this: an unterminated string runs to
         * the body's end here, and the parser then reports it.
         */
        private int stringEnd(int start) {
            int i = start + 1;
            while (i < body.length && body[i] != '"') {
                i += body[i] == '\\' ? 2 : 1;
            }
            return Math.min(i + 1, body.length);
        }

        private int literalEnd(int start) {
            int i = start;
            while (i < body.length) {
                byte c = body[i];
                if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    break;
                }
                i++;
            }
            return i;
        }

        /** The current scalar as prompt text: a string's contents, else its literal. */
        private void text(JsonToken token, int start) {
            if (token == JsonToken.VALUE_STRING) {
                index.text(start + 1, stringEnd(start) - 1);
            } else {
                index.raw(start, literalEnd(start));
            }
        }

        /**
         * Chat messages, or the Responses API's input items, from just after the array's start; returns
         * their number. A chat message needs a string {@code role}, its {@code content} is a string, null
         * or parts ({@link #parts}) and its {@code name} is counted as a name. A Responses item's role is
         * optional (an item without one, a function call's output or a reasoning item, is counted by every
         * string in it) and its content parts are {@link #inputParts}.
         */
        private int messages() throws IOException {
            int count = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                index.message();
                int at = count++;
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    problem(Problem.MESSAGE_NOT_OBJECT, at, "");
                    p.skipChildren();
                    continue;
                }
                JsonToken role = null;
                Problem contentProblem = null;
                String contentAt = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    int start = tokenStart(p);
                    boolean content = field.equals("content");
                    if (field.equals("role")) {
                        role = value;
                    }
                    if (value == JsonToken.VALUE_STRING) {
                        text(value, start);
                        if (!responses && field.equals("name")) {
                            index.name();
                        }
                    } else if (content && value == JsonToken.START_ARRAY) {
                        PartProblem partProblem = responses ? inputParts() : parts();
                        if (partProblem != null) {
                            contentProblem = partProblem.problem();
                            contentAt = ".content" + partProblem.suffix();
                        }
                    } else if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
                        p.skipChildren();
                        index.raw(start, (int) p.currentLocation().getByteOffset()); // tool_calls, function_call
                        if (content && !responses) {
                            contentProblem = Problem.CONTENT_WRONG_TYPE;
                            contentAt = ".content";
                        }
                    } else if (content && !responses && value != JsonToken.VALUE_NULL) {
                        contentProblem = Problem.CONTENT_WRONG_TYPE;
                        contentAt = ".content";
                    }
                }
                if (role == null || role == JsonToken.VALUE_NULL) {
                    if (!responses) {
                        problem(Problem.ROLE_MISSING, at, ".role");
                    } else if (contentProblem != null) {
                        problem(contentProblem, at, contentAt);
                    }
                } else if (role != JsonToken.VALUE_STRING) {
                    problem(Problem.ROLE_NOT_STRING, at, ".role");
                } else if (contentProblem != null) {
                    problem(contentProblem, at, contentAt);
                }
            }
            return count;
        }

        /** Keeps the first problem met. */
        private void problem(Problem kind, int message, String suffix) {
            if (problem == null) {
                problem = new MessageProblem(kind, (responses ? "input[" : "messages[") + message + "]" + suffix);
            }
        }

        /**
         * The Responses API's {@code input}: a string (one user message), or an array of items. An item
         * with a {@code role} is a message whose {@code content} is a string or {@code input_text} /
         * {@code input_image} parts; any other item (a function call's output, a reasoning item) is
         * counted by every string in it, an upper bound on what the model reads of it.
         */
        private Value input(JsonToken value, int start) throws IOException {
            if (value == JsonToken.VALUE_STRING) {
                index.message();
                text(value, start);
                return new Value(Kind.STRING, null, 0);
            }
            if (value != JsonToken.START_ARRAY) {
                return kind(value);
            }
            return new Value(Kind.ARRAY, null, messages());
        }

        /** A Responses message's content parts: {@code input_text} (and output text) as text, {@code input_image} as an image. */
        private PartProblem inputParts() throws IOException {
            PartProblem first = null;
            int j = -1;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                j++;
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    first = first != null ? first : new PartProblem(Problem.PART_NOT_OBJECT, "[" + j + "]");
                    continue;
                }
                JsonToken typeToken = null;
                String type = "";
                int urlStart = -1;
                int urlEnd = -1;
                boolean hasImage = false;
                boolean low = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    int vStart = tokenStart(p);
                    if (field.equals("type")) {
                        typeToken = v;
                        if (v.isScalarValue()) {
                            type = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    } else if ((field.equals("image_url") || field.equals("file_id")) && v == JsonToken.VALUE_STRING) {
                        hasImage = true;
                        if (field.equals("image_url")) {
                            urlStart = vStart + 1;
                            urlEnd = stringEnd(vStart) - 1;
                        }
                    } else if (field.equals("detail") && v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                        low = "low".equalsIgnoreCase(p.getText());
                    } else if (v == JsonToken.VALUE_STRING) {
                        text(v, vStart); // text, refusal, a file's data: all read by the model
                    } else {
                        p.skipChildren();
                    }
                }
                Problem bad = null;
                String where = "";
                if (typeToken != JsonToken.VALUE_STRING) {
                    bad = Problem.PART_TYPE_MISSING;
                    where = ".type";
                } else if (type.equals("input_image")) {
                    if (hasImage) {
                        images++;
                        index.image(urlStart, urlEnd, low);
                    } else {
                        bad = Problem.IMAGE_URL_MISSING;
                        where = ".image_url";
                    }
                }
                if (bad != null && first == null) {
                    first = new PartProblem(bad, "[" + j + "]" + where);
                }
            }
            return first;
        }

        /**
         * A message's content parts, from just after the array's start: indexed as text or image; returns
         * the first part's problem, or {@code null}.
         */
        private PartProblem parts() throws IOException {
            PartProblem first = null;
            int j = -1;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                j++;
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    first = first != null ? first : new PartProblem(Problem.PART_NOT_OBJECT, "[" + j + "]");
                    continue;
                }
                JsonToken typeToken = null;
                String type = "";
                JsonToken textToken = null;
                int textStart = -1;
                JsonToken image = null;
                JsonToken url = null;
                int urlStart = -1;
                int urlEnd = -1;
                boolean low = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("type")) {
                        typeToken = value;
                        if (value.isScalarValue()) {
                            type = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    } else if (field.equals("text") && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                        textToken = value;
                        textStart = tokenStart(p);
                    } else if (field.equals("image_url") && value == JsonToken.START_OBJECT) {
                        image = value;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String imageField = p.currentName();
                            JsonToken imageValue = p.nextToken();
                            if (imageField.equals("url")) {
                                url = imageValue;
                                if (imageValue == JsonToken.VALUE_STRING) {
                                    urlStart = tokenStart(p) + 1;
                                    urlEnd = stringEnd(urlStart - 1) - 1;
                                } else {
                                    p.skipChildren();
                                }
                            } else if (imageField.equals("detail") && imageValue.isScalarValue()
                                    && imageValue != JsonToken.VALUE_NULL) {
                                low = "low".equalsIgnoreCase(p.getText());
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        if (field.equals("image_url")) {
                            image = value;
                        }
                        p.skipChildren();
                    }
                }
                if (type.equals("image_url")) {
                    index.image(urlStart, urlEnd, low);
                } else if (textToken != null) {
                    text(textToken, textStart);
                }
                Problem bad = null;
                String where = "";
                if (typeToken != JsonToken.VALUE_STRING) {
                    bad = Problem.PART_TYPE_MISSING;
                    where = ".type";
                } else if (type.equals("image_url")) {
                    boolean hasUrl = image == JsonToken.VALUE_STRING
                            || (image == JsonToken.START_OBJECT && url == JsonToken.VALUE_STRING);
                    if (hasUrl) {
                        images++;
                    } else {
                        bad = Problem.IMAGE_URL_MISSING;
                        where = ".image_url.url";
                    }
                }
                if (bad != null && first == null) {
                    first = new PartProblem(bad, "[" + j + "]" + where);
                }
            }
            return first;
        }

        private record PartProblem(Problem problem, String suffix) {}

        /** The kind of the current value, skipped: for values whose text the application never reads. */
        private Value kind(JsonToken token) throws IOException {
            return token == JsonToken.VALUE_STRING ? new Value(Kind.STRING, null, 0) : scalar(token);
        }

        /** A completions prompt: its strings as text, anything else in an array as one token id. */
        private Value prompt(JsonToken value) throws IOException {
            if (value == JsonToken.START_ARRAY) {
                int count = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    count++;
                    if (p.currentToken() == JsonToken.VALUE_STRING) {
                        text(JsonToken.VALUE_STRING, tokenStart(p));
                    } else {
                        index.tokenId(); // a token id (or a list of them, counted as one)
                        p.skipChildren();
                    }
                }
                return new Value(Kind.ARRAY, null, count);
            }
            if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                text(value, tokenStart(p));
            }
            return kind(value);
        }

        /**
         * An embeddings input: a string, or an array of strings, of token ids, or of arrays of token
         * ids. Strings are indexed as texts; every token id is indexed as exactly one token, so a
         * token-array input is counted at its length. A string's value carries its length in bytes
         * (zero for an empty one), an array's its element count; the first element that breaks the
         * array's form (its first element decides it) is kept as {@link #inputProblem}.
         */
        private Value input(JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_STRING) {
                int start = tokenStart(p);
                int end = stringEnd(start) - 1;
                text(value, start);
                return new Value(Kind.STRING, null, end - start - 1);
            }
            if (value != JsonToken.START_ARRAY) {
                return kind(value);
            }
            int count = 0;
            JsonToken form = null;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                JsonToken element = p.currentToken();
                int at = count++;
                if (form == null) {
                    form = element;
                }
                if (element == JsonToken.VALUE_STRING && form == JsonToken.VALUE_STRING) {
                    int start = tokenStart(p);
                    if (stringEnd(start) - start <= 2) {
                        misfit("input[" + at + "]", "a non-empty string");
                    }
                    text(element, start);
                } else if (element == JsonToken.VALUE_NUMBER_INT && form == JsonToken.VALUE_NUMBER_INT) {
                    index.tokenId();
                } else if (element == JsonToken.START_ARRAY && form == JsonToken.START_ARRAY) {
                    tokenArray(at);
                } else {
                    misfit("input[" + at + "]", switch (form) {
                        case VALUE_STRING -> "a string, as the array's first element is";
                        case VALUE_NUMBER_INT -> "a token id (an integer), as the array's first element is";
                        case START_ARRAY -> "an array of token ids, as the array's first element is";
                        default -> "a string, a token id or an array of token ids";
                    });
                    p.skipChildren();
                }
            }
            return new Value(Kind.ARRAY, null, count);
        }

        /** One array of token ids inside an embeddings input, from just after its start. */
        private void tokenArray(int at) throws IOException {
            int ids = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                    index.tokenId();
                } else {
                    misfit("input[" + at + "][" + ids + "]", "a token id (an integer)");
                    p.skipChildren();
                }
                ids++;
            }
            if (ids == 0) {
                misfit("input[" + at + "]", "a non-empty array of token ids");
            }
        }

        private void misfit(String param, String expected) {
            if (inputProblem == null) {
                inputProblem = new InputProblem(param, expected);
            }
        }

        /** Tool or function definitions as {start, end, 1 if a non-empty array}, or {@code null} for null. */
        private int[] definitions(JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return null;
            }
            int start = tokenStart(p);
            p.skipChildren();
            int end = valueEnd(value, start);
            boolean nonEmpty = false;
            for (int i = start + 1; value == JsonToken.START_ARRAY && !nonEmpty && i < end - 1; i++) {
                nonEmpty = body[i] != ' ' && body[i] != '\n' && body[i] != '\r' && body[i] != '\t';
            }
            return new int[] {start, end, nonEmpty ? 1 : 0};
        }
    }
}
