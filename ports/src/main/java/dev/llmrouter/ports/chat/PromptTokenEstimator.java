package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.catalog.TokenEncoding;

/** Outbound port: estimates a prompt's tokens before the call, for admission. */
public interface PromptTokenEstimator {

    PromptEstimate estimate(ChatRequest request, TokenEncoding encoding);
}
