package dev.llmrouter.domain.catalog;

import dev.llmrouter.domain.money.Pricing;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One model of the catalog.
 *
 * @param id              the model id callers may name (e.g. {@code gpt-4o})
 * @param family          the family it belongs to (e.g. {@code gpt-4-turbo}); tiers map to families
 * @param tier            the tier this model serves
 * @param contextWindow   the most tokens of prompt plus completion the model accepts
 * @param maxOutputTokens the most completion tokens one call may produce (0 for a model that only
 *                        serves embeddings)
 * @param encoding        the tokenizer encoding, for local token counting
 * @param capabilities    the operations it serves and what it accepts; a model that names no
 *                        operation (none of {@link Capability#CHAT}, {@link Capability#TEXT_COMPLETION},
 *                        {@link Capability#EMBEDDINGS}, {@link Capability#RESPONSES}) serves chat and the
 *                        Responses API, as Azure's chat models do
 * @param pricing         list prices of every token kind (input, cached input, cache writes, output)
 */
public record ModelSpec(
        String id,
        String family,
        Tier tier,
        int contextWindow,
        int maxOutputTokens,
        TokenEncoding encoding,
        Set<Capability> capabilities,
        Pricing pricing) {

    public ModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(pricing, "pricing");
        if (id.isBlank()) {
            throw new IllegalArgumentException("model id cannot be blank");
        }
        EnumSet<Capability> all = EnumSet.noneOf(Capability.class);
        all.addAll(capabilities);
        if (all.stream().noneMatch(Capability::isOperation)) {
            all.add(Capability.CHAT);
            all.add(Capability.RESPONSES);
        }
        // A model that only embeds generates nothing: it may declare no output at all.
        int leastOutput = all.contains(Capability.CHAT) || all.contains(Capability.TEXT_COMPLETION)
                || all.contains(Capability.RESPONSES) ? 1 : 0;
        if (contextWindow <= 0 || maxOutputTokens < leastOutput || maxOutputTokens > contextWindow) {
            throw new IllegalArgumentException("model " + id + ": need " + leastOutput + " <= maxOutputTokens ("
                    + maxOutputTokens + ") <= contextWindow (" + contextWindow + ")");
        }
        capabilities = Set.copyOf(all);
    }

    public boolean supports(Capability capability) {
        return capabilities.contains(capability);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Assembles a {@link ModelSpec} in code. */
    public static final class Builder {
        private final String id;
        private String family;
        private Tier tier = Tier.STANDARD;
        private int contextWindow = 128_000;
        private int maxOutputTokens = 4_096;
        private TokenEncoding encoding = TokenEncoding.O200K_BASE;
        private final EnumSet<Capability> capabilities = EnumSet.noneOf(Capability.class);
        private Pricing pricing = Pricing.FREE;

        private Builder(String id) {
            this.id = id;
            this.family = id;
        }

        public Builder family(String family) {
            this.family = family;
            return this;
        }

        public Builder tier(Tier tier) {
            this.tier = tier;
            return this;
        }

        public Builder contextWindow(int tokens) {
            this.contextWindow = tokens;
            return this;
        }

        public Builder maxOutputTokens(int tokens) {
            this.maxOutputTokens = tokens;
            return this;
        }

        public Builder encoding(TokenEncoding encoding) {
            this.encoding = encoding;
            return this;
        }

        public Builder capabilities(Capability... capabilities) {
            this.capabilities.addAll(java.util.List.of(capabilities));
            return this;
        }

        public Builder pricing(Pricing pricing) {
            this.pricing = pricing;
            return this;
        }

        /** Prices in dollars per 1M tokens, input then output. */
        public Builder pricePerMillion(String inputUsd, String outputUsd) {
            return pricing(Pricing.perMillion(inputUsd, outputUsd));
        }

        /** Prices in dollars per 1M tokens: input, cached input, output. */
        public Builder pricePerMillion(String inputUsd, String cachedInputUsd, String outputUsd) {
            return pricing(Pricing.perMillion(inputUsd, cachedInputUsd, outputUsd));
        }

        public ModelSpec build() {
            return new ModelSpec(id, family, tier, contextWindow, maxOutputTokens, encoding, capabilities, pricing);
        }
    }
}
