package dev.llmrouter.domain.breaker;

import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators for the stateful properties: small, fast configurations (so every state is reached in a
 * few dozen steps) and command sequences mixing permits, fast and slow outcomes and clock advances
 * from zero to past the longest open duration.
 */
final class BreakerGenerators {

    private BreakerGenerators() {
    }

    static Gen<BreakerConfig> configs() {
        Gen<WindowSpec> windows = Generate.oneOf(
                Generate.range(1, 12).map(WindowSpec::lastCalls),
                Generate.longRange(10, 2_000).map(ms -> WindowSpec.lastDuration(Duration.ofMillis(ms))));
        Gen<int[]> numbers = Generate.intArrays(Generate.constant(6), Generate.range(0, 1_000_000));
        Gen<Optional<Duration>> slow = Generate.longRange(50, 500).map(Duration::ofMillis).toOptionals(40);
        return windows.zip(numbers, slow, (window, n, slowCall) -> {
            int maxMinimum = window instanceof WindowSpec.LastCalls calls ? calls.size() : 8;
            long openMs = 1 + n[2] % 500;
            return new BreakerConfig(window,
                    1 + n[0] % maxMinimum,
                    1 + n[1] % 100,
                    slowCall,
                    Duration.ofMillis(openMs),
                    1 + n[3] % 3,
                    Duration.ofMillis(openMs * (1 + n[4] % 20)),
                    1 + n[5] % 4);
        });
    }

    static Gen<Command> commands() {
        Gen<Command> permit = Generate.constant(new Command.Permit());
        Gen<Command> success = Generate.longRange(0, 700).map(Command.Success::new);
        Gen<Command> failure = Generate.longRange(0, 700).map(Command.Failure::new);
        Gen<Command> smallStep = Generate.longRange(0, 50).map(Command.Advance::new);
        Gen<Command> bigStep = Generate.longRange(0, 12_000).map(Command.Advance::new);
        return Generate.frequency(List.of(
                Pair.of(6, permit), Pair.of(4, success), Pair.of(4, failure),
                Pair.of(2, smallStep), Pair.of(1, bigStep)));
    }

    static Gen<List<Command>> scenarios() {
        return lists().of(commands()).ofSizeBetween(1, 120);
    }
}
