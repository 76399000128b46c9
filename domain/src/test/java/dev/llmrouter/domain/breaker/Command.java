package dev.llmrouter.domain.breaker;

/** One step of a generated scenario, applied alike to the breaker and the reference model. */
sealed interface Command {

    record Permit() implements Command {
        @Override
        public String toString() {
            return "permit";
        }
    }

    /** A success that took {@code millis}; slow when above the configured slow-call threshold. */
    record Success(long millis) implements Command {
        @Override
        public String toString() {
            return "success(" + millis + "ms)";
        }
    }

    record Failure(long millis) implements Command {
        @Override
        public String toString() {
            return "failure(" + millis + "ms)";
        }
    }

    record Advance(long millis) implements Command {
        @Override
        public String toString() {
            return "advance(" + millis + "ms)";
        }
    }
}
