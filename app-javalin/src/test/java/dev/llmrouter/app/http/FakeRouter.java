package dev.llmrouter.app.http;

import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RouteChatUseCase;
import dev.llmrouter.ports.router.StreamListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;

/** A hand-written router: answers with scripted outcomes and keeps every command it was given. */
final class FakeRouter implements RouteChatUseCase {

    final List<ChatCommand> commands = new CopyOnWriteArrayList<>();
    private volatile Function<ChatCommand, ChatOutcome> complete = c -> Outcomes.served(c);
    private volatile BiFunction<ChatCommand, StreamListener, ChatOutcome> stream = Outcomes::streamed;

    FakeRouter completes(Function<ChatCommand, ChatOutcome> script) {
        this.complete = script;
        return this;
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
