package dev.llmrouter.adapters.otel;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The attribute names of the router's spans: the OpenTelemetry GenAI semantic conventions where they
 * name a thing, the router's own under one prefix, {@code llm_router.}, for the rest. Units are in the
 * names (milliseconds, US dollars as exact decimal strings).
 */
public final class Attrs {

    private Attrs() {}

    public static final String PROVIDER = "azure.ai.openai";

    // GenAI semantic conventions
    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    public static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    /** Of the input tokens, those read from the prompt cache. */
    public static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    /** Of the input tokens, those written to the prompt cache. */
    public static final AttributeKey<Long> CACHE_CREATION_TOKENS =
            AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
    /** Of the output tokens, those spent reasoning. */
    public static final AttributeKey<Long> REASONING_TOKENS = AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
    public static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    // HTTP semantic conventions (the gateway's server span)
    public static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    // The router's own
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("llm_router.request_id");
    public static final AttributeKey<String> ACCOUNT = AttributeKey.stringKey("llm_router.account");
    public static final AttributeKey<String> TIER_REQUESTED = AttributeKey.stringKey("llm_router.tier.requested");
    public static final AttributeKey<String> TIER_SERVED = AttributeKey.stringKey("llm_router.tier.served");
    public static final AttributeKey<String> DOWNGRADE_REASON = AttributeKey.stringKey("llm_router.downgrade.reason");
    public static final AttributeKey<Long> CANDIDATES = AttributeKey.longKey("llm_router.candidates");
    public static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("llm_router.deployment");
    public static final AttributeKey<String> REGION = AttributeKey.stringKey("llm_router.region");
    public static final AttributeKey<Long> ATTEMPT_NUMBER = AttributeKey.longKey("llm_router.attempt.number");
    /** How the attempt ended: {@code success}, {@code failed}, or a skip ({@code skipped_breaker_open}, ...). */
    public static final AttributeKey<String> ATTEMPT_OUTCOME = AttributeKey.stringKey("llm_router.attempt.outcome");
    /** Why a failed attempt ended: the failure kind ({@code throttled}, {@code timeout}, {@code content_filtered}, ...). */
    public static final AttributeKey<String> END_REASON = AttributeKey.stringKey("llm_router.attempt.end_reason");
    public static final AttributeKey<Long> UPSTREAM_STATUS = AttributeKey.longKey("llm_router.upstream.status_code");
    public static final AttributeKey<Long> RETRY_AFTER_MS = AttributeKey.longKey("llm_router.retry_after_ms");
    public static final AttributeKey<Long> BACKOFF_MS = AttributeKey.longKey("llm_router.backoff_ms");
    public static final AttributeKey<Long> DURATION_MS = AttributeKey.longKey("llm_router.duration_ms");
    public static final AttributeKey<Long> TIME_TO_FIRST_CHUNK_MS =
            AttributeKey.longKey("llm_router.time_to_first_chunk_ms");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("llm_router.outcome");
    public static final AttributeKey<String> REFUSAL = AttributeKey.stringKey("llm_router.refusal");
    /** Moves from one deployment to the next (a same-deployment retry is not one). */
    public static final AttributeKey<Long> FALLBACKS = AttributeKey.longKey("llm_router.fallbacks");
    /** Calls made to deployments, retries included. */
    public static final AttributeKey<Long> CALLS = AttributeKey.longKey("llm_router.calls");
    public static final AttributeKey<Long> QUOTA_RESERVED_TOKENS = AttributeKey.longKey("llm_router.quota.reserved_tokens");
    public static final AttributeKey<String> QUOTA_RESERVED_USD = AttributeKey.stringKey("llm_router.quota.reserved_usd");
    public static final AttributeKey<Long> QUOTA_SETTLED_TOKENS = AttributeKey.longKey("llm_router.quota.settled_tokens");
    public static final AttributeKey<String> QUOTA_SETTLED_USD = AttributeKey.stringKey("llm_router.quota.settled_usd");
    public static final AttributeKey<String> COST_USD = AttributeKey.stringKey("llm_router.cost_usd");

    /** Event on a stream's attempt span when its first content chunk arrives. */
    public static final String FIRST_CHUNK_EVENT = "gen_ai.first_chunk";
    /** Event on the request span for each deployment passed over without a call. */
    public static final String SKIPPED_EVENT = "llm_router.skipped";
}
