package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import dev.llmrouter.ports.fixtures.RecordingLedger;
import java.util.ArrayList;
import java.util.List;

/** A router over a fleet with a fake clock, a scripted endpoint and a recording ledger. */
final class RouterHarness {

    final FakeClock clock = new FakeClock();
    final ScriptedChatEndpoint endpoint = new ScriptedChatEndpoint(clock);
    final RecordingLedger ledger = new RecordingLedger();
    final Fleet fleet;
    final Router.Builder builder;
    private Router router;

    RouterHarness() {
        this(Fixtures.exampleFleet());
    }

    RouterHarness(Fleet fleet) {
        this.fleet = fleet;
        this.builder = Router.builder().fleet(fleet).endpoint(endpoint).clock(clock).ticker(clock.ticker())
                .retry(RetrySettings.defaults().withoutBackoff()).ledger(ledger);
    }

    Router router() {
        if (router == null) {
            router = builder.build();
        }
        return router;
    }

    static Caller enterprise() {
        return new Caller("acct-1", Fixtures.enterprisePlan(), "alice", "ops");
    }

    /** A request for {@code requested} with no fall-down (the model's own deployments only). */
    static ChatCommand ask(String requested) {
        return new ChatCommand(enterprise(), requested, null, Residency.ANY, false, ChatRequest.chat("{\"messages\":[]}"), "");
    }

    static ChatCommand ask(String requested, ChatRequest request) {
        return new ChatCommand(enterprise(), requested, null, Residency.ANY, false, request, "");
    }

    /** A caller that records everything and goes away after {@code maxContent} content chunks. */
    static final class Listener implements StreamListener {
        final List<RouteInfo> starts = new ArrayList<>();
        final List<StreamChunk> chunks = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        private final long maxContent;

        Listener(long maxContent) {
            this.maxContent = maxContent;
        }

        Listener() {
            this(Long.MAX_VALUE);
        }

        @Override
        public void onStart(RouteInfo route, RateLimitStatus rateLimit) {
            starts.add(route);
            events.add("start");
        }

        @Override
        public boolean onChunk(StreamChunk chunk) {
            chunks.add(chunk);
            events.add(chunk.hasContent() ? "content" : chunk.usageOnly() ? "usage" : "meta");
            return chunks.stream().filter(StreamChunk::hasContent).count() < maxContent;
        }
    }
}
