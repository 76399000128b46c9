package dev.llmrouter.ports.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Region;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import java.net.URI;
import java.time.InstantSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding example, as written there, runs: a router in code, no HTTP, no Azure SDK. It
 * lives beside the in-memory adapters because the example uses their ledger.
 */
@DisplayName("Embedding the router in code (README example)")
class EmbeddingExampleTest {

    @Test
    void the_readme_example_routes_a_request() {
        ChatEndpoint myChatEndpoint = new ScriptedChatEndpoint();

        Fleet fleet = Fleet.builder().catalog(ExampleCatalog.create())
                .deployment(new Deployment(DeploymentId.of("gpt-4o-eus"), "gpt-4o", Region.of("eastus", Geography.US),
                        URI.create("https://contoso-eus.openai.azure.com"), "gpt-4o", ChainRole.PRIMARY))
                .deployment(new Deployment(DeploymentId.of("gpt-4o-weu"), "gpt-4o", Region.of("westeurope", Geography.EU),
                        URI.create("https://contoso-weu.openai.azure.com"), "gpt-4o", ChainRole.SECONDARY))
                .build();
        Router router = Router.builder()
                .fleet(fleet)
                .endpoint(myChatEndpoint)
                .ledger(new InMemoryUsageLedger())   // any UsageLedger: your database, or adapters-inmemory's
                .clock(InstantSource.system())
                .build();

        Plan plan = Plan.builder("enterprise").highestTier(Tier.PREMIUM).build();
        ChatOutcome outcome = router.complete(ChatCommand.of(new Caller("acct-42", plan, "alice", "summarize"),
                "gpt-4o", ChatRequest.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class,
                s -> assertThat(s.route().deployment().id().value()).isEqualTo("gpt-4o-eus"));
        assertThat(router.deployments()).hasSize(2);
    }
}
