package dev.llmrouter.app.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** The HTTP layer's JSON: one configured Jackson mapper, strict about what callers send. */
final class Json {

    /** For writing the gateway's own answers. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /**
     * A mapper for reading request bodies of at most {@code maxBodyBytes}: trailing tokens after the
     * JSON value and duplicated keys are errors, and a single string may be as long as the body (a base64 image fills
     * most of it), while nesting stays at Jackson's safe default depth.
     */
    static ObjectMapper reader(long maxBodyBytes) {
        ObjectMapper mapper = new ObjectMapper();
        int maxString = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(maxBodyBytes, 1));
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Math.max(maxString, StreamReadConstraints.DEFAULT_MAX_STRING_LEN))
                .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH)
                .build());
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // A duplicated key would let the gateway read one value (say max_tokens, for the quota
        // reservation) while a deployment honours the other: refuse the ambiguity.
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return mapper;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
