package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A 200 answer whose body is a given input stream: feeds {@link SseChatStream} exactly the bytes, and
 * the read boundaries, a test chooses, without a transport in between.
 */
final class StreamBodyResponse extends HttpResponse {

    private final InputStream body;

    StreamBodyResponse(InputStream body) {
        super(new HttpRequest(HttpMethod.POST, "http://localhost/openai/deployments/d/chat/completions"));
        this.body = body;
    }

    /** {@code bytes}, read at most {@code readSize} bytes at a time. */
    static StreamBodyResponse of(byte[] bytes, int readSize) {
        return new StreamBodyResponse(new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, readSize));
            }
        });
    }

    @Override
    public BinaryData getBodyAsBinaryData() {
        return BinaryData.fromStream(body);
    }

    @Override
    public int getStatusCode() {
        return 200;
    }

    @Override
    public String getHeaderValue(String name) {
        return null;
    }

    @Override
    public HttpHeaders getHeaders() {
        return new HttpHeaders();
    }

    @Override
    public Flux<ByteBuffer> getBody() {
        return getBodyAsByteArray().map(ByteBuffer::wrap).flux();
    }

    @Override
    public Mono<byte[]> getBodyAsByteArray() {
        return Mono.fromCallable(() -> {
            try {
                return body.readAllBytes();
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Mono<String> getBodyAsString() {
        return getBodyAsString(StandardCharsets.UTF_8);
    }

    @Override
    public Mono<String> getBodyAsString(Charset charset) {
        return getBodyAsByteArray().map(b -> new String(b, charset));
    }
}
