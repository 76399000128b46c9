package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.router.ChatOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.1 under concurrency: one router, many threads, still exactly one record per request. */
@DisplayName("Requirement 5.1 — one record per request under concurrency")
class ConcurrentRoutingTest {

    @Test
    void eight_threads_share_one_router_and_every_request_is_recorded_once() throws Exception {
        // given eastus always fails (its breaker will open) and westeurope serves
        RouterHarness h = new RouterHarness();
        h.endpoint.script("gpt-4o-eastus", fail(FailureKind.SERVER_ERROR)).script("gpt-4o-westeurope", ok(3, 4));
        Router router = h.router();
        int threads = 8;
        int perThread = 50;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<ChatOutcome>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    go.await();
                    List<ChatOutcome> out = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        out.add(router.complete(new dev.llmrouter.ports.router.ChatCommand(RouterHarness.enterprise(),
                                "gpt-4o", null, null, false, dev.llmrouter.ports.chat.ChatRequest.chat("{}"),
                                "t" + thread + "-" + i)));
                    }
                    return out;
                }));
            }

            // when they all route at once
            go.countDown();
            List<ChatOutcome> outcomes = new ArrayList<>();
            for (Future<List<ChatOutcome>> f : results) {
                outcomes.addAll(f.get(30, TimeUnit.SECONDS));
            }

            // then every request was served and recorded exactly once
            assertThat(outcomes).hasSize(threads * perThread).allMatch(o -> o instanceof ChatOutcome.Served);
            assertThat(h.ledger.all()).hasSize(threads * perThread);
            assertThat(h.ledger.all().stream().map(r -> r.requestId()).distinct()).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
