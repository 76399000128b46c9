package dev.llmrouter.domain.catalog;

import static dev.llmrouter.domain.catalog.Capability.TEXT_COMPLETION;
import static dev.llmrouter.domain.catalog.Capability.TOOLS;
import static dev.llmrouter.domain.catalog.Capability.VISION;
import static dev.llmrouter.domain.catalog.TokenEncoding.CL100K_BASE;
import static dev.llmrouter.domain.catalog.TokenEncoding.O200K_BASE;

/**
 * The example catalog the gateway's embedded default serves, and a starting point for real
 * configuration. It is data assembled with the public builder, as a configuration file would be.
 *
 * <p>Tier models as in the earlier version of the product: premium → GPT-4 Turbo, standard → GPT-4,
 * economy → GPT-3.5 Turbo. Current models sit beside them in the tier matching their price class.
 *
 * <p>Prices are Azure OpenAI list prices in USD per 1M tokens, Global Standard deployments, pay as you
 * go (cached input where the model has a prompt-cache price; elsewhere the input price), from the Azure OpenAI Service pricing page
 * (https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/). Context windows
 * and output limits are from the Azure OpenAI models page
 * (https://learn.microsoft.com/azure/ai-services/openai/concepts/models).
 */
public final class ExampleCatalog {

    private ExampleCatalog() {}

    public static ModelCatalog create() {
        return ModelCatalog.builder()
                // GPT-4 Turbo 2024-04-09: $10.00 in / $30.00 out per 1M (pricing page, "GPT-4 Turbo").
                .model(ModelSpec.builder("gpt-4-turbo").family("gpt-4-turbo").tier(Tier.PREMIUM)
                        .contextWindow(128_000).maxOutputTokens(4_096).encoding(CL100K_BASE)
                        .capabilities(VISION, TOOLS).pricePerMillion("10.00", "30.00"))
                // GPT-4o 2024-11-20: $2.50 in / $1.25 cached in / $10.00 out per 1M (pricing page, "GPT-4o Global").
                .model(ModelSpec.builder("gpt-4o").family("gpt-4o").tier(Tier.PREMIUM)
                        .contextWindow(128_000).maxOutputTokens(16_384).encoding(O200K_BASE)
                        .capabilities(VISION, TOOLS).pricePerMillion("2.50", "1.25", "10.00"))
                // GPT-4.1 2025-04-14: $2.00 in / $0.50 cached in / $8.00 out per 1M (pricing page, "GPT-4.1 Global").
                .model(ModelSpec.builder("gpt-4.1").family("gpt-4.1").tier(Tier.PREMIUM)
                        .contextWindow(1_047_576).maxOutputTokens(32_768).encoding(O200K_BASE)
                        .capabilities(VISION, TOOLS).pricePerMillion("2.00", "0.50", "8.00"))
                // GPT-4 0613 (8K): $30.00 in / $60.00 out per 1M, i.e. $0.03 / $0.06 per 1K (pricing page, "GPT-4").
                .model(ModelSpec.builder("gpt-4").family("gpt-4").tier(Tier.STANDARD)
                        .contextWindow(8_192).maxOutputTokens(4_096).encoding(CL100K_BASE)
                        .capabilities(TOOLS).pricePerMillion("30.00", "60.00"))
                // GPT-4.1-mini 2025-04-14: $0.40 in / $0.10 cached in / $1.60 out per 1M (pricing page, "GPT-4.1-mini Global").
                .model(ModelSpec.builder("gpt-4.1-mini").family("gpt-4.1").tier(Tier.STANDARD)
                        .contextWindow(1_047_576).maxOutputTokens(32_768).encoding(O200K_BASE)
                        .capabilities(VISION, TOOLS).pricePerMillion("0.40", "0.10", "1.60"))
                // GPT-3.5 Turbo 0125: $0.50 in / $1.50 out per 1M, i.e. $0.0005 / $0.0015 per 1K (pricing page, "GPT-3.5-Turbo-0125").
                .model(ModelSpec.builder("gpt-35-turbo").family("gpt-35-turbo").tier(Tier.ECONOMY)
                        .contextWindow(16_385).maxOutputTokens(4_096).encoding(CL100K_BASE)
                        .capabilities(TOOLS).pricing(dev.llmrouter.domain.money.Pricing.perThousand("0.0005", "0.0015")))
                // GPT-3.5 Turbo Instruct: $1.50 in / $2.00 out per 1M (pricing page), the text-completions model.
                .model(ModelSpec.builder("gpt-35-turbo-instruct").family("gpt-35-turbo").tier(Tier.ECONOMY)
                        .contextWindow(4_097).maxOutputTokens(4_096).encoding(CL100K_BASE)
                        .capabilities(TEXT_COMPLETION).pricePerMillion("1.50", "2.00"))
                // GPT-4o-mini 2024-07-18: $0.15 in / $0.075 cached in / $0.60 out per 1M (pricing page, "GPT-4o-mini Global").
                .model(ModelSpec.builder("gpt-4o-mini").family("gpt-4o").tier(Tier.ECONOMY)
                        .contextWindow(128_000).maxOutputTokens(16_384).encoding(O200K_BASE)
                        .capabilities(VISION, TOOLS).pricePerMillion("0.15", "0.075", "0.60"))
                // GPT-4.1-nano 2025-04-14: $0.10 in / $0.025 cached in / $0.40 out per 1M (pricing page, "GPT-4.1-nano Global").
                .model(ModelSpec.builder("gpt-4.1-nano").family("gpt-4.1").tier(Tier.ECONOMY)
                        .contextWindow(1_047_576).maxOutputTokens(32_768).encoding(O200K_BASE)
                        .capabilities(VISION, TOOLS).pricePerMillion("0.10", "0.025", "0.40"))
                .tierModel(Tier.PREMIUM, "gpt-4-turbo")
                .tierModel(Tier.STANDARD, "gpt-4")
                .tierModel(Tier.ECONOMY, "gpt-35-turbo")
                .build();
    }
}
