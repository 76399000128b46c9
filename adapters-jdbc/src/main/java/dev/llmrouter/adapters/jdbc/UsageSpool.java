package dev.llmrouter.adapters.jdbc;

import dev.llmrouter.domain.usage.UsageRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.zip.CRC32C;

/**
 * The local durable spool: records the database could not take, on disk until they are shipped.
 *
 * <h2>Format</h2>
 * One append-only file, {@value #FILE_NAME}, one record per line: eight hex digits of the CRC-32C of
 * the payload, a space, the payload ({@link FieldText#line}), {@code \n}. A batch is written whole and
 * then {@link FileChannel#force forced} to the device before any of its records is acknowledged.
 *
 * <h2>Torn writes</h2>
 * A process that dies in a write may leave a last line without its {@code \n}, or a line whose bytes
 * are not all there: neither was acknowledged. Opening the spool cuts a tail without {@code \n} (so the
 * next write starts on a line of its own), and reading skips any line whose checksum fails.
 *
 * <h2>Shipping</h2>
 * Records are read from an offset, a chunk at a time, shipped, and the offset moves on; once all of it
 * is shipped the file is truncated to nothing. A process that dies before the truncation ships the same
 * lines again at its next start, which the ledger's unique request id makes harmless.
 *
 * <p>Not thread-safe: the ledger's committer thread is its only user.
 */
final class UsageSpool implements Closeable {

    static final String FILE_NAME = "usage-spool.log";
    private static final int CHUNK_BYTES = 4 << 20;

    /** What a read found: records, where the next read starts, and lines skipped as damaged. */
    record Chunk(List<UsageRecord> records, long next, int skipped) {}

    private final Path file;
    private final FileChannel channel;
    private volatile long backlog;

    /**
     * Opens (or creates) the spool in {@code directory}, cuts a torn tail and counts its records.
     *
     * @param skipped told how many damaged lines the count skipped
     */
    UsageSpool(Path directory, IntConsumer skipped) throws IOException {
        Files.createDirectories(directory);
        this.file = directory.resolve(FILE_NAME);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        cutTornTail();
        long count = 0;
        int damaged = 0;
        long offset = 0;
        while (offset < channel.size()) {
            Chunk c = read(offset, Integer.MAX_VALUE);
            count += c.records().size();
            damaged += c.skipped();
            if (c.next() == offset) {
                break;
            }
            offset = c.next();
        }
        this.backlog = count;
        if (damaged > 0) {
            skipped.accept(damaged);
        }
    }

    /** Records written and not yet shipped. */
    long backlog() {
        return backlog;
    }

    /** {@code records} more of the file are in the database (the file itself shrinks only on {@link #clear}). */
    void shipped(int records) {
        backlog -= records;
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Appends the records and forces them to the device: once this returns, they survive a crash. */
    void append(List<UsageRecord> records) throws IOException {
        StringBuilder b = new StringBuilder(records.size() * 256);
        CRC32C crc = new CRC32C();
        for (UsageRecord r : records) {
            byte[] payload = FieldText.line(r).getBytes(StandardCharsets.UTF_8);
            crc.reset();
            crc.update(payload);
            b.append(HexFormat.of().toHexDigits((int) crc.getValue())).append(' ')
                    .append(new String(payload, StandardCharsets.UTF_8)).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
        long start = channel.size();
        long at = start;
        try {
            while (bytes.hasRemaining()) {
                at += channel.write(bytes, at);
            }
            channel.force(false);
        } catch (IOException e) {
            // A partial batch was never acknowledged; cut it so that the next batch starts on a line of its own.
            try {
                channel.truncate(start);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        backlog += records.size();
    }

    /** At most {@code max} records from {@code offset} (a line start), stopping before a line cut by the chunk. */
    Chunk read(long offset, int max) throws IOException {
        long size = channel.size();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, size - offset));
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
            // read until the buffer is full or the file ends
        }
        byte[] bytes = buffer.array();
        int limit = buffer.position();
        List<UsageRecord> records = new ArrayList<>();
        int skipped = 0;
        int start = 0;
        CRC32C crc = new CRC32C();
        while (records.size() < max) {
            int end = indexOf(bytes, start, limit, (byte) '\n');
            if (end < 0) {
                break;
            }
            if (!accept(bytes, start, end, crc, records)) {
                skipped++;
            }
            start = end + 1;
        }
        return new Chunk(records, offset + start, skipped);
    }

    private static boolean accept(byte[] bytes, int start, int end, CRC32C crc, List<UsageRecord> into) {
        if (end - start < 9 || bytes[start + 8] != ' ') {
            return false;
        }
        try {
            int expected = (int) Long.parseLong(new String(bytes, start, 8, StandardCharsets.US_ASCII), 16);
            crc.reset();
            crc.update(bytes, start + 9, end - start - 9);
            if ((int) crc.getValue() != expected) {
                return false;
            }
            into.add(FieldText.record(new String(bytes, start + 9, end - start - 9, StandardCharsets.UTF_8)));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Everything shipped: the file is emptied, durably. */
    void clear() throws IOException {
        channel.truncate(0);
        channel.force(true);
        backlog = 0;
    }

    private void cutTornTail() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        long end = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (end > 0) {
            one.clear();
            channel.read(one, end - 1);
            if (one.get(0) == '\n') {
                break;
            }
            end--;
        }
        if (end < size) {
            channel.truncate(end);
            channel.force(true);
        }
    }

    private static int indexOf(byte[] bytes, int from, int limit, byte b) {
        for (int i = from; i < limit; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
