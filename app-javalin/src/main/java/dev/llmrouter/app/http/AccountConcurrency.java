package dev.llmrouter.app.http;

import dev.llmrouter.domain.plan.Plan;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each account's chat requests in progress, bounded by its plan's {@code maxConcurrentRequests}
 * (Requirement 9.3).
 *
 * <p>A permit is taken right after authentication, before the body is read, and given back when the
 * request has ended, however it ends (answered, streamed, refused, failed, body too slow, caller gone):
 * so an account that sends its bodies slowly, or holds streams it never reads, holds at most that many
 * of the gateway's threads, and the other accounts keep theirs. Over the bound the request is refused at
 * once with 429 ({@link ApiError#tooManyConcurrentRequests}), without reading its body.
 *
 * <p>One counter per account that has made a request: the accounts come from the configuration, so the
 * map is as large as the directory at most.
 */
final class AccountConcurrency {

    private final ConcurrentHashMap<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();

    /** A slot for one request of {@code account}; the 429 when its plan's slots are all taken. */
    Permit acquire(Account account) {
        int max = account.plan().maxConcurrentRequests();
        if (max == Plan.UNLIMITED_CONCURRENCY) {
            return Permit.UNBOUNDED;
        }
        AtomicInteger count = inProgress.computeIfAbsent(account.id(), id -> new AtomicInteger());
        while (true) {
            int now = count.get();
            if (now >= max) {
                throw ApiError.tooManyConcurrentRequests(account.plan().id(), max).exception();
            }
            if (count.compareAndSet(now, now + 1)) {
                return new Permit(count);
            }
        }
    }

    /** The account's requests in progress now (under a bounded plan). */
    int inProgress(String accountId) {
        AtomicInteger count = inProgress.get(accountId);
        return count == null ? 0 : count.get();
    }

    /** One request's slot, given back by {@link #close} (once, however often it is called). */
    static final class Permit implements AutoCloseable {

        static final Permit UNBOUNDED = new Permit(null);

        private final AtomicInteger count;
        private boolean released;

        private Permit(AtomicInteger count) {
            this.count = count;
        }

        @Override
        public void close() {
            if (count != null && !released) {
                released = true;
                count.decrementAndGet();
            }
        }
    }
}
