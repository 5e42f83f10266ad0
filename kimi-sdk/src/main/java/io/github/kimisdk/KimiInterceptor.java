package io.github.kimisdk;

import io.github.kimisdk.base.text.UserCode;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.model.Price;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs around every chat call of a client ({@code chat}, {@code chatAsync}, {@code stream}, and
 * what is built on them, such as {@code chatAll} and an agent's loop): it sees the request before
 * it is encoded and the completion after it is decoded, and may change the request, add headers, or
 * answer the call itself without a request reaching the server (a cache). Add it to a client with
 * {@link KimiClient.Builder#interceptor(KimiInterceptor)}, or to a derived client with {@link
 * RequestOptions.Builder#interceptor(KimiInterceptor)} (after the client's own); interceptors run
 * in the order they were added, the first outermost. Other calls (files, batches, {@code request})
 * pass no interceptor.
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
 * number, the target of the client's fallback chain and the URL it goes to ({@link
 * Chain#attempt()}, {@link Chain#target()}, {@link Chain#endpoint()}): the place for headers that
 * must be fresh on every attempt, such as a trace context, or for what must see each retry, and
 * tell a retry (the same target again) from a fallback (another target).
 *
 * <p><b>Streams.</b> A streamed call runs its once-per-call interceptors when it is consumed (a
 * stream is cold). {@link Chain#proceed} then starts the stream, whose chunks reach the consumer as
 * they arrive, and returns the completion they add up to once it ended (or its failure): the
 * interceptor sees the stream's end, not each chunk, and what it returns after proceeding does not
 * change the chunks already delivered. An interceptor that answers a streamed call without
 * proceeding answers with a whole {@link ChatCompletion}, which the client replays to the consumer
 * as a stream of chunks ({@link Chain#streamed()} tells which kind of call it is). A stream
 * proceeds at most once per call, and once per attempt. What only the chunks tell (when the first
 * arrived, the gaps between them) a once-per-call interceptor hears through {@link Chain#onChunk}.
 *
 * <p><b>A call refused before sending.</b> A call the client refuses before anything is sent (the
 * model's rules, the context budget: a {@link io.github.kimisdk.errors.PreflightException}, or a
 * request larger than the rate limit allows) still runs its once-per-call interceptors, so that one
 * that traces or counts calls sees it: {@link Chain#request()} is the request as adapted to its
 * model, {@link Chain#proceed} fails with the refusal whatever request it is given, nothing is sent
 * and no once-per-attempt interceptor runs; the call fails with the refusal whatever they answer (a
 * stream's {@code stream} throws it, after they ran on the calling thread).
 *
 * <p><b>Threads and failures.</b> {@link #intercept} runs on the thread that starts the call (for a
 * stream, the one that starts consuming it; for an attempt after a retry, the client's timer or
 * HTTP threads) and must not block: compose on the future {@link Chain#proceed} returns. {@link
 * Chain#proceed} may be called later, from another thread (after an asynchronous cache lookup,
 * say). With a {@link ContextPropagator} on the client, {@code intercept}, the stages composed on
 * {@code proceed}'s future and {@link Chain#onChunk} observers run in the caller's context on
 * whichever thread runs them. An exception thrown from {@code intercept}, or a future it fails,
 * fails the call with a {@link io.github.kimisdk.errors.ConfigurationException} whose message names
 * the interceptor ({@link #name()}) and says what it threw (its class and message, escaped, cut to
 * 500 characters, the client's key redacted), the exception its cause (a {@code KimiException}
 * itself passes through as it is); once per call, it is not retried.
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
   * Returns the name failures and logs give this interceptor. By default its class's binary name
   * ({@code com.example.Cache}), or for a lambda {@code "a lambda in com.example.App"}, the class
   * that wrote it (a lambda's own class name changes from run to run); {@link #named} gives one a
   * name of its own.
   *
   * @return the name
   */
  default String name() {
    return UserCode.name(getClass());
  }

  /**
   * Returns {@code interceptor} under {@code name}: the same interceptor (its {@link #intercept}
   * and {@link #perAttempt()}), which failures and logs name {@code name} ({@link #name()}); for a
   * lambda, which has no name a reader would know.
   *
   * <pre>{@code
   * KimiClient.builder().interceptor(KimiInterceptor.named("tenant-tags", chain -> ...))
   * }</pre>
   *
   * @param name the name, 1 to 100 characters
   * @param interceptor the interceptor
   * @return the named interceptor
   * @throws IllegalArgumentException if {@code name} is blank or longer than 100 characters
   * @throws NullPointerException if an argument is null
   */
  static KimiInterceptor named(String name, KimiInterceptor interceptor) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interceptor, "interceptor");
    if (name.isBlank() || name.length() > UserCode.MAX_NAME) {
      throw new IllegalArgumentException(
          "an interceptor's name must be 1 to "
              + UserCode.MAX_NAME
              + " characters, not blank: "
              + name.length());
    }
    boolean attempts = interceptor.perAttempt();
    return new KimiInterceptor() {
      @Override
      public CompletableFuture<ChatCompletion> intercept(Chain chain) {
        return interceptor.intercept(chain);
      }

      @Override
      public boolean perAttempt() {
        return attempts;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String toString() {
        return "KimiInterceptor[" + UserCode.given(name) + "]";
      }
    };
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
     * chain of every attempt of that call, and unique among the calls of this JVM; the call's
     * listeners hear it as {@link CallEvent.Call#id()}. An interceptor that runs once per attempt
     * finds with it what a once-per-call one kept for the call (a tracing span, say).
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
     * Returns the target of the client's fallback chain ({@link KimiClient.Builder#fallback}) the
     * call or attempt is on: for an attempt, the target it is sent to, so that a once-per-attempt
     * interceptor tells a fallback (another target than the attempt before) from a retry (the same
     * one), even when two targets share a URL; for a once-per-call interceptor, the client's own
     * (target 0), where every call starts. A client without fallback targets has one target, its
     * own: its host ({@link Host#name()}, Moonshot's unless the builder named another), its base
     * URL, and no model of its own.
     *
     * @return the target, as a reply served there names it ({@link ResponseMetadata#servedBy()})
     */
    ServedBy target();

    /**
     * Has {@code observer} hear each chunk of a streamed call as it arrives, in order, before the
     * consumer gets it, on the thread that delivers it (the client's HTTP threads, or a blocking
     * consumer's own): for what only a stream's chunks tell, such as the time to its first chunk
     * and between the next ones. Every chunk is heard before {@link #proceed}'s future completes
     * with the stream's end. It must be quick and must not block; an exception it throws is logged
     * (on {@code io.github.kimisdk.listener}, naming the interceptor), and the stream goes on. The
     * chain of a once-per-call interceptor of a streamed call tells the chunks of the stream it
     * proceeded to (an answer an interceptor below replays has none); the chain of a
     * once-per-attempt interceptor tells those its attempt brought, as they arrive from the server,
     * one a hedge drops included; on any other chain this does nothing. Call it before {@link
     * #proceed}: chunks that arrived before are not heard.
     *
     * @param observer told of each chunk
     * @throws NullPointerException if {@code observer} is null
     */
    void onChunk(Consumer<? super ChatCompletionChunk> observer);

    /**
     * Has {@code observer} hear the response to this attempt when its status line and headers
     * arrive, before its body, on the thread that reads them: whether the server began to answer
     * (and bill) the attempt, which an attempt's failure alone does not tell (a body cut after a
     * {@code 200} and a connection refused both fail it). It must be quick and must not block; an
     * exception it throws is logged as {@link #onChunk}'s are. Only the chain of a once-per-attempt
     * interceptor has a response to tell; on a once-per-call chain this does nothing. Call it
     * before {@link #proceed}.
     *
     * @param observer told of the attempt's response
     * @throws NullPointerException if {@code observer} is null
     */
    void onResponse(Consumer<? super ResponseMetadata> observer);

    /**
     * Returns the tenant the call is made for: the one its options name ({@link
     * RequestOptions.Builder#tenant(String)}), else the account of the {@link
     * KimiClient#withCredentials} client that makes it; empty for a call of the client's own key
     * that names none. Never a key.
     *
     * @return the tenant, or empty
     */
    Optional<String> tenant();

    /**
     * Returns the call's tags ({@link RequestOptions.Builder#tag(String)}), in the order they were
     * added. They are never sent.
     *
     * @return the tags; unmodifiable
     */
    List<String> tags();

    /**
     * Returns the prompt tokens of the request as sent to the attempt's target, as {@link
     * io.github.kimisdk.token.RequestTokens#estimated()} counts them (the count the client's
     * preflight and rate limiter made, when they made one); for a once-per-call interceptor, of the
     * call's request at the client's own target.
     *
     * @return the estimated prompt tokens
     */
    long promptTokens();

    /**
     * Returns the most output tokens the request as sent to the attempt's target lets the model
     * write: its {@code max_completion_tokens}, else the cap its wire writes when it sets none
     * (Anthropic Messages' {@code max_tokens}), else the model's default output, which the server
     * applies; for a once-per-call interceptor, of the call's request at the client's own target.
     *
     * @return the output cap, in tokens
     */
    int maxOutputTokens();

    /**
     * Returns the price the attempt's target bills its model at, as the client's spend meter prices
     * its replies ({@link KimiClient#prices()} for the client's own target, a fallback target's
     * host's prices for that target; a host's model id read as Kimi's); for a once-per-call
     * interceptor, the client's own target's. With {@link #promptTokens()}, {@link
     * #maxOutputTokens()} and {@link #cacheTtl()}, what the attempt may cost at most: {@link
     * Price#worstCase}.
     *
     * @return the price, or empty when the target's table has none for the model
     */
    Optional<Price> price();

    /**
     * Returns the time to live the request asks its prompt cache writes for: its own, else the
     * client's ({@link KimiClient.Builder#promptCacheTtl}), else Kimi's default of five minutes;
     * the one its writes are billed at.
     *
     * @return the time to live
     */
    CacheTtl cacheTtl();

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
