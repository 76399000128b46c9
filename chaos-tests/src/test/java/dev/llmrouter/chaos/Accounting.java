package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The suite's bookkeeping checks: usage records against what the deployments' journals say happened
 * (Requirement 5.1, Property 15 under real traffic).
 */
final class Accounting {

    /** The cost of one successful answer: 12 input tokens at $0.15/1M and 8 output tokens at $0.60/1M. */
    static final Money COST_OF_ONE_ANSWER = Money.ofUsd("0.0000066");
    /** $0.15 and $0.60 per 1M tokens, in nano-dollars per token. */
    static final long INPUT_NANOS_PER_TOKEN = 150;
    static final long OUTPUT_NANOS_PER_TOKEN = 600;

    /** The exact price of {@code tokens} at the catalog's price (computed here independently of the gateway). */
    static Money priceOf(dev.llmrouter.domain.money.TokenUsage tokens) {
        return Money.ofNanos(tokens.inputTokens() * INPUT_NANOS_PER_TOKEN + tokens.outputTokens() * OUTPUT_NANOS_PER_TOKEN);
    }

    private Accounting() {}

    /**
     * The records of the team's account once there are at least {@code expected} (records are
     * written when a request ends, which the caller may see a moment before).
     */
    static List<UsageRecord> awaitRecords(ChaosGateway gateway, long expected) {
        return Eventually.awaitValue(Duration.ofSeconds(10), expected + " usage records",
                () -> Optional.of(gateway.usageRecords()).filter(l -> l.size() >= expected));
    }

    static long count(List<UsageRecord> records, UsageOutcome outcome) {
        return records.stream().filter(r -> r.outcome() == outcome).count();
    }

    static Money totalCost(List<UsageRecord> records) {
        return records.stream().map(UsageRecord::cost).reduce(Money.ZERO, Money::plus);
    }

    /**
     * Complete answers a deployment sent that the gateway had already given up on: the request's usage
     * record lists that deployment's attempt as FAILED:TIMEOUT (on an overloaded machine an answer can
     * leave WireMock and still arrive after the attempt timeout). They were never the gateway's to charge.
     */
    static long abandoned(FakeDeployment fake, List<UsageRecord> records) {
        Map<String, UsageRecord> byId = records.stream()
                .collect(Collectors.toMap(UsageRecord::requestId, Function.identity(), (a, b) -> a));
        String timedOut = fake.name() + ":FAILED:TIMEOUT";
        return fake.answers().stream().filter(FakeDeployment.Answer::success)
                .filter(a -> byId.containsKey(a.requestId()) && byId.get(a.requestId()).path().contains(timedOut))
                .count();
    }

    /** Complete answers of the fleet that reached the gateway in time: what SUCCESS records must equal. */
    static long receivedSuccesses(List<UsageRecord> records, Fleet fleet) {
        return fleet.all().stream().mapToLong(f -> f.successfulCalls() - abandoned(f, records)).sum();
    }

    /**
     * One SUCCESS record per complete answer the fleet gave (less any the gateway had given up on by
     * timeout), each at the deployment that gave it, no request recorded twice, and each success
     * charged exactly one answer's price (a fallback's failed attempts are not charged again).
     */
    static void assertSuccessesMatchUpstream(List<UsageRecord> records, Fleet fleet) {
        List<UsageRecord> successes = records.stream().filter(r -> r.outcome() == UsageOutcome.SUCCESS).toList();
        assertThat(successes).as("SUCCESS records vs complete upstream answers")
                .hasSize((int) receivedSuccesses(records, fleet));
        for (FakeDeployment fake : fleet.all()) {
            assertThat(successes.stream().filter(r -> r.deployment().equals(fake.name())).count())
                    .as("SUCCESS records at " + fake.name())
                    .isEqualTo(fake.successfulCalls() - abandoned(fake, records));
        }
        assertNoRequestRecordedTwice(records);
        // each success is one upstream answer's tokens (a whole completion or a whole stream), priced once
        assertThat(successes).allSatisfy(r -> {
            assertThat(r.tokens()).isIn(new dev.llmrouter.domain.money.TokenUsage(AzureBodies.PROMPT_TOKENS,
                            AzureBodies.COMPLETION_TOKENS),
                    new dev.llmrouter.domain.money.TokenUsage(AzureBodies.PROMPT_TOKENS, AzureBodies.STREAM_CHUNKS));
            assertThat(r.cost()).isEqualTo(priceOf(r.tokens()));
        });
    }

    static void assertNoRequestRecordedTwice(List<UsageRecord> records) {
        Map<String, Long> perRequest = records.stream()
                .collect(Collectors.groupingBy(UsageRecord::requestId, Collectors.counting()));
        assertThat(perRequest.values()).as("records per request id").allMatch(n -> n == 1);
    }

    static Map<UsageOutcome, Long> outcomes(List<UsageRecord> records) {
        return records.stream().collect(Collectors.groupingBy(UsageRecord::outcome, java.util.TreeMap::new,
                Collectors.counting()));
    }

    static <T> Map<T, Long> countBy(List<UsageRecord> records, Function<UsageRecord, T> key) {
        return records.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }
}
