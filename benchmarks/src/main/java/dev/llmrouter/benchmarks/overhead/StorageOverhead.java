package dev.llmrouter.benchmarks.overhead;

import dev.llmrouter.adapters.jdbc.fixtures.EmbeddedPostgresServer;
import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.benchmarks.overhead.OpenLoopLoad.Result;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's overhead on each of its stores, in one run ({@code OverheadHarness --storage}): the real
 * jar with (a) the in-memory ledger, quotas and rate limits ({@code storage.ledger.kind: memory}), (b)
 * the embedded default (an H2 file ledger under the data directory, quotas and rate limits in the
 * process), (c) a PostgreSQL ledger and Redis quotas and rate limits (an embedded PostgreSQL 17.5 and an
 * embedded Redis 6.2.6 started here, on loopback, as the chaos tests start them).
 *
 * <p>The account has a monthly quota and a rate limit that never refuse at the rates run, so that every
 * request is rate-checked and reserves its worst case (on Redis: one round trip to admit, one to
 * settle). For each store, after a warm-up, the same open-loop rate goes straight at the fake upstream
 * and then through the gateway; the overhead is gateway minus direct at the same percentile.
 *
 * <p><b>The commit wait.</b> A usage record is durable before the end of its response goes out, so a
 * durable ledger's group commit is in every request's latency. The gateway times it
 * ({@code llm_router_usage_ledger_append_seconds}, a percentile histogram on {@code /metrics}); the
 * harness reads the histogram before and after the measured run and reports the wait's p50 and p99 over
 * exactly those requests (interpolated inside the histogram's buckets), and the overhead without it: the overhead minus the wait at the same percentile, an
 * estimate (percentiles do not subtract exactly; the wait is nearly constant per request).
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -DskipTests package}):
 * {@code java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.overhead.OverheadHarness --storage}
 * with {@code --rates 1000} (the default), {@code --seconds 10}, {@code --jar}, {@code --java},
 * {@code --out} and {@code --gateway-jvm} as for the harness. Results go to {@code storage-overhead.md}
 * in the output folder.
 */
final class StorageOverhead {

    /** Where the gateway keeps its ledger, quotas and rate limits. */
    enum Storage {
        IN_MEMORY("in-memory"), H2_FILE("H2 file (default)"), POSTGRES_REDIS("PostgreSQL + Redis");

        final String label;

        Storage(String label) {
            this.label = label;
        }
    }

    /** One store's measurement at one rate. */
    record Row(Storage storage, int rate, Result direct, Result gateway, Wait commitWait) {

        double overhead(double percentile) {
            return gateway.p(percentile) - direct.p(percentile);
        }
    }

    /** The commit wait over the measured requests, from the gateway's histogram; empty when nothing was timed. */
    record Wait(long count, double p50Ms, double p99Ms) {
        static final Wait NONE = new Wait(0, 0, 0);
    }

    private StorageOverhead() {}

