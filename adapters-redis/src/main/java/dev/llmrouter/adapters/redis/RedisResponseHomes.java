package dev.llmrouter.adapters.redis;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.responses.ResponseHomes;
import java.time.Duration;
import java.util.Objects;

/**
 * {@link ResponseHomes} in Redis, shared by every gateway process: one key per response id
 * ({@code llmr:resp:{id}}) holding the deployment's id, expiring with Redis' own TTL. A Redis that
 * cannot answer makes {@link #find} answer {@link Lookup.Unavailable} and {@link #remember} a no-op
 * (logged): neither ever fails a call.
 */
public final class RedisResponseHomes implements ResponseHomes {

    private static final System.Logger LOG = System.getLogger(RedisResponseHomes.class.getName());
    private static final LuaScript SET = LuaScript.inline("response-home-set",
            "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return {1}");
    private static final LuaScript GET = LuaScript.inline("response-home-get",
            "local v = redis.call('GET', KEYS[1]) if v then return {v} end return {}");

    private final RedisLink link;
    private final String ttlMillis;

    public RedisResponseHomes(RedisLink link, Duration ttl) {
        this.link = Objects.requireNonNull(link, "link");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        this.ttlMillis = Long.toString(ttl.toMillis());
    }

    @Override
    public void remember(String responseId, DeploymentId deployment) {
        RedisLink.Reply reply = link.run(SET, new String[] {key(responseId)}, deployment.value(), ttlMillis);
        if (reply instanceof RedisLink.Reply.Down down) {
            LOG.log(System.Logger.Level.WARNING, "could not remember a response's deployment: {0}", down.reason());
        }
    }

    @Override
    public Lookup find(String responseId) {
        RedisLink.Reply reply = link.run(GET, new String[] {key(responseId)});
        if (reply instanceof RedisLink.Reply.Down down) {
            return new Lookup.Unavailable(down.reason());
        }
        var values = ((RedisLink.Reply.Ok) reply).values();
        return values.isEmpty() ? Lookup.UNKNOWN : new Lookup.Found(new DeploymentId(String.valueOf(values.get(0))));
    }

    private static String key(String responseId) {
        return "llmr:resp:{" + responseId + "}";
    }
}
