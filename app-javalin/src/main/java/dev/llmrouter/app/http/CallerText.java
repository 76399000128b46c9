package dev.llmrouter.app.http;

import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Free text a caller attributes its usage with (Requirement 9.1): the creator ({@code x-router-creator},
 * the body's {@code user}) and the operation ({@code x-router-operation}, {@code metadata.operation}).
 * It reaches usage records, reports and metrics, so it must be bounded, valid UTF-8 and printable;
 * anything else is refused with 400 naming the header or field, never cut or repaired silently (a
 * changed name would attribute spend to someone else).
 *
 * <p>Header values: HTTP/1.1 carries bytes, and the server hands each byte over as one ISO-8859-1
 * character. A header is therefore turned back into its bytes and decoded strictly as UTF-8, so that
 * {@code x-router-creator: Zoë} arrives as sent and a malformed sequence (overlong, a surrogate, above
 * U+10FFFF, truncated) is refused rather than garbled.
 */
final class CallerText {

    /** The longest value kept, in UTF-8 bytes: room for an e-mail address or a service path. */
    static final int MAX_BYTES = 256;

    private CallerText() {}

    /** The header's value, decoded as UTF-8 and validated; {@code null} when absent or blank. */
    static String header(Context ctx, String name) {
        String raw = ctx.header(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return validate(decodeHeader(raw, name), name);
    }

    /** A body field's value (already decoded by the JSON parser), validated; {@code null} when absent or blank. */
    static String field(String value, String param) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return validate(value, param);
    }

    /**
     * Decodes a header value whose characters are its bytes (ISO-8859-1). A character above U+00FF
     * means the server already decoded the value as Unicode: it is taken as it is.
     */
    static String decodeHeader(String raw, String name) {
        byte[] bytes = new byte[raw.length()];
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c > 0xFF) {
                return raw;
            }
            bytes[i] = (byte) c;
        }
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer decoded = strict.decode(ByteBuffer.wrap(bytes));
            return decoded.toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalidField(name, "invalid_encoding", "'" + name + "' is not valid UTF-8.").exception();
        }
    }

    private static String validate(String value, String param) {
        String v = value.strip();
        long bytes = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                bytes += 4;
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                // An unpaired surrogate (a JSON "\ud800" escape) has no UTF-8 form.
                throw ApiError.invalidField(param, "invalid_encoding", "'" + param + "' is not valid UTF-8: "
                        + "it holds an unpaired surrogate.").exception();
            }
            if (!printable(c)) {
                throw ApiError.invalidField(param, "invalid_value", "'" + param
                        + "' must be printable text: control characters are not allowed.").exception();
            }
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        if (bytes > MAX_BYTES) {
            throw ApiError.invalidField(param, "value_too_long", "'" + param + "' is " + bytes
                    + " bytes long; at most " + MAX_BYTES + " bytes of UTF-8 are accepted.").exception();
        }
        return v;
    }

    /** Not a control character (C0, DEL, C1) nor a line or paragraph separator, which would split a log line. */
    private static boolean printable(char c) {
        return !Character.isISOControl(c) && c != '\u2028' && c != '\u2029';
    }
}
