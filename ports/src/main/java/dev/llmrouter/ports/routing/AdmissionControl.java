package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.routing.RoutePlan;
import dev.llmrouter.domain.routing.RouteRequest;
import dev.llmrouter.domain.routing.RoutingPolicy;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Admission: whether a request may go to a deployment at all, decided before any is called.
 *
 * <ol>
 *   <li><b>Check the request rate</b>, consuming nothing ({@link RateGate#precheck}): a caller already at
 *       its request limit is refused before any costly work is done for it (Requirement 9.2).</li>
 *   <li><b>Estimate</b> the prompt's tokens for the model the request most likely gets, then
 *       <b>route</b> with the domain {@link RoutingPolicy}; a {@link RoutePlan.Rejected} becomes a
 *       refusal with the matching {@link Refusal.Reason}.</li>
 *   <li><b>Rate limit</b>: one request and (expected prompt tokens + output cap) tokens, admitted both or
 *       neither; a request larger than a whole minute's tokens is refused for good
 *       ({@link Refusal.Reason#LARGER_THAN_RATE_LIMIT}), not told to retry.</li>
 *   <li><b>Reserve quota</b> for the first candidate's worst case: the prompt's upper-bound estimate plus
 *       the output cap, priced at that model. The output cap is {@code min(caller max_tokens, model
 *       max)} and is what the deployment is sent as {@code max_tokens}, so the reservation is a true
 *       worst case.</li>
 * </ol>
 * The stores a request consults are asked in {@link #gates}, the rate limit then the quota (one after
 * the other, or in one round trip to a store that keeps both), each verdict turned into a refusal
 * there: the one place where a store's new answer is decided about. Each refusal is reported to the
 * telemetry. Thread-safe.
 */
final class AdmissionControl {

    private final Fleet fleet;
    private final DeploymentHealth health;
    private final RoutingPolicy policy;
    private final PromptTokenEstimator estimator;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final RateGate rates;
    private final QuotaGate quota;
    /** A store that answers the rate limit and the quota in one call, or null: the two gates in order. */
    private final OneRoundTripGates oneRoundTrip;
    private final RouterTelemetry telemetry;
    private final Supplier<String> requestIds;
    private final long deadlineNanos;

    AdmissionControl(Fleet fleet, DeploymentHealth health, PromptTokenEstimator estimator, InstantSource clock, LongSupplier ticker,
            RateGate rates, QuotaGate quota, OneRoundTripGates oneRoundTrip, RouterTelemetry telemetry, Supplier<String> requestIds,
            RetrySettings retry) {
        this.fleet = fleet;
        this.health = health;
        this.policy = new RoutingPolicy(fleet);
        this.estimator = estimator;
        this.clock = clock;
        this.ticker = ticker;
        this.rates = rates;
        this.quota = quota;
        this.oneRoundTrip = oneRoundTrip;
        this.telemetry = telemetry;
        this.requestIds = requestIds;
        this.deadlineNanos = retry.requestDeadline().toNanos();
    }

    Admission admit(ChatCommand command) {
        long start = ticker.getAsLong();
        // The cheap check first: a caller at its request limit costs no estimate (Requirement 9.2).
        if (rates.precheck(command.caller(), start) instanceof RateGate.Verdict.Limited limited) {
            return refuse(rateRefusal(limited), limited.status());
        }
        PromptEstimates estimates = new PromptEstimates(estimator, command.request(), fleet);
        RoutePlan plan = policy.route(new RouteRequest(command.caller().plan(), command.requested(),
                command.preferredRegion(), command.residency(), command.request().operation().capability(),
                command.request().needsVision(), estimates.of(guessEncoding(command)).expectedTokens(),
                command.allowFallDown()));
        if (plan instanceof RoutePlan.Rejected rejected) {
            return refuse(routeRefusal(rejected), RateLimitStatus.UNLIMITED);
        }
        RoutePlan.Routed routed = (RoutePlan.Routed) plan;
        if (command.requiredDeployment() != null) {
            Optional<RoutePlan.Routed> pinned = routed.pinnedTo(command.requiredDeployment());
            Refusal refusal = pinRefusal(pinned.isPresent(), command.requiredDeployment());
            if (refusal != null) {
                return refuse(refusal, RateLimitStatus.UNLIMITED);
            }
            routed = pinned.get();
        }
        String requestId = command.requestId().isEmpty() ? requestIds.get() : command.requestId();
        return gates(command, requestId, start, estimates, routed);
    }

    /**
     * The rate limit, then the quota: every store admission consults, asked in this one place (in one
     * round trip when one store keeps both, see {@link OneRoundTripGates}).
     */
    private Admission gates(ChatCommand command, String requestId, long start, PromptEstimates estimates,
            RoutePlan.Routed routed) {
        Caller caller = command.caller();
        Candidate firstCandidate = routed.candidates().get(0);
        ModelSpec first = firstCandidate.model();
        RateGate.Verdict rate;
        QuotaGate.Verdict reservation = null; // asked only for a request the rate limit admitted
        Instant now;
        if (oneRoundTrip == null) {
            rate = rates.admit(caller, estimates.expectedTokens(first), start);
            if (!(rate instanceof RateGate.Verdict.Allowed)) {
                return refusal(rate);
            }
            now = clock.instant();
            reservation = quota.reserve(caller, estimates.worstCase(firstCandidate), now);
        } else {
            now = clock.instant();
            OneRoundTripGates.Verdicts both =
                    oneRoundTrip.admit(caller, estimates.expectedTokens(first), estimates.worstCase(firstCandidate), now);
            rate = both.rate();
            reservation = both.quota();
            if (!(rate instanceof RateGate.Verdict.Allowed)) {
                return refusal(rate);
            }
        }
        RateLimitStatus rateLimit = rate.status();
        if (reservation instanceof QuotaGate.Verdict.Refused no) {
            return refuse(new Refusal(Refusal.Reason.QUOTA_EXCEEDED, no.message(), no.retryAfter()), rateLimit);
        }
        if (reservation instanceof QuotaGate.Verdict.Unavailable down) {
            return refuse(unavailable(down.message(), down.retryAfter()), rateLimit);
        }
        QuotaGate.Hold hold = ((QuotaGate.Verdict.Held) reservation).hold();
        return new Admission.Admitted(command, requestId, start, now, estimates, routed, rateLimit,
                new QuotaHop(hold, estimates, firstCandidate), start + deadlineNanos);
    }

    /** A rate verdict that did not admit, as the refusal it is. */
    private Admission refusal(RateGate.Verdict rate) {
        if (rate instanceof RateGate.Verdict.Unavailable down) {
            return refuse(unavailable(down.message(), down.retryAfter()), RateLimitStatus.UNLIMITED);
        }
        if (rate instanceof RateGate.Verdict.Limited limited) {
            return refuse(rateRefusal(limited), limited.status());
        }
        RateGate.Verdict.TooLarge tooLarge = (RateGate.Verdict.TooLarge) rate;
        return refuse(Refusal.of(Refusal.Reason.LARGER_THAN_RATE_LIMIT, tooLarge.message()), tooLarge.status());
    }

    /**
     * Why a request that must go to {@code required} (Requirement 8.2) cannot go there, or null when it
     * can: a deployment the route rules out (plan, residency, operation: not {@code eligible}) is not
     * eligible; one whose breaker is open or that is cooling down is unavailable until it is expected
     * back. Asked before any store, so a refused request reserves nothing.
     */
    private Refusal pinRefusal(boolean eligible, DeploymentId required) {
        if (!eligible) {
            return Refusal.of(Refusal.Reason.REQUIRED_DEPLOYMENT_NOT_ELIGIBLE, "deployment '" + required.value()
                    + "' holds the response this request continues, but it cannot serve this request (the model, plan, "
                    + "residency or operation asked for rule it out)");
        }
        Instant now = clock.instant();
        Optional<Instant> back = health.expectedBack(required, now);
        if (back.isPresent()) {
            return new Refusal(Refusal.Reason.REQUIRED_DEPLOYMENT_UNAVAILABLE, "deployment '" + required.value()
                    + "' holds the response this request continues and is unavailable (breaker open or "
                    + "cooling down); no other deployment can serve it",
                    Optional.of(Duration.between(now, back.get())));
        }
        return null;
    }

    /** A store that could not answer, under a fail-closed policy (Requirement 7.5): 503 with the policy's wait. */
    private static Refusal unavailable(String message, Duration retryAfter) {
        return new Refusal(Refusal.Reason.STORE_UNAVAILABLE, message, Optional.of(retryAfter));
    }

    private static Refusal rateRefusal(RateGate.Verdict.Limited limited) {
        return new Refusal(Refusal.Reason.RATE_LIMITED, limited.message(), limited.retryAfter());
    }

    private static Refusal routeRefusal(RoutePlan.Rejected rejected) {
        Refusal.Reason reason = switch (rejected.reason()) {
            case UNKNOWN_MODEL -> Refusal.Reason.UNKNOWN_MODEL;
            case NO_ELIGIBLE_DEPLOYMENT -> Refusal.Reason.NO_ELIGIBLE_DEPLOYMENT;
            case PROMPT_TOO_LARGE -> Refusal.Reason.PROMPT_TOO_LARGE;
        };
        return Refusal.of(reason, rejected.message());
    }

    private Admission.Refused refuse(Refusal refusal, RateLimitStatus rateLimit) {
        telemetry.refused(refusal.reason());
        return new Admission.Refused(new ChatOutcome.Refused(refusal, rateLimit));
    }

    /** The encoding to estimate with before the model is known: the model the request most likely gets. */
    private TokenEncoding guessEncoding(ChatCommand command) {
        String requested = command.requested();
        Optional<ModelSpec> named = fleet.catalog().model(requested);
        if (named.isPresent()) {
            return named.get().encoding();
        }
        Tier tier = command.caller().plan().effectiveTier(Tier.parse(requested).orElse(null));
        return fleet.catalog().hasTier(tier) ? fleet.catalog().tierModel(tier).encoding() : TokenEncoding.O200K_BASE;
    }
}