    /**
     * The stores to measure: all of them, or those named (by enum name, comma-separated) in the system
     * property {@code llmrouter.bench.storages}, for a profiling run of one.
     */
    static List<Storage> storages() {
        String named = System.getProperty("llmrouter.bench.storages", "");
        if (named.isBlank()) {
            return List.of(Storage.values());
        }
        List<Storage> chosen = new ArrayList<>();
        for (String name : named.split(",")) {
            try {
                chosen.add(Storage.valueOf(name.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("llmrouter.bench.storages: no store " + name.trim() + "; the stores are "
                        + Arrays.toString(Storage.values()), e);
            }
        }
        return chosen;
    }

    static String run(OverheadHarness.Options o) throws Exception {
        Files.createDirectories(o.out());
        List<Row> rows = new ArrayList<>();
        OverheadHarness.progress("storage: starting the upstream, PostgreSQL and Redis");
        try (FakeAzureUpstream upstream = FakeAzureUpstream.start();
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
                EmbeddedRedis redis = EmbeddedRedis.startNew();
                OpenLoopLoad load = new OpenLoopLoad()) {
            for (Storage storage : storages()) {
                Map<String, String> env = new HashMap<>(Map.of(
                        "BENCH_UPSTREAM_URL", upstream.baseUrl(), "BENCH_UPSTREAM_KEY", OverheadHarness.UPSTREAM_KEY));
                String section = switch (storage) {
                    case IN_MEMORY -> "storage:\n  ledger: { kind: memory }\n";
                    case H2_FILE -> "";
                    case POSTGRES_REDIS -> {
                        env.put("BENCH_PG_PASSWORD", postgres.password());
                        yield "storage:\n  ledger:\n    url: \"" + postgres.newDatabase() + "\"\n    user: " + postgres.user()
                                + "\n    password: ${BENCH_PG_PASSWORD}\n  redis: { url: \"" + redis.uri() + "\" }\n";
                    }
                };
                Path config = writeConfig(o.out(), storage, section);
                OverheadHarness.progress("storage: " + storage.label + ": starting the gateway");
                try (GatewayProcess gateway = GatewayProcess.start(o.java(), o.jar(), config, o.gatewayJvm(), env,
                        Duration.ofSeconds(90))) {
                    rows.addAll(measure(o, load, upstream, gateway, storage));
                }
            }
        }
        String md = markdown(Instant.now(), rows);
        Files.writeString(o.out().resolve("storage-overhead.md"), md);
        return md;
    }

    private static List<Row> measure(OverheadHarness.Options o, OpenLoopLoad load, FakeAzureUpstream upstream,
            GatewayProcess gateway, Storage storage) throws Exception {
        URI direct = URI.create(upstream.baseUrl() + "/openai/deployments/bench/chat/completions?api-version=2024-10-21");
        URI viaGateway = URI.create(gateway.baseUrl() + "/v1/chat/completions");
        Map<String, String> directHeaders = Map.of("api-key", OverheadHarness.UPSTREAM_KEY, "content-type", "application/json");
        Map<String, String> gatewayHeaders = Map.of("authorization", "Bearer " + OverheadHarness.API_KEY,
                "content-type", "application/json");
        OverheadHarness.Settler settler = new OverheadHarness.Settler(load, upstream, viaGateway, gatewayHeaders, o.quick());
        OverheadHarness.progress("storage: " + storage.label + ": warming up");
        Duration warm = Duration.ofSeconds(o.quick() ? 1 : 5);
        load.run("warm", direct, directHeaders, OverheadHarness.CHAT, 200, warm, false);
        for (int i = 0; i < (o.quick() ? 1 : 3); i++) {
            load.run("warm", viaGateway, gatewayHeaders, OverheadHarness.CHAT, 300, warm, false);
        }
        if (!o.quick()) {
            // About as many calls (~35,000) as the main harness warms with: C2 is still compiling the request
            // path, the store's client included, after the first 10,000. Each round is read from /metrics
            // before and after, as the measured run is: a first scrape (another path, a GET with other
            // headers) made C2 drop the compiled request path, HTTP parsing to response writing, and
            // compile it again during the measured run.
            for (int i = 0; i < 3; i++) {
                settler.settle("warm-up at 1,000 req/s");
                appendWaitBuckets(gateway);
                load.run("warm", viaGateway, gatewayHeaders, OverheadHarness.CHAT, 1_000, Duration.ofSeconds(10), false);
                appendWaitBuckets(gateway);
            }
        }
        List<Row> rows = new ArrayList<>();
        Duration d = Duration.ofSeconds(o.seconds());
        for (int rate : o.rates()) {
            settler.settle(storage.label + " at " + rate + " req/s");
            OverheadHarness.progress("storage: " + storage.label + ": " + rate + " req/s");
            Result a = load.run("direct", direct, directHeaders, OverheadHarness.CHAT, rate, d, false);
            settler.settle(storage.label + " at " + rate + " req/s (gateway)");
            NavigableMap<Double, Long> before = appendWaitBuckets(gateway);
            Result b = load.run("gateway", viaGateway, gatewayHeaders, OverheadHarness.CHAT, rate, d, false);
            Wait wait = waitBetween(before, appendWaitBuckets(gateway));
            rows.add(new Row(storage, rate, a, b, wait));
        }
        return rows;
    }

    /**
     * The bench configuration with {@code section} as its {@code storage:}, and a quota and rate limit
     * on the plan that never refuse at the rates run (so that every request is admitted by both).
     */
    static Path writeConfig(Path dir, Storage storage, String section) throws IOException {
        String base = Files.readString(OverheadHarness.writeConfig(dir));
        String plan = "    default-tier: economy\n";
        if (!base.contains(plan)) {
            throw new IllegalStateException("overhead-gateway.yaml no longer has the bench plan's default tier");
        }
        String limited = base.replace(plan, plan
                + "    quota: { cost-per-month: \"1000000.00\" }\n"
                + "    rate-limits: { requests-per-minute: 100000000, tokens-per-minute: 100000000000 }\n");
        Path config = dir.resolve("storage-overhead-" + storage.name().toLowerCase(Locale.ROOT) + ".yaml");
        Files.writeString(config, limited + "\n" + section);
        return config;
    }

    private static final Pattern BUCKET = Pattern.compile(
            "^llm_router_usage_ledger_append_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);

    /** The commit wait histogram's cumulative counts by upper bound in seconds; empty when the ledger is not timed. */
    static NavigableMap<Double, Long> appendWaitBuckets(GatewayProcess gateway) throws IOException, InterruptedException {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        NavigableMap<Double, Long> buckets = new TreeMap<>();
        Matcher m = BUCKET.matcher(metrics.body());
        while (m.find()) {
            double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            buckets.put(le, (long) Double.parseDouble(m.group(2)));
        }
        return buckets;
    }

    /**
     * The p50 and p99 of the waits timed between two readings, interpolated linearly inside the bucket
     * holding each (as Prometheus's {@code histogram_quantile} does).
     */
    static Wait waitBetween(NavigableMap<Double, Long> before, NavigableMap<Double, Long> after) {
        if (after.isEmpty()) {
            return Wait.NONE;
        }
        long total = after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0L);
        if (total <= 0) {
            return Wait.NONE;
        }
        return new Wait(total, percentile(before, after, total, 0.50), percentile(before, after, total, 0.99));
    }

    private static double percentile(NavigableMap<Double, Long> before, NavigableMap<Double, Long> after, long total,
            double q) {
        double rank = q * total;
        double lower = 0;
        long below = 0;
        for (Map.Entry<Double, Long> bucket : after.entrySet()) {
            long cumulative = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0L);
            if (cumulative >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lower * 1_000;
                }
                double share = cumulative == below ? 1 : (rank - below) / (cumulative - below);
                return (lower + (bucket.getKey() - lower) * share) * 1_000;
            }
            lower = bucket.getKey();
            below = cumulative;
        }
        return lower * 1_000;
    }

