package io.github.kimisdk;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs around every chat call of a client ({@code chat}, {@code chatAsync}, {@code stream}, and
 * what is built on them, such as {@code chatAll} and {@code ToolRunner}): it sees the request
 * before it is encoded and the completion after it is decoded, and may change the request, add
 * headers, or answer the call itself without a request reaching the server (a cache). Add it to a
 * client with {@link KimiClient.Builder#interceptor(KimiInterceptor)}, or to a derived client with
 * {@link RequestOptions.Builder#interceptor(KimiInterceptor)} (after the client's own);
 * interceptors run in the order they were added, the first outermost. Other calls (files, batches,
 * {@code request}) pass no interceptor.
 *
 * <pre>{@code
 * KimiInterceptor cache = chain -> {
 *   ChatCompletion hit = answers.get(chain.request());
 *   return hit != null
 *       ? CompletableFuture.completedFuture(hit)                // nothing is sent
 *       : chain.proceed(chain.request()).thenApply(reply -> {
 *           answers.put(chain.request(), reply);
 *           return reply;
 *         });
 * };
 * KimiClient kimi = KimiClient.builder().fromEnv().interceptor(cache).build();
 * }</pre>
 *
 * <p><b>Once per call, or once per attempt.</b> By default an interceptor runs once per call, above
 * the retries: it sees the request as the client sends it (adapted to its model, see {@link
 * KimiClient#adapt}), its {@link Chain#proceed} returns the call's outcome after every retry, and
 * what it answers is the call's answer; the client's {@link CallListener}s and spend meter hear
 * only what it passes on (an answer from a cache is no call: not heard, not counted). One whose
 * {@link #perAttempt()} is true runs below the retries, once for every attempt, with the attempt's
 * number and the URL it goes to ({@link Chain#attempt()}, {@link Chain#endpoint()}): the place for
 * headers that must be fresh on every attempt, such as a trace context, or for what must see each
 * retry.
 *
 * <p><b>Streams.</b> A streamed call runs its once-per-call interceptors when it is consumed (a
 * stream is cold). {@link Chain#proceed} then starts the stream, whose chunks reach the consumer as
 * they arrive, and returns the completion they add up to once it ended (or its failure): the
 * interceptor sees the stream's end, not each chunk, and what it returns after proceeding does not
 * change the chunks already delivered. An interceptor that answers a streamed call without
 * proceeding answers with a whole {@link ChatCompletion}, which the client replays to the consumer
 * as a stream of chunks ({@link Chain#streamed()} tells which kind of call it is). A stream
 * proceeds at most once per call, and once per attempt.
 *
 * <p><b>Threads and failures.</b> {@link #intercept} runs on the thread that starts the call (for a
 * stream, the one that starts consuming it; for an attempt after a retry, the client's timer or
 * HTTP threads) and must not block: compose on the future {@link Chain#proceed} returns. {@link
 * Chain#proceed} may be called later, from another thread (after an asynchronous cache lookup,
 * say). An exception thrown from {@code intercept}, or a future it fails, fails the call with that
 * exception as the cause of a {@link io.github.kimisdk.errors.KimiException} (a {@code
 * KimiException} itself passes through as it is); once per call, it is not retried.
 *
 * <p><b>Keys.</b> An interceptor never sees the API key: neither the request nor the chain holds
 * it, and the key's headers ({@code Authorization}, {@code x-api-key}) cannot be set through it.
 */
@FunctionalInterface
public interface KimiInterceptor {

  /**
   * Runs the call or attempt {@code chain} describes: passes it on with {@link Chain#proceed},
   * changed or not, or answers it.
   *
   * @param chain the call or attempt, and the rest of the chain
   * @return the answer; never null
   */
  CompletableFuture<ChatCompletion> intercept(Chain chain);

  /**
   * Tells whether this interceptor runs once for every attempt (below the retries) rather than once
   * per call (above them). Read once, when the interceptor is added.
   *
   * @return false by default: once per call
   */
  default boolean perAttempt() {
    return false;
  }

  /**
   * One call or one attempt as an interceptor sees it, and the rest of the chain below it. It is
   * made for one {@link #intercept} and may be kept until the call ends.
   */
  interface Chain {

    /**
     * Returns the request as the client sends it: adapted to its model ({@link KimiClient#adapt});
     * for an attempt, as the interceptors above passed it on.
     *
     * @return the request; its {@code stream} flag tells a stream from a whole reply
     */
    ChatRequest request();

    /**
     * Tells whether the call is a stream: its answer reaches the caller as chunks.
     *
     * @return true for {@code stream}, false for {@code chat} and {@code chatAsync}
     */
    boolean streamed();

    /**
     * Returns the call's id: the same for the chain of a once-per-call interceptor and for the
     * chain of every attempt of that call, and unique among the calls of this JVM. An interceptor
     * that runs once per attempt finds with it what a once-per-call one kept for the call (a
     * tracing span, say).
     *
     * @return the id, positive
     */
    long callId();

    /**
     * Returns the attempt's number, from 1, for an interceptor that runs once per attempt; 0 for
     * one that runs once per call.
     *
     * @return the attempt number, or 0
     */
    int attempt();

    /**
     * Returns the URL the call is sent to: the client's base URL and the wire's path (such as
     * {@code https://api.moonshot.ai/v1/chat/completions}), without query or credentials. For an
     * attempt, the URL that attempt goes to.
     *
     * @return the URL
     */
    URI endpoint();

    /**
     * Passes the call (or attempt) on with {@code request}, which the client adapts to its model,
     * checks and encodes when it is not the request this chain gave.
     *
     * @param request the request to send
     * @return the answer of the rest of the chain: the server's completion after decoding (for a
     *     stream, the completion its chunks added up to, once it ended), or its failure
     * @throws NullPointerException if {@code request} is null
     */
    default CompletableFuture<ChatCompletion> proceed(ChatRequest request) {
      return proceed(request, Map.of());
    }

    /**
     * Passes the call (or attempt) on with {@code request} and {@code headers} added to what it
     * sends: to every attempt from an interceptor that runs once per call, to this attempt from one
     * that runs once per attempt. A header replaces one of the same name (names compare without
     * case) that the client or its options set; the key's headers and those the client manages are
     * refused, as {@link RequestOptions.Builder#header} refuses them.
     *
     * @param request the request to send
     * @param headers the headers to add; may be empty
     * @return the answer of the rest of the chain, as {@link #proceed(ChatRequest)} returns it; it
     *     fails with a {@link io.github.kimisdk.errors.ConfigurationException} when a header is
     *     refused, and nothing is sent
     * @throws NullPointerException if an argument is null
     */
    CompletableFuture<ChatCompletion> proceed(ChatRequest request, Map<String, String> headers);
  }
}
