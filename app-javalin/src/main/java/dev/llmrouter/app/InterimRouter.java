package dev.llmrouter.app;

import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.routing.RoutePlan;
import dev.llmrouter.domain.routing.RouteRequest;
import dev.llmrouter.domain.routing.RoutingPolicy;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.chat.ByteBoundEstimator;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RateLimitStatus;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.router.RouteChatUseCase;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import dev.llmrouter.ports.usage.UsageLedger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A stand-in for the router while the real one is not part of the build: routes with the domain's
 * {@link RoutingPolicy}, tries the chain in order once each (no breakers, no backoff, no admission),
 * and writes one usage record per request that reached a deployment. Package-private: it exists only
 * so the gateway can start end to end, and goes when the real router is wired.
 */
final class InterimRouter implements RouteChatUseCase, DeploymentStatusQuery {

    private final Fleet fleet;
    private final RoutingPolicy policy;
    private final ChatEndpoint endpoint;
    private final UsageLedger ledger;
    private final InstantSource clock;
    private final Duration attemptTimeout;

    InterimRouter(Fleet fleet, ChatEndpoint endpoint, UsageLedger ledger, InstantSource clock, Duration attemptTimeout) {
        this.fleet = fleet;
        this.policy = new RoutingPolicy(fleet);
        this.endpoint = endpoint;
        this.ledger = ledger;
        this.clock = clock;
        this.attemptTimeout = attemptTimeout;
    }

    @Override
    public ChatOutcome complete(ChatCommand command) {
        return run(command, null);
    }

    @Override
    public ChatOutcome stream(ChatCommand command, StreamListener listener) {
        return run(command, listener);
    }

    private ChatOutcome run(ChatCommand command, StreamListener listener) {
        Instant started = clock.instant();
        long estimate = new ByteBoundEstimator().estimate(command.request(), null).expectedTokens();
        RouteRequest request = new RouteRequest(command.caller().plan(), command.requested(), command.preferredRegion(),
                command.residency(), command.request().needsVision(), estimate, command.allowFallDown());
        RoutePlan plan = policy.route(request);
        if (plan instanceof RoutePlan.Rejected rejected) {
            Refusal.Reason reason = switch (rejected.reason()) {
                case UNKNOWN_MODEL -> Refusal.Reason.UNKNOWN_MODEL;
                case PROMPT_TOO_LARGE -> Refusal.Reason.PROMPT_TOO_LARGE;
                case NO_ELIGIBLE_DEPLOYMENT -> Refusal.Reason.NO_ELIGIBLE_DEPLOYMENT;
            };
            return new ChatOutcome.Refused(Refusal.of(reason, rejected.message()), RateLimitStatus.UNLIMITED);
        }
        RoutePlan.Routed routed = (RoutePlan.Routed) plan;
        List<Attempt> attempts = new ArrayList<>();
        List<String> path = new ArrayList<>();
        Candidate last = null;
        for (Candidate c : routed.candidates()) {
            last = c;
            RouteInfo route = new RouteInfo(routed.requestedTier(), c.tier(), c.model(), c.deployment(), routed.downgrade(), c.fallDown());
            ChatCall call = new ChatCall(c, command.request(), Math.min(c.model().maxOutputTokens(),
                    command.request().maxOutputTokens() > 0 ? command.request().maxOutputTokens() : c.model().maxOutputTokens()),
                    attemptTimeout, command.requestId());
            Instant t0 = clock.instant();
            try {
                if (listener == null) {
                    ChatReply reply = endpoint.complete(call);
                    attempts.add(attempt(c, Attempt.Outcome.SUCCESS, null, t0));
                    path.add(c.deployment().id() + ":SUCCESS");
                    Money cost = record(command, routed, c, reply.usage(), started, UsageOutcome.SUCCESS, path);
                    return new ChatOutcome.Served(route, Optional.of(reply), reply.usage(), cost, attempts, RateLimitStatus.UNLIMITED);
                }
                return streamFrom(command, listener, routed, c, route, call, attempts, path, started, t0);
            } catch (EndpointException e) {
                Failure f = e.failure();
                attempts.add(attempt(c, Attempt.Outcome.FAILED, f, t0));
                path.add(c.deployment().id() + ":FAILED:" + f.kind());
                if (f.kind().isFinal()) {
                    record(command, routed, c, TokenUsage.NONE, started, UsageOutcome.FINAL_ERROR, path);
                    return new ChatOutcome.Failed(route, f, attempts, RateLimitStatus.UNLIMITED);
                }
            }
        }
        if (last != null) {
            record(command, routed, last, TokenUsage.NONE, started, UsageOutcome.EXHAUSTED, path);
        }
        return new ChatOutcome.Exhausted(attempts, Optional.empty(), RateLimitStatus.UNLIMITED);
    }

