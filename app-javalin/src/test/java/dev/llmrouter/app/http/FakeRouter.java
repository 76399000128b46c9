package dev.llmrouter.app.http;

import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RouteChatUseCase;
import dev.llmrouter.ports.router.StreamListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** A hand-written router: answers with scripted outcomes and keeps every command it was given. */
final class FakeRouter implements RouteChatUseCase {

    final List<ChatCommand> commands = new CopyOnWriteArrayList<>();
    private volatile Function<ChatCommand, ChatOutcome> complete = c -> Outcomes.served(c);
    private volatile BiFunction<ChatCommand, StreamListener, ChatOutcome> stream = Outcomes::streamed;

    FakeRouter completes(Function<ChatCommand, ChatOutcome> script) {
        this.complete = script;
        return this;
    }

    /**
     * Serves every plain call; one whose body contains {@code hold} first counts {@code entered} down, then
     * waits (10 s at most) for {@code release}: a test keeps requests in progress for as long as it likes.
     * The latches are read at each call, so a test may replace them between rounds.
     */
    FakeRouter holdsMarked(Supplier<CountDownLatch> entered, Supplier<CountDownLatch> release) {
        return completes(command -> {
            if (new String(command.request().body(), StandardCharsets.UTF_8).contains("hold")) {
                entered.get().countDown();
                await(release.get());
            }
            return Outcomes.served(command);
        });
    }

    /** Waits for {@code latch}, 10 s at most; a test that would hang fails instead. */
    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting for the held requests");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    FakeRouter streams(BiFunction<ChatCommand, StreamListener, ChatOutcome> script) {
        this.stream = script;
        return this;
    }

    /** Both kinds of call end with {@code outcome}. */
    FakeRouter answers(ChatOutcome outcome) {
        this.complete = c -> outcome;
        this.stream = (c, l) -> outcome;
        return this;
    }

    void reset() {
        commands.clear();
        complete = c -> Outcomes.served(c);
        stream = Outcomes::streamed;
    }

    ChatCommand last() {
        return commands.get(commands.size() - 1);
    }

    @Override
    public ChatOutcome complete(ChatCommand command) {
        commands.add(command);
        return complete.apply(command);
    }

    @Override
    public ChatOutcome stream(ChatCommand command, StreamListener listener) {
        commands.add(command);
        return stream.apply(command, listener);
    }
}