    static String markdown(Instant at, List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(at).append(" on ").append(OverheadHarness.machine())
                .append("; load generator, fake upstream, gateway, PostgreSQL and Redis share the machine.\n\n");
        md.append("| storage | rate (req/s) | direct p50 | direct p99 | gateway p50 | gateway p99 | overhead p50 | overhead p99 "
                + "| commit wait p50 | commit wait p99 | overhead p50 without the wait | overhead p99 without the wait | errors |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            boolean timed = r.commitWait().count() > 0;
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s | %s | %s | %s | %d |%n",
                    r.storage().label, r.rate(), r.direct().p(50), r.direct().p(99), r.gateway().p(50), r.gateway().p(99),
                    r.overhead(50), r.overhead(99),
                    timed ? String.format(Locale.ROOT, "%.2f ms", r.commitWait().p50Ms()) : "none",
                    timed ? String.format(Locale.ROOT, "%.2f ms", r.commitWait().p99Ms()) : "none",
                    timed ? String.format(Locale.ROOT, "≈ %.2f ms", r.overhead(50) - r.commitWait().p50Ms()) : "=",
                    timed ? String.format(Locale.ROOT, "≈ %.2f ms", r.overhead(99) - r.commitWait().p99Ms()) : "=",
                    r.gateway().errors()));
        }
        md.append("\nThe commit wait is the gateway's own timer of each usage record's append (group commit, or the "
                + "spool), read from /metrics over the measured requests (interpolated in its histogram's buckets); "
                + "\"without the wait\" subtracts it from the overhead at the same percentile, an estimate.\n");
        return md.toString();
    }
}
