package dev.llmrouter.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * What an Azure OpenAI deployment answers, byte for byte as the service shapes it: chat completions
 * with usage, Server-Sent Event streams ending in a usage chunk and {@code data: [DONE]}, and the
 * error bodies the router must tell apart (throttling, unavailability, content filter, context length).
 */
final class AzureBodies {

    /** Every successful non-streaming answer reports these tokens (the cost of each is then known exactly). */
    static final int PROMPT_TOKENS = 12;
    static final int COMPLETION_TOKENS = 8;
    /** Content chunks of a complete stream; the usage chunk reports one completion token per chunk. */
    static final int STREAM_CHUNKS = 6;

    private AzureBodies() {}

    static String chatCompletion(String deployment, String model) {
        return """
                {"id":"chatcmpl-%s","object":"chat.completion","created":1732600000,"model":"%s",\
                "system_fingerprint":"fp_chaos","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}],\
                "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Served by %s."},\
                "content_filter_results":{}}],\
                "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(deployment, model, deployment, PROMPT_TOKENS, COMPLETION_TOKENS,
                        PROMPT_TOKENS + COMPLETION_TOKENS);
    }

    /**
     * A stream's events: the role chunk, {@code contentChunks} content chunks, then (when
     * {@code complete}) the usage chunk and {@code [DONE]}. An incomplete stream simply stops: the
     * body ends before {@code [DONE]}, which is how a cut connection looks to the reader.
     */
    static String stream(String deployment, String model, int contentChunks, boolean complete) {
        List<String> events = new ArrayList<>();
        String head = "\"id\":\"chatcmpl-%s\",\"object\":\"chat.completion.chunk\",\"created\":1732600000,\"model\":\"%s\""
                .formatted(deployment, model);
        events.add("{" + head + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"finish_reason\":null}]}");
        for (int i = 0; i < contentChunks; i++) {
            events.add("{" + head + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word" + i + "\"},"
                    + "\"finish_reason\":null}]}");
        }
        if (complete) {
            events.add("{" + head + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
            events.add("{" + head + ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS
                    + ",\"completion_tokens\":" + contentChunks + ",\"total_tokens\":" + (PROMPT_TOKENS + contentChunks)
                    + "}}");
        }
        StringBuilder sse = new StringBuilder();
        for (String e : events) {
            sse.append("data: ").append(e).append("\n\n");
        }
        if (complete) {
            sse.append("data: [DONE]\n\n");
        }
        return sse.toString();
    }

    /** A Responses API answer: the response object with the same usage as a chat completion's. */
    static String response(String deployment, String model) {
        return "{\"id\":\"resp_" + deployment + "\",\"object\":\"response\",\"created_at\":1732600000,"
                + "\"status\":\"completed\",\"model\":\"" + model + "\",\"output\":[{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Served by "
                + deployment + ".\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":" + PROMPT_TOKENS
                + ",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":" + COMPLETION_TOKENS
                + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":" + (PROMPT_TOKENS + COMPLETION_TOKENS)
                + "}}";
    }

    /**
     * A Responses API stream: {@code response.created}, {@code contentChunks} text deltas, then (when
     * {@code complete}) the text done and {@code response.completed} with the usage (one output token per
     * delta). An incomplete stream simply stops after its last delta, as a cut connection looks.
     */
    static String responsesStream(String deployment, String model, int contentChunks, boolean complete) {
        StringBuilder sse = new StringBuilder();
        int seq = 0;
        String head = "{\"id\":\"resp_" + deployment + "\",\"object\":\"response\",\"model\":\"" + model + "\",\"output\":[],";
        sse.append(event("response.created", seq++, ",\"response\":" + head + "\"status\":\"in_progress\"}"));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < contentChunks; i++) {
            sse.append(event("response.output_text.delta", seq++,
                    ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\" word" + i + "\""));
            text.append(" word").append(i);
        }
        if (complete) {
            sse.append(event("response.output_text.done", seq++,
                    ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"" + text + "\""));
            sse.append(event("response.completed", seq, ",\"response\":" + head + "\"status\":\"completed\","
                    + "\"usage\":{\"input_tokens\":" + PROMPT_TOKENS + ",\"output_tokens\":" + contentChunks
                    + ",\"total_tokens\":" + (PROMPT_TOKENS + contentChunks) + "}}"));
        }
        return sse.toString();
    }

    private static String event(String type, int seq, String rest) {
        return "event: " + type + "\ndata: {\"type\":\"" + type + "\",\"sequence_number\":" + seq + rest + "}\n\n";
    }

    static String serviceUnavailable() {
        return "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"The service is temporarily unable to process "
                + "your request. Please try again later.\"}}";
    }

    static String serverError(int status) {
        return "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The server had an error (" + status
                + ") while processing your request.\"}}";
    }

    static String throttled(long retryAfterSeconds) {
        return "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation under Azure "
                + "OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. "
                + "Please retry after " + retryAfterSeconds + " seconds.\"}}";
    }

    static String contentFilter() {
        return """
                {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content \
                management policy.","type":null,"param":"prompt","code":"content_filter","status":400,\
                "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{\
                "hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},\
                "self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},\
                "violence":{"filtered":true,"severity":"medium"}}}}}""";
    }

    static String contextLengthExceeded() {
        return """
                {"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages \
                resulted in 9120 tokens. Please reduce the length of the messages.","type":"invalid_request_error",\
                "param":"messages","code":"context_length_exceeded"}}""";
    }
}
