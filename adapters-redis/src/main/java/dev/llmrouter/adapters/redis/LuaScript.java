package dev.llmrouter.adapters.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script, its source assembled from resources next to this class, and its SHA-1 (the name
 * {@code EVALSHA} calls it by, computed here as Redis does).
 */
record LuaScript(String name, String source, String sha) {

    /** The resources {@code parts} (without {@code .lua}), joined in order: shared preludes first. */
    static LuaScript of(String name, String... parts) {
        StringBuilder source = new StringBuilder();
        for (String part : parts) {
            source.append(read(part + ".lua")).append('\n');
        }
        String text = source.toString();
        return new LuaScript(name, text, sha1(text));
    }

    /** A script of one or two lines, given as its source. */
    static LuaScript inline(String name, String source) {
        return new LuaScript(name, source, sha1(source));
    }

    private static String read(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
