package dev.llmrouter.adapters.azure;

import okhttp3.Call;
import okhttp3.Interceptor;

/**
 * The OkHttp call that azure-core starts for one adapter request, so that the adapter's deadline, a
 * stream's idle timeout or an early close can cancel it.
 *
 * <p>Why: OkHttp's synchronous calls read the socket in blocking mode on the caller's thread, and a
 * blocking socket read does not stop on {@link Thread#interrupt()}; cancelling the call closes its
 * socket, which fails the read at once. azure-core does not expose the call, so an OkHttp application
 * interceptor ({@link #BIND}, installed by {@link AzureOpenAiEndpoint#defaultHttpClient()}) hands it
 * over: OkHttp runs interceptors of a synchronous call on the calling thread, where the adapter
 * {@linkplain #open() opened} the holder. Under any other transport nothing is bound and
 * {@link #cancel()} does nothing (the JDK client stops on the interrupt instead).
 *
 * <p>{@link #bind} and {@link #cancel} may race (a deadline that fires while the call starts): each
 * writes its own volatile field before reading the other's, so at least one of them sees both and
 * the call is cancelled (cancelling twice is harmless).
 */
final class InFlightCall {

    private static final ThreadLocal<InFlightCall> CURRENT = new ThreadLocal<>();

    /** Binds each call to the holder its thread opened; passes the request on unchanged. */
    static final Interceptor BIND = chain -> {
        InFlightCall holder = CURRENT.get();
        if (holder != null) {
            holder.bind(chain.call());
        }
        return chain.proceed(chain.request());
    };

    private volatile Call call;
    private volatile boolean cancelled;

    private InFlightCall() {}

    /** A holder for the call this thread is about to start; {@link #detach()} it once the call returned. */
    static InFlightCall open() {
        InFlightCall holder = new InFlightCall();
        CURRENT.set(holder);
        return holder;
    }

    /** Stops binding later calls of this thread to this holder; the call already bound stays cancellable. */
    void detach() {
        CURRENT.remove();
    }

    private void bind(Call c) {
        call = c;
        if (cancelled) {
            c.cancel();
        }
    }

    /**
     * Cancels the call (now, or as soon as it is bound). Safe from any thread, idempotent.
     *
     * @return true when an OkHttp call was bound: its cancel fails a blocked read by itself, and the
     *     reading thread then releases the body (an OkHttp body must not be closed from another thread)
     */
    boolean cancel() {
        cancelled = true;
        Call c = call;
        if (c != null) {
            c.cancel();
            return true;
        }
        return false;
    }
}
