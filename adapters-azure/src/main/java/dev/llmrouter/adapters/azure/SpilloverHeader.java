package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;

/**
 * Azure's {@code x-ms-spillover-from-deployment}: set on an answer that a provisioned deployment spilled
 * to its spillover (pay-as-you-go) deployment, naming the deployment it spilled from. The router
 * records and prices such an answer as the deployment that served it (Requirement 8.5). The value goes
 * into usage records, so it is bounded and kept to printable ASCII (Requirement 9.1).
 */
final class SpilloverHeader {

    static final HttpHeaderName NAME = HttpHeaderName.fromString("x-ms-spillover-from-deployment");
    /** Longer than any Azure deployment name (64 characters). */
    static final int MAX_LENGTH = 128;

    private SpilloverHeader() {}

    /** The deployment the answer was spilled from, or empty when the answer says none. */
    static String spilledFrom(HttpHeaders headers) {
        String value = headers == null ? null : headers.getValue(NAME);
        if (value == null) {
            return "";
        }
        String trimmed = value.strip();
        StringBuilder b = new StringBuilder(Math.min(trimmed.length(), MAX_LENGTH));
        for (int i = 0; i < trimmed.length() && b.length() < MAX_LENGTH; i++) {
            char c = trimmed.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
