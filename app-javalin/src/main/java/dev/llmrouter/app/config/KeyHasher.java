package dev.llmrouter.app.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The stored form of a gateway key: {@code sha256:} followed by the 64 lowercase hex digits of the
 * SHA-256 of the key's UTF-8 bytes.
 *
 * <p>Why an unsalted fast hash is the right tool here (and a password hash is not): gateway keys are
 * machine-generated random tokens with at least 128 bits of entropy, not passwords a person chose.
 * Nobody can guess them from a leaked hash by trying candidates, so salting and key stretching (which
 * defend low-entropy secrets) add nothing but latency on every request. The same reasoning is behind
 * how API-key services store tokens. The prefix names the scheme so that a later scheme can sit beside
 * it in the same file.
 *
 * <p>Comparison is done on the digests with {@link MessageDigest#isEqual}, whose running time does
 * not depend on where two values first differ, so response timing reveals nothing about a stored hash.
 */
public final class KeyHasher {

    public static final String PREFIX = "sha256:";
    private static final Pattern STORED = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();
    /**
     * Every digest is a clone of this one: {@link MessageDigest#getInstance} searches the security
     * providers on each call, which cost more than hashing a key. The prototype itself is never updated.
     */
    private static final MessageDigest PROTOTYPE = newSha256();

    private KeyHasher() {}

    /** The stored form of {@code key}. */
    public static String hash(String key) {
        return PREFIX + HEX.formatHex(digest(key));
    }

    /** True when {@code stored} is a well-formed stored key ({@code sha256:} and 64 lowercase hex digits). */
    public static boolean isStoredForm(String stored) {
        return stored != null && STORED.matcher(stored).matches();
    }

    /** The raw digest of a stored form; call only on a value {@link #isStoredForm} accepted. */
    public static byte[] digestOf(String stored) {
        if (!isStoredForm(stored)) {
            throw new IllegalArgumentException("not a stored key (expected sha256: and 64 hex digits)");
        }
        return HEX.parseHex(stored, PREFIX.length(), stored.length());
    }

    /** The SHA-256 of the key's UTF-8 bytes. */
    public static byte[] digest(String key) {
        MessageDigest sha256;
        try {
            sha256 = (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            sha256 = newSha256();
        }
        return sha256.digest(key.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** True when {@code presented} hashes to {@code stored}; compared in constant time. */
    public static boolean matches(String presented, String stored) {
        return presented != null && isStoredForm(stored) && MessageDigest.isEqual(digest(presented), digestOf(stored));
    }
}
