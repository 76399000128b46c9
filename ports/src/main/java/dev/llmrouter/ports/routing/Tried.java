package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.router.Attempt;

/** One step of a request's fallback path: the candidate and what happened to it. */
public record Tried(Candidate candidate, Attempt attempt) {

    /** The path entry of usage records: {@code deployment:OUTCOME} or {@code deployment:FAILED:KIND}. */
    public String pathEntry() {
        return attempt.deployment().value() + ":" + attempt.outcome()
                + attempt.failure().map(f -> ":" + f.kind()).orElse("");
    }
}
