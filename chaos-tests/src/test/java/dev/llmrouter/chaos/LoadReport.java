package dev.llmrouter.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** What a load run saw from the callers' side: statuses, latencies, who served, how many fallbacks. */
record LoadReport(String scenario, List<LoadDriver.Result> results, Duration elapsed) {

    int requests() {
        return results.size();
    }

    long count(Predicate<LoadDriver.Result> p) {
        return results.stream().filter(p).count();
    }

    long succeeded() {
        return count(LoadDriver.Result::ok);
    }

    double successRate() {
        return results.isEmpty() ? 0 : (double) succeeded() / results.size();
    }

    /** Statuses and how often each came (-1: no HTTP answer at all). */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> m = new TreeMap<>();
        results.forEach(r -> m.merge(r.status(), 1L, Long::sum));
        return m;
    }

    /** Answers served by each deployment ({@code x-router-deployment}). */
    Map<String, Long> servedBy() {
        Map<String, Long> m = new TreeMap<>();
        results.stream().filter(LoadDriver.Result::ok)
                .forEach(r -> m.merge(String.valueOf(r.header("x-router-deployment")), 1L, Long::sum));
        return m;
    }

    /** Successful answers that needed more than one deployment call, or came from another than {@code primary}. */
    long fallbacks(String primary) {
        return count(r -> r.ok() && (!primary.equals(r.header("x-router-deployment")) || attempts(r) > 1));
    }

    static int attempts(LoadDriver.Result r) {
        String a = r.header("x-router-attempts");
        return a == null ? 0 : Integer.parseInt(a.trim());
    }

    /** The {@code q} quantile (0..1) of latency, in milliseconds, nearest-rank. */
    double latencyMillis(double q) {
        if (results.isEmpty()) {
            return 0;
        }
        long[] sorted = results.stream().mapToLong(LoadDriver.Result::latencyNanos).sorted().toArray();
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }

    double p99Millis() {
        return latencyMillis(0.99);
    }

    /** A line for failure messages: enough to see what went wrong without a debugger. */
    String summary() {
        return scenario + ": " + requests() + " requests in " + elapsed.toMillis() + " ms, statuses " + statuses()
                + ", served by " + servedBy() + ", p99 " + String.format(java.util.Locale.ROOT, "%.1f", p99Millis())
                + " ms" + results.stream().filter(r -> !r.ok()).findFirst()
                        .map(r -> ", first failure: " + r.status() + " " + (r.error() != null ? r.error() : abbreviate(r.body())))
                        .orElse("");
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
