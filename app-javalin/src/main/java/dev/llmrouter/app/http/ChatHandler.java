package dev.llmrouter.app.http;

import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.responses.ResponseHomes;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RouteChatUseCase;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}, {@code POST /v1/completions}, {@code POST /v1/embeddings}, their Azure
 * forms {@code POST /openai/deployments/{name}/(chat/completions|completions|embeddings)}, Azure's v1
 * forms {@code POST /openai/v1/(chat/completions|embeddings)}, and the Responses API
 * ({@code POST /v1/responses}, {@code POST /openai/v1/responses}): authenticate, parse, route, answer.
 *
 * <p>Responses are stored by the resource that answered them (Requirement 8.2): the deployment that
 * answered each response id is remembered ({@link ResponseHomes}), and a request that continues one
 * ({@code previous_response_id}) is routed to that deployment only. An id the store does not know, or
 * a store that cannot answer, leaves the request to be routed like any other.
 */
final class ChatHandler {

    private final RouteChatUseCase router;
    private final Authenticator auth;
    private final ChatRequestParser parser;
    private final Fleet fleet;
    private final InstantSource clock;
    private final long maxBodyBytes;
    private final BodyReadLimits bodyRead;
    private final AccountConcurrency concurrency;
    private final ResponseHomes homes;

    ChatHandler(RouteChatUseCase router, Authenticator auth, ChatRequestParser parser, Fleet fleet, InstantSource clock,
            long maxBodyBytes, BodyReadLimits bodyRead, AccountConcurrency concurrency, ResponseHomes homes) {
        this.homes = homes;
        this.router = router;
        this.auth = auth;
        this.parser = parser;
        this.fleet = fleet;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyRead = bodyRead;
        this.concurrency = concurrency;
    }

    /**
     * The OpenAI routes and Azure's v1 paths alike: the body's {@code model} names a tier, a model or a
     * deployment.
     */
    void openAi(Context ctx, ChatOperation operation) {
        handle(ctx, operation, null);
    }

    void azure(Context ctx, ChatOperation operation) {
        handle(ctx, operation, ctx.pathParam("name"));
    }

    private void handle(Context ctx, ChatOperation operation, String pathModel) {
        Account account = auth.require(ctx);
        // Taken before the body is read, so a slow body counts against its own account's slots only.
        try (AccountConcurrency.Permit permit = concurrency.acquire(account)) {
            handle(ctx, operation, pathModel, account, permit);
        }
    }

    /**
     * The permit is given back as soon as the router has returned, before the last bytes of the answer
     * are written: a caller that sends its next request the moment it has an answer finds its slot free.
     */
    private void handle(Context ctx, ChatOperation operation, String pathModel, Account account,
            AccountConcurrency.Permit permit) {
        ContentTypes.requireJson(ctx);
        ChatRequestParser.Parsed parsed = parser.parse(operation, Bodies.read(ctx, maxBodyBytes, bodyRead), pathModel);
        RouterHeaders headers = RouterHeaders.read(ctx, fleet);
        RequestLog log = RequestLog.of(ctx);
        Caller caller = new Caller(account.id(), account.plan(),
                parsed.user() != null ? parsed.user() : headers.creator(),
                headers.operation() != null ? headers.operation() : parsed.operation());
        ChatCommand command = new ChatCommand(caller, parsed.model(), headers.preferredRegion(), headers.residency(),
                headers.allowFallDown(), parsed.request(), log.requestId);
        if (parsed.previousResponseId() != null
                && homes.find(parsed.previousResponseId()) instanceof ResponseHomes.Lookup.Found found) {
            command = command.withRequiredDeployment(found.deployment());
        }
        if (parsed.request().stream()) {
            stream(ctx, command, log, permit);
        } else {
            ChatOutcome outcome = router.complete(command);
            permit.close();
            record(log, outcome);
            if (operation == ChatOperation.RESPONSES && outcome instanceof ChatOutcome.Served served
                    && served.reply().isPresent()) {
                remember(OutcomeMapping.responseId(served.reply().get().body()), served);
            }
            answer(ctx, OutcomeMapping.answer(outcome, clock.instant()));
        }
    }

    private void remember(String responseId, ChatOutcome.Served served) {
        if (responseId != null) {
            try {
                homes.remember(responseId, served.route().deployment().id());
            } catch (RuntimeException e) {
                RequestLog.LOG.warn("could not remember which deployment holds a response", e);
            }
        }
    }

    private void stream(Context ctx, ChatCommand command, RequestLog log, AccountConcurrency.Permit permit) {
        boolean responses = command.request().operation() == ChatOperation.RESPONSES;
        SseStreamListener listener = new SseStreamListener(ctx.res(), log, responses);
        ChatOutcome outcome = router.stream(command, listener);
        permit.close();
        record(log, outcome);
        if (responses && outcome instanceof ChatOutcome.Served served) {
            remember(listener.responseId(), served);
        }
        if (!listener.started()) {
            if (outcome instanceof ChatOutcome.Served served) {
                // A stream that ended without a content chunk: still a well-formed (empty) event stream.
                listener.start(OutcomeMapping.routeHeaders(served.route(), served.attempts()), served.rateLimit());
                listener.done();
                return;
            }
            answer(ctx, OutcomeMapping.answer(outcome, clock.instant()));
            return;
        }
        if (outcome instanceof ChatOutcome.Served) {
            listener.done();
        } else if (outcome instanceof ChatOutcome.StreamBroken broken) {
            if (broken.callerGone()) {
                log.outcome = "caller_gone";
            } else {
                listener.error(OutcomeMapping.streamErrorPayload(broken.failure().get()));
            }
        } else {
            // Not expected after onStart; the caller still learns that the stream failed.
            listener.error(OutcomeMapping.answer(outcome, clock.instant()).body());
        }
    }

    private static void answer(Context ctx, OutcomeMapping.Answer answer) {
        answer.headers().forEach(ctx::header);
        Bodies.writeJson(ctx, answer.status(), answer.body());
    }

    private static void record(RequestLog log, ChatOutcome outcome) {
        log.outcome = outcome.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        List<Attempt> attempts = List.of();
        if (outcome instanceof ChatOutcome.Served s) {
            log.route(s.route());
            log.metered(s.usage(), s.cost());
            attempts = s.attempts();
        } else if (outcome instanceof ChatOutcome.StreamBroken b) {
            log.route(b.route());
            log.metered(b.usage(), b.cost());
            attempts = b.attempts();
        } else if (outcome instanceof ChatOutcome.Failed f) {
            log.route(f.route());
            attempts = f.attempts();
        } else if (outcome instanceof ChatOutcome.Exhausted e) {
            attempts = e.attempts();
        } else if (outcome instanceof ChatOutcome.Refused r) {
            log.outcome = "refused_" + r.refusal().reason().toString().toLowerCase(java.util.Locale.ROOT);
        }
        log.attempts = (int) attempts.stream().filter(Attempt::reachedDeployment).count();
    }
}
