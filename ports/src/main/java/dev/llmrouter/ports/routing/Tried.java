package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.router.Attempt;
import java.util.List;

/** One step of a request's fallback path: the candidate and what happened to it. */
public record Tried(Candidate candidate, Attempt attempt) {

    /** The path entry of usage records: {@code deployment:OUTCOME} or {@code deployment:FAILED:KIND}. */
    public String pathEntry() {
        return attempt.deployment().value() + ":" + attempt.outcome()
                + attempt.failure().map(f -> ":" + f.kind()).orElse("");
    }

    /** The attempts of {@code tried}, in order, unmodifiable; the usual one-step path without a stream. */
    static List<Attempt> attempts(List<Tried> tried) {
        if (tried.size() == 1) {
            return List.of(tried.get(0).attempt());
        }
        return tried.stream().map(Tried::attempt).toList();
    }
}