    private ChatOutcome streamFrom(ChatCommand command, StreamListener listener, RoutePlan.Routed routed, Candidate c,
            RouteInfo route, ChatCall call, List<Attempt> attempts, List<String> path, Instant started, Instant t0) {
        try (ChatStream stream = endpoint.openStream(call)) {
            boolean startedStream = false;
            while (true) {
                Optional<StreamChunk> next;
                try {
                    next = stream.next();
                } catch (EndpointException e) {
                    if (!startedStream) {
                        throw e;
                    }
                    attempts.add(attempt(c, Attempt.Outcome.FAILED, e.failure(), t0));
                    path.add(c.deployment().id() + ":FAILED:" + e.failure().kind());
                    Money cost = record(command, routed, c, stream.usage(), started, UsageOutcome.STREAM_INTERRUPTED, path);
                    return new ChatOutcome.StreamBroken(route, Optional.of(e.failure()), stream.usage(), cost, attempts,
                            RateLimitStatus.UNLIMITED);
                }
                if (next.isEmpty()) {
                    break;
                }
                StreamChunk chunk = next.get();
                if (chunk.usageOnly() && !command.request().includeUsage()) {
                    continue;
                }
                if (!startedStream) {
                    listener.onStart(route, RateLimitStatus.UNLIMITED);
                    startedStream = true;
                }
                if (!listener.onChunk(chunk)) {
                    path.add(c.deployment().id() + ":CANCELLED");
                    Money cost = record(command, routed, c, stream.usage(), started, UsageOutcome.CANCELLED, path);
                    return new ChatOutcome.StreamBroken(route, Optional.empty(), stream.usage(), cost, attempts,
                            RateLimitStatus.UNLIMITED);
                }
            }
            attempts.add(attempt(c, Attempt.Outcome.SUCCESS, null, t0));
            path.add(c.deployment().id() + ":SUCCESS");
            Money cost = record(command, routed, c, stream.usage(), started, UsageOutcome.SUCCESS, path);
            return new ChatOutcome.Served(route, Optional.empty(), stream.usage(), cost, attempts, RateLimitStatus.UNLIMITED);
        }
    }

    private Attempt attempt(Candidate c, Attempt.Outcome outcome, Failure failure, Instant t0) {
        return new Attempt(c.deployment().id(), c.deployment().region().name(), outcome, Optional.ofNullable(failure),
                Duration.between(t0, clock.instant()));
    }

    private Money record(ChatCommand command, RoutePlan.Routed routed, Candidate c, TokenUsage usage, Instant started,
            UsageOutcome outcome, List<String> path) {
        Money cost = c.model().pricing().costOf(usage);
        Instant now = clock.instant();
        ledger.append(new UsageRecord(command.requestId(), now, command.caller().accountId(), command.caller().creator(),
                command.caller().plan().id(), command.caller().operation(), routed.requestedTier(), c.tier(),
                c.model().id(), c.deployment().id().value(), c.deployment().region().name(), usage, cost,
                Duration.between(started, now), Optional.empty(), outcome, path));
        return cost;
    }

    @Override
    public List<DeploymentStatus> deployments() {
        return fleet.deployments().stream()
                .map(d -> new DeploymentStatus(d, "closed", Optional.empty(), Optional.empty(), 0, 0, 0))
                .toList();
    }
}
