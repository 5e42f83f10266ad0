package io.github.kimisdk;

import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.Errors;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.ResponseTooLargeException;
import io.github.kimisdk.errors.StructuredOutputException;
import io.github.kimisdk.internal.client.ClientConfig;
import io.github.kimisdk.internal.client.ClientCore;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.internal.client.Keys;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.model.ThinkingFallback;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.SseLimits;
import io.github.kimisdk.token.ContextBudget;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A client for Kimi's API over the JDK's {@link HttpClient}. It is thread-safe; create one and
 * share it.
 *
 * <pre>{@code
 * try (KimiClient kimi = KimiClient.fromEnv()) {   // MOONSHOT_API_KEY, KIMI_API_KEY, ...
 *   ChatCompletion reply = kimi.chat(ChatRequest.of("kimi-k2.6", "Say hi"));
 *   System.out.println(reply.text() + " (request " + reply.metadata().requestId() + ")");
 *
 *   try (ChatStream stream = kimi.stream(ChatRequest.of("kimi-k2.6", "Count to 5"))) {
 *     stream.forEachText(System.out::print);
 *   }
 * }
 * }</pre>
 *
 * <p>Every operation comes in a blocking form, an asynchronous form ({@code ...Async}) and, where
 * the answer is a stream, a streaming form; each also takes per-call {@link RequestOptions} as its
 * last argument, added on top of the client's settings (the operations table of {@code
 * docs/escape-hatches.md} lists them all). A blocking form throws a {@link KimiException} (an
 * {@link ApiException} when Kimi answered with an error); an asynchronous form completes
 * exceptionally with one, and cancelling its future aborts the exchange. Every operation throws
 * {@link IllegalStateException} once the client is closed. What a call returns carries its response
 * metadata ({@link ChatCompletion#metadata()}, {@link ChatStream#metadata()}; the events of {@link
 * #requestEvents} are {@code sse}'s, which knows nothing of Kimi, so their call's listeners get
 * it); {@link KimiResponse} holds the answer of {@link #request} with its exact bytes. The
 * platform's services are {@link #files()}, {@link #batches()} and {@link #kimiCode()}. The API key
 * never appears in {@link #toString()}, exception messages or logs.
 */
public final class KimiClient implements AutoCloseable {

  /** The default limit on a non-streaming response body: 32 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = ClientConfig.DEFAULT_MAX_RESPONSE_BYTES;

  /** The default nesting limit for decoding JSON responses: {@value}. */
  public static final int DEFAULT_MAX_JSON_DEPTH = JsonReader.DEFAULT_MAX_DEPTH;

  /**
   * The name of the {@link System.Logger} the client logs to unless {@link Builder#logger} sets
   * another: {@value}.
   */
  public static final String LOGGER_NAME = ClientCore.LOGGER_NAME;

  /**
   * Kimi Code's limit on a request body as reported ("total message size exceeds 2097152"): 2 MiB.
   * The figure is not confirmed by Kimi's documentation, so {@link Builder#maxRequestBytes(long)}
   * can change it.
   */
  public static final long KIMI_CODE_MAX_REQUEST_BYTES = ClientCore.KIMI_CODE_MAX_REQUEST_BYTES;

  static final int DEFAULT_THREADS = ClientCore.DEFAULT_THREADS;

  private final ClientScope scope;
  private final ClientConfig config;

  private KimiClient(ClientScope scope) {
    this.scope = scope;
    this.config = scope.core().config();
  }

  /**
   * Returns a builder; {@link Builder#apiKey(String)} is required.
   *
   * <pre>{@code
   * KimiClient kimi = KimiClient.builder()
   *     .apiKey(System.getenv("MOONSHOT_API_KEY"))
   *     .endpoint(Endpoint.CHINA)
   *     .timeouts(Timeouts.defaults().withConnect(Duration.ofSeconds(5)))
   *     .build();
   * }</pre>
   *
   * <p>The first builder of a JVM also starts making the JDK's default TLS context on a daemon
   * thread, which building the client's HTTP client needs: it takes a fifth of a second of a fresh
   * JVM, and so runs while the client is configured.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a client configured from the environment: the key from {@code MOONSHOT_API_KEY}, {@code
   * KIMI_API_KEY} or {@code KIMI_CODING_API_KEY} (the first one set), the base URL from {@code
   * KIMI_BASE_URL}, or else Kimi Code for {@code sk-kimi-} keys and the global platform for the
   * rest; {@code KIMI_PROTOCOL=anthropic} selects {@link WireProtocol#ANTHROPIC_MESSAGES} and
   * {@code KIMI_PROTOCOL=responses} {@link WireProtocol#RESPONSES} (see {@link
   * WireProtocol#parse(String)}).
   *
   * @return the client
   * @throws ConfigurationException if no key is set, or the key or base URL is malformed
   */
  public static KimiClient fromEnv() {
    return builder().fromEnv().build();
  }

  static KimiClient fromEnv(Map<String, String> env) {
    return builder().fromEnv(env).build();
  }

  // --- chat ---------------------------------------------------------------------------------

  /**
   * Sends a chat request and waits for the whole reply.
   *
   * @param request the request; a {@code stream} flag is ignored (use {@link #stream})
   * @return the completion, with its {@link ChatCompletion#metadata() response metadata}
   * @throws ApiException if Kimi answered with an error (see its subclasses)
   * @throws PreflightException if the model would reject the request (see {@link
   *     Builder#modelChecks}), it does not fit, or it is over the request size limit
   * @throws KimiException for any other failure (connection, timeout, decoding)
   */
  public ChatCompletion chat(ChatRequest request) {
    return chat(request, RequestOptions.none());
  }

  /**
   * As {@link #chat(ChatRequest)}, with settings of the call's own.
   *
   * @param request the request
   * @param options the call's settings, on top of the client's
   * @return the completion
   */
  public ChatCompletion chat(ChatRequest request, RequestOptions options) {
    return scope.chatBlocking(request, options);
  }

  /**
   * Sends a chat request whose reply is a record, and returns the record: the one typed form.
   * Unless the request sets a response format, it is sent with {@link
   * ResponseFormat#jsonSchema(Class)}; the reply is bound with {@link ChatCompletion#parse(Class)}
   * (do the same with {@link #chatAsync(ChatRequest, RequestOptions)} for options or without
   * blocking).
   *
   * <pre>{@code
   * record Weather(String city, @Description("degrees Celsius") double temperature) {}
   * Weather w = kimi.chat(ChatRequest.of("kimi-k2.6", "Weather in Paris?"), Weather.class);
   * }</pre>
   *
   * @param <T> the record type
   * @param request the request; its own response format, if any, is kept
   * @param type the record class
   * @return the record
   * @throws StructuredOutputException if the reply does not fit {@code type}: it holds the reply's
   *     text and the JSON path that failed
   * @throws IllegalArgumentException if no schema can be derived from {@code type} (see {@link
   *     io.github.kimisdk.tool.JsonSchema#of(Class)})
   */
  public <T> T chat(ChatRequest request, Class<T> type) {
    return scope.chat(request, type);
  }

  /**
   * As {@link #chatAsync(ChatRequest, RequestOptions)} with no options.
   *
   * @param request the request
   * @return the future completion
   */
  public CompletableFuture<ChatCompletion> chatAsync(ChatRequest request) {
    return chatAsync(request, RequestOptions.none());
  }

  /**
   * Sends a chat request without blocking (see {@link #chat(ChatRequest)}).
   *
   * @param request the request; a {@code stream} flag is ignored
   * @param options the call's settings, on top of the client's
   * @return the future completion; it completes exceptionally with a {@link KimiException}, and
   *     cancelling it aborts the exchange
   */
  public CompletableFuture<ChatCompletion> chatAsync(ChatRequest request, RequestOptions options) {
    return scope.chat(request, options);
  }

  /**
   * Prepares a streaming chat call. Nothing is sent until the returned stream is iterated or
   * subscribed to; close it to cancel early.
   *
   * <pre>{@code
   * try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k2.6", "Write a haiku"))) {
   *   ChatCompletion whole = s.forEachText(System.out::print);
   * }
   * }</pre>
   *
   * @param request the request; it is sent with {@code stream: true}
   * @return the stream
   * @throws PreflightException if the model would reject the request, it does not fit, or it is
   *     over the request size limit
   */
  public ChatStream stream(ChatRequest request) {
    return stream(request, RequestOptions.none());
  }

  /**
   * As {@link #stream(ChatRequest)}, with settings of the call's own; a {@link
   * RequestOptions#timeout()} bounds the whole stream, up to its last chunk.
   *
   * @param request the request
   * @param options the call's settings, on top of the client's
   * @return the stream
   */
  public ChatStream stream(ChatRequest request, RequestOptions options) {
    return scope.stream(request, options);
  }

  /**
   * Sends many chat requests with at most {@code maxConcurrency} in flight and waits for all of
   * them. Results come back in input order; a failed request yields a {@link ChatResult} holding
   * its exception and does not stop the others.
   *
   * <pre>{@code
   * List<ChatResult> results = kimi.chatAll(requests, 4,
   *     (r, done, failed, total) -> System.out.printf("%d/%d (%d failed)%n", done, total, failed));
   * }</pre>
   *
   * @param requests the requests, sent in list order as slots free up
   * @param maxConcurrency the most calls in flight at once, at least 1
   * @param listener receives progress after each request; may be null
   * @return one result per request, in input order
   * @throws IllegalArgumentException if {@code maxConcurrency < 1}
   * @throws NullPointerException if {@code requests} or an element is null
   * @throws KimiException if the waiting thread is interrupted (the remaining calls are cancelled)
   */
  public List<ChatResult> chatAll(
      List<ChatRequest> requests, int maxConcurrency, ChatAllListener listener) {
    return chatAll(requests, maxConcurrency, listener, RequestOptions.none());
  }

  /**
   * As {@link #chatAll(List, int, ChatAllListener)}, each call with {@code options}.
   *
   * @param requests the requests
   * @param maxConcurrency the most calls in flight at once, at least 1
   * @param listener receives progress after each request; may be null
   * @param options each call's settings, on top of the client's
   * @return one result per request, in input order
   */
  public List<ChatResult> chatAll(
      List<ChatRequest> requests,
      int maxConcurrency,
      ChatAllListener listener,
      RequestOptions options) {
    return scope.await(chatAllAsync(requests, maxConcurrency, listener, options));
  }

  /**
   * As {@link #chatAllAsync(List, int, ChatAllListener, RequestOptions)} with no options.
   *
   * @param requests the requests
   * @param maxConcurrency the most calls in flight at once, at least 1
   * @param listener receives progress after each request; may be null
   * @return the future results, in input order
   */
  public CompletableFuture<List<ChatResult>> chatAllAsync(
      List<ChatRequest> requests, int maxConcurrency, ChatAllListener listener) {
    return chatAllAsync(requests, maxConcurrency, listener, RequestOptions.none());
  }

  /**
   * Sends many chat requests without blocking (see {@link #chatAll(List, int, ChatAllListener)}).
   * The future never completes exceptionally because of a failed request; cancelling it cancels the
   * calls in flight and starts no more.
   *
   * @param requests the requests
   * @param maxConcurrency the most calls in flight at once, at least 1
   * @param listener receives progress after each request; may be null
   * @param options each call's settings, on top of the client's
   * @return the future results, in input order
   * @throws IllegalArgumentException if {@code maxConcurrency < 1}
   */
  public CompletableFuture<List<ChatResult>> chatAllAsync(
      List<ChatRequest> requests,
      int maxConcurrency,
      ChatAllListener listener,
      RequestOptions options) {
    return scope.chatAll(requests, maxConcurrency, listener, options);
  }

  /**
   * Returns {@code request} as this client sends it to its model, before the model checks: the
   * client's {@link Builder#promptCacheTtl prompt cache time to live} where the request asks for
   * none, a sampling value the model fixes dropped when the client's {@link SamplingPolicy} adapts,
   * a tool choice the model rejects while thinking resolved when its {@link ThinkingFallback} says
   * so, and earlier assistant turns of a thinking model given the reasoning it needs ({@link
   * ModelInfo#adapt}, against the client's catalog). Encoded, this is byte for byte the body sent,
   * over either wire protocol (unless a clamping preflight budget lowers {@code
   * max_completion_tokens}). A loop that sends several requests, such as {@code ToolRunner}, adapts
   * the first one this way so the later ones continue what was sent.
   *
   * @param request the request
   * @return the request as it would be sent; {@code request} itself when nothing changes
   */
  public ChatRequest adapt(ChatRequest request) {
    return scope.adapt(request);
  }

  // --- any endpoint -------------------------------------------------------------------------

  /**
   * Sends a request to any endpoint below the base URL, one the SDK does not model yet, with
   * everything a chat call gets: the key, the client's headers, retries, rate limiter, timeouts,
   * logging and error classification. A 2xx JSON body is parsed; an empty one is {@code null}, a
   * non-JSON one a {@link io.github.kimisdk.json.JsonString} of its text; {@link
   * KimiResponse#body()} has the exact bytes.
   *
   * <pre>{@code
   * KimiResponse<JsonValue> r = kimi.request("POST", "responses", Json.parse("""
   *     {"model": "kimi-k3", "input": "Say hi", "store": false}"""));
   * }</pre>
   *
   * @param method the HTTP method, such as {@code "GET"} or {@code "POST"}
   * @param path the path below the base URL, such as {@code "responses"}; a leading {@code /} is
   *     ignored and a query is allowed
   * @param body the JSON body; null sends none
   * @return the decoded body with its metadata and bytes
   * @throws IllegalArgumentException if the method or path is malformed, or the path is an absolute
   *     URL
   */
  public KimiResponse<JsonValue> request(String method, String path, JsonValue body) {
    return request(method, path, body, RequestOptions.none());
  }

  /**
   * As {@link #request(String, String, JsonValue)}, with settings of the call's own.
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the JSON body; null sends none
   * @param options the call's settings, on top of the client's
   * @return the decoded body with its metadata and bytes
   */
  public KimiResponse<JsonValue> request(
      String method, String path, JsonValue body, RequestOptions options) {
    return scope.requestBlocking(method, path, body, options);
  }

  /**
   * As {@link #requestAsync(String, String, JsonValue, RequestOptions)} with no options.
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the JSON body; null sends none
   * @return the future response
   */
  public CompletableFuture<KimiResponse<JsonValue>> requestAsync(
      String method, String path, JsonValue body) {
    return requestAsync(method, path, body, RequestOptions.none());
  }

  /**
   * Sends a request to any endpoint without blocking (see {@link #request(String, String,
   * JsonValue)}).
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the JSON body; null sends none
   * @param options the call's settings, on top of the client's
   * @return the future response
   * @throws IllegalArgumentException if the method or path is malformed
   */
  public CompletableFuture<KimiResponse<JsonValue>> requestAsync(
      String method, String path, JsonValue body, RequestOptions options) {
    return scope.request(method, path, body, options);
  }

  /**
   * Prepares a request whose answer is a stream of server-sent events, to any endpoint below the
   * base URL (see {@link #request(String, String, JsonValue)}). It is streamed as a chat is:
   * nothing is sent until the stream is consumed; attempts are retried, behind the rate limiter,
   * until one delivers its first event (an error answer is thrown from the first read); the events
   * are passed on as they are, {@code data: [DONE]} included, which ends the stream. It holds its
   * rate-limiter slot until it ends; close it to stop early. Its failures are {@link
   * KimiException}s, as a chat stream's are; its response metadata reaches the call's {@link
   * CallListener}s ({@link CallEvent.Headers}).
   *
   * <pre>{@code
   * try (EventStream events = kimi.requestEvents("POST", "responses", body)) {
   *   events.forEach(e -> System.out.println(e.event() + ": " + e.data()));
   * }
   * }</pre>
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the JSON body; null sends none
   * @return the stream
   * @throws PreflightException if the body is over the request size limit
   * @throws IllegalArgumentException if the method or path is malformed
   */
  public EventStream requestEvents(String method, String path, JsonValue body) {
    return requestEvents(method, path, body, RequestOptions.none());
  }

  /**
   * As {@link #requestEvents(String, String, JsonValue)}, with settings of the call's own; a {@link
   * RequestOptions#timeout()} bounds the whole stream.
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the JSON body; null sends none
   * @param options the call's settings, on top of the client's
   * @return the stream
   */
  public EventStream requestEvents(
      String method, String path, JsonValue body, RequestOptions options) {
    return scope.requestEvents(method, path, body, options);
  }

  // --- the platform -------------------------------------------------------------------------

  /**
   * Returns the file API: upload, list, get, content and delete, plus the "chat with a document"
   * helper.
   *
   * @return the file API of this client
   */
  public KimiFiles files() {
    return new KimiFiles(scope);
  }

  /**
   * Returns the batch API: create from chat requests, get, list, cancel, wait and results.
   *
   * @return the batch API of this client
   */
  public KimiBatches batches() {
    return new KimiBatches(scope);
  }

  /**
   * Returns Kimi Code's service endpoints: the plan's quota ({@code /usages}), web search and page
   * fetching. They exist on {@link Endpoint#KIMI_CODE}; other endpoints answer 404.
   *
   * @return the Kimi Code services of this client
   */
  public KimiCode kimiCode() {
    return new KimiCode(scope);
  }

  /**
   * Lists the models the key can use ({@code GET /models}), with their context windows and
   * capabilities where the server states them. {@code catalog.updated(kimi.listModels())} returns a
   * {@link ModelCatalog} that knows them, for {@link Builder#catalog(ModelCatalog)}.
   *
   * @return the models, in the server's order
   */
  public List<ListedModel> listModels() {
    return listModels(RequestOptions.none());
  }

  /**
   * As {@link #listModels()}, with settings of the call's own.
   *
   * @param options the call's settings, on top of the client's
   * @return the models, in the server's order
   */
  public List<ListedModel> listModels(RequestOptions options) {
    return scope.await(listModelsAsync(options));
  }

  /**
   * As {@link #listModelsAsync(RequestOptions)} with no options.
   *
   * @return the future models
   */
  public CompletableFuture<List<ListedModel>> listModelsAsync() {
    return listModelsAsync(RequestOptions.none());
  }

  /**
   * Lists the models without blocking (see {@link #listModels()}).
   *
   * @param options the call's settings, on top of the client's
   * @return the future models
   */
  public CompletableFuture<List<ListedModel>> listModelsAsync(RequestOptions options) {
    return scope.listModels(options);
  }

  /**
   * Asks Kimi how many prompt tokens a request's messages cost ({@code POST
   * /tokenizers/estimate-token-count}). This is the server's own count, images and video included;
   * only {@code model} and {@code messages} are sent, as Moonshot documents, so tool definitions
   * are not counted. For a local count see {@link io.github.kimisdk.token.RequestTokens}.
   *
   * @param request the request whose prompt is counted
   * @return the total tokens
   */
  public int countTokens(ChatRequest request) {
    return countTokens(request, RequestOptions.none());
  }

  /**
   * As {@link #countTokens(ChatRequest)}, with settings of the call's own.
   *
   * @param request the request whose prompt is counted
   * @param options the call's settings, on top of the client's
   * @return the total tokens
   */
  public int countTokens(ChatRequest request, RequestOptions options) {
    return scope.await(countTokensAsync(request, options));
  }

  /**
   * As {@link #countTokensAsync(ChatRequest, RequestOptions)} with no options.
   *
   * @param request the request whose prompt is counted
   * @return the future total
   */
  public CompletableFuture<Integer> countTokensAsync(ChatRequest request) {
    return countTokensAsync(request, RequestOptions.none());
  }

  /**
   * Asks Kimi for a request's prompt tokens without blocking (see {@link
   * #countTokens(ChatRequest)}).
   *
   * @param request the request whose prompt is counted
   * @param options the call's settings, on top of the client's
   * @return the future total
   */
  public CompletableFuture<Integer> countTokensAsync(ChatRequest request, RequestOptions options) {
    return scope.countTokens(request, options);
  }

  /**
   * Returns the account balance ({@code GET /users/me/balance}); amounts are exact.
   *
   * @return the balance
   */
  public Balance balance() {
    return balance(RequestOptions.none());
  }

  /**
   * As {@link #balance()}, with settings of the call's own.
   *
   * @param options the call's settings, on top of the client's
   * @return the balance
   */
  public Balance balance(RequestOptions options) {
    return scope.await(balanceAsync(options));
  }

  /**
   * As {@link #balanceAsync(RequestOptions)} with no options.
   *
   * @return the future balance
   */
  public CompletableFuture<Balance> balanceAsync() {
    return balanceAsync(RequestOptions.none());
  }

  /**
   * Returns the account balance without blocking (see {@link #balance()}).
   *
   * @param options the call's settings, on top of the client's
   * @return the future balance
   */
  public CompletableFuture<Balance> balanceAsync(RequestOptions options) {
    return scope.balance(options);
  }

  /**
   * Checks cheaply ({@code GET /models}, which costs nothing) whether the API is reachable and
   * accepts the key. It never throws for those outcomes: a bad key, an unreachable host and other
   * errors are reported in the result.
   *
   * <pre>{@code
   * PingResult p = kimi.ping();
   * switch (p.status()) {
   *   case OK -> System.out.println("ready in " + p.latency().toMillis() + " ms");
   *   case BAD_KEY -> System.out.println("check MOONSHOT_API_KEY");
   *   case UNREACHABLE -> System.out.println("no network: " + p.error().getMessage());
   *   case ERROR -> System.out.println("Kimi answered HTTP " + p.httpStatus());
   * }
   * }</pre>
   *
   * @return the outcome
   */
  public PingResult ping() {
    return ping(RequestOptions.none());
  }

  /**
   * As {@link #ping()}, with settings of the call's own.
   *
   * @param options the call's settings, on top of the client's
   * @return the outcome
   */
  public PingResult ping(RequestOptions options) {
    return scope.await(pingAsync(options));
  }

  /**
   * As {@link #pingAsync(RequestOptions)} with no options.
   *
   * @return the future outcome
   */
  public CompletableFuture<PingResult> pingAsync() {
    return pingAsync(RequestOptions.none());
  }

  /**
   * Checks the API without blocking (see {@link #ping()}); the future completes with the outcome
   * and never exceptionally for a bad key or an unreachable host.
   *
   * @param options the call's settings, on top of the client's
   * @return the future outcome
   */
  public CompletableFuture<PingResult> pingAsync(RequestOptions options) {
    return scope.ping(options);
  }

  /**
   * Tells whether {@link #ping()} succeeds.
   *
   * @return true if the API is reachable and accepts the key
   */
  public boolean isAvailable() {
    return ping().isOk();
  }

  // --- the client ---------------------------------------------------------------------------

  /**
   * Returns a client that adds {@code options} to every call, on top of this client's settings, and
   * shares everything else with it: the connection pool, threads, scheduler, rate limiter and key.
   * A call's own options still win over these. Closing the derived client makes it refuse new calls
   * and leaves this one, and calls already started, running; closing this client closes every
   * client derived from it.
   *
   * <pre>{@code
   * KimiClient tenant = kimi.withOptions(RequestOptions.builder()
   *     .header("X-Tenant", "acme").retryPolicy(RetryPolicy.none()).build());
   * tenant.chat(ChatRequest.of("kimi-k3", "Hi"));   // counts against kimi's rate limit
   * }</pre>
   *
   * @param options the settings added to every call
   * @return the derived client
   * @throws NullPointerException if {@code options} is null
   */
  public KimiClient withOptions(RequestOptions options) {
    return new KimiClient(scope.derive(Objects.requireNonNull(options, "options")));
  }

  /**
   * Returns the settings this client adds to every call: empty unless it was made by {@link
   * #withOptions(RequestOptions)}.
   *
   * @return the options
   */
  public RequestOptions options() {
    return scope.defaults();
  }

  /**
   * Returns the wire protocol this client speaks for chat.
   *
   * @return the protocol
   */
  public WireProtocol wireProtocol() {
    return config.wireProtocol();
  }

  /**
   * Returns the endpoint this client talks to.
   *
   * @return the endpoint
   */
  public Endpoint endpoint() {
    return config.endpoint();
  }

  /**
   * Returns the timeouts this client uses.
   *
   * @return the timeouts
   */
  public Timeouts timeouts() {
    return config.timeouts();
  }

  /**
   * Returns the retry policy this client applies: its {@link #options()}' when they set one.
   *
   * @return the retry policy
   */
  public RetryPolicy retryPolicy() {
    return scope.defaults().retryPolicy().orElse(config.retryPolicy());
  }

  /**
   * Returns the client-side rate limits ({@link Builder#rateLimit(RateLimit)}), if any.
   *
   * @return the limits, or empty when calls are not limited
   */
  public Optional<RateLimit> rateLimit() {
    return Optional.ofNullable(config.rateLimit());
  }

  /**
   * Returns the model table this client checks and adapts requests against ({@link
   * Builder#catalog(ModelCatalog)}).
   *
   * @return the catalog
   */
  public ModelCatalog catalog() {
    return config.catalog();
  }

  /**
   * Logs now, on this client's logger, the warning its first call with {@code model} would log
   * (that its {@link #catalog() catalog} marks the id retired, or does not hold it: {@link
   * ModelCatalog#warning(String)}), and records it, so that no call repeats it: the warning is
   * logged once per client (derived clients included) and id, whichever comes first. For a
   * framework that knows its model when it starts, so that a bad model is told at start-up, once.
   * Nothing is refused, and nothing is logged for a current model the catalog holds.
   *
   * <pre>{@code
   * kimi.warnAboutModel(configuredModel); // at start-up; the first call then stays quiet
   * }</pre>
   *
   * @param model the model id
   * @return true if a warning was logged now; false for a current model, or one this client already
   *     warned about
   * @throws NullPointerException if {@code model} is null
   */
  public boolean warnAboutModel(String model) {
    return scope.warnAboutModel(model);
  }

  /**
   * Returns the price table this client prices its calls with ({@link Builder#prices(PriceTable)}).
   *
   * @return the prices
   */
  public PriceTable prices() {
    return scope.core().meter().prices();
  }

  /**
   * Returns what this client has spent so far: the tokens of every reply of {@code chat}, {@code
   * chatAsync}, {@code stream} and {@code chatAll} (also through a {@link #withOptions derived}
   * client, which shares the total) and their cost, priced with {@link #prices()}. A reply counts
   * before its caller receives it, and a stream's usage before the consumer sees the chunk that
   * carries it (a stream closed before that counts nothing). Calls to a model without a price add
   * tokens only ({@link Spend#isComplete()}). Thread-safe.
   *
   * @return the spend so far
   */
  public Spend spend() {
    return scope.core().meter().total();
  }

  /**
   * Returns the {@code User-Agent} header this client sends.
   *
   * @return the User-Agent
   */
  public String userAgent() {
    return config.userAgent();
  }

  /**
   * Cancels calls still in flight, closes open streams and releases the threads the client created:
   * a thread waiting for a call or consuming a stream gets a {@link CancelledException} saying so,
   * and no thread of the client outlives this call. On JDK 21 and later it also closes the {@link
   * HttpClient} it built, and with it the idle pooled connections (in the background; on earlier
   * JDKs they close when that client is garbage collected). A caller-supplied {@link HttpClient} or
   * executor is left running. Later calls throw {@link IllegalStateException}. Idempotent.
   *
   * <p>On a client made by {@link #withOptions(RequestOptions)} it only makes that client refuse
   * new calls: the threads, pool and calls in flight belong to the client it was derived from.
   */
  @Override
  public void close() {
    scope.close();
  }

  /** Returns the endpoint and User-Agent; never the key. */
  @Override
  public String toString() {
    return scope.describe("KimiClient");
  }

  /** Returns the shared machinery; for tests. */
  ClientCore core() {
    return scope.core();
  }

  /**
   * Configures a {@link KimiClient}. Only the API key is required; the endpoint defaults to {@link
   * Endpoint#GLOBAL} (or {@link Endpoint#KIMI_CODE} for {@code sk-kimi-} keys).
   */
  public static final class Builder {
    // Who is called and how, resolved together at build(); every other setting goes straight into
    // the one settings state the client is built from, read by name, whose setters check the
    // values (ClientConfig, which holds the defaults too).
    private ApiKey apiKey; // the key's one holder, handed on to the client's settings
    private String keySource = "apiKey";
    private Endpoint endpoint;
    private WireProtocol wireProtocol;
    private boolean allowPlainHttp;
    private final ClientConfig.Builder settings = ClientConfig.defaults();

    private Builder() {}

    /**
     * Sets the API key, sent as {@code Authorization: Bearer <key>}. It is checked at {@link
     * #build()}: surrounding whitespace, quotes or control characters are refused.
     *
     * @param apiKey the key from the platform console
     * @return this builder
     * @throws NullPointerException if {@code apiKey} is null
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = ApiKey.of(apiKey);
      this.keySource = "apiKey";
      return this;
    }

    /**
     * Sets the endpoint (default {@link Endpoint#GLOBAL}, or {@link Endpoint#KIMI_CODE} for {@code
     * sk-kimi-} keys).
     *
     * @param endpoint the endpoint
     * @return this builder
     * @throws NullPointerException if {@code endpoint} is null
     */
    public Builder endpoint(Endpoint endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Sets the wire protocol for chat (unset, {@link Endpoint#defaultProtocol()}). A Moonshot
     * preset endpoint is switched to the surface of the same platform that speaks it ({@link
     * Endpoint#forProtocol}); other base URLs are used as they are.
     *
     * @param wireProtocol the protocol
     * @return this builder
     * @throws NullPointerException if {@code wireProtocol} is null
     */
    public Builder wireProtocol(WireProtocol wireProtocol) {
      this.wireProtocol = Objects.requireNonNull(wireProtocol, "wireProtocol");
      return this;
    }

    /**
     * Sets the endpoint from a base URL, such as {@code https://api.moonshot.cn/v1} or a local
     * {@code http://127.0.0.1:8080/v1}.
     *
     * @param baseUrl the base URL
     * @return this builder
     * @throws ConfigurationException if the URL is malformed (see {@link Endpoint#of(String)})
     * @throws NullPointerException if {@code baseUrl} is null
     */
    public Builder baseUrl(String baseUrl) {
      return endpoint(Endpoint.of(baseUrl));
    }

    /**
     * Fills the key and endpoint from the environment as {@link KimiClient#fromEnv()} does, so
     * other settings can be added.
     *
     * @return this builder
     * @throws ConfigurationException if no key variable is set, or {@code KIMI_BASE_URL} or {@code
     *     KIMI_PROTOCOL} is malformed
     */
    public Builder fromEnv() {
      return fromEnv(System.getenv());
    }

    Builder fromEnv(Map<String, String> env) {
      Keys.Env found = Keys.fromEnv(env, p -> WireProtocol.parse(p, "KIMI_PROTOCOL"));
      refuse(found.problem());
      this.apiKey = found.key();
      this.keySource = found.variable();
      this.wireProtocol = found.protocol() != null ? found.protocol() : wireProtocol;
      this.endpoint = found.endpoint();
      return this;
    }

    /**
     * Uses a caller-supplied {@link HttpClient} (for a proxy, custom TLS or a shared pool); its own
     * connect timeout and executor apply. {@link #build()} refuses one combined with {@link
     * #executor} or {@link #connectTimeout}, or one that follows redirects (it would send the key
     * to the host a redirect names).
     *
     * @param httpClient the client
     * @return this builder
     * @throws NullPointerException if {@code httpClient} is null
     */
    public Builder httpClient(HttpClient httpClient) {
      settings.httpClient(Objects.requireNonNull(httpClient, "httpClient"));
      return this;
    }

    /**
     * Sets the executor for the HTTP client's asynchronous work and callbacks. By default the
     * client runs them on a bounded pool of its own daemon threads (at most four per processor, at
     * least 8), stopped on {@link KimiClient#close()}: do not block in a callback that runs on it.
     *
     * @param executor the executor; it is not shut down by the client
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(Executor executor) {
      settings.executor(Objects.requireNonNull(executor, "executor"));
      return this;
    }

    /**
     * Sets the connect timeout, keeping the other timeouts.
     *
     * @param connect the time allowed to connect; positive
     * @return this builder
     * @throws IllegalArgumentException if {@code connect} is not positive
     * @throws NullPointerException if {@code connect} is null
     */
    public Builder connectTimeout(Duration connect) {
      settings.timeouts(settings.timeouts().withConnect(connect));
      return this;
    }

    /**
     * Sets all timeouts.
     *
     * @param timeouts the timeouts
     * @return this builder
     * @throws NullPointerException if {@code timeouts} is null
     */
    public Builder timeouts(Timeouts timeouts) {
      settings.timeouts(Objects.requireNonNull(timeouts, "timeouts"));
      return this;
    }

    /**
     * Sets the {@code User-Agent} header (default {@code kimi-sdk-java/<version>}).
     *
     * @param userAgent the header value
     * @return this builder
     * @throws ConfigurationException if it is blank or contains CR, LF or control characters
     * @throws NullPointerException if {@code userAgent} is null
     */
    public Builder userAgent(String userAgent) {
      settings.userAgent(userAgent);
      return this;
    }

    /**
     * Adds a header sent with every request, replacing an earlier value of the same name, under the
     * policy of {@link RequestOptions.Builder#header} (the key's and the managed headers cannot be
     * set); {@code User-Agent} is the same as {@link #userAgent(String)}.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     * @throws ConfigurationException if the name is not a valid token, is reserved, or the value
     *     contains CR, LF or other control characters
     * @throws NullPointerException if an argument is null
     */
    public Builder header(String name, String value) {
      settings.header(name, value);
      return this;
    }

    /**
     * Adds headers sent with every request (see {@link #header(String, String)}).
     *
     * @param headers the headers
     * @return this builder
     * @throws ConfigurationException if a name or value is invalid
     * @throws NullPointerException if {@code headers} or an entry is null
     */
    public Builder headers(Map<String, String> headers) {
      Objects.requireNonNull(headers, "headers").forEach(this::header);
      return this;
    }

    /**
     * Sets the largest non-streaming response body accepted (default 32 MiB). A larger body fails
     * with {@link ResponseTooLargeException}.
     *
     * @param maxResponseBytes the limit in bytes, from 1 KiB to 2 GiB minus 8
     * @return this builder
     * @throws IllegalArgumentException if the limit is out of range
     */
    public Builder maxResponseBytes(long maxResponseBytes) {
      settings.maxResponseBytes(maxResponseBytes);
      return this;
    }

    /**
     * Sets the size limits for streamed responses: the longest line and the largest event (see
     * {@link SseLimits#defaults()}). Exceeding one fails the stream with {@link
     * ResponseTooLargeException}.
     *
     * @param sseLimits the limits
     * @return this builder
     * @throws NullPointerException if {@code sseLimits} is null
     */
    public Builder sseLimits(SseLimits sseLimits) {
      settings.sseLimits(Objects.requireNonNull(sseLimits, "sseLimits"));
      return this;
    }

    /**
     * Switches the preflight budget on or off (default off). When on, every chat and stream call
     * also checks the context window with the estimated prompt ({@link ContextBudget#defaults()},
     * against the window in this client's catalog); a request that does not fit fails unsent with
     * {@link ContextBudgetExceededException}. It checks the window only: the model's rules are
     * {@link #modelChecks(boolean)}'s. A model the catalog lacks is never refused on the window it
     * assumes ({@link ModelInfo#windowKnown()}): the first such call asks {@code GET /models} for
     * the window, once per client and on the calling thread, and keeps the list (or its failure); a
     * model the list lacks is sent unchecked, said once at {@code WARNING} on {@code
     * io.github.kimisdk.preflight}.
     *
     * @param on whether to check
     * @return this builder
     */
    public Builder preflight(boolean on) {
      settings.preflight(on ? ContextBudget.defaults() : null);
      return this;
    }

    /**
     * Switches the model checks on or off (default on). When on, every chat and stream call first
     * checks the request against its model's rules in this client's catalog ({@link
     * ModelInfo#problems}), with no round trip; a request the model would reject fails with a
     * {@link PreflightException} naming each problem and its fix. Off means no model checks at all,
     * whatever {@link #preflight(boolean)} says. The client's policies adapt the request first, on
     * or off.
     *
     * @param on whether to check
     * @return this builder
     */
    public Builder modelChecks(boolean on) {
      settings.modelChecks(on);
      return this;
    }

    /**
     * Sets the one model table the client checks and adapts requests against (default {@link
     * ModelCatalog#defaults()}); its preflight budget, rate limiter and error messages read this
     * table too.
     *
     * @param catalog the catalog
     * @return this builder
     * @throws NullPointerException if {@code catalog} is null
     */
    public Builder catalog(ModelCatalog catalog) {
      settings.catalog(Objects.requireNonNull(catalog, "catalog"));
      return this;
    }

    /**
     * Sets the prices the client counts its spend with ({@link KimiClient#spend()}). By default
     * {@link PriceTable#defaults()} (the global platform's list prices in USD), and {@link
     * PriceTable#none()} (tokens only) on Kimi Code and the China platform.
     *
     * @param prices the price table
     * @return this builder
     * @throws NullPointerException if {@code prices} is null
     */
    public Builder prices(PriceTable prices) {
      settings.prices(Objects.requireNonNull(prices, "prices"));
      return this;
    }

    /**
     * Runs {@code budget}'s preflight check on every chat and stream call, against the window in
     * this client's catalog: an exact counter, another reserve, or clamping of {@code
     * max_completion_tokens}.
     *
     * @param budget the budget; null switches the check off
     * @return this builder
     */
    public Builder preflight(ContextBudget budget) {
      settings.preflight(budget);
      return this;
    }

    /**
     * Sets when failed calls are sent again (default {@link RetryPolicy#defaults()}: 2 retries with
     * jittered backoff); {@link RetryPolicy#none()} turns retries off.
     *
     * @param retryPolicy the policy
     * @return this builder
     * @throws NullPointerException if {@code retryPolicy} is null
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      settings.retryPolicy(Objects.requireNonNull(retryPolicy, "retryPolicy"));
      return this;
    }

    /**
     * Allows a plain {@code http://} base URL to a host that is not a loopback address (default
     * off), for test setups only: plain HTTP sends the API key unencrypted.
     *
     * @param allow whether to allow plain HTTP to any host
     * @return this builder
     */
    public Builder allowPlainHttp(boolean allow) {
      this.allowPlainHttp = allow;
      return this;
    }

    /**
     * Forces one HTTP version for every request. By default a plain {@code http://} base URL uses
     * HTTP/1.1 and an {@code https://} one lets the JDK negotiate HTTP/2 over TLS.
     *
     * @param version the version; null restores the default
     * @return this builder
     */
    public Builder httpVersion(HttpClient.Version version) {
      settings.httpVersion(version);
      return this;
    }

    /**
     * Sets the nesting limit for arrays and objects in decoded completions and chunks (default
     * {@value KimiClient#DEFAULT_MAX_JSON_DEPTH}); a deeper response fails with a {@link
     * DecodingException} naming the limit.
     *
     * @param maxJsonDepth the limit, from 8 to 100000
     * @return this builder
     * @throws IllegalArgumentException if the limit is out of range
     */
    public Builder maxJsonDepth(int maxJsonDepth) {
      settings.maxJsonDepth(maxJsonDepth);
      return this;
    }

    /**
     * Sets the logger for the {@code DEBUG} lines of each attempt and retry, and the {@code
     * WARNING} the client logs once per model id its table marks retired or does not hold (default
     * the one named {@link KimiClient#LOGGER_NAME}). The API key and headers are never logged;
     * message contents only with {@link #logMessageContents(boolean)}. The switch {@code
     * -Dkimi.log=info|debug} (or {@code KIMI_LOG}) writes these lines at {@code INFO}, with the
     * headers (the key redacted) and, at {@code debug}, the bodies cut at 16 KiB.
     *
     * @param logger the logger
     * @return this builder
     * @throws NullPointerException if {@code logger} is null
     */
    public Builder logger(System.Logger logger) {
      settings.logger(Objects.requireNonNull(logger, "logger"));
      return this;
    }

    /**
     * Adds a listener of every call this client (and every client derived from it) makes: it hears
     * each attempt, its headers, each retry, a stream's first chunk, and the call's end or failure
     * (see {@link CallListener}). Several may be added; they hear each call in the order they were
     * added, before the call's own ({@link RequestOptions.Builder#listener(CallListener)}).
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(CallListener listener) {
      settings.listener(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Also logs request bodies and non-streamed response bodies, the conversation, at {@code DEBUG}
     * (default off).
     *
     * @param on whether to log message contents
     * @return this builder
     */
    public Builder logMessageContents(boolean on) {
      settings.logMessageContents(on);
      return this;
    }

    /**
     * Limits this client's calls on the client side (default: no limit): concurrency, requests and
     * tokens per minute, with a shared pause when Kimi answers 429 (see {@link RateLimit}).
     *
     * @param rateLimit the limits; null switches limiting off
     * @return this builder
     */
    public Builder rateLimit(RateLimit rateLimit) {
      settings.rateLimit(rateLimit);
      return this;
    }

    /**
     * Sets what the client does with a sampling value the model fixes: {@link
     * SamplingPolicy#REFUSE} (the default) sends it, so the model check refuses it; {@link
     * SamplingPolicy#ADAPT} drops or replaces it. A call's {@link
     * RequestOptions.Builder#samplingPolicy} wins over this.
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder samplingPolicy(SamplingPolicy policy) {
      settings.samplingPolicy(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Sets what the client does with a tool choice Kimi rejects while the model thinks ({@code
     * required} or a named function): {@link ThinkingFallback#REJECT} (the default) lets the model
     * check refuse it. A call's {@link RequestOptions.Builder#thinkingFallback} wins over this.
     *
     * @param fallback the fallback
     * @return this builder
     * @throws NullPointerException if {@code fallback} is null
     */
    public Builder thinkingFallback(ThinkingFallback fallback) {
      settings.thinkingFallback(Objects.requireNonNull(fallback, "fallback"));
      return this;
    }

    /**
     * Limits the size of an encoded request body (not file uploads): a larger call fails unsent
     * with a {@link PreflightException}. By default {@link KimiClient#KIMI_CODE_MAX_REQUEST_BYTES}
     * on a Kimi Code endpoint and none elsewhere.
     *
     * @param maxBytes the largest body sent, or 0 for no limit
     * @return this builder
     * @throws IllegalArgumentException if {@code maxBytes} is negative
     */
    public Builder maxRequestBytes(long maxBytes) {
      settings.maxRequestBytes(maxBytes);
      return this;
    }

    /**
     * Sets the prompt cache time to live of every chat and stream call whose request asks for none
     * (default none: nothing is sent, and Kimi keeps five minutes). It is part of the request as
     * sent ({@link KimiClient#adapt}), so {@link KimiClient#spend()} and a {@code ToolRunner}'s
     * spend limit price cache writes at it. Over {@link WireProtocol#ANTHROPIC_MESSAGES} and {@link
     * WireProtocol#RESPONSES} only five minutes can be asked for.
     *
     * @param ttl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl ttl) {
      settings.promptCacheTtl(ttl);
      return this;
    }

    /** Replaces the clock and delayer of retries and timeouts; for tests. */
    Builder scheduler(Scheduler scheduler) {
      settings.scheduler(Objects.requireNonNull(scheduler, "scheduler"));
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     * @throws ConfigurationException if no key was set, the key is malformed or plainly not for
     *     this endpoint (a Kimi Code key on the open platform, another vendor's such as {@code
     *     sk-proj-} or {@code sk-ant-} on Moonshot's hosts), plain {@code http} is used for a
     *     non-loopback host without {@link #allowPlainHttp(boolean)}, an HTTP client was combined
     *     with executor or timeout settings, the HTTP client follows redirects, or a one-hour
     *     prompt cache is asked of the Anthropic Messages or Responses protocol
     */
    public KimiClient build() {
      Keys.Resolved r =
          Keys.resolve(
              apiKey == null ? null : apiKey.reveal(),
              keySource,
              endpoint,
              wireProtocol,
              allowPlainHttp,
              settings.httpClient(),
              settings.hasExecutor(),
              settings.timeouts());
      refuse(r.problem());
      ClientConfig config =
          settings.apiKey(apiKey).endpoint(r.endpoint()).wireProtocol(r.protocol()).build();
      return new KimiClient(ClientScope.of(ClientCore.start(config, Errors.exceptions())));
    }

    private static void refuse(String problem) {
      if (problem != null) {
        throw new ConfigurationException(problem);
      }
    }
  }
}
