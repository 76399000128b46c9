package dev.llmrouter.benchmarks;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One JMH benchmark method called in a plain loop, reporting the calling thread's CPU time and
 * allocation per call. On a machine shared with other work, JMH's average time counts the time the
 * thread waited for a core, so two jars measured an hour apart (or even back to back) differ by the
 * load more than by their code; CPU time counts only the thread's own running, which makes the ratio
 * of two jars measured alternately meaningful when the wall time is not. It does not replace JMH on a
 * quiet machine: the loop calls through reflection and has no blackhole (each result is kept in a
 * field), so its absolute figures run somewhat above JMH's.
 *
 * <p>Run, for example (the state's {@code @Param} fields as {@code name=value}):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.CpuTimePerCall \
 *   AdmissionPathBenchmark complete 10 3 shape=downgrade ledger=bounded
 * </pre>
 * Arguments: the benchmark class (in this package, or fully qualified), the method, the warm-up in
 * seconds, the number of measured rounds (500,000 calls each), then the parameters. The benchmark's
 * {@code @Setup} method must be named {@code setUp} and take no arguments, as every one here does.
 */
public final class CpuTimePerCall {

    private static final int CALLS_PER_ROUND = 500_000;

    /** Kept so that no call's result is dead code. */
    static volatile Object sink;

    private CpuTimePerCall() {}

    /** One measured round: nanoseconds of CPU and of wall time, and bytes allocated, per call. */
    record Round(double cpuNanos, double wallNanos, double allocatedBytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "cpu %.0f ns/op  wall %.0f ns/op  alloc %.0f B/op", cpuNanos, wallNanos,
                    allocatedBytes);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: CpuTimePerCall BenchmarkClass method warmupSeconds rounds [param=value ...]");
            System.exit(2);
        }
        String name = args[0].contains(".") ? args[0] : CpuTimePerCall.class.getPackageName() + "." + args[0];
        List<String> params = List.of(args).subList(4, args.length);
        for (Round round : measure(Class.forName(name), args[1], Long.parseLong(args[2]) * 1_000_000_000L,
                Integer.parseInt(args[3]), CALLS_PER_ROUND, params)) {
            System.out.println(round);
        }
    }

    static List<Round> measure(Class<?> type, String methodName, long warmupNanos, int rounds, int callsPerRound,
            List<String> params) throws Exception {
        Object bench = type.getConstructor().newInstance();
        for (String param : params) {
            int eq = param.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("a parameter is name=value: " + param);
            }
            type.getField(param.substring(0, eq)).set(bench, param.substring(eq + 1));
        }
        type.getMethod("setUp").invoke(bench);
        Method call = type.getMethod(methodName);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Object last = null;
        for (long end = System.nanoTime() + warmupNanos; System.nanoTime() - end < 0; ) {
            for (int i = 0; i < 10_000; i++) {
                last = call.invoke(bench);
            }
        }
        List<Round> measured = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long allocated = threads.getThreadAllocatedBytes(thread);
            long wall = System.nanoTime();
            for (int i = 0; i < callsPerRound; i++) {
                last = call.invoke(bench);
            }
            measured.add(new Round((threads.getCurrentThreadCpuTime() - cpu) / (double) callsPerRound,
                    (System.nanoTime() - wall) / (double) callsPerRound,
                    (threads.getThreadAllocatedBytes(thread) - allocated) / (double) callsPerRound));
        }
        sink = last;
        return measured;
    }
}
