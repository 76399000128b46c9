package dev.llmrouter.app.http;

/**
 * Strict UTF-8 validation (RFC 3629, Unicode's table of well-formed byte sequences): the shortest form
 * only (no overlong {@code C0 AF} for {@code /}), no surrogates ({@code ED A0..BF}), nothing above
 * U+10FFFF ({@code F4 90..} and {@code F5..FF}), no truncated sequence. JSON parsers decode leniently;
 * a body that reaches a deployment, a log or a record must be exactly what UTF-8 allows, so it is
 * checked here first, in one linear pass with a fast path for ASCII.
 */
final class Utf8 {

    private Utf8() {}

    /** The offset of the first byte of the first ill-formed sequence, or -1 when all of {@code bytes} is well-formed. */
    static int firstInvalid(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int lead = b & 0xFF;
            int length;
            int low = 0x80;
            int high = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                length = 2;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                length = 3;
                if (lead == 0xE0) {
                    low = 0xA0;       // below: an overlong form of U+0000..U+07FF
                } else if (lead == 0xED) {
                    high = 0x9F;      // above: the surrogates U+D800..U+DFFF
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                length = 4;
                if (lead == 0xF0) {
                    low = 0x90;       // below: an overlong form of U+0000..U+FFFF
                } else if (lead == 0xF4) {
                    high = 0x8F;      // above: beyond U+10FFFF
                }
            } else {
                return i;             // a continuation byte, C0/C1 (always overlong) or F5..FF
            }
            if (i + length > n) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < low || second > high) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }
}
