package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.adapters.azure.AzureFixtures.keySettings;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmrouter.domain.deployment.Deployment;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One WireMock server standing in for one Azure OpenAI deployment, shared by the tests of a class:
 * started once before them all (on a free port), cleared of stubs and recorded requests before each
 * test, stopped after them all. The deployment points at it with API-key auth, and the endpoint under
 * test is the real {@link AzureOpenAiEndpoint} (the Azure SDK) built over that one deployment.
 *
 * <p>Register it on a static field so the server lives for the whole class:
 * {@code @RegisterExtension static final AzureWireMock azure = new AzureWireMock();}
 */
final class AzureWireMock implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private final Function<List<AzureDeploymentSettings>, AzureOpenAiEndpoint> endpointFactory;
    private WireMockServer wm;
    private Deployment deployment;
    private AzureOpenAiEndpoint endpoint;

    /** The endpoint with its default HTTP client, clock and tokenizer. */
    AzureWireMock() {
        this(AzureOpenAiEndpoint::new);
    }

    /** The endpoint built by {@code endpointFactory} from the one deployment's settings (e.g. with a fixed clock). */
    AzureWireMock(Function<List<AzureDeploymentSettings>, AzureOpenAiEndpoint> endpointFactory) {
        this.endpointFactory = endpointFactory;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        wm = new WireMockServer(options().dynamicPort());
        wm.start();
        deployment = AzureFixtures.deployment(wm);
        endpoint = endpointFactory.apply(List.of(keySettings(deployment)));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        wm.stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        wm.resetAll();
    }

    WireMockServer wm() {
        return wm;
    }

    Deployment deployment() {
        return deployment;
    }

    AzureOpenAiEndpoint endpoint() {
        return endpoint;
    }
}
