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
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.access.Probes;
import io.github.kimisdk.internal.client.ClientCore;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.internal.config.ClientConfig;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.model.ThinkingFallback;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.SseLimits;
import io.github.kimisdk.token.ContextBudget;
import java.net.http.HttpClient;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A client for Kimi's API over the JDK's {@link HttpClient}. It is thread-safe; create one and
 * share it. Passing {@code null} where a method does not say it may be null throws {@link
 * NullPointerException}.
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
 * <p>Chat is on the client ({@link #chat}, {@link #chatAsync}, {@link #stream}); each platform
 * endpoint is behind an accessor ({@link #models()}, {@link #tokens()}, {@link #account()}, {@link
 * #files()}, {@link #batches()}, {@link #kimiCode()}). Operations come blocking, asynchronous
 * ({@code ...Async}) and, where the answer is a stream, streaming. A call's own settings go on a
 * derived client, {@code kimi.withOptions(options).chat(request)}, which costs no threads or
 * connections. A blocking form throws a {@link KimiException} ({@link ApiException} when Kimi
 * answered with an error); an asynchronous one completes exceptionally with it, and cancelling its
 * future aborts the exchange. A closed client throws {@link IllegalStateException}. Replies carry
 * their response metadata ({@link ChatCompletion#metadata()}); the API key never appears in {@link
 * #toString()}, exception messages or logs.
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

  static {
    // the host check's door (host.access): a client's targets, to kimi-sdk-hostcheck alone
    Probes.open(
        (client, model, bound, check) -> {
          if (!(client instanceof KimiClient kimi)) {
            throw new IllegalArgumentException("not a KimiClient: " + client.getClass().getName());
          }
          return kimi.scope.verify(model, bound, check);
        });
  }

  private final ClientScope scope;
  private final KimiFiles files;
  private final KimiBatches batches;
  private final KimiCode kimiCode;
  private final KimiModels models;
  private final KimiTokens tokens;
  private final KimiAccount account;

  private KimiClient(ClientScope scope) {
    this.scope = scope;
    this.files = new KimiFiles(scope);
    this.batches = new KimiBatches(scope, files);
    this.kimiCode = new KimiCode(scope);
    this.models = new KimiModels(scope);
    this.tokens = new KimiTokens(scope);
    this.account = new KimiAccount(scope);
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
    return scope.chatBlocking(request);
  }

  /**
   * Sends a chat request whose reply is a record, and returns the record: the one typed form.
   * Unless the request sets a response format, it is sent with {@link
   * ResponseFormat#jsonSchema(Class)}; the reply is bound with {@link ChatCompletion#parse(Class)}
   * (do the same with {@link #chatAsync(ChatRequest)} without blocking).
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
   * Sends a chat request without blocking (see {@link #chat(ChatRequest)}).
   *
   * @param request the request; a {@code stream} flag is ignored
   * @return the future completion; it completes exceptionally with a {@link KimiException}, and
   *     cancelling it aborts the exchange
   */
  public CompletableFuture<ChatCompletion> chatAsync(ChatRequest request) {
    return scope.chat(request);
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
    return scope.stream(request);
  }

  /**
   * Sends many chat requests with at most {@code maxConcurrency} in flight and waits for all of
   * them. Results come back in input order; a failed request yields a {@link ChatResult} holding
   * its exception and does not stop the others.
   *
   * <pre>{@code
   * List<ChatResult> results = kimi.chatAll(requests, 4, r -> System.out.println("done: " + r));
   * }</pre>
   *
   * @param requests the requests, sent in list order as slots free up
   * @param maxConcurrency the most calls in flight at once, at least 1
   * @param onResult receives each result as its request finishes, one at a time (never
   *     concurrently), on the thread that finished it; may be null
   * @return one result per request, in input order
   * @throws IllegalArgumentException if {@code maxConcurrency < 1}
   * @throws KimiException if the waiting thread is interrupted (the remaining calls are cancelled)
   */
  public List<ChatResult> chatAll(
      List<ChatRequest> requests, int maxConcurrency, Consumer<ChatResult> onResult) {
    return scope.await(chatAllAsync(requests, maxConcurrency, onResult));
  }

  /**
   * Sends many chat requests without blocking (see {@link #chatAll(List, int, Consumer)}). The
   * future never completes exceptionally because of a failed request; cancelling it cancels the
   * calls in flight and starts no more.
   *
   * @param requests the requests
   * @param maxConcurrency the most calls in flight at once, at least 1
   * @param onResult receives each result as its request finishes; may be null
   * @return the future results, in input order
   * @throws IllegalArgumentException if {@code maxConcurrency < 1}
   */
  public CompletableFuture<List<ChatResult>> chatAllAsync(
      List<ChatRequest> requests, int maxConcurrency, Consumer<ChatResult> onResult) {
    return scope.chatAll(requests, maxConcurrency, onResult);
  }

  /**
   * Returns {@code request} as this client sends it, before the model checks: adapted by {@link
   * ModelInfo#adapt} against the client's catalog and policies ({@link Builder#promptCacheTtl},
   * {@link SamplingPolicy}, {@link ThinkingFallback}). Encoded, this is byte for byte the body sent
   * (unless a clamping preflight budget lowers {@code max_completion_tokens}).
   *
   * @param request the request
   * @return the request as it would be sent; {@code request} itself when nothing changes
   */
  public ChatRequest adapt(ChatRequest request) {
    return scope.adapt(request);
  }

  /**
   * Lists what this client would refuse {@code request} for before sending anything, in the words
   * of the {@link PreflightException} a chat or stream call with it throws: the request as {@link
   * #adapt} makes it, checked against its model's rules in this client's catalog ({@link
   * ModelInfo#problems(ChatRequest, Set)}) and, over {@link WireProtocol#CHAT_COMPLETIONS}, its
   * host's ({@link Host#problems}: a field Moonshot's API takes and ignores), the fields marked
   * {@link Builder#deliberateFields deliberate} sent as they are. For a framework that checks its
   * default options when it starts, as every call would be checked; nothing is sent. The client's
   * own target only: a fallback target's rules are checked when a call starts, and the context
   * budget ({@link Builder#preflight}) when it is sent.
   *
   * <pre>{@code
   * List<String> problems = kimi.problems(defaults);
   * if (!problems.isEmpty()) {
   *   throw new PreflightException(defaults.model(), problems); // what every call would throw
   * }
   * }</pre>
   *
   * @param request the request
   * @return the problems; empty when none is found, or when {@link Builder#modelChecks} is off
   */
  public List<String> problems(ChatRequest request) {
    return scope.problems(request);
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
    return scope.requestBlocking(method, path, body);
  }

  /**
   * Sends a request to any endpoint without blocking (see {@link #request(String, String,
   * JsonValue)}).
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the JSON body; null sends none
   * @return the future response
   */
  public CompletableFuture<KimiResponse<JsonValue>> requestAsync(
      String method, String path, JsonValue body) {
    return scope.request(method, path, body);
  }

  /**
   * Prepares a request whose answer is a stream of server-sent events, to any endpoint below the
   * base URL (see {@link #request(String, String, JsonValue)}). It streams as a chat does: nothing
   * is sent until it is consumed, attempts are retried until the first event, its failures are
   * {@link KimiException}s, and it holds its rate-limiter slot until it ends (close it to stop
   * early); the events pass as they are, {@code data: [DONE]} ending the stream.
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
    return scope.requestEvents(method, path, body);
  }

  // --- the platform -------------------------------------------------------------------------

  /**
   * {@return the file API: upload, list, get, content and delete, plus the "chat with a document"
   * helper}
   */
  public KimiFiles files() {
    return files;
  }

  /** {@return the batch API: create from chat requests, get, list, cancel, wait and results} */
  public KimiBatches batches() {
    return batches;
  }

  /**
   * {@return Kimi Code's service endpoints: the plan's quota ({@code /usages}), web search and page
   * fetching (on {@link Endpoint#KIMI_CODE}; other endpoints answer 404)}
   */
  public KimiCode kimiCode() {
    return kimiCode;
  }

  /** {@return the models the key can use ({@code GET /models})} */
  public KimiModels models() {
    return models;
  }

  /**
   * {@return Kimi's own token count of a request ({@code POST /tokenizers/estimate-token-count})}
   */
  public KimiTokens tokens() {
    return tokens;
  }

  /**
   * {@return the account behind the key: its balance, and the health check ({@link
   * KimiAccount#ping()})}
   */
  public KimiAccount account() {
    return account;
  }

  // --- the client ---------------------------------------------------------------------------

  /**
   * Returns a client that adds {@code options} to every call, on top of this client's settings: the
   * one way to give calls settings of their own. It shares everything else (connection pool,
   * threads, scheduler, rate limiter, spend, key) and costs a few small objects, so one may be made
   * per call. Closing it makes it refuse new calls and leaves this client, and calls already
   * started, running; closing this client closes every client derived from it.
   *
   * <pre>{@code
   * KimiClient tenant = kimi.withOptions(RequestOptions.builder()
   *     .header("X-Tenant", "acme").retryPolicy(RetryPolicy.none()).build());
   * tenant.chat(ChatRequest.of("kimi-k3", "Hi"));   // counts against kimi's rate limit
   * }</pre>
   *
   * @param options the settings added to every call, on top of this client's own options
   * @return the derived client
   */
  public KimiClient withOptions(RequestOptions options) {
    return new KimiClient(scope.derive(Objects.requireNonNull(options, "options")));
  }

  /**
   * Returns a client for one tenant with a key of its own, asked of {@code apiKey} as {@link
   * Builder#apiKey(Supplier)} says: it shares this client's pool, threads, scheduler, model table
   * and options, and has its own {@link #spend()} and, where this client has a rate limit, its own
   * limiter of the same limits (under {@code account} in a shared {@link RateLimitStore}). It costs
   * no thread or connection, and this client keeps no reference to it; closing is as for {@link
   * #withOptions(RequestOptions)}. Example: {@code kimi.withCredentials("acme", keys::acme)}.
   *
   * @param account the tenant's account name (not its key): 1 to 128 characters without spaces
   * @param apiKey supplies the tenant's key
   * @return the tenant's client
   * @throws IllegalArgumentException if {@code account} is malformed
   */
  public KimiClient withCredentials(String account, Supplier<String> apiKey) {
    return new KimiClient(scope.withCredentials(account, apiKey));
  }

  /**
   * {@return the settings this client adds to every call: empty unless it was made by {@link
   * #withOptions(RequestOptions)}}
   */
  public RequestOptions options() {
    return scope.defaults();
  }

  /** {@return the wire protocol this client speaks for chat} */
  public WireProtocol wireProtocol() {
    return scope.config().wireProtocol();
  }

  /** {@return the endpoint this client talks to} */
  public Endpoint endpoint() {
    return scope.config().endpoint();
  }

  /** {@return the timeouts this client uses} */
  public Timeouts timeouts() {
    return scope.config().timeouts();
  }

  /** {@return the retry policy this client applies: its {@link #options()}' when they set one} */
  public RetryPolicy retryPolicy() {
    return scope.defaults().retryPolicy().orElse(scope.config().retryPolicy());
  }

  /** {@return the client-side rate limits ({@link Builder#rateLimit(RateLimit)}), if any} */
  public Optional<RateLimit> rateLimit() {
    return Optional.ofNullable(scope.config().rateLimit());
  }

  /**
   * {@return the model table this client checks and adapts requests against ({@link
   * Builder#catalog(ModelCatalog)})}
   */
  public ModelCatalog catalog() {
    return scope.config().catalog();
  }

  /**
   * {@return the top-level fields this client sends as they are where Kimi would take and ignore
   * them ({@link Builder#deliberateFields}); empty when none is marked}
   */
  public Set<String> deliberateFields() {
    return scope.config().deliberateFields();
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
   */
  public boolean warnAboutModel(String model) {
    return scope.warnAboutModel(model);
  }

  /**
   * {@return the price table this client prices its calls with ({@link
   * Builder#prices(PriceTable)})}
   */
  public PriceTable prices() {
    return scope.tenant().meter().prices();
  }

  /**
   * Returns what this client has spent so far: the tokens of every reply of {@code chat}, {@code
   * chatAsync}, {@code stream} and {@code chatAll} (also through a {@link #withOptions derived}
   * client, which shares the total) and their cost, priced with {@link #prices()}. A reply counts
   * before its caller receives it, and a stream's usage before the consumer sees the chunk that
   * carries it (a stream closed before that counts nothing). Calls to a model without a price add
   * tokens only ({@link Spend#isComplete()}); a {@link #withCredentials} client counts its own.
   * With fallback targets ({@link Builder#fallback}), each reply is priced at the prices of the
   * host that served it, and this adds up every target's spend ({@link KimiAccount#targets()} has
   * each). Thread-safe.
   *
   * @return the spend so far
   */
  public Spend spend() {
    return scope.spend();
  }

  /**
   * Captures the current thread's context with every propagator of this client ({@link
   * Builder#contextPropagator}), for code of one's own that runs work of a caller's elsewhere, as
   * the client does for its callbacks: capture on the caller's thread, restore around the work on
   * the other, in a try-with-resources. With no propagator it captures nothing and restores
   * nothing. A propagator that throws is logged and skipped, as in a call.
   *
   * <pre>{@code
   * ContextPropagator.Captured caller = kimi.captureContext();     // on the caller's thread
   * pool.execute(() -> {
   *   try (ContextPropagator.Scope s = caller.restore()) {         // on the worker
   *     handle(request);
   *   }
   * });
   * }</pre>
   *
   * @return the captured context; it may be restored any number of times, on any thread
   */
  public ContextPropagator.Captured captureContext() {
    return scope.captureContext();
  }

  /** {@return the {@code User-Agent} header this client sends} */
  public String userAgent() {
    return scope.config().userAgent();
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
   * Endpoint#GLOBAL} (or {@link Endpoint#KIMI_CODE} for {@code sk-kimi-} keys). A client whose
   * {@link #host} is a team's own server ({@link Host#vllm}, {@link Host#sglang}, {@link
   * Host#compatible}) may be built without a key and then sends none, as a server started without
   * {@code --api-key} expects; Moonshot's API and a hosted platform at its preset URL need one. A
   * {@code null} argument throws {@link NullPointerException} unless a method says it may be null.
   */
  public static final class Builder {
    // Every setting goes straight into the one settings state the client is built from, read by
    // name, whose setters check the values and which resolves who is called and how at build()
    // (ClientConfig, which holds the defaults too); with(...) then returns this builder.
    private final ClientConfig.Builder settings = ClientConfig.defaults();

    private Builder() {}

    private Builder with(ClientConfig.Builder settingsSet) {
      return this;
    }

    /**
     * Sets the API key, sent as {@code Authorization: Bearer <key>}. It is checked at {@link
     * #build()}: surrounding whitespace, quotes or control characters are refused.
     *
     * @param apiKey the key from the platform console
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      return with(settings.apiKey(ApiKey.of(apiKey), "apiKey"));
    }

    /**
     * Sets where the key comes from when it changes (a secret manager's rotation, Kimi Code's OAuth
     * access token): {@code apiKey} is asked before every attempt, and once more after Kimi refuses
     * a key (401), whose attempt is repeated once. It runs on the attempt's thread and should
     * answer at once (keep the key, refresh it ahead). One that throws, or returns null or a
     * malformed key, fails the call unsent with a {@link ConfigurationException} that never holds
     * the key. The endpoint defaults to {@link Endpoint#GLOBAL} (docs/credentials.md).
     *
     * @param apiKey supplies the key; thread-safe
     * @return this builder
     */
    public Builder apiKey(Supplier<String> apiKey) {
      return with(settings.apiKey(Objects.requireNonNull(apiKey, "apiKey")));
    }

    /**
     * Sets the endpoint (default {@link Endpoint#GLOBAL}, or {@link Endpoint#KIMI_CODE} for {@code
     * sk-kimi-} keys).
     *
     * @param endpoint the endpoint
     * @return this builder
     */
    public Builder endpoint(Endpoint endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      return with(settings.moonshotHost().requestedEndpoint(endpoint));
    }

    /**
     * Sends the client's calls to {@code host}: its endpoint, in its dialect ({@link Host}: its
     * model ids, its thinking switch, its reasoning key, its tool-call ids), at its prices. The
     * application keeps naming Kimi's models, and Kimi's rules for a model apply on every host.
     * {@link #endpoint} and {@link #baseUrl} set Moonshot's host at another endpoint.
     *
     * @param host the host
     * @return this builder
     */
    public Builder host(Host host) {
      return with(settings.host(Objects.requireNonNull(host, "host")));
    }

    /**
     * Adds a fallback target, after the client's own settings and the targets added before: a call
     * moves to the next target when its target is overloaded or its account is out of quota, never
     * on the caller's own error (see {@link Target}). The client's one retry loop decides, with its
     * {@link RetryPolicy} (cooldowns: {@link RetryPolicy#withCooldown}); a call the client retries
     * goes back to the first target that admits it. Each target keeps its key, rate limit and
     * spend; {@link KimiClient#spend()} adds them up, and a reply names the target that served it
     * ({@link ResponseMetadata#servedBy()}).
     *
     * @param target the target
     * @return this builder
     * @throws ConfigurationException past 16 targets, the client's own included
     */
    public Builder fallback(Target target) {
      Objects.requireNonNull(target, "target");
      return with(
          settings.fallback(
              new ClientConfig.Fallback(target, target.revealKey(), target.keySupplier(), false)));
    }

    /**
     * Adds a target that shares the load of the one added last (the client's own settings when none
     * was): a replica of the same model, on the same host or another. The targets that share a
     * place in the chain are its group, and the client routes among them as a gateway would: a call
     * goes to the member with the most room under the concurrency it learnt for it (and its {@link
     * RateLimit}), by {@link Target#weight}; a conversation (calls whose first messages match)
     * stays on the member that holds its prefix cache while that member has room, and moves, told
     * as {@link CallEvent.Reroute#MOVED}, only when it is overloaded or down; a call spills to
     * another member, or to the next place in the chain, instead of waiting while one has room. A
     * member that refuses for its full queue sends the call to another member, or waits for room,
     * instead of cooling down. Places in the chain still fall back in order, as {@link
     * #fallback(Target)} says. docs/hosts.md ("Replicas that share the load") gives the trade-offs.
     *
     * <pre>{@code
     * KimiClient kimi = KimiClient.builder()
     *     .host(Host.vllm("http://gpu-a:8000/v1"))
     *     .replica(Target.of(Host.vllm("http://gpu-b:8000/v1")))
     *     .fallback(Target.of(Host.MOONSHOT, "kimi-k3").apiKey(moonshotKey))
     *     .build();
     * }</pre>
     *
     * @param target the replica, with its own key (a replica never takes the client's key)
     * @return this builder
     * @throws ConfigurationException past 16 targets, the client's own included
     */
    public Builder replica(Target target) {
      Objects.requireNonNull(target, "target");
      return with(
          settings.fallback(
              new ClientConfig.Fallback(target, target.revealKey(), target.keySupplier(), true)));
    }

    /**
     * Sets the weight of the client's own target among the members of its group ({@link #replica}),
     * as {@link Target#weight} sets a replica's; it means nothing without replicas.
     *
     * @param weight from 1 (the default) to {@link Target#MAX_WEIGHT}
     * @return this builder
     * @throws IllegalArgumentException if {@code weight} is out of range
     */
    public Builder weight(int weight) {
      return with(settings.weight(Target.checkWeight(weight)));
    }

    /**
     * Sets the wire protocol for chat (unset, {@link Endpoint#defaultProtocol()}). A Moonshot
     * preset endpoint is switched to the surface of the same platform that speaks it ({@link
     * Endpoint#forProtocol}); other base URLs are used as they are.
     *
     * @param wireProtocol the protocol
     * @return this builder
     */
    public Builder wireProtocol(WireProtocol wireProtocol) {
      return with(settings.requestedProtocol(Objects.requireNonNull(wireProtocol, "wireProtocol")));
    }

    /**
     * Sets the endpoint from a base URL, such as {@code https://api.moonshot.cn/v1} or a local
     * {@code http://127.0.0.1:8080/v1}.
     *
     * @param baseUrl the base URL
     * @return this builder
     * @throws ConfigurationException if the URL is malformed (see {@link Endpoint#of(String)})
     */
    public Builder baseUrl(String baseUrl) {
      return endpoint(Endpoint.of(baseUrl));
    }

    /**
     * Fills the key and endpoint from the environment as {@link KimiClient#fromEnv()} does.
     *
     * @return this builder
     * @throws ConfigurationException if no key variable is set, or {@code KIMI_BASE_URL} or {@code
     *     KIMI_PROTOCOL} is malformed
     */
    public Builder fromEnv() {
      return fromEnv(System.getenv());
    }

    Builder fromEnv(Map<String, String> env) {
      return with(settings.fromEnv(env, p -> WireProtocol.parse(p, "KIMI_PROTOCOL")));
    }

    /**
     * Uses a caller-supplied {@link HttpClient} (for a proxy, custom TLS or a shared pool); its own
     * connect timeout and executor apply. {@link #build()} refuses one combined with {@link
     * #executor} or a connect timeout in {@link #timeouts}, or one that follows redirects (it would
     * send the key to the host a redirect names).
     *
     * @param httpClient the client
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      return with(settings.httpClient(Objects.requireNonNull(httpClient, "httpClient")));
    }

    /**
     * Sets the executor for the HTTP client's asynchronous work and callbacks (default: a bounded
     * pool of the client's own daemon threads, stopped on {@link KimiClient#close()}); do not block
     * in a callback that runs on it.
     *
     * @param executor the executor; it is not shut down by the client
     * @return this builder
     */
    public Builder executor(Executor executor) {
      return with(settings.executor(Objects.requireNonNull(executor, "executor")));
    }

    /**
     * Sets all timeouts.
     *
     * @param timeouts the timeouts
     * @return this builder
     */
    public Builder timeouts(Timeouts timeouts) {
      return with(settings.timeouts(Objects.requireNonNull(timeouts, "timeouts")));
    }

    /**
     * Adds a header sent with every request, replacing an earlier value of the same name, under the
     * policy of {@link RequestOptions.Builder#header} (the key's and the managed headers cannot be
     * set); a {@code User-Agent} replaces the default, {@code kimi-sdk-java/<version>}.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     * @throws ConfigurationException if the name is not a valid token, is reserved, or the value
     *     contains CR, LF or other control characters
     */
    public Builder header(String name, String value) {
      return with(settings.header(name, value));
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
      return with(settings.maxResponseBytes(maxResponseBytes));
    }

    /**
     * Sets the size limits for streamed responses: the longest line and the largest event (see
     * {@link SseLimits#defaults()}). Exceeding one fails the stream with {@link
     * ResponseTooLargeException}.
     *
     * @param sseLimits the limits
     * @return this builder
     */
    public Builder sseLimits(SseLimits sseLimits) {
      return with(settings.sseLimits(Objects.requireNonNull(sseLimits, "sseLimits")));
    }

    /**
     * Switches the model checks on or off (default on): every chat and stream call is first checked
     * against its model's rules in this client's catalog ({@link ModelInfo#problems}) and, over
     * {@link WireProtocol#CHAT_COMPLETIONS}, against its host's ({@link Host#problems}: a field
     * Moonshot's API would take and ignore), with no round trip, after the client's policies adapt
     * it; a request the model would reject or not act on fails with a {@link PreflightException}
     * naming each problem and its fix (the fields marked {@link #deliberateFields} go as they are).
     * Off turns the preflight off too.
     *
     * @param on whether to check
     * @return this builder
     */
    public Builder modelChecks(boolean on) {
      return with(settings.modelChecks(on));
    }

    /**
     * Marks top-level request fields as deliberate (default none): the client sends them as they
     * are where it would otherwise refuse them for being taken and ignored by Kimi. Such a refusal
     * names its rule: {@code ignored-field} for a field the host does not take (on Moonshot's API,
     * any member of {@link ChatRequest#extraBody()}: {@link Host#problems}) or the model does not
     * take ({@code thinking} on kimi-k3.1-pro), {@code unlisted-effort} for a {@code
     * reasoning_effort} level the model does not list ({@link ModelInfo#problems(ChatRequest,
     * Set)}). Mark the fields a relay in front of Kimi reads, or one a Kimi newer than this SDK's
     * model table takes. Nothing else changes: what Kimi answers with a 400 (a fixed sampling
     * value, a forced tool choice while thinking) is still refused ({@link #modelChecks(boolean)}
     * off sends everything as it is), and a field the request does not set is not added.
     *
     * <pre>{@code
     * KimiClient relayed = KimiClient.builder()
     *     .host(Host.moonshot(Endpoint.of("https://kimi-relay.internal/v1")))
     *     .apiKey(key)
     *     .deliberateFields("x_team") // the relay reads it; Moonshot ignores it
     *     .build();
     * relayed.chat(ChatRequest.builder("kimi-k3").addUser("Hi")
     *     .extraBody("x_team", JsonString.of("search")).build());
     * }</pre>
     *
     * @param fields the fields, as chat completions names them, such as {@code "thinking"}, {@code
     *     "reasoning_effort"} or an extra body member; none to mark none
     * @return this builder
     * @throws NullPointerException if {@code fields} or an element is null
     * @throws IllegalArgumentException if a field is blank
     */
    public Builder deliberateFields(String... fields) {
      Set<String> marked = new LinkedHashSet<>();
      for (String f : Objects.requireNonNull(fields, "fields")) {
        Objects.requireNonNull(f, "a deliberate field must not be null");
        if (f.isBlank()) {
          throw new IllegalArgumentException(
              "a deliberate field must be a top-level field's name, such as \"seed\": \""
                  + f
                  + "\"");
        }
        marked.add(f);
      }
      return with(settings.deliberateFields(marked));
    }

    /**
     * Sets the one model table the client checks and adapts requests against (default {@link
     * ModelCatalog#defaults()}); its preflight budget, rate limiter and error messages read this
     * table too.
     *
     * @param catalog the catalog
     * @return this builder
     */
    public Builder catalog(ModelCatalog catalog) {
      return with(settings.catalog(Objects.requireNonNull(catalog, "catalog")));
    }

    /**
     * Sets the prices the client counts its spend with ({@link KimiClient#spend()}); default {@link
     * PriceTable#defaults()}, or {@link PriceTable#none()} (tokens only) on Kimi Code and China.
     *
     * @param prices the price table
     * @return this builder
     */
    public Builder prices(PriceTable prices) {
      return with(settings.prices(Objects.requireNonNull(prices, "prices")));
    }

    /**
     * Checks every chat and stream call against the context window before sending it (default off):
     * {@code preflight(ContextBudget.defaults())} estimates the prompt, against the window in this
     * client's catalog (for a model it lacks, the one {@code GET /models} lists, asked once); a
     * request that does not fit fails unsent with {@link ContextBudgetExceededException}. A budget
     * of your own adds an exact counter, another reserve, or clamping of {@code
     * max_completion_tokens}. The model's rules are {@link #modelChecks(boolean)}'s.
     *
     * @param budget the budget; null switches the check off
     * @return this builder
     */
    public Builder preflight(ContextBudget budget) {
      return with(settings.preflight(budget));
    }

    /**
     * Sets when failed calls are sent again (default {@link RetryPolicy#defaults()}: 2 retries with
     * jittered backoff); {@link RetryPolicy#none()} turns retries off.
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      return with(settings.retryPolicy(Objects.requireNonNull(retryPolicy, "retryPolicy")));
    }

    /**
     * Allows a plain {@code http://} base URL to a host that is not a loopback address (default
     * off), for test setups only: plain HTTP sends the API key unencrypted.
     *
     * @param allow whether to allow plain HTTP to any host
     * @return this builder
     */
    public Builder allowPlainHttp(boolean allow) {
      return with(settings.allowPlainHttp(allow));
    }

    /**
     * Forces one HTTP version for every request. By default a plain {@code http://} base URL uses
     * HTTP/1.1 and an {@code https://} one lets the JDK negotiate HTTP/2 over TLS.
     *
     * @param version the version; null restores the default
     * @return this builder
     */
    public Builder httpVersion(HttpClient.Version version) {
      return with(settings.httpVersion(version));
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
      return with(settings.maxJsonDepth(maxJsonDepth));
    }

    /**
     * Sets the logger of each attempt and retry ({@code DEBUG}) and of the warning about a retired
     * or unknown model (default {@link KimiClient#LOGGER_NAME}). The key is never logged, message
     * contents only with {@link #logMessageContents(boolean)}; {@code -Dkimi.log=info|debug} (or
     * {@code KIMI_LOG}) raises these lines to {@code INFO} (docs/observability.md).
     *
     * @param logger the logger
     * @return this builder
     */
    public Builder logger(System.Logger logger) {
      return with(settings.logger(Objects.requireNonNull(logger, "logger")));
    }

    /**
     * Adds a listener of every call this client and the clients derived from it make (see {@link
     * CallListener}); listeners hear a call in the order they were added, before a derived client's
     * own ({@link RequestOptions.Builder#listener(CallListener)}).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(CallListener listener) {
      return with(settings.listener(Objects.requireNonNull(listener, "listener")));
    }

    /**
     * Adds an interceptor of every chat call this client and the clients derived from it make (see
     * {@link KimiInterceptor}): interceptors run in the order they were added, the first outermost,
     * and before a derived client's own ({@link RequestOptions.Builder#interceptor}).
     *
     * <pre>{@code
     * KimiClient kimi = KimiClient.builder().fromEnv().interceptor(new ResponseCache()).build();
     * }</pre>
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public Builder interceptor(KimiInterceptor interceptor) {
      return with(settings.interceptor(Objects.requireNonNull(interceptor, "interceptor")));
    }

    /**
     * Adds a propagator of the caller's context (see {@link ContextPropagator}): a logging MDC, a
     * tracing context, a container's security context, captured where each call starts and made
     * current around every callback the client runs for it on its own threads (listeners,
     * interceptors, a {@code Flow} subscriber's signals, the key supplier, the stages of the
     * futures it returns). Several may be added: each captures in the order added, and is restored
     * in that order. kimi-sdk-opentelemetry's {@code KimiTelemetry.install} adds OpenTelemetry's,
     * the Spring modules' auto-configuration SLF4J's MDC (docs/observability.md, "What runs
     * where").
     *
     * <pre>{@code
     * KimiClient kimi = KimiClient.builder().fromEnv().contextPropagator(mdc).build();
     * }</pre>
     *
     * @param propagator the propagator
     * @return this builder
     */
    public Builder contextPropagator(ContextPropagator propagator) {
      return with(settings.contextPropagator(Objects.requireNonNull(propagator, "propagator")));
    }

    /**
     * Also logs request bodies and non-streamed response bodies, the conversation, at {@code DEBUG}
     * (default off).
     *
     * @param on whether to log message contents
     * @return this builder
     */
    public Builder logMessageContents(boolean on) {
      return with(settings.logMessageContents(on));
    }

    /**
     * Limits this client's calls on the client side (default: no limit): concurrency, requests and
     * tokens per minute, with a shared pause when Kimi answers 429 (see {@link RateLimit}).
     *
     * @param rateLimit the limits; null switches limiting off
     * @return this builder
     */
    public Builder rateLimit(RateLimit rateLimit) {
      return with(settings.rateLimit(rateLimit));
    }

    /**
     * Sets what the client does with a sampling value the model fixes: {@link
     * SamplingPolicy#REFUSE} (the default) sends it, so the model check refuses it; {@link
     * SamplingPolicy#ADAPT} drops or replaces it. A call's {@link
     * RequestOptions.Builder#samplingPolicy} wins over this.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder samplingPolicy(SamplingPolicy policy) {
      return with(settings.samplingPolicy(Objects.requireNonNull(policy, "policy")));
    }

    /**
     * Sets what the client does with a tool choice Kimi rejects while the model thinks ({@code
     * required} or a named function): {@link ThinkingFallback#REJECT} (the default) lets the model
     * check refuse it. A call's {@link RequestOptions.Builder#thinkingFallback} wins over this.
     *
     * @param fallback the fallback
     * @return this builder
     */
    public Builder thinkingFallback(ThinkingFallback fallback) {
      return with(settings.thinkingFallback(Objects.requireNonNull(fallback, "fallback")));
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
      return with(settings.maxRequestBytes(maxBytes));
    }

    /**
     * Sets the prompt cache time to live of every chat and stream call whose request asks for none
     * (default none: Kimi keeps five minutes). It is part of the request as sent ({@link
     * KimiClient#adapt}), so spend prices cache writes at it; over {@link
     * WireProtocol#ANTHROPIC_MESSAGES} and {@link WireProtocol#RESPONSES} only five minutes can be
     * asked for.
     *
     * @param ttl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl ttl) {
      return with(settings.promptCacheTtl(ttl));
    }

    /** Replaces the clock and delayer of retries and timeouts; for tests. */
    Builder scheduler(Scheduler scheduler) {
      return with(settings.scheduler(Objects.requireNonNull(scheduler, "scheduler")));
    }

    /**
     * Builds the client.
     *
     * @return the client
     * @throws ConfigurationException if no key was set (but for a team's own {@link #host}), the
     *     key is malformed or plainly not for this endpoint (a Kimi Code key on the open platform,
     *     another vendor's such as {@code sk-proj-} or {@code sk-ant-} on Moonshot's hosts), plain
     *     {@code http} is used for a non-loopback host without {@link #allowPlainHttp(boolean)}, an
     *     HTTP client was combined with executor or timeout settings, the HTTP client follows
     *     redirects, or a one-hour prompt cache is asked of the Anthropic Messages or Responses
     *     protocol
     */
    public KimiClient build() {
      return new KimiClient(ClientScope.start(settings.resolveAndBuild(), Errors.exceptions()));
    }
  }
}
