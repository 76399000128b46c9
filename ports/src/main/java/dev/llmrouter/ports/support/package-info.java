/**
 * Mechanisms shared by the in-memory stores of several features (quotas, rate limits), kept here so
 * that each is written and reasoned about once.
 */
package dev.llmrouter.ports.support;
