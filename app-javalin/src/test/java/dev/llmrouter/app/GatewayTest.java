package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.http.Account;
import dev.llmrouter.app.sim.Pacer;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import dev.llmrouter.ports.usage.UsageQueryUseCase.GroupBy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 3.5: the wiring builds a working gateway from the embedded default. */
@DisplayName("Requirement 3.5 — wiring the embedded default")
class GatewayTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello, router!\"}]}";

    static GatewayConfig embedded() {
        return new ConfigLoader(Map.<String, String>of()::get).loadEmbeddedDefault();
    }

    /** The embedded default's YAML text, for tests that vary one setting of it. */
    static String embeddedYaml() {
        try (var in = ConfigLoader.class.getResourceAsStream(ConfigLoader.EMBEDDED_DEFAULT)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Gateway.Options testOptions() {
        return Gateway.Options.defaults().withPacer(Pacer.NONE);
    }

    private final Gateway gateway = Gateway.build(embedded(), testOptions());

    private Caller caller(String key) {
        Account account = gateway.context().accounts().authenticate(key).orElseThrow();
        return new Caller(account.id(), account.plan(), "alice", "greeting");
    }

    @Test
    void a_chat_through_the_routing_use_case_is_served_and_metered() throws Exception {
        ChatOutcome outcome = gateway.router().complete(ChatCommand.of(caller(DemoKeys.ENTERPRISE), "standard", ChatRequest.chat(HELLO)));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, served -> {
            assertThat(served.route().tier()).isEqualTo(Tier.STANDARD);
            assertThat(served.route().model().id()).isEqualTo("gpt-4");
            assertThat(served.usage().outputTokens()).isPositive();
            assertThat(served.cost()).isEqualTo(served.route().model().pricing().costOf(served.usage()));
        });
        JsonNode body = JSON.readTree(((ChatOutcome.Served) outcome).reply().orElseThrow().body());
        assertThat(body.path("choices").get(0).path("message").path("content").asText()).contains("Hello, router!");

        var report = gateway.usage().usage("demo-enterprise", Instant.EPOCH, Instant.now().plusSeconds(60), GroupBy.CREATOR);
        assertThat(report.total().requests()).isEqualTo(1);
        assertThat(report.lines()).extracting(l -> l.key()).containsExactly("alice");
    }

    @Test
    void a_stream_through_the_routing_use_case_delivers_content_chunks() {
        List<StreamChunk> chunks = new ArrayList<>();
        List<RouteInfo> starts = new ArrayList<>();
        ChatOutcome outcome = gateway.router().stream(
                ChatCommand.of(caller(DemoKeys.ENTERPRISE), "economy", ChatRequest.chat(HELLO).streaming(true)),
                new StreamListener() {
                    @Override
                    public void onStart(RouteInfo route, RateLimitStatus rateLimit) {
                        starts.add(route);
                    }

                    @Override
                    public boolean onChunk(StreamChunk chunk) {
                        chunks.add(chunk);
                        return true;
                    }
                });

        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        assertThat(starts).singleElement().extracting(r -> r.tier()).isEqualTo(Tier.ECONOMY);
        assertThat(chunks).anyMatch(StreamChunk::hasContent);
        assertThat(chunks.get(chunks.size() - 1).usage()).isPresent();
    }

    @Test
    void premium_requests_survive_the_unreliable_primary_by_falling_back_to_the_secondary_region() {
        List<ChatOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            outcomes.add(gateway.router().complete(ChatCommand.of(caller(DemoKeys.ENTERPRISE), "premium", ChatRequest.chat(HELLO))));
        }

        assertThat(outcomes).allMatch(o -> o instanceof ChatOutcome.Served);
        List<ChatOutcome.Served> served = outcomes.stream().map(ChatOutcome.Served.class::cast).toList();
        assertThat(served).anyMatch(o -> o.route().deployment().id().value().equals("gpt-4-turbo-eastus"));
        assertThat(served).filteredOn(o -> o.attempts().size() > 1)
                .isNotEmpty()
                .allSatisfy(o -> {
                    assertThat(o.attempts().get(0).deployment().value()).isEqualTo("gpt-4-turbo-eastus");
                    assertThat(o.route().deployment().region().name()).isNotEqualTo("eastus");
                });
    }

    @Test
    void a_free_account_asking_for_premium_is_served_at_economy() {
        ChatOutcome outcome = gateway.router().complete(ChatCommand.of(caller(DemoKeys.FREE), "premium", ChatRequest.chat(HELLO)));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, served -> {
            assertThat(served.route().tier()).isEqualTo(Tier.ECONOMY);
            assertThat(served.route().downgrade()).isPresent();
        });
    }

    @Test
    void the_free_plan_rate_limit_is_enforced_by_the_router() {
        ChatCommand small = ChatCommand.of(caller(DemoKeys.FREE), null, ChatRequest.chat(HELLO).withMaxOutputTokens(50));
        long limit = gateway.config().plan("free").rateLimits().requestsPerMinute();

        for (int i = 0; i < limit; i++) {
            assertThat(gateway.router().complete(small)).isInstanceOf(ChatOutcome.Served.class);
        }
        ChatOutcome refused = gateway.router().complete(small);

        assertThat(refused).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(dev.llmrouter.ports.router.Refusal.Reason.RATE_LIMITED);
            assertThat(r.refusal().retryAfter()).isPresent();
        });
    }

    @Test
    void the_context_holds_the_demo_accounts_the_fleet_and_breaker_gauges_for_every_deployment() {
        assertThat(gateway.context().accounts().authenticate(DemoKeys.ADMIN)).hasValueSatisfying(a -> {
            assertThat(a.id()).isEqualTo("demo-admin");
            assertThat(a.operator()).isTrue();
        });
        assertThat(gateway.context().accounts().authenticate("not-a-key")).isEmpty();
        assertThat(gateway.context().fleet()).isSameAs(gateway.config().fleet());
        assertThat(gateway.context().maxBodyBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(gateway.context().deployments().deployments()).hasSize(gateway.config().fleet().deployments().size());
        assertThat(gateway.metrics().scrape()).contains("llm_router_breaker_state").contains("gpt-4-turbo-eastus");
    }

    @Test
    void every_deployment_has_its_endpoint_and_a_fleet_with_real_deployments_needs_the_azure_factory() {
        gateway.config().fleet().deployments().forEach(d -> assertThat(gateway.endpoint().endpointOf(d.id())).isNotNull());
    }
}
