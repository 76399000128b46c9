package dev.llmrouter.ports.routing;

import dev.llmrouter.ports.router.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A hand-written {@link QuotaGate}: refuses on demand and logs every reservation's life. */
final class RecordingQuotaGate implements QuotaGate {

    boolean refuseReservations;
    boolean refuseResizes;
    final List<String> log = new ArrayList<>();
    final List<Charge> reserved = new ArrayList<>();
    final List<Charge> settled = new ArrayList<>();
    int open;

    @Override
    public synchronized Verdict reserve(Caller caller, Charge worstCase, Instant now) {
        if (refuseReservations) {
            log.add("refused");
            return new Verdict.Refused("monthly quota exhausted", Optional.empty());
        }
        reserved.add(worstCase);
        log.add("reserve");
        open++;
        return new Verdict.Held(new Hold() {
            boolean done;

            @Override
            public boolean resize(Charge newWorstCase) {
                synchronized (RecordingQuotaGate.this) {
                    log.add(refuseResizes ? "resize-refused" : "resize");
                    if (!refuseResizes) {
                        reserved.add(newWorstCase);
                    }
                    return !refuseResizes;
                }
            }

            @Override
            public void settle(Charge actual) {
                synchronized (RecordingQuotaGate.this) {
                    end();
                    settled.add(actual);
                    log.add("settle");
                }
            }

            @Override
            public void release() {
                synchronized (RecordingQuotaGate.this) {
                    end();
                    log.add("release");
                }
            }

            private void end() {
                if (done) {
                    throw new IllegalStateException("a hold ended twice");
                }
                done = true;
                open--;
            }
        });
    }
}
