package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import dev.llmrouter.ports.usage.UsageLedger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The ending of every admitted request, in one place (Requirement 5.1, Property 15): exactly one
 * {@link UsageRecord} for a request that reached a deployment, whatever the ending, and none for one
 * that never did; its attempts reported to the telemetry; its quota reservation ended exactly once.
 * The quota settles before the record goes to the ledger: a process that dies between the two has
 * charged the spend without recording it, never recorded spend whose reservation then lapses with its
 * lease and hands the room back (with a store shared by replicas, that would let the month pass its
 * quota). Both happen before the caller receives the end of its answer. A ledger that refuses a
 * record is logged, never fails the request. Thread-safe.
 */
final class UsageRecorder {

    private static final System.Logger LOG = System.getLogger(UsageRecorder.class.getName());

    private final UsageLedger ledger;
    private final RouterTelemetry telemetry;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final Fleet fleet;
    /** Every fleet deployment's path entries without a failure, by {@link Attempt.Outcome#ordinal()}. */
    private final Map<DeploymentId, String[]> pathEntries;

    UsageRecorder(Fleet fleet, UsageLedger ledger, RouterTelemetry telemetry, InstantSource clock, LongSupplier ticker) {
        this.fleet = fleet;
        this.ledger = ledger;
        this.telemetry = telemetry;
        this.clock = clock;
        this.ticker = ticker;
        Map<DeploymentId, String[]> entries = new HashMap<>();
        for (var d : fleet.deployments()) {
            Attempt.Outcome[] outcomes = Attempt.Outcome.values();
            String[] byOutcome = new String[outcomes.length];
            for (Attempt.Outcome o : outcomes) {
                byOutcome[o.ordinal()] = new Tried(null, new Attempt(d.id(), d.region().name(), o, Optional.empty(),
                        Duration.ZERO)).pathEntry();
            }
            entries.put(d.id(), byOutcome);
        }
        this.pathEntries = Map.copyOf(entries);
    }

    /**
     * The candidate that served an answer from {@code called}: {@code called} itself, or, when Azure
     * says it spilled the request ({@code spilledFrom} not empty) and {@code called} names its
     * spillover target, that target, whose deployment, region and prices the answer is recorded and
     * charged as (Requirement 8.5). A spill from a deployment with no target configured stays with it.
     */
    Candidate servedBy(Candidate called, String spilledFrom) {
        if (spilledFrom.isEmpty() || called.deployment().spilloverTo().isEmpty()) {
            return called;
        }
        return fleet.deployment(called.deployment().spilloverTo().get())
                .flatMap(target -> fleet.catalog().model(target.modelId())
                        .map(model -> new Candidate(target, model, called.tier(), called.fallDown())))
                .orElse(called);
    }

    /**
     * A request that consumed {@code usage} on {@code last}: a success, or a stream that broke or whose
     * caller went away after content. The reservation settles to {@code cost}, then the request is recorded.
     */
    void consumed(Admission.Admitted a, Candidate last, TokenUsage usage, Money cost, Optional<Duration> ttft,
            UsageOutcome outcome, List<Tried> tried, String spilledFrom) {
        reportAttempts(a, tried);
        a.quota().settle(usage, cost);
        record(a, last, usage, cost, ttft, outcome, tried, spilledFrom);
    }

    /**
     * A chain that ended without an answer: the reservation is released, and a record (of no usage) is
     * made when a deployment was called.
     */
    ChatOutcome failed(Admission.Admitted a, ExecutionResult<?> result) {
        reportAttempts(a, result.tried());
        a.quota().release();
        if (result instanceof ExecutionResult.FailedFinally<?> no) {
            record(a, no.candidate(), TokenUsage.NONE, Money.ZERO, Optional.empty(), UsageOutcome.FINAL_ERROR,
                    result.tried(), "");
            return new ChatOutcome.Failed(a.route(no.candidate()), no.failure(), result.attempts(), a.rateLimit());
        }
        ExecutionResult.Exhausted<?> exhausted = (ExecutionResult.Exhausted<?>) result;
        result.lastCalled().ifPresent(last -> record(a, last, TokenUsage.NONE, Money.ZERO, Optional.empty(),
                UsageOutcome.EXHAUSTED, result.tried(), ""));
        return new ChatOutcome.Exhausted(result.attempts(), exhausted.retryAt(), a.rateLimit());
    }

    private void reportAttempts(Admission.Admitted a, List<Tried> tried) {
        for (int i = 0; i < tried.size(); i++) { // indexed: no iterator per request
            Tried t = tried.get(i);
            telemetry.attempt(t.candidate().model().id(), a.request().operation(), t.attempt());
        }
    }

    private void record(Admission.Admitted a, Candidate last, TokenUsage usage, Money cost, Optional<Duration> ttft,
            UsageOutcome outcome, List<Tried> tried, String spilledFrom) {
        long now = ticker.getAsLong();
        var caller = a.command().caller();
        UsageRecord record = new UsageRecord(a.requestId(), clock.instant(), caller.accountId(), caller.creator(),
                caller.plan().id(), caller.operation(), a.routed().requestedTier(), last.tier(), last.model().id(),
                last.deployment().id().value(), last.deployment().region().name(), usage, cost,
                Duration.ofNanos(Math.max(0, now - a.startNanos())), ttft, outcome, path(tried), spilledFrom);
        try {
            ledger.append(record);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "usage ledger refused record " + a.requestId(), e);
        }
        telemetry.requestCompleted(record, Math.max(0, distinctDeployments(tried) - 1), a.request().operation());
    }

    /**
     * The usage record's path: {@link Tried#pathEntry()} of each step, the entries without a failure
     * taken from {@link #pathEntries} (built once) rather than concatenated for every request.
     */
    private List<String> path(List<Tried> tried) {
        if (tried.size() == 1) {
            return List.of(pathEntry(tried.get(0)));
        }
        String[] entries = new String[tried.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = pathEntry(tried.get(i));
        }
        return List.of(entries);
    }

    private String pathEntry(Tried t) {
        Attempt a = t.attempt();
        if (a.failure().isEmpty()) {
            String[] known = pathEntries.get(a.deployment());
            if (known != null) {
                return known[a.outcome().ordinal()];
            }
        }
        return t.pathEntry();
    }

    /** How many different deployments the path names; paths are a few steps long, so no set is built. */
    private static int distinctDeployments(List<Tried> tried) {
        int distinct = 0;
        for (int i = 0; i < tried.size(); i++) {
            String d = tried.get(i).attempt().deployment().value();
            boolean seen = false;
            for (int j = 0; j < i && !seen; j++) {
                seen = tried.get(j).attempt().deployment().value().equals(d);
            }
            if (!seen) {
                distinct++;
            }
        }
        return distinct;
    }
}
