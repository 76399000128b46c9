package dev.llmrouter.domain.breaker;

import java.util.ArrayList;
import java.util.List;

/** Keeps every transition it is told of, in order (thread-safe). */
final class RecordingListener implements BreakerListener {

    private final List<BreakerTransition> events = new ArrayList<>();

    @Override
    public synchronized void onTransition(BreakerTransition transition) {
        events.add(transition);
    }

    synchronized List<BreakerTransition> events() {
        return List.copyOf(events);
    }

    synchronized List<BreakerTransition> drain() {
        List<BreakerTransition> copy = List.copyOf(events);
        events.clear();
        return copy;
    }
}
