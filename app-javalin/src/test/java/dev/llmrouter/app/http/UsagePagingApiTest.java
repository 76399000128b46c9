package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.PRO_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.ports.usage.UsageReporter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.4 over the socket: {@code /v1/usage} answers at most {@code limit} groups (100 by
 * default, 1,000 at most), says whether more remain and how the next page is asked for, and refuses a
 * bad {@code limit} or {@code after} with 400 naming it.
 */
@DisplayName("Requirement 9.4 — /v1/usage is paged")
class UsagePagingApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int CREATORS = 2_500;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        // given 2,500 creators of one account, creator i having spent i nano-dollars
        InMemoryUsageLedger ledger = new InMemoryUsageLedger();
        Instant day = Instant.parse("2026-11-10T12:00:00Z");
        for (int i = 0; i < CREATORS; i++) {
            ledger.append(aUsageRecord().account("acct-pro").at(day).creator("creator-" + i).costNanos(i % 700).build());
        }
        gateway = TestGateway.with(new FakeRouter(), new UsageReporter(ledger), Fakes.deployments(), Outcomes.FLEET,
                1 << 20, InstantSource.fixed(TestGateway.NOW));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void the_default_page_holds_100_groups_and_names_the_next() throws Exception {
        JsonNode page = usage("");

        assertThat(page.get("data")).hasSize(UsageHandler.DEFAULT_LIMIT);
        assertThat(page.get("has_more").asBoolean()).isTrue();
        assertThat(page.get("next_after").asText()).matches("[A-Za-z0-9_-]+");
        assertThat(page.get("groups").asLong()).isEqualTo(CREATORS);
        assertThat(page.at("/total/requests").asLong()).isEqualTo(CREATORS);
    }

    @Test
    void following_next_after_walks_every_group_once_in_order() throws Exception {
        List<String> keys = new ArrayList<>();
        List<Long> costs = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = usage("&limit=" + UsageHandler.MAX_LIMIT + (after == null ? "" : "&after=" + after));
            page.get("data").forEach(line -> {
                keys.add(line.get("key").asText());
                costs.add(new java.math.BigDecimal(line.get("cost_usd").asText()).movePointRight(9).longValueExact());
            });
            after = page.get("has_more").asBoolean() ? URLEncoder.encode(page.get("next_after").asText(), StandardCharsets.UTF_8) : null;
            if (after == null) {
                assertThat(page.get("next_after").isNull()).isTrue();
            }
            pages++;
        } while (after != null);

        assertThat(pages).isEqualTo(3);
        assertThat(keys).hasSize(CREATORS);
        assertThat(new HashSet<>(keys)).hasSize(CREATORS);
        assertThat(costs).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void a_bad_limit_or_after_is_refused_naming_the_parameter() throws Exception {
        for (String query : List.of("&limit=0", "&limit=1001", "&limit=ten", "&limit=-1", "&limit=99999999999")) {
            assertBadRequest(query, "limit");
        }
        for (String query : List.of("&after=!!!", "&after=bm90LWEtY3Vyc29y", "&after=" + "A".repeat(5_000), "&after=_w")) {
            assertBadRequest(query, "after");
        }
    }

    private static void assertBadRequest(String query, String param) throws Exception {
        HttpResponse<String> response = gateway.get("/v1/usage?from=2026-11-01&group_by=creator" + query, "Authorization", bearer(PRO_KEY));
        assertThat(response.statusCode()).as(query).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/param").asText()).as(query).isEqualTo(param);
    }

    private static JsonNode usage(String query) throws Exception {
        HttpResponse<String> response = gateway.get("/v1/usage?from=2026-11-01&group_by=creator" + query,
                "Authorization", bearer(PRO_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
