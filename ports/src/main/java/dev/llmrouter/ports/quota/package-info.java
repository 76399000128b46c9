/**
 * Monthly quotas per account (Requirement 5.4, Property 17): reserve the worst case before a request
 * reaches a deployment, settle the actual usage after, so concurrent requests can never overspend.
 *
 * <p>How the router uses it, per request:
 * <pre>{@code
 * PromptEstimate prompt = estimator.estimate(request, model.encoding());
 * int cap = QuotaAdmission.effectiveMaxOutputTokens(model, requestedMaxTokens);
 * RateDecision rate = rateLimiter.tryAcquire(account, plan.rateLimits(), prompt.expectedTokens() + cap);
 * // not allowed: refuse with 429 and rate's Retry-After / x-ratelimit-* headers
 * QuotaDecision quota = admission.admit(account, plan, model, prompt, requestedMaxTokens);
 * // QuotaExceeded: refuse with 429 insufficient_quota
 * QuotaTicket ticket = (QuotaTicket) quota;
 * // call the deployment with max_tokens = ticket.maxOutputTokens(), then exactly one of:
 * admission.settle(ticket, usage);      // it reached a deployment (the ledger recorded it first)
 * admission.release(ticket);            // it never did
 * // on a fall-down to another model before settling:
 * QuotaDecision moved = admission.readmit(ticket, plan, lowerTierModel);
 * }</pre>
 */
package dev.llmrouter.ports.quota;
