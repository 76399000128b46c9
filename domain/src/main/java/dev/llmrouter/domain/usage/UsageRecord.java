package dev.llmrouter.domain.usage;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Exactly one per request that reached a deployment (Requirement 5.1).
 *
 * @param requestId       correlation id
 * @param time            when the request completed
 * @param accountId       the account charged
 * @param creator         attribution (OpenAI {@code user} or header), or empty
 * @param planId          the account's plan
 * @param operation       business operation, or empty
 * @param requestedTier   the tier asked for, if any
 * @param tier            the tier that served (or last tried)
 * @param model           the model that served (or last tried)
 * @param deployment      the deployment that served (or last tried); when Azure spilled the request
 *                        from the deployment called to its spillover target, the target, which it is priced as
 * @param region          its region
 * @param tokens          tokens of every kind (input, cached input, cache writes, output, reasoning)
 * @param cost            exact cost of those tokens
 * @param latency         from admission to the end of the answer
 * @param timeToFirstToken for streams, until the first content chunk
 * @param outcome         how it ended
 * @param path            the deployments tried, in order, each with its outcome ({@code eastus-1:FAILED:SERVER_ERROR})
 * @param spilledFrom     Azure's {@code x-ms-spillover-from-deployment} on the answer: the deployment it
 *                        spilled the request from; empty when it did not (Requirement 8.5)
 */
public record UsageRecord(
        String requestId,
        Instant time,
        String accountId,
        String creator,
        String planId,
        String operation,
        Optional<Tier> requestedTier,
        Tier tier,
        String model,
        String deployment,
        String region,
        TokenUsage tokens,
        Money cost,
        Duration latency,
        Optional<Duration> timeToFirstToken,
        UsageOutcome outcome,
        List<String> path,
        String spilledFrom) {

    public UsageRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(outcome, "outcome");
        requestId = requestId == null ? "" : requestId;
        creator = creator == null ? "" : creator;
        operation = operation == null ? "" : operation;
        requestedTier = requestedTier == null ? Optional.empty() : requestedTier;
        timeToFirstToken = timeToFirstToken == null ? Optional.empty() : timeToFirstToken;
        path = List.copyOf(path);
        spilledFrom = spilledFrom == null ? "" : spilledFrom;
    }
}
