package dev.llmrouter.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --chat-only}: the harness's configuration without its embedding model and deployment (what a
 * jar from before {@code /v1/embeddings} accepts), and everything else as it was.
 */
@DisplayName("Overhead harness, --chat-only: the configuration without the embedding model and deployment")
class ChatOnlyConfigTest {

    private static final Map<String, String> ENV = Map.of("BENCH_UPSTREAM_URL", "http://127.0.0.1:9", "BENCH_UPSTREAM_KEY", "k");

    @Test
    void the_chat_only_configuration_is_the_full_one_less_the_embedding_model_and_deployment(@TempDir Path dir)
            throws Exception {
        ConfigLoader loader = new ConfigLoader(ENV::get);
        Path fullFile = OverheadHarness.writeConfig(Files.createDirectories(dir.resolve("full")), false);
        Path chatFile = OverheadHarness.writeConfig(Files.createDirectories(dir.resolve("chat")), true);
        GatewayConfig full = loader.parse(Files.readString(fullFile), "full");
        GatewayConfig chat = loader.parse(Files.readString(chatFile), "chat-only");

        assertThat(full.fleet().catalog().models()).extracting(ModelSpec::id)
                .containsExactlyInAnyOrder("gpt-4o-mini", "text-embedding-3-small");
        assertThat(chat.fleet().catalog().models()).extracting(ModelSpec::id).containsExactly("gpt-4o-mini");
        assertThat(full.fleet().deployments()).extracting(d -> d.id().value())
                .containsExactlyInAnyOrder("bench-economy", "bench-embeddings");
        assertThat(chat.fleet().deployments()).extracting(d -> d.id().value()).containsExactly("bench-economy");
        Deployment economy = chat.fleet().deployments().iterator().next();
        assertThat(economy).isEqualTo(full.fleet().deployments().stream()
                .filter(d -> d.id().value().equals("bench-economy")).findFirst().orElseThrow());
        assertThat(chat.plans()).isEqualTo(full.plans());
        assertThat(chat.accounts()).isEqualTo(full.accounts());
    }
}
