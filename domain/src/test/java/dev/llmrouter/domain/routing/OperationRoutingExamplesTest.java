package dev.llmrouter.domain.routing;

import static dev.llmrouter.domain.fixtures.Fixtures.enterprisePlan;
import static dev.llmrouter.domain.fixtures.Fixtures.exampleFleet;
import static dev.llmrouter.domain.fixtures.Fixtures.freePlan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.routing.RoutePlan.Reason;
import dev.llmrouter.domain.routing.RoutePlan.Rejected;
import dev.llmrouter.domain.routing.RoutePlan.Routed;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4, by example over the example fleet (and Requirements 8.1 and 8.3: embeddings go only to
 * an embedding model; a deployment's name stands for its model): a text completion goes only to a model with the
 * text-completion capability, a chat only to a chat model; when none is in reach the rejection says
 * which operation was asked and which models serve it.
 */
@DisplayName("Requirement 1.4: an operation goes only to models that serve it")
class OperationRoutingExamplesTest {

    private final RoutingPolicy policy = new RoutingPolicy(exampleFleet());

    @Test
    @DisplayName("the example catalog: GPT-3.5 Turbo Instruct serves only text completions, text-embedding-3-small only "
            + "embeddings, every other model only chat")
    void exampleCatalogDeclaresItsOperations() {
        for (ModelSpec m : ExampleCatalog.create().models()) {
            boolean instruct = m.id().equals("gpt-35-turbo-instruct");
            boolean embedding = m.id().equals("text-embedding-3-small");
            assertThat(m.supports(Capability.TEXT_COMPLETION)).as(m.id()).isEqualTo(instruct);
            assertThat(m.supports(Capability.EMBEDDINGS)).as(m.id()).isEqualTo(embedding);
            assertThat(m.supports(Capability.CHAT)).as(m.id()).isEqualTo(!instruct && !embedding);
        }
    }

    @Test
    @DisplayName("embeddings for the economy tier skip its chat and instruct models and get the embedding model")
    void embeddingsForEconomyGetTheEmbeddingModel() {
        Routed routed = routed(policy.route(RouteRequest.of(freePlan(), "economy").withOperation(Capability.EMBEDDINGS)));

        assertThat(routed.model().id()).isEqualTo("text-embedding-3-small");
        assertThat(routed.candidates()).isNotEmpty()
                .allSatisfy(c -> assertThat(c.model().id()).isEqualTo("text-embedding-3-small"));
    }

    @Test
    @DisplayName("a chat naming the embedding model is rejected with the chat models in reach; embeddings naming a chat "
            + "model never reach it")
    void chatAndEmbeddingsNeverCross() {
        RoutePlan chat = policy.route(RouteRequest.of(freePlan(), "text-embedding-3-small").withFallDown(false));
        assertThat(chat).isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.message()).contains("a chat completion needs a chat model"));

        RoutePlan noFallDown = policy.route(RouteRequest.of(enterprisePlan(), "gpt-4o").withOperation(Capability.EMBEDDINGS)
                .withFallDown(false));
        assertThat(noFallDown).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.message()).contains("an embeddings request needs an embedding model", "text-embedding-3-small"));
        Routed fellDown = routed(policy.route(RouteRequest.of(enterprisePlan(), "gpt-4o").withOperation(Capability.EMBEDDINGS)));
        assertThat(fellDown.candidates()).isNotEmpty().allSatisfy(c -> {
            assertThat(c.model().id()).isEqualTo("text-embedding-3-small");
            assertThat(c.fallDown()).isTrue();
        });
    }

    @Test
    @DisplayName("a deployment named as the model (Azure's v1 API) stands for the model it serves")
    void aDeploymentNameStandsForItsModel() {
        Routed routed = routed(policy.route(RouteRequest.of(enterprisePlan(), "text-embedding-3-small-westeurope")
                .withOperation(Capability.EMBEDDINGS)));

        assertThat(routed.model().id()).isEqualTo("text-embedding-3-small");
        assertThat(routed.candidates()).extracting(c -> c.deployment().id().value())
                .containsExactly("text-embedding-3-small-eastus", "text-embedding-3-small-westeurope");
    }

    @Test
    @DisplayName("a text completion for the economy tier skips the chat-only tier model and gets the instruct model")
    void textCompletionForEconomyGetsTheInstructModel() {
        // when
        Routed routed = routed(policy.route(RouteRequest.of(freePlan(), "economy").withOperation(Capability.TEXT_COMPLETION)));

        // then
        assertThat(routed.effectiveTier()).isEqualTo(Tier.ECONOMY);
        assertThat(routed.model().id()).isEqualTo("gpt-35-turbo-instruct");
        assertThat(routed.candidates()).allSatisfy(c -> assertThat(c.model().id()).isEqualTo("gpt-35-turbo-instruct"));
    }

    @Test
    @DisplayName("a text completion naming a chat model is never sent to it; with fall-down it reaches the instruct model")
    void textCompletionNamingAChatModelFallsToTheInstructModel() {
        // when
        Routed routed = routed(policy.route(RouteRequest.of(enterprisePlan(), "gpt-4o").withOperation(Capability.TEXT_COMPLETION)));

        // then
        assertThat(routed.candidates()).isNotEmpty()
                .allSatisfy(c -> assertThat(c.model().supports(Capability.TEXT_COMPLETION)).isTrue());
        assertThat(routed.candidates()).allSatisfy(c -> assertThat(c.fallDown()).isTrue());
    }

    @Test
    @DisplayName("a text completion with no model in reach is rejected, naming the capability and the models that have it")
    void textCompletionWithoutACapableModelIsRejected() {
        // when: premium, fall-down refused: no premium model serves text completions
        RoutePlan plan = policy.route(RouteRequest.of(enterprisePlan(), "premium")
                .withOperation(Capability.TEXT_COMPLETION).withFallDown(false));

        // then
        assertThat(plan).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.NO_ELIGIBLE_DEPLOYMENT);
            assertThat(r.message()).contains("text-completion capability").contains("gpt-35-turbo-instruct");
        });
    }

    @Test
    @DisplayName("a chat naming the instruct model is rejected, naming the chat models the plan reaches")
    void chatNamingTheInstructModelIsRejected() {
        // when: the free plan has no fall-down and the instruct model is already economy
        RoutePlan plan = policy.route(RouteRequest.of(freePlan(), "gpt-35-turbo-instruct"));

        // then
        assertThat(plan).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.NO_ELIGIBLE_DEPLOYMENT);
            assertThat(r.message()).contains("chat model").contains("gpt-35-turbo").contains("gpt-4o-mini")
                    .doesNotContain("gpt-4-turbo");
        });
    }

    @Test
    @DisplayName("a remembered chat chain is not given to a text completion of the same shape")
    void rememberedChainsAreKeptApartByOperation() {
        // given: the economy chat chain is remembered
        Routed chat = routed(policy.route(RouteRequest.of(freePlan(), "economy")));

        // when
        Routed text = routed(policy.route(RouteRequest.of(freePlan(), "economy").withOperation(Capability.TEXT_COMPLETION)));

        // then
        assertThat(chat.candidates()).noneMatch(c -> c.model().id().equals("gpt-35-turbo-instruct"));
        assertThat(text.candidates()).allMatch(c -> c.model().id().equals("gpt-35-turbo-instruct"));
        assertThat(routed(policy.route(RouteRequest.of(freePlan(), "economy")))).isEqualTo(chat);
    }

    private static Routed routed(RoutePlan plan) {
        assertThat(plan).isInstanceOf(Routed.class);
        return (Routed) plan;
    }
}
