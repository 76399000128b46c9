package dev.llmrouter.adapters.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One process's connection to the shared stores' Redis (Lettuce: one multiplexed connection serves
 * every thread), and the one way the stores talk to it: a Lua script called by SHA with
 * {@code EVALSHA}, loaded with {@code SCRIPT LOAD} the first time Redis answers {@code NOSCRIPT} (a
 * new or restarted server), then called again.
 *
 * <h2>Every failure is a value</h2>
 * {@link #run} never throws for Redis: a timeout (the configured command timeout), a lost or refused
 * connection, or an error reply comes back as {@link Reply.Down}. Commands are rejected at once while
 * disconnected (never queued behind a reconnection), and Lettuce reconnects by itself. A server that
 * is unreachable when the link opens is not an error either: the link connects on first use, and
 * tries again at most once per connect timeout, so that a request never waits longer than one
 * connect attempt.
 */
public final class RedisLink implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisLink.class.getName());

    /** What a script answered, or why it could not. */
    sealed interface Reply {
        record Ok(List<Object> values) implements Reply {
            long at(int index) {
                return (Long) values.get(index);
            }
        }

        record Down(String reason) implements Reply {}
    }

    private final RedisClient client;
    private final RedisURI uri;
    private final long retryConnectNanos;
    private final Object connecting = new Object();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile RedisCommands<String, String> commands;
    private volatile long nextConnectNanos;
    private volatile String lastConnectFailure = "not connected yet";

    private RedisLink(RedisSettings settings) {
        this.uri = RedisURI.create(settings.uri());
        this.uri.setTimeout(settings.commandTimeout());
        this.client = RedisClient.create();
        this.client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).build())
                .build());
        this.retryConnectNanos = settings.connectTimeout().toNanos();
    }

    /** A link to {@code settings.uri()}; connects now if it can, else on first use. Never throws for Redis. */
    public static RedisLink open(RedisSettings settings) {
        RedisLink link = new RedisLink(Objects.requireNonNull(settings, "settings"));
        link.commands();
        return link;
    }

    /** Whether Redis answers a {@code PING} within the command timeout (for readiness). */
    public boolean isReachable() {
        RedisCommands<String, String> redis = commands();
        if (redis == null) {
            return false;
        }
        try {
            return "PONG".equals(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs {@code script} atomically on {@code keys} (all of one hash slot) with {@code args}. */
    Reply run(LuaScript script, String[] keys, String... args) {
        RedisCommands<String, String> redis = commands();
        if (redis == null) {
            return new Reply.Down("redis unreachable: " + lastConnectFailure);
        }
        try {
            return new Reply.Ok(redis.evalsha(script.sha(), ScriptOutputType.MULTI, keys, args));
        } catch (RedisNoScriptException e) {
            try {
                redis.scriptLoad(script.source());
                return new Reply.Ok(redis.evalsha(script.sha(), ScriptOutputType.MULTI, keys, args));
            } catch (RuntimeException again) {
                return down(script, again);
            }
        } catch (RuntimeException e) {
            return down(script, e);
        }
    }

    private static Reply down(LuaScript script, RuntimeException e) {
        String reason = script.name() + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new Reply.Down(reason);
    }

    private RedisCommands<String, String> commands() {
        RedisCommands<String, String> redis = commands;
        if (redis != null) {
            return redis;
        }
        synchronized (connecting) {
            if (commands != null) {
                return commands;
            }
            if (System.nanoTime() - nextConnectNanos < 0) {
                return null;
            }
            try {
                StatefulRedisConnection<String, String> opened = client.connect(StringCodec.UTF8, uri);
                connection = opened;
                commands = opened.sync();
                return commands;
            } catch (RuntimeException e) {
                lastConnectFailure = e.getClass().getSimpleName();
                nextConnectNanos = System.nanoTime() + retryConnectNanos;
                LOG.log(System.Logger.Level.WARNING, "redis unreachable ({0}); the shared stores answer unavailable", lastConnectFailure);
                return null;
            }
        }
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> open = connection;
        if (open != null) {
            open.close();
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
