package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.domain.money.TokenUsage;
import java.util.Optional;

/**
 * An open streaming answer. Chunks are handed on as they arrive; nothing is buffered beyond one
 * chunk. Not thread-safe: one consumer reads it, though {@link #close()} may be called from another
 * thread to cancel.
 */
public interface ChatStream extends AutoCloseable {

    /**
     * Blocks until the next chunk arrives.
     *
     * @return the next chunk, or empty once the deployment ended the stream ({@code data: [DONE]})
     * @throws EndpointException when the stream fails (cut, malformed, timed out)
     */
    Optional<StreamChunk> next();

    /**
     * Tokens of this stream so far: the usage chunk's figures once it arrived, else prompt tokens as
     * estimated and completion tokens counted locally with the model's tokenizer over the content
     * received.
     */
    TokenUsage usage();

    /** True when {@link #usage()} comes from the deployment's own usage chunk. */
    boolean usageReported();

    /** What the deployment said of its remaining quota when the stream opened; {@link CapacityReport#NONE} by default. */
    default CapacityReport capacity() {
        return CapacityReport.NONE;
    }

    /**
     * Azure's {@code x-ms-spillover-from-deployment} when the stream opened: the deployment that
     * spilled this request to its spillover target, which is streaming it; empty when none did.
     */
    default String spilledFrom() {
        return "";
    }

    /** Ends the stream; cancels the upstream call if it is still running. Idempotent. */
    @Override
    void close();
}
