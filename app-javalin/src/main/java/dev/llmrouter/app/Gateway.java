package dev.llmrouter.app;

import dev.llmrouter.adapters.azure.TokenizerEstimator;
import dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry;
import dev.llmrouter.adapters.otel.OtlpMetrics;
import dev.llmrouter.adapters.otel.Tracing;
import dev.llmrouter.app.config.DeploymentSettings;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.http.GatewayContext;
import dev.llmrouter.app.http.HttpApi;
import dev.llmrouter.app.sim.Pacer;
import dev.llmrouter.app.sim.SimulatedChatEndpoint;
import dev.llmrouter.app.storage.Stores;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.router.RouteChatUseCase;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.ports.usage.UsageLedger;
import dev.llmrouter.ports.usage.UsageQueryUseCase;
import dev.llmrouter.ports.usage.UsageReporter;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole gateway, assembled from a validated {@link GatewayConfig}: the fleet and plans, the
 * account directory, one endpoint per deployment (simulated or Azure) behind a
 * {@link RoutingChatEndpoint}, the router, the usage ledger and report, the Prometheus registry, and
 * the {@link GatewayContext} the HTTP layer is built on.
 *
 * <p>This is the app factory of the application: it takes its dependencies ({@link Options}: clock,
 * pacing of simulated deployments, the Azure adapter, the HTTP layer), so a test starts the real
 * server on a free port with any configuration:
 *
 * <pre>{@code
 * GatewayConfig config = ConfigLoader.fromSystemEnvironment().loadEmbeddedDefault();
 * try (Gateway gateway = Gateway.build(config, Gateway.Options.defaults()).start(0)) {
 *     URI base = gateway.baseUri();   // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>Server settings applied at {@link #start}: on Java 21 and later each request runs on its own
 * virtual thread (detected at run time, the code is compiled for 17); on Java 17, on a bounded pool
 * of platform threads. At most {@code server.max-connections} connections are open at once. {@link #stop()} stops accepting connections at once, lets requests in flight
 * finish within the configured grace, then closes the ledger so no usage record is lost.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /**
     * Platform threads serving requests on Java 17 (virtual threads on 21+ need no bound). A streamed
     * answer holds its thread for the whole stream, so the bound is what caps concurrent streams:
     * 1,000 open streams plus room for Jetty's selector and acceptor threads and short calls. An idle
     * thread costs only its touched stack pages, and idle threads above the minimum expire after 60 s.
     */
    static final int MAX_PLATFORM_THREADS = 1_200;
    /**
     * An idle account's month is swept from an in-process quota store this long after the month is
     * over. Not sooner: with the bounded in-memory ledger (a gateway without a data directory) the
     * store is the only record of the month's spend, which that ledger cannot rebuild.
     */
    static final java.time.Duration QUOTA_IDLE_EXPIRY = java.time.Duration.ofHours(1);

    /**
     * What the gateway is built with, apart from its configuration.
     *
     * @param clock the clock of the router, the ledger and the simulated deployments
     * @param pacer how simulated latency passes ({@link Pacer#REAL} in the gateway, {@link Pacer#NONE} in tests)
     * @param azure makes the endpoints of real Azure OpenAI deployments
     * @param http  builds the HTTP layer (not started) on the gateway's context
     */
    public record Options(InstantSource clock, Pacer pacer, AzureEndpointFactory azure, Function<GatewayContext, Javalin> http) {

        public Options {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(pacer, "pacer");
            Objects.requireNonNull(azure, "azure");
            Objects.requireNonNull(http, "http");
        }

        /** The production set: system clock, real latency, the Azure adapter, the HTTP API. */
        public static Options defaults() {
            return new Options(InstantSource.system(), Pacer.REAL, new AzureAdapterEndpoints(InstantSource.system()),
                    HttpApi::create);
        }

        public Options withClock(InstantSource c) {
            return new Options(c, pacer, azure, http);
        }

        public Options withPacer(Pacer p) {
            return new Options(clock, p, azure, http);
        }

        public Options withAzure(AzureEndpointFactory a) {
            return new Options(clock, pacer, a, http);
        }

        public Options withHttp(Function<GatewayContext, Javalin> h) {
            return new Options(clock, pacer, azure, h);
        }
    }

    private final GatewayConfig config;
    private final Options options;
    private final RoutingChatEndpoint endpoint;
    private final RouteChatUseCase router;
    private final DeploymentStatusQuery deployments;
    private final Stores stores;
    private final UsageLedger ledger;
    private final UsageQueryUseCase usage;
    private final PrometheusMeterRegistry metrics;
    private final MicrometerRouterTelemetry telemetry;
    private final Tracing tracing;
    /** The OTLP metrics registry beside Prometheus, when {@code telemetry.metrics} is on. */
    private final OtlpMeterRegistry otlpMetrics;
    private final GatewayContext context;
    private Javalin server;
    private boolean stopped;

    private Gateway(GatewayConfig config, Options options) {
        this.config = config;
        this.options = options;
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.otlpMetrics = OtlpMetrics.registry(config.telemetry()).orElse(null);
        MeterRegistry registry = metrics;
        if (otlpMetrics != null) {
            CompositeMeterRegistry both = new CompositeMeterRegistry();
            both.add(metrics);
            both.add(otlpMetrics);
            registry = both;
        }
        this.tracing = Tracing.start(config.telemetry(), System::getenv, registry);
        this.telemetry = new MicrometerRouterTelemetry(registry);
        telemetry.trackDeployments(config.fleet().deployments().stream().map(d -> d.id().value()).toList());
        this.endpoint = new RoutingChatEndpoint(endpoints(config, options), config.retry().firstTokenTimeout());
        this.stores = Stores.open(config.storage(), config.ledger(), options.clock(), QUOTA_IDLE_EXPIRY, registry, telemetry);
        try {
            this.ledger = stores.ledger();
            this.usage = new UsageReporter(ledger);
            Router.Builder builder = Router.builder()
                    .fleet(config.fleet())
                    .endpoint(endpoint)
                    .clock(options.clock())
                    .estimator(new TokenizerEstimator().preload(config.fleet().catalog().models().stream()
                            .map(ModelSpec::encoding).collect(Collectors.toSet())))
                    .retry(config.retry())
                    .breakerConfig(config.breakerDefaults().toBreakerConfig())
                    .balancing(config.balancing())
                    .ledger(ledger)
                    .telemetry(telemetry)
                    .tracer(tracing.routerTracer());
            stores.admission(builder);
            config.breakers().forEach((id, settings) -> builder.breakerConfig(id, settings.toBreakerConfig()));
            Router built = builder.build();
            this.router = built;
            this.deployments = built;
            this.context = new GatewayContext(router, usage, deployments,
                    new HashedAccountDirectory(config.accounts(), config.plans()), config.fleet(), metrics,
                    config.server().maxBodyBytes(), config.server().bodyRead(), stores::statuses,
                    tracing.enabled() ? tracing.serverSpans() : null, stores.responseHomes());
        } catch (RuntimeException e) {
            stores.close(); // a database file stays locked while its ledger is open
            closeTelemetry();
            throw e;
        }
    }

    /** Assembles the gateway; nothing listens until {@link #start}. */
    public static Gateway build(GatewayConfig config, Options options) {
        return new Gateway(Objects.requireNonNull(config, "config"), Objects.requireNonNull(options, "options"));
    }

    private static Map<DeploymentId, ChatEndpoint> endpoints(GatewayConfig config, Options options) {
        Map<DeploymentId, ChatEndpoint> endpoints = new LinkedHashMap<>();
        Map<Deployment, DeploymentSettings.Azure> real = new LinkedHashMap<>();
        for (Deployment d : config.fleet().deployments()) {
            DeploymentSettings settings = config.connection(d.id());
            if (settings instanceof DeploymentSettings.Simulated s) {
                endpoints.put(d.id(), new SimulatedChatEndpoint(s.profile(), options.clock(), options.pacer()));
            } else {
                real.put(d, (DeploymentSettings.Azure) settings);
            }
        }
        if (!real.isEmpty()) {
            ChatEndpoint azure = options.azure().create(real);
            real.keySet().forEach(d -> endpoints.put(d.id(), azure));
        }
        return endpoints;
    }

    public GatewayConfig config() {
        return config;
    }

    public GatewayContext context() {
        return context;
    }

    public RouteChatUseCase router() {
        return router;
    }

    public DeploymentStatusQuery deploymentStatus() {
        return deployments;
    }

    /** The ledger, quota store and rate limiter, with their state. */
    public Stores stores() {
        return stores;
    }

    public UsageLedger ledger() {
        return ledger;
    }

    public UsageQueryUseCase usage() {
        return usage;
    }

    public RoutingChatEndpoint endpoint() {
        return endpoint;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public MicrometerRouterTelemetry telemetry() {
        return telemetry;
    }

    /** The process's tracing (off unless configured). */
    public Tracing tracing() {
        return tracing;
    }

    /** Starts serving on the configured port (0 picks a free one). */
    public Gateway start() {
        return start(config.server().port());
    }

    /** Starts serving on {@code port} (0 picks a free one); returns once the server accepts connections. */
    public synchronized Gateway start(int port) {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        Javalin app = options.http().apply(context);
        configureServer(app);
        app.start(port);
        server = app;
        return this;
    }

    private void configureServer(Javalin app) {
        boolean loom = virtualThreadsAvailable();
        app.unsafe.concurrency.useVirtualThreads = loom;
        if (!loom && app.unsafe.jetty.threadPool == null) {
            QueuedThreadPool pool = new QueuedThreadPool(MAX_PLATFORM_THREADS, 8, 60_000);
            pool.setName("llm-router-http");
            app.unsafe.jetty.threadPool = pool;
        }
        app.unsafe.http.maxRequestSize = Math.max(app.unsafe.http.maxRequestSize, config.server().maxBodyBytes());
        long graceMillis = config.server().shutdownGrace().toMillis();
        int maxConnections = config.server().maxConnections();
        app.unsafe.jetty.modifyServer(jetty -> {
            // At the limit the connectors stop accepting; further connections wait in the accept queue.
            jetty.addBean(new NetworkConnectionLimit(maxConnections, jetty));
            // On stop: close the connectors first, then wait (bounded) for requests in flight.
            jetty.setStopTimeout(graceMillis);
            if (!(jetty.getHandler() instanceof GracefulHandler)) {
                GracefulHandler graceful = new GracefulHandler();
                graceful.setHandler(jetty.getHandler());
                jetty.setHandler(graceful);
            }
        });
    }

    /** Virtual threads exist from Java 21 (the build targets 17, so this is decided at run time). */
    public static boolean virtualThreadsAvailable() {
        return Runtime.version().feature() >= 21;
    }

    public int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.port();
    }

    public java.net.URI baseUri() {
        return java.net.URI.create("http://127.0.0.1:" + port());
    }

    /**
     * Stops gracefully: no new connections, requests in flight get up to the configured grace to
     * finish, then the usage ledger is flushed and closed. Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (server != null) {
            try {
                server.stop();
            } catch (RuntimeException e) {
                LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
            }
        }
        stores.close();
        closeTelemetry();
    }

    /** Sends the spans and metrics still held, within a bounded wait. */
    private void closeTelemetry() {
        tracing.close();
        if (otlpMetrics != null) {
            otlpMetrics.close();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
