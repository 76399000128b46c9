package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 11, Requirement 3.3 under load: malformed requests — broken JSON, wrong types, missing or
 * empty messages, unknown models, negative caps, no key, a wrong key — mixed into valid traffic from 16
 * concurrent callers.
 *
 * <p>Proves: every valid request is served (100 %); every malformed one gets a 4xx in OpenAI's error
 * shape, never a 5xx or a dropped connection; no malformed request reaches a deployment (the journals
 * hold exactly the valid ones) or leaves a usage record.
 */
@DisplayName("Scenario 11: malformed bodies mixed into valid traffic never disturb the valid requests")
class BadInputTest extends PrimaryAndSecondaryScenario {

    static final List<String> MALFORMED = List.of(
            "{",
            "not json at all",
            "",
            "[]",
            "{\"model\":\"economy\",\"messages\":\"hello\"}",
            "{\"model\":\"economy\",\"messages\":[]}",
            "{\"model\":\"economy\",\"messages\":[{\"role\":42,\"content\":\"hi\"}]}",
            "{\"model\":\"economy\",\"max_tokens\":-5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"economy\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"economy\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} trailing");

    /** Every third request is malformed, cycling through the kinds; two more kinds fail authentication. */
    HttpRequest request(int i) {
        if (i % 3 != 0) {
            return gateway.chat();
        }
        int kind = (i / 3) % (MALFORMED.size() + 2);
        if (kind == MALFORMED.size()) {
            return HttpRequest.newBuilder(gateway.base().resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(ChaosGateway.PROMPT + "}")).build();
        }
        if (kind == MALFORMED.size() + 1) {
            return gateway.raw(ChaosGateway.PROMPT + "}", Map.of("Authorization", "Bearer wrong-key"));
        }
        return gateway.raw(MALFORMED.get(kind), Map.of());
    }

    @Test
    void valid_requests_are_all_served_and_bad_ones_refused_cleanly() {
        LoadReport report = new LoadDriver(LoadDriver.newClient()).run("11 bad input", ChaosScale.clients(16),
                ChaosScale.requests(420), Duration.ofSeconds(60), this::request);

        var valid = report.results().stream().filter(r -> r.index() % 3 != 0).toList();
        var bad = report.results().stream().filter(r -> r.index() % 3 == 0).toList();
        assertThat(valid).as(report.summary()).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(bad).allSatisfy(r -> {
            assertThat(r.status()).as("answer to a malformed request: %s", r.body()).isBetween(400, 499);
            assertThat(r.body()).contains("\"error\"");
        });
        // only valid requests reached a deployment, and only they left records
        assertThat((long) fleet.primary.requestCount()).isEqualTo(valid.size());
        assertThat(fleet.secondary.requestCount()).isZero();
        var records = Accounting.awaitRecords(gateway, valid.size());
        assertThat(records).hasSize(valid.size());
        Accounting.assertSuccessesMatchUpstream(records, fleet);

        Map<Integer, Long> badStatuses = new java.util.TreeMap<>();
        bad.forEach(r -> badStatuses.merge(r.status(), 1L, Long::sum));
        double validP99 = new LoadReport("valid", valid, report.elapsed()).p99Millis();
        Scorecard.add(new Scorecard.Row("11 bad input under load", report.requests(),
                (double) valid.size() / report.requests(), "valid 100 %, bad 4xx", validP99, 0, "0",
                records.size() + " SUCCESS = " + fleet.successfulCalls() + " upstream 200s = " + valid.size()
                        + " valid requests", "-",
                bad.size() + " malformed answered " + badStatuses + ", none reached a deployment"));
    }
}
