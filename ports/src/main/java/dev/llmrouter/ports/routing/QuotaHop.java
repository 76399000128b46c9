package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;

/**
 * One admitted request's quota reservation as the request goes down its chain: before the first call
 * to a candidate of another model or other prices the reservation is resized to that candidate's worst
 * case, and a
 * candidate the quota cannot hold is passed over (the executor's {@link FallbackExecutor.HopGate}).
 * The reservation ends exactly once, settled to what was consumed or released. Confined to the
 * request's thread.
 */
final class QuotaHop implements FallbackExecutor.HopGate {

    private final QuotaGate.Hold hold;
    private final PromptEstimates estimates;
    private Candidate heldFor;

    QuotaHop(QuotaGate.Hold hold, PromptEstimates estimates, Candidate heldFor) {
        this.hold = hold;
        this.estimates = estimates;
        this.heldFor = heldFor;
    }

    @Override
    public boolean mayCall(Candidate candidate) {
        if (candidate.model().id().equals(heldFor.model().id()) && candidate.pricing().equals(heldFor.pricing())
                && candidate.deployment().spilloverTo().equals(heldFor.deployment().spilloverTo())) {
            return true;
        }
        if (hold.resize(estimates.worstCase(candidate))) {
            heldFor = candidate;
            return true;
        }
        return false;
    }

    void settle(TokenUsage usage, Money cost) {
        hold.settle(new QuotaGate.Charge(usage.totalTokens(), cost));
    }

    void release() {
        hold.release();
    }
}
