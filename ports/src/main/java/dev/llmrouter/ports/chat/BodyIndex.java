package dev.llmrouter.ports.chat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where, in a request body's bytes, the parts the gateway acts on lie: the top-level members the
 * router owns (so an adapter can replace them without parsing the body again) and the prompt's
 * texts, messages and images (so an estimator can count them without parsing the body again).
 *
 * <p>Produced by the one parse of the body when the request arrives and carried by its
 * {@link ChatRequest}; nothing is copied out of the body, only positions are kept. Positions are
 * byte offsets into {@link ChatRequest#body()}: a text is the contents of a JSON string between its
 * quotes, still escaped ({@link #string}); a raw value is JSON text as the caller wrote it.
 *
 * <p><b>Size.</b> The prompt is kept as pairs of ints, one pair per non-empty string, per raw value,
 * per run of messages or token ids, so the index is linear in the body and smaller than it for any
 * body but one made of strings and messages of a few bytes each (then at most about twice its size).
 *
 * <p>{@link #UNREAD} stands for a body nobody parsed (a request built by hand, {@link ChatRequest#chat}):
 * an estimator falls back to the body's length, and an adapter that must change the body parses it
 * then, its one parse.
 */
public final class BodyIndex {

    /** The members of the top-level object that the router decides and an adapter rewrites. */
    public enum OwnedMember {
        MAX_TOKENS("max_tokens"),
        MAX_COMPLETION_TOKENS("max_completion_tokens"),
        STREAM("stream"),
        STREAM_OPTIONS("stream_options"),
        /** The Responses API's output cap. */
        MAX_OUTPUT_TOKENS("max_output_tokens"),
        /** Replaced by the deployment's name on Azure's v1 path, where the body names the deployment. */
        MODEL("model");

        private final String key;

        OwnedMember(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** The member named {@code key}, or {@code null} when the router does not own it. */
        public static OwnedMember of(String key) {
            for (OwnedMember m : values()) {
                if (m.key.equals(key)) {
                    return m;
                }
            }
            return null;
        }
    }

    /** What an estimator is shown of the prompt, in document order. */
    public interface PromptVisitor {
        /** {@code count} chat messages begin (each before its own fields are shown). */
        void messages(int count);

        /** The text just shown was a message's {@code name}. */
        void name();

        /** {@code count} token ids of a completions prompt. */
        void tokenIds(int count);

        /** A JSON string's contents, {@code [start, end)} of the body, still escaped. */
        void text(int start, int end);

        /** JSON text as written, {@code [start, end)} of the body: tool definitions and calls, numbers. */
        void raw(int start, int end);

        /**
         * An image part: its URL as a JSON string's contents ({@code urlStart < 0} when it has none)
         * and whether it asked for low detail.
         */
        void image(int urlStart, int urlEnd, boolean lowDetail);

        /** The messages ended and the reply is primed (chat only). */
        void reply();
    }

    public static final BodyIndex UNREAD = new BodyIndex(-1, -1, new int[0], new int[0], 0);

    private static final int MESSAGES = -1;
    private static final int NAME = -2;
    private static final int TOKEN_IDS = -3;
    private static final int REPLY = -4;
    private static final int IMAGE = -5;

    private final int objectStart;
    private final int objectEnd;
    /** (member ordinal, start, end) triplets, in document order. */
    private final int[] owned;
    private final int[] prompt;
    private final int promptLength;

    private BodyIndex(int objectStart, int objectEnd, int[] owned, int[] prompt, int promptLength) {
        this.objectStart = objectStart;
        this.objectEnd = objectEnd;
        this.owned = owned;
        this.prompt = prompt;
        this.promptLength = promptLength;
    }

    /** Whether the body was parsed as a JSON object and indexed. */
    public boolean isRead() {
        return objectStart >= 0;
    }

    /** The offset of the top-level object's opening brace. */
    public int objectStart() {
        return objectStart;
    }

    /** The offset of the top-level object's closing brace. */
    public int objectEnd() {
        return objectEnd;
    }

    /** How many owned members the body has. */
    public int ownedCount() {
        return owned.length / 3;
    }

    public OwnedMember ownedMember(int i) {
        return OwnedMember.values()[owned[3 * i]];
    }

    /** Where the owned member {@code i} starts: its key's opening quote. */
    public int ownedStart(int i) {
        return owned[3 * i + 1];
    }

    /** Where the owned member {@code i} ends: just after its value. */
    public int ownedEnd(int i) {
        return owned[3 * i + 2];
    }

    public boolean has(OwnedMember member) {
        for (int i = 0; i < owned.length; i += 3) {
            if (owned[i] == member.ordinal()) {
                return true;
            }
        }
        return false;
    }

    /** Shows the prompt to {@code visitor}, in document order; allocates nothing. */
    public void visitPrompt(PromptVisitor visitor) {
        for (int i = 0; i < promptLength; i += 2) {
            int a = prompt[i];
            int b = prompt[i + 1];
            if (a >= 0) {
                if (b >= 0) {
                    visitor.text(a, b);
                } else {
                    visitor.raw(a, ~b);
                }
                continue;
            }
            switch (a) {
                case MESSAGES -> visitor.messages(b);
                case NAME -> visitor.name();
                case TOKEN_IDS -> visitor.tokenIds(b);
                case REPLY -> visitor.reply();
                case IMAGE -> {
                    visitor.image(prompt[i + 2], prompt[i + 3], b == 1);
                    i += 2;
                }
                default -> throw new IllegalStateException("unknown prompt entry " + a);
            }
        }
    }

    /** The ints the index holds, for the size bound. */
    public int sizeInInts() {
        return owned.length + promptLength;
    }

    /**
     * The contents of the JSON string at {@code [start, end)} of {@code body}, unescaped, cut after
     * {@code maxChars} characters. The parse has checked the escapes; bytes that are not UTF-8 read as
     * U+FFFD and an unpaired surrogate escape stays a lone surrogate, as a JSON parser gives it.
     */
    public static String string(byte[] body, int start, int end, int maxChars) {
        int backslash = indexOf(body, start, end, (byte) '\\');
        if (backslash < 0) {
            String s = new String(body, start, end - start, StandardCharsets.UTF_8);
            return s.length() <= maxChars ? s : s.substring(0, maxChars);
        }
        StringBuilder out = new StringBuilder(Math.min(end - start, maxChars));
        int from = start;
        int i = backslash;
        while (i >= 0 && out.length() < maxChars) {
            out.append(new String(body, from, i - from, StandardCharsets.UTF_8));
            byte e = body[i + 1];
            int next = i + 2;
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(new String(body, i + 2, 4, StandardCharsets.US_ASCII), 16));
                    next = i + 6;
                }
                default -> out.append((char) e); // \" \\ \/
            }
            from = next;
            i = indexOf(body, from, end, (byte) '\\');
        }
        if (out.length() < maxChars) {
            out.append(new String(body, from, end - from, StandardCharsets.UTF_8));
        }
        return out.length() <= maxChars ? out.toString() : out.substring(0, maxChars);
    }

    /** The whole contents of the JSON string at {@code [start, end)}, unescaped. */
    public static String string(byte[] body, int start, int end) {
        return string(body, start, end, Integer.MAX_VALUE);
    }

    /**
     * How many UTF-16 characters the JSON string at {@code [start, end)} stands for, counted without
     * decoding it: an escape is one, a four-byte UTF-8 sequence two, any other sequence one.
     */
    public static long stringChars(byte[] body, int start, int end) {
        long chars = 0;
        int i = start;
        while (i < end) {
            int b = body[i] & 0xff;
            if (b == '\\') {
                i += body[i + 1] == 'u' ? 6 : 2;
                chars++;
            } else if (b < 0x80 || b >= 0xc0) {
                chars += b >= 0xf0 ? 2 : 1;
                i++;
            } else {
                i++; // a continuation byte: counted with its lead
            }
        }
        return chars;
    }

    private static int indexOf(byte[] body, int from, int end, byte b) {
        for (int i = from; i < end; i++) {
            if (body[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BodyIndex x && objectStart == x.objectStart && objectEnd == x.objectEnd
                && Arrays.equals(owned, x.owned)
                && Arrays.equals(prompt, 0, promptLength, x.prompt, 0, x.promptLength);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(owned) + objectStart;
    }

    @Override
    public String toString() {
        return isRead() ? "BodyIndex[" + ownedCount() + " owned members, " + promptLength / 2 + " prompt entries]"
                : "BodyIndex[unread]";
    }

    /** Built by the parse, in document order. Not thread-safe. */
    public static final class Builder {
        private int[] owned = new int[0];
        private int[] prompt = new int[16];
        private int length;

        public Builder owned(OwnedMember member, int start, int end) {
            int n = owned.length;
            owned = Arrays.copyOf(owned, n + 3);
            owned[n] = member.ordinal();
            owned[n + 1] = start;
            owned[n + 2] = end;
            return this;
        }

        public Builder message() {
            if (length >= 2 && prompt[length - 2] == MESSAGES) {
                prompt[length - 1]++;
                return this;
            }
            return pair(MESSAGES, 1);
        }

        public Builder name() {
            return pair(NAME, 0);
        }

        public Builder tokenId() {
            if (length >= 2 && prompt[length - 2] == TOKEN_IDS) {
                prompt[length - 1]++;
                return this;
            }
            return pair(TOKEN_IDS, 1);
        }

        /** A JSON string's contents; an empty one counts nothing and is not kept. */
        public Builder text(int start, int end) {
            return end > start ? pair(start, end) : this;
        }

        public Builder raw(int start, int end) {
            return pair(start, ~end);
        }

        public Builder image(int urlStart, int urlEnd, boolean lowDetail) {
            pair(IMAGE, lowDetail ? 1 : 0);
            return pair(urlStart, urlEnd);
        }

        public Builder reply() {
            return pair(REPLY, 0);
        }

        public BodyIndex build(int objectStart, int objectEnd) {
            return new BodyIndex(objectStart, objectEnd, owned, prompt, length);
        }

        private Builder pair(int a, int b) {
            if (length + 2 > prompt.length) {
                prompt = Arrays.copyOf(prompt, prompt.length * 2);
            }
            prompt[length++] = a;
            prompt[length++] = b;
            return this;
        }
    }
}
