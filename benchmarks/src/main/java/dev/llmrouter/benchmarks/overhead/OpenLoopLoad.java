package dev.llmrouter.benchmarks.overhead;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Open-loop load at a fixed rate: request {@code i} is due at {@code start + i / rate}, whatever
 * happened to the requests before it, and its latency is measured from that due time, not from when
 * it was actually sent. A slow server therefore shows its queueing in the latency instead of quietly
 * lowering the rate (the coordinated-omission trap of closed-loop load generators).
 *
 * <p>The client is deliberately lean, because it shares two cores with the gateway and the fake
 * upstream and whatever CPU it burns shows up as the gateway's latency. The JDK's HttpClient cost
 * several times the gateway's own work per request (its selector manager, executor hand-offs, timer
 * and pool locks) and, with the JDK's HttpServer as upstream, made the direct path itself collapse at
 * 5,000 req/s. Here:
 * <ul>
 *   <li>One selector loop, on the calling thread, does all the I/O: connects, writes, reads, parses.
 *       A pacer thread only wakes it when a request falls due ({@link Selector#wakeup()}), so the
 *       loop blocks in {@code select} instead of spinning, and an answer is read the moment it
 *       arrives whatever the schedule.</li>
 *   <li>HTTP/1.1 keep-alive connections, kept per address and reused most-recent-first; a new
 *       connection is opened when none is free, up to {@link #maxConnections()}. Past the cap, due
 *       requests wait, in order, for a connection: still timed from their due time.</li>
 *   <li>The request (line, headers, body) is encoded once per run; the response is parsed just
 *       enough ({@link ResponseParser}): status, {@code Content-Length} or chunked framing, and for
 *       streams the first SSE {@code data:} frame and the end of the stream.</li>
 * </ul>
 *
 * <p>Counting: a plain request is ok when its status is 200 and its body complete; a stream when
 * its status is 200, its first data frame is not an error and the stream ends properly; its latency
 * is the time to that first frame. Everything else (a non-200 status, a refused or reset connection,
 * a malformed or truncated answer) is an error, and so is every request still unanswered when the
 * run's drain time is over (those connections are closed so their late answers cannot leak into the
 * next run). Not thread-safe: one run at a time.
 */
public final class OpenLoopLoad implements AutoCloseable {

    /** Connections open at most, all addresses together, unless told otherwise. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_200;
    /** How long a run waits for answers after its last request fell due, unless told otherwise. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
    /** Idle connections kept per address between runs; the rest are closed so the server can free them. */
    static final int KEEP_IDLE = 64;
    private static final long HIGHEST_LATENCY_MICROS = 3_600_000_000L;

    /** What one run measured. Latencies are in microseconds. */
    public record Result(String target, int rate, long sent, long ok, long errors, long unanswered,
            Histogram latencyMicros, double achievedRate, String firstError) {

        public double p(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /**
     * Streams held open by {@link #openStreams}: {@code opened} of {@code requested} reached their
     * first data frame in time. Closing it closes their connections.
     */
    public final class Held implements AutoCloseable {
        private final int requested;
        private final int opened;
        private final Histogram timeToOpenMicros;
        private final String firstError;
        private final List<Conn> conns;

        private Held(int requested, int opened, Histogram timeToOpenMicros, String firstError, List<Conn> conns) {
            this.requested = requested;
            this.opened = opened;
            this.timeToOpenMicros = timeToOpenMicros;
            this.firstError = firstError;
            this.conns = conns;
        }

        /** Time from each opened stream's due time to its first data frame. */
        public Histogram timeToOpenMicros() {
            return timeToOpenMicros;
        }

        /** What went wrong with the first stream that did not open, or empty. */
        public String firstError() {
            return firstError;
        }

        public int requested() {
            return requested;
        }

        public int opened() {
            return opened;
        }

        @Override
        public void close() {
            conns.forEach(OpenLoopLoad.this::closeConn);
            conns.clear();
        }
    }

    private final Selector selector;
    private final int maxConnections;
    private final Duration drain;
    private final Map<InetSocketAddress, ArrayDeque<Conn>> idle = new HashMap<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private int openConnections;
    private Phase phase;

    public OpenLoopLoad() {
        this(DEFAULT_MAX_CONNECTIONS, DEFAULT_DRAIN);
    }

    /**
     * @param maxConnections connections open at most (a due request waits for one past this)
     * @param drain          how long a run waits for answers after its last request fell due
     */
    public OpenLoopLoad(int maxConnections, Duration drain) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive");
        }
        this.maxConnections = maxConnections;
        this.drain = drain;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** Connections open now (idle ones included). */
    public int openConnections() {
        return openConnections;
    }

    /**
     * Sends {@code rate} requests per second for {@code duration} and waits (at most the drain time)
     * for the answers.
     *
     * @param stream when true, the latency is the time to the first SSE {@code data:} frame
     */
    public Result run(String name, URI uri, Map<String, String> headers, byte[] body, int rate, Duration duration,
            boolean stream) {
        long total = Math.max(1, rate * duration.toMillis() / 1000);
        Phase p = new Phase(name, uri, headers, body, rate, total, stream, false);
        drive(p, drain.toNanos());
        long lost = total - p.ok - p.errors;
        abandon(p);
        return new Result(name, rate, total, p.ok, p.errors + lost, lost, p.recorded,
                p.written == 0 ? 0 : p.written * 1e9 / Math.max(1, p.lastWrite - p.start),
                p.firstError != null ? p.firstError : lost > 0 ? lost + " unanswered" : "");
    }

    /**
     * Opens {@code count} streams at {@code rate} per second and returns once each has either sent
     * its first data frame or failed, or after {@code within}: the streams stay open, unread, until
     * the returned {@link Held} is closed.
     */
    public Held openStreams(URI uri, Map<String, String> headers, byte[] body, int count, int rate, Duration within) {
        Phase p = new Phase("hold", uri, headers, body, rate, count, true, true);
        long budget = Math.max(0, within.toNanos() - (long) count * 1_000_000_000L / rate);
        drive(p, budget);
        long lost = count - p.ok - p.errors;
        return new Held(count, (int) p.ok, p.recorded,
                p.firstError != null ? p.firstError : lost > 0 ? lost + " not open in time" : "", new ArrayList<>(p.busy));
    }

    /** The selector loop of one run, on this thread; returns when every request is answered or the time is over. */
    private void drive(Phase p, long drainNanos) {
        phase = p;
        try {
            selector.selectNow(this::onKey); // connections the server closed while idle
            trimIdle();
            Pacer pacer = new Pacer(p, selector);
            p.start = System.nanoTime();
            pacer.start();
            try {
                long lastDue = p.due(p.total - 1);
                while (p.ok + p.errors < p.total) {
                    long now = System.nanoTime();
                    assignDue(p, pacer.due());
                    if (now - lastDue > drainNanos) {
                        break;
                    }
                    long wait = pacer.done() ? lastDue + drainNanos - now : 10_000_000L;
                    selector.select(this::onKey, Math.max(1, wait / 1_000_000));
                }
            } finally {
                pacer.halt();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            phase = null;
        }
    }

    /** Hands every request due so far to a free connection, in order, opening connections up to the cap. */
    private void assignDue(Phase p, long due) throws IOException {
        while (p.assigned < due) {
            Conn c;
            try {
                c = freeConnection(p.address);
            } catch (IOException refused) {
                p.error("connect: " + refused); // could not even start connecting
                p.assigned++;
                continue;
            }
            if (c == null) {
                return; // at the cap: waits for a connection to free up
            }
            send(c, p, p.due(p.assigned));
            p.assigned++;
        }
    }

    private Conn freeConnection(InetSocketAddress address) throws IOException {
        ArrayDeque<Conn> pool = idle.get(address);
        if (pool != null && !pool.isEmpty()) {
            return pool.pollLast();
        }
        if (openConnections >= maxConnections) {
            return null;
        }
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(ch, address);
            c.connecting = !ch.connect(address);
            c.key = ch.register(selector, c.connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ, c);
            openConnections++;
            return c;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private void send(Conn c, Phase p, long due) {
        c.phase = p;
        c.due = due;
        c.firstFrameNanos = 0;
        c.parser.reset(p.stream);
        c.out = p.request.duplicate();
        p.busy.add(c);
        if (!c.connecting) {
            write(c);
        }
    }

    private void write(Conn c) {
        try {
            c.channel.write(c.out);
            if (c.out.hasRemaining()) {
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } else {
                c.key.interestOps(SelectionKey.OP_READ);
                Phase p = c.phase;
                p.written++;
                p.lastWrite = System.nanoTime();
            }
        } catch (IOException e) {
            fail(c, "write: " + e);
        }
    }

    private void onKey(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        if (!key.isValid()) {
            return;
        }
        try {
            if (key.isConnectable()) {
                c.channel.finishConnect();
                c.connecting = false;
                key.interestOps(SelectionKey.OP_READ);
                if (c.phase != null) {
                    write(c);
                }
                return;
            }
            if (key.isWritable() && c.phase != null) {
                write(c);
            }
            if (key.isValid() && key.isReadable()) {
                read(c);
            }
        } catch (IOException e) {
            fail(c, (c.connecting ? "connect: " : "read: ") + e);
        }
    }

    private void read(Conn c) throws IOException {
        ByteBuffer in = readBuffer;
        in.clear();
        int n = c.channel.read(in);
        if (n < 0) {
            if (c.phase != null && c.parser.endOfInput()) {
                finish(c);
            } else {
                fail(c, c.parser.started() ? "answer cut short" : "closed before answering"); // or closed while idle
            }
            return;
        }
        if (n == 0) {
            return;
        }
        if (c.phase == null) {
            fail(c, "unexpected bytes"); // nobody asked for them
            return;
        }
        in.flip();
        boolean complete = c.parser.feed(in);
        if (c.firstFrameNanos == 0 && c.parser.firstFrame()) {
            c.firstFrameNanos = System.nanoTime();
            Phase p = c.phase;
            if (p.hold) {
                // held streams stay open and unread: opened end to end is what is counted
                if (c.parser.status() == 200 && !c.parser.firstFrameError()) {
                    p.ok++;
                    p.recorded.recordValue(Math.min(HIGHEST_LATENCY_MICROS, Math.max(1, (c.firstFrameNanos - c.due) / 1000)));
                    c.key.interestOps(0);
                } else {
                    fail(c, c.parser.status() != 200 ? "status " + c.parser.status() : "error frame");
                }
                return;
            }
        }
        if (complete) {
            finish(c);
        }
    }

    /** A complete response: counted, and the connection returned to the pool (or to the next due request). */
    private void finish(Conn c) {
        Phase p = c.phase;
        ResponseParser r = c.parser;
        long end = c.phase.stream ? c.firstFrameNanos : System.nanoTime();
        boolean good = r.status() == 200 && (!p.stream || (r.firstFrame() && !r.firstFrameError()));
        if (good) {
            p.recorded.recordValue(Math.min(HIGHEST_LATENCY_MICROS, Math.max(1, (end - c.due) / 1000)));
            p.ok++;
        } else {
            p.error(r.status() != 200 ? "status " + r.status()
                    : r.firstFrameError() ? "error frame" : "stream without a data frame");
        }
        p.busy.remove(c);
        c.phase = null;
        c.requests++;
        if (!r.keepAlive()) {
            closeConn(c);
            return;
        }
        if (phase == p && p.assigned < p.dueSoFar) {
            send(c, p, p.due(p.assigned));
            p.assigned++;
        } else {
            idle.computeIfAbsent(c.address, a -> new ArrayDeque<>()).addLast(c);
        }
    }

    /** A connection broke: its request (if any) is an error. */
    private void fail(Conn c, String why) {
        Phase p = c.phase;
        if (p != null) {
            p.error(why);
            p.busy.remove(c);
        }
        closeConn(c);
    }

    private void closeConn(Conn c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        c.phase = null;
        openConnections--;
        ArrayDeque<Conn> pool = idle.get(c.address);
        if (pool != null) {
            pool.remove(c);
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }

    /** Requests still in flight when a run ends: their connections are closed, their late answers never read. */
    private void abandon(Phase p) {
        for (Conn c : new ArrayList<>(p.busy)) {
            closeConn(c);
        }
        p.busy.clear();
    }

    private void trimIdle() {
        for (ArrayDeque<Conn> pool : idle.values()) {
            while (pool.size() > KEEP_IDLE) {
                closeConn(pool.peekFirst());
            }
        }
    }

    @Override
    public void close() {
        for (ArrayDeque<Conn> pool : idle.values()) {
            while (!pool.isEmpty()) {
                closeConn(pool.peekFirst());
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** The request, encoded once: request line, Host, the caller's headers, Content-Length, body. */
    static byte[] encode(URI uri, Map<String, String> headers, byte[] body) {
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder h = new StringBuilder(256);
        h.append("POST ").append(target).append(" HTTP/1.1\r\n");
        h.append("Host: ").append(uri.getHost()).append(':').append(port(uri)).append("\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        h.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(h.length() + body.length);
        out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }

    /** One keep-alive connection and the request it carries, if any. */
    private static final class Conn {
        final SocketChannel channel;
        final InetSocketAddress address;
        final ResponseParser parser = new ResponseParser();
        SelectionKey key;
        boolean connecting;
        boolean closed;
        Phase phase;
        long due;
        long firstFrameNanos;
        ByteBuffer out;
        long requests;

        Conn(SocketChannel channel, InetSocketAddress address) {
            this.channel = channel;
            this.address = address;
        }
    }

    /** One run: its schedule, counters and histogram. Touched by the selector loop only. */
    private static final class Phase {
        final InetSocketAddress address;
        final ByteBuffer request;
        final int rate;
        final long total;
        final boolean stream;
        final boolean hold;
        final Histogram recorded = new Histogram(HIGHEST_LATENCY_MICROS, 3);
        final java.util.Set<Conn> busy = new java.util.LinkedHashSet<>();
        long start;
        long assigned;
        long dueSoFar;
        long ok;
        long errors;
        long written;
        long lastWrite;
        String firstError;

        Phase(String name, URI uri, Map<String, String> headers, byte[] body, int rate, long total, boolean stream,
                boolean hold) {
            if (rate < 1) {
                throw new IllegalArgumentException(name + ": rate must be positive");
            }
            this.address = new InetSocketAddress(uri.getHost(), port(uri));
            byte[] bytes = encode(uri, headers, body);
            this.request = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
            this.rate = rate;
            this.total = total;
            this.stream = stream;
            this.hold = hold;
        }

        void error(String why) {
            errors++;
            if (firstError == null) {
                firstError = why;
            }
        }

        /** When request {@code i} is due, exactly {@code i / rate} seconds after the start. */
        long due(long i) {
            return start + i * 1_000_000_000L / rate;
        }
    }

    /**
     * Keeps the schedule: sleeps until the next request is due, publishes how many are due, and wakes
     * the selector loop. One wake-up per due request (fewer when the rate outruns the sleep's
     * granularity, then several fall due at once).
     */
    private static final class Pacer extends Thread {
        private final Phase phase;
        private final Selector selector;
        private volatile long due;
        private volatile boolean stopped;

        Pacer(Phase phase, Selector selector) {
            super("open-loop-pacer");
            setDaemon(true);
            this.phase = phase;
            this.selector = selector;
        }

        @Override
        public void run() {
            Phase p = phase;
            for (long i = 0; i < p.total && !stopped; ) {
                long wait;
                while ((wait = p.due(i) - System.nanoTime()) > 0 && !stopped) {
                    LockSupport.parkNanos(wait);
                }
                // every request due by now, at once (the sleep may have overshot several)
                long now = System.nanoTime();
                long n = i + 1;
                while (n < p.total && p.due(n) <= now) {
                    n++;
                }
                i = n;
                due = n;
                selector.wakeup();
            }
        }

        long due() {
            long d = due;
            phase.dueSoFar = d;
            return d;
        }

        boolean done() {
            return due >= phase.total;
        }

        void halt() {
            stopped = true;
            LockSupport.unpark(this);
            try {
                join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
