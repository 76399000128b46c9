package dev.llmrouter.app;

import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.config.InvalidConfigException;
import dev.llmrouter.app.config.KeyHasher;
import dev.llmrouter.app.http.AccessLogAppender;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The runnable jar.
 *
 * <pre>
 * java -jar llm-router.jar                      serve the embedded default (simulated fleet, demo keys) on 8080
 * java -jar llm-router.jar --port 9000          ...on another port (or LLM_ROUTER_PORT=9000)
 * java -jar llm-router.jar --config fleet.yaml  serve a real fleet
 * java -jar llm-router.jar hash-key [KEY]       print the stored form of a key (read from stdin when not given)
 * </pre>
 *
 * Exit status: 0 after a normal stop, 2 for a usage error or an invalid configuration (the report
 * lists every problem, without a stack trace), 1 when the server cannot start.
 */
public final class Main {

    static final int EXIT_INVALID = 2;
    static final int EXIT_FAILED = 1;
    public static final String PORT_ENV = "LLM_ROUTER_PORT";

    private Main() {}

    public static void main(String[] args) {
        int status = run(args, System::getenv, System.in, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Everything but the exit, so the argument handling can be tested. Returns 0 when serving. */
    static int run(String[] args, Function<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("hash-key")) {
            return hashKey(args, in, out, err);
        }
        Path configFile = null;
        Integer port = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (++i >= args.length) {
                        return usage(err, "--config needs a file");
                    }
                    configFile = Path.of(args[i]);
                }
                case "--port", "-p" -> {
                    if (++i >= args.length) {
                        return usage(err, "--port needs a number");
                    }
                    port = parsePort(args[i]);
                    if (port == null) {
                        return usage(err, "--port must be 0..65535, got '" + args[i] + "'");
                    }
                }
                case "--help", "-h" -> {
                    usage(out, null);
                    return 0;
                }
                default -> {
                    return usage(err, "unknown argument '" + args[i] + "'");
                }
            }
        }
        if (port == null && env.apply(PORT_ENV) != null && !env.apply(PORT_ENV).isBlank()) {
            port = parsePort(env.apply(PORT_ENV));
            if (port == null) {
                return usage(err, PORT_ENV + " must be 0..65535, got '" + env.apply(PORT_ENV) + "'");
            }
        }

        GatewayConfig config;
        try {
            ConfigLoader loader = new ConfigLoader(env);
            config = configFile == null ? loader.loadEmbeddedDefault() : loader.load(configFile);
        } catch (InvalidConfigException e) {
            err.println(e.report());
            return EXIT_INVALID;
        }
        if (port != null) {
            config = config.withServer(config.server().withPort(port));
        }

        Gateway gateway;
        try {
            gateway = Gateway.build(config, Gateway.Options.defaults());
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("Cannot build the gateway from " + config.source() + ": " + e.getMessage());
            return EXIT_INVALID;
        }
        try {
            gateway.start();
        } catch (RuntimeException e) {
            err.println("Cannot start the gateway on port " + config.server().port() + ": " + rootMessage(e));
            gateway.stop();
            return EXIT_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.stop();
            AccessLogAppender.stopLogging(); // last: writes the access-log lines still queued
        }, "llm-router-shutdown"));
        greet(out, gateway, configFile == null);
        return 0;
    }

    private static void greet(PrintStream out, Gateway gateway, boolean embedded) {
        String url = "http://localhost:" + gateway.port();
        GatewayConfig config = gateway.config();
        out.println();
        out.println("llm-router is serving " + config.source() + " at " + url
                + " (" + config.fleet().deployments().size() + " deployments in " + config.fleet().regions().size()
                + " regions; " + (Gateway.virtualThreadsAvailable() ? "virtual threads" : "platform thread pool") + ")");
        if (embedded) {
            out.println("All deployments are simulated; gpt-4-turbo-eastus fails part of the time, to show fallback.");
            out.println("Demo keys (public, valid only on the embedded default):");
            for (Map.Entry<String, String> e : DemoKeys.byAccount().entrySet()) {
                out.printf("  %-16s %s%n", e.getKey(), e.getValue());
            }
            out.println("Try:");
            out.println("  curl -s " + url + "/v1/chat/completions -H 'Authorization: Bearer " + DemoKeys.ENTERPRISE
                    + "' -H 'Content-Type: application/json' \\");
            out.println("       -d '{\"model\":\"premium\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, router!\"}]}'");
        }
        out.println("Health: " + url + "/health/ready   Metrics: " + url + "/metrics   Stop: Ctrl+C");
        out.flush();
    }

    private static int hashKey(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String key;
        if (args.length > 2) {
            return usage(err, "hash-key takes at most one key");
        }
        if (args.length == 2) {
            key = args[1];
        } else {
            Console console = in == System.in ? System.console() : null;
            if (console != null) {
                char[] typed = console.readPassword("Key to hash: ");
                key = typed == null ? "" : new String(typed);
            } else {
                try {
                    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                    key = line == null ? "" : line;
                } catch (IOException e) {
                    err.println("cannot read the key from standard input: " + e.getMessage());
                    return EXIT_FAILED;
                }
            }
        }
        key = key.strip();
        if (key.isEmpty()) {
            return usage(err, "hash-key needs a non-empty key (as an argument or on standard input)");
        }
        out.println(KeyHasher.hash(key));
        return 0;
    }

    private static Integer parsePort(String text) {
        try {
            int p = Integer.parseInt(text.trim());
            return p >= 0 && p <= 65_535 ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static int usage(PrintStream to, String problem) {
        if (problem != null) {
            to.println("llm-router: " + problem);
        }
        to.println("Usage: java -jar llm-router.jar [--config FILE] [--port N]");
        to.println("       java -jar llm-router.jar hash-key [KEY]");
        to.println("Without --config it serves the embedded default (simulated deployments, demo keys).");
        to.println("The port comes from --port, else " + PORT_ENV + ", else the configuration (default 8080).");
        return problem == null ? 0 : EXIT_INVALID;
    }
}
