package dev.llmrouter.domain.balance;

import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.routing.Candidate;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * The load this process has seen on each deployment: requests in flight, the remaining capacity the
 * deployment last reported, and its decayed latency. Per process by design: each replica counts its
 * own requests and hears its own answers, so nothing is shared and nothing waits on a store; Azure's
 * reports already speak for every caller of the deployment.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Capacity</b>: a report replaces the remaining tokens and requests, each valid until its reset
 *       (ticker nanos). Each attempt started here takes its estimated tokens and one request off the
 *       last report at once, so concurrent requests do not all see the same remaining figure; the
 *       next report corrects it. A {@linkplain #claim pick} takes them in the same step as it checks
 *       that they fit ({@link Slot#tryStart}), so two callers picking at the same instant never both
 *       get a deployment's last room: one of them is moved to another deployment. A report is read
 *       as of its answer, which may have been written before attempts still in flight here reached
 *       the deployment, so those attempts' tokens and requests are taken off it too: the figure kept
 *       may be low by what was in flight, never high, so a deployment is not sent a request its own
 *       report would refuse. Reports may arrive out of order, so a report replaces the figure kept
 *       only when it is at least as new ({@link Slot#answered}): of a later window, or of the same
 *       window with no more left (within a window the deployment's figure only falls). A report of a
 *       window that has already given way to a later one is dropped: kept, it would expire at its
 *       own, earlier reset and leave the deployment unknown (unlimited) while the later window is
 *       still being spent.</li>
 *   <li><b>Latency</b>: an exponentially weighted mean, each new sample weighing one half
 *       (a slowed deployment is seen after one or two answers, a recovered one after a few explored ones).</li>
 * </ul>
 * Thread-safe; lock-free.
 */
public final class LoadBoard implements Balancer.Loads {

    private final ConcurrentHashMap<DeploymentId, Slot> slots = new ConcurrentHashMap<>();
    private final ToIntFunction<DeploymentId> weights;

    /** @param weights each deployment's weight (1 when not configured) */
    public LoadBoard(ToIntFunction<DeploymentId> weights) {
        this.weights = weights;
    }

    /**
     * The slots by the fleet's own {@link Deployment} instances, which routing hands out unchanged: a
     * lookup by identity, read without a lock; copied on write, which happens once per deployment.
     */
    private volatile IdentityHashMap<Deployment, Slot> byInstance = new IdentityHashMap<>();

    @Override
    public Slot of(Deployment deployment) {
        Slot s = byInstance.get(deployment);
        return s != null ? s : remember(deployment);
    }

    private synchronized Slot remember(Deployment deployment) {
        Slot s = byInstance.get(deployment);
        if (s == null) {
            s = slot(deployment.id());
            IdentityHashMap<Deployment, Slot> copy = new IdentityHashMap<>(byInstance);
            copy.put(deployment, s);
            byInstance = copy;
        }
        return s;
    }

    /**
     * Picks the next position of the group {@code [from, to)} not in {@code tried} (see
     * {@link Balancer#pick}) and starts an attempt of {@code estimatedTokens} on it in the same step:
     * the caller owns one {@link Slot#started start} of the returned deployment, to be
     * {@linkplain Slot#ended ended} after the call or {@linkplain Slot#cancelled cancelled} if no call
     * is made.
     *
     * <h2>Algorithm</h2>
     * Pick, then claim: under a strategy that fits, the pick is claimed with {@link Slot#tryStart},
     * which fails when another caller took the room since the pick read it; the position is then set
     * aside and the pick made again among the rest, at most once per position. When every position
     * has been refused (none can fit the request), the pick is made over them all and started anyway,
     * as {@link Balancer#pick} does (the call is made and a 429 moves on). Other strategies start the
     * pick unconditionally.
     *
     * @return the position picked, or -1 when every position of the group is in {@code tried}
     */
    public int claim(List<Candidate> chain, int from, int to, long tried, long estimatedTokens, Strategy strategy,
            RandomGenerator random, long nowNanos) {
        if (strategy.fits()) {
            long refused = tried;
            int i;
            while ((i = Balancer.pick(chain, from, to, refused, estimatedTokens, strategy, this, random, nowNanos)) >= 0) {
                if (of(chain.get(i).deployment()).tryStart(estimatedTokens, nowNanos)) {
                    return i;
                }
                refused |= 1L << (i - from);
            }
            if (refused == tried) {
                return -1;
            }
        }
        int i = Balancer.pick(chain, from, to, tried, estimatedTokens, strategy, this, random, nowNanos);
        if (i >= 0) {
            of(chain.get(i).deployment()).started(estimatedTokens);
        }
        return i;
    }

    public Slot slot(DeploymentId id) {
        Slot s = slots.get(id);
        return s != null ? s : slots.computeIfAbsent(id, k -> new Slot(Math.max(0, weights.applyAsInt(k))));
    }

    /** One deployment's load. */
    public static final class Slot implements DeploymentLoad {
        private static final int COUNT_BITS = 20;
        private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
        /**
         * How far a reset may be above the true one: resets are read rounded up to the millisecond, so
         * a window's earliest end is its start plus the reset less this.
         */
        static final long RESET_PRECISION = 1_000_000L;

        private final int weight;
        /**
         * The attempts in flight and their estimated tokens, in one word so that both change in one
         * step and a report reads both at once: the count in the low {@value #COUNT_BITS} bits, the
         * tokens above (room for 2^44 tokens in flight to one deployment).
         */
        private final AtomicLong pending = new AtomicLong();
        private final AtomicLong tokens = new AtomicLong(CapacityReport.UNKNOWN);
        private final AtomicLong requests = new AtomicLong(CapacityReport.UNKNOWN);
        private volatile long tokensUntil;
        private volatile long requestsUntil;
        /**
         * Of the kept reports (guarded by the slot's lock): the remaining tokens and requests as they
         * were reported, and the earliest their windows may end ({@link #tokensUntil} and
         * {@link #requestsUntil} are the latest).
         */
        private long keptTokens;
        private long keptRequests;
        private long tokensFrom;
        private long requestsFrom;
        private final AtomicLong latency = new AtomicLong(-1);

        Slot(int weight) {
            this.weight = weight;
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public long remainingTokens(long nowNanos) {
            long t = tokens.get();
            return t == CapacityReport.UNKNOWN || nowNanos - tokensUntil >= 0 ? CapacityReport.UNKNOWN : t;
        }

        @Override
        public long remainingRequests(long nowNanos) {
            long r = requests.get();
            return r == CapacityReport.UNKNOWN || nowNanos - requestsUntil >= 0 ? CapacityReport.UNKNOWN : r;
        }

        @Override
        public int inFlight() {
            return (int) (pending.get() & COUNT_MASK);
        }

        @Override
        public long latencyNanos() {
            return latency.get();
        }

        /**
         * An attempt starts whether or not it fits (a retry, or a group none of whose deployments can
         * fit it): one more in flight, and its tokens and request taken off the last report.
         */
        public void started(long estimatedTokens) {
            pending.addAndGet(attempt(estimatedTokens));
            takeOff(tokens, estimatedTokens);
            takeOff(requests, 1);
        }

        /**
         * An attempt starts only if it fits: in one step with the check, its tokens and one request are
         * taken off the last report (before its reset) and it is counted in flight, so concurrent callers
         * never share the same room. False, with nothing taken, when the report says it does not fit.
         *
         * <p>It is counted pending before the figures are
         * taken from, and uncounted only after anything taken is given back, so a report stored
         * meanwhile (which subtracts what is pending) never adds its room twice.
         */
        public boolean tryStart(long estimatedTokens, long nowNanos) {
            pending.addAndGet(attempt(estimatedTokens));
            if (!takeIfFits(tokens, estimatedTokens, true, nowNanos)) {
                uncount(estimatedTokens);
                return false;
            }
            if (!takeIfFits(requests, 1, false, nowNanos)) {
                giveBack(tokens, estimatedTokens);
                uncount(estimatedTokens);
                return false;
            }
            return true;
        }

        /**
         * An attempt {@linkplain #tryStart started} here was never made (skipped by the deadline, the
         * quota or the breaker): its tokens and request are given back to the figures it was taken from.
         */
        public void cancelled(long estimatedTokens) {
            giveBack(tokens, estimatedTokens);
            giveBack(requests, 1);
            uncount(estimatedTokens);
        }

        /**
         * Takes {@code amount} off {@code remaining} unless the figure is live (known and before its
         * reset) and below it. An expired figure is not a limit: the window it spoke of is over.
         */
        private boolean takeIfFits(AtomicLong remaining, long amount, boolean ofTokens, long nowNanos) {
            long r;
            do {
                r = remaining.get();
                if (r == CapacityReport.UNKNOWN) {
                    return true;
                }
                // read after the figure: a report stores its reset first, so a new figure comes with its own
                long until = ofTokens ? tokensUntil : requestsUntil;
                if (nowNanos - until < 0 && r < amount) {
                    return false;
                }
            } while (!remaining.compareAndSet(r, Math.max(0, r - amount)));
            return true;
        }

        private static void giveBack(AtomicLong remaining, long amount) {
            long r;
            do {
                r = remaining.get();
                if (r == CapacityReport.UNKNOWN) {
                    return;
                }
            } while (!remaining.compareAndSet(r, r + amount));
        }

        private void uncount(long estimatedTokens) {
            pending.addAndGet(-attempt(estimatedTokens));
        }

        /** One attempt of {@code estimatedTokens} as it counts in {@link #pending}. */
        private static long attempt(long estimatedTokens) {
            return (estimatedTokens << COUNT_BITS) + 1;
        }

        /** Takes {@code amount} off a reported figure, never below zero; an unknown figure stays unknown. */
        private static void takeOff(AtomicLong remaining, long amount) {
            long r;
            do {
                r = remaining.get();
                if (r == CapacityReport.UNKNOWN) {
                    return;
                }
            } while (!remaining.compareAndSet(r, Math.max(0, r - amount)));
        }

        /**
         * The attempt that {@linkplain #started started} with {@code estimatedTokens} ended, however. What
         * it took off the report stays taken: the deployment may have counted it, and its next report
         * says what is left.
         */
        public void ended(long estimatedTokens) {
            uncount(estimatedTokens);
        }

        /**
         * A report that no attempt still counted in flight here carried (or whose attempt has
         * {@linkplain #ended ended}): stored less everything in flight, as {@link #answered} does.
         */
        public void reported(CapacityReport report, long nowNanos) {
            store(report, nowNanos, 0, 0, nowNanos);
        }

        /**
         * The deployment's own report on the answer (or 429) to an attempt that started at
         * {@code startedNanos} with {@code estimatedTokens} and is still counted in flight: call it
         * before {@link #ended}. Stored less what else is in flight here (see the class comment); an
         * attempt that starts while the report is stored is taken off either by the figure read here or
         * by its own start, which the loop does not let the store overwrite.
         *
         * <h2>Answers out of order</h2>
         * The order attempts start in is not the order the deployment counts them in, nor the order
         * their answers arrive in. So reports are ordered by what they say. The deployment wrote the
         * report between the attempt's start and its answer, so the window it speaks of ends between
         * {@code startedNanos + reset} (less {@link #RESET_PRECISION}) and {@code nowNanos + reset}.
         * While the kept figure is live, a report whose window ends after the kept one's latest end is
         * of a later window and replaces it; one whose window ends before the kept one's earliest end
         * is of a window already over and is dropped; otherwise both speak of the same window, where
         * the deployment's figure only falls, and the report replaces the kept figure only if it has no
         * more left. Each figure (tokens, requests) is ordered on its own.
         */
        public void answered(CapacityReport report, long startedNanos, long estimatedTokens, long nowNanos) {
            store(report, startedNanos, estimatedTokens, 1, nowNanos);
        }

        private synchronized void store(CapacityReport report, long sentNanos, long ownTokens, int ownRequests,
                long nowNanos) {
            boolean hasTokens = keep(report.remainingTokens(), report.tokensReset(), sentNanos, nowNanos, true);
            boolean hasRequests = keep(report.remainingRequests(), report.requestsReset(), sentNanos, nowNanos, false);
            if (!hasTokens && !hasRequests) {
                return;
            }
            long p;
            do {
                p = pending.get();
                if (hasTokens) {
                    tokens.set(Math.max(0, report.remainingTokens() - ((p >>> COUNT_BITS) - ownTokens)));
                }
                if (hasRequests) {
                    requests.set(Math.max(0, report.remainingRequests() - ((p & COUNT_MASK) - ownRequests)));
                }
            } while (pending.get() != p);
        }

        /**
         * Whether a reported figure ({@code reported}, or unknown) of an attempt sent at {@code sentNanos}
         * and answered at {@code nowNanos} is at least as new as the one kept (see {@link #answered}); if
         * so, it is kept: its window's span and its value as reported.
         */
        private boolean keep(long reported, Duration reset, long sentNanos, long nowNanos, boolean ofTokens) {
            if (reported == CapacityReport.UNKNOWN) {
                return false;
            }
            long from = sentNanos + reset.toNanos() - RESET_PRECISION;
            long until = nowNanos + reset.toNanos();
            long keptFrom = ofTokens ? tokensFrom : requestsFrom;
            long keptUntil = ofTokens ? tokensUntil : requestsUntil;
            boolean live = (ofTokens ? remainingTokens(nowNanos) : remainingRequests(nowNanos)) != CapacityReport.UNKNOWN;
            int order = live ? order(from, until, keptFrom, keptUntil) : 1;
            if (order < 0 || order == 0 && reported > (ofTokens ? keptTokens : keptRequests)) {
                return false;
            }
            if (order == 0) { // the same window: its span is where both reports put it
                from = Math.max(from, keptFrom);
                until = Math.max(until, keptUntil);
            }
            if (ofTokens) {
                tokensFrom = from;
                tokensUntil = until;
                keptTokens = reported;
            } else {
                requestsFrom = from;
                requestsUntil = until;
                keptRequests = reported;
            }
            return true;
        }

        /**
         * The window a report ends in {@code [from, until]} against the kept one's {@code [keptFrom,
         * keptUntil]}: 1 a later window, -1 an earlier one, 0 the same (the spans meet).
         */
        private static int order(long from, long until, long keptFrom, long keptUntil) {
            if (from - keptUntil > 0) {
                return 1;
            }
            return until - keptFrom < 0 ? -1 : 0;
        }

        /** A latency sample (to the first token for streams, the whole call otherwise). */
        public void latency(long nanos) {
            long sample = Math.max(0, nanos);
            long old;
            do {
                old = latency.get();
            } while (!latency.compareAndSet(old, old < 0 ? sample : old + (sample - old) / 2));
        }

        /** A copy of what it holds now, for operators. */
        public Snapshot snapshot(long nowNanos) {
            return new Snapshot(weight, remainingTokens(nowNanos), remainingRequests(nowNanos), inFlight(), latencyNanos());
        }
    }

    /**
     * One deployment's load as operators see it.
     *
     * @param remainingTokens   as last reported (less what was sent since), -1 when unknown or reset
     * @param remainingRequests likewise
     * @param latencyNanos      decayed latency, -1 before any answer
     */
    public record Snapshot(int weight, long remainingTokens, long remainingRequests, int inFlight, long latencyNanos) {
        public static final Snapshot NONE = new Snapshot(1, CapacityReport.UNKNOWN, CapacityReport.UNKNOWN, 0, -1);
    }
}
