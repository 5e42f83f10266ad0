package io.github.kimisdk.internal.client;

import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.PermissionDeniedException;
import io.github.kimisdk.errors.access.Exceptions;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.host.access.TargetProbe;
import io.github.kimisdk.internal.chain.Call;
import io.github.kimisdk.internal.chain.Calls;
import io.github.kimisdk.internal.config.ClientConfig;
import io.github.kimisdk.internal.credential.Tenant;
import io.github.kimisdk.internal.http.MalformedBodyException;
import io.github.kimisdk.internal.platform.PlatformCodec;
import io.github.kimisdk.internal.route.Router;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.platform.Balance;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.platform.PingResult;
import io.github.kimisdk.sse.EventStream;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one {@code KimiClient} sends with: the machinery it shares with the clients derived from it
 * ({@link ClientCore}), the options it adds to every call, and whose calls they are ({@link
 * Tenant}: the key, the spend meter and the rate limiter). Every operation of the client and of its
 * services (files, batches, Kimi Code) is sent here with this client's options (a call with options
 * of its own is sent by a scope {@link #derive derived} with them) and returns a future; the
 * blocking forms wait for it with {@link #await}.
 */
public final class ClientScope {

  private final ClientCore core;
  private final RequestOptions defaults;
  private final Tenant tenant;
  private final boolean root;
  private final int target; // where its calls other than chats go: 0, but for a target's check
  private volatile boolean closed;

  private ClientScope(
      ClientCore core, RequestOptions defaults, Tenant tenant, boolean root, int target) {
    this.core = core;
    this.defaults = defaults;
    this.tenant = tenant;
    this.root = root;
    this.target = target;
  }

  /**
   * Returns the scope of a client built on {@code core}: no options of its own.
   *
   * @param core the machinery
   * @return the scope
   */
  public static ClientScope of(ClientCore core) {
    return new ClientScope(core, RequestOptions.none(), core.tenant(), true, 0);
  }

  /**
   * Wires a client's machinery ({@link ClientCore#start}) and returns its scope.
   *
   * @param config the checked settings
   * @param make the constructors of the exceptions
   * @return the scope of the client the builder made
   */
  public static ClientScope start(ClientConfig config, Exceptions make) {
    return of(ClientCore.start(config, make));
  }

  /**
   * Returns the settings the client was built with.
   *
   * @return the settings
   */
  public ClientConfig config() {
    return core.config();
  }

  /**
   * Returns the scope of a client derived from this one: everything shared, {@code options} on top
   * of this one's.
   *
   * @param options the options added to every call
   * @return the derived scope
   */
  public ClientScope derive(RequestOptions options) {
    ensureOpen();
    return new ClientScope(core, defaults.merge(options), tenant, false, target);
  }

  /**
   * Returns the scope of a tenant's client derived from this one: this one's options, and the
   * tenant's key, spend meter and (where this client has a rate limit) limiter, on the same core.
   *
   * @param account the tenant's account name: 1 to 128 characters, no spaces or control characters
   * @param apiKey supplies the tenant's key, asked before every attempt
   * @return the derived scope
   * @throws IllegalArgumentException if {@code account} is malformed
   */
  public ClientScope withCredentials(String account, Supplier<String> apiKey) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(apiKey, "apiKey");
    if (account.isEmpty() || account.length() > 128) {
      throw new IllegalArgumentException(
          "account must be 1 to 128 characters: " + account.length() + " characters");
    }
    for (int i = 0; i < account.length(); i++) {
      char c = account.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "account must have no spaces or control characters (at index " + i + ")");
      }
    }
    ensureOpen();
    if (core.router() != null) {
      throw new ConfigurationException(
          "withCredentials(...) is not supported on a client with fallback targets: each target"
              + " has its own account; build a client per tenant, with that tenant's targets");
    }
    return new ClientScope(core, defaults, core.tenant(account, apiKey), false, target);
  }

  /**
   * Returns whose calls this client makes.
   *
   * @return the tenant
   */
  public Tenant tenant() {
    return tenant;
  }

  /**
   * Returns the options this client adds to every call.
   *
   * @return the options; empty for a client built by the builder
   */
  public RequestOptions defaults() {
    return defaults;
  }

  /**
   * Returns how the client prints: its endpoint, User-Agent and added options, the key as {@code
   * ***}, such as {@code KimiClient[endpoint=..., userAgent=..., apiKey=***]}.
   *
   * @param name the client's type, first in the text
   * @return the text; never the key
   */
  public String describe(String name) {
    ClientConfig c = core.config();
    return name
        + "[endpoint="
        + c.endpoint()
        + ", userAgent="
        + c.userAgent()
        + (tenant.account() == null ? "" : ", account=" + tenant.account())
        + ", apiKey=***"
        + (defaults.isEmpty() ? "" : ", options=" + defaults)
        + "]";
  }

  /**
   * Returns the shared machinery.
   *
   * @return the core
   */
  public ClientCore core() {
    return core;
  }

  /**
   * Closes the client: the core, with every call and stream in flight, for the client the builder
   * made; only this scope (new calls are refused) for a derived one. Idempotent.
   */
  public void close() {
    closed = true;
    if (root) {
      core.close();
    }
  }

  /**
   * Refuses a call on a closed client.
   *
   * @throws IllegalStateException if this client or the one it derives from is closed
   */
  public void ensureOpen() {
    if (closed || core.isClosed()) {
      throw new IllegalStateException("This KimiClient is closed");
    }
  }

  private Call call() {
    ensureOpen();
    return core.call(defaults, tenant, target);
  }

  /**
   * Sends a chat request.
   *
   * @param request the request; a {@code stream} flag is ignored
   * @return the completion; it fails with a {@code KimiException}, and cancelling it aborts
   */
  public CompletableFuture<ChatCompletion> chat(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return core.chats().chat(request, call(), false);
  }

  /**
   * Sends a chat request and waits for the completion, sending on this thread ({@code
   * HttpClient.send}): no other thread takes part unless the call waits for the rate limiter or is
   * retried.
   *
   * @param request the request; a {@code stream} flag is ignored
   * @return the completion
   */
  public ChatCompletion chatBlocking(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return await(core.chats().chat(request, call(), true));
  }

  /**
   * Prepares a streaming chat call.
   *
   * @param request the request; it is sent with {@code stream: true}
   * @return the cold stream
   */
  public ChatStream stream(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return core.chats().stream(request, call());
  }

  /**
   * Sends many chat requests, at most {@code maxConcurrency} in flight.
   *
   * @param requests the requests; none null
   * @param maxConcurrency the most in flight, at least 1
   * @param listener hears progress; may be null
   * @return the results in input order
   */
  public CompletableFuture<List<ChatResult>> chatAll(
      List<ChatRequest> requests, int maxConcurrency, Consumer<ChatResult> listener) {
    Objects.requireNonNull(requests, "requests");
    int i = 0;
    for (ChatRequest r : requests) {
      Objects.requireNonNull(r, "requests[" + i++ + "] is null");
    }
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be at least 1: " + maxConcurrency);
    }
    ensureOpen();
    return calls()
        .propagation()
        .handOut(
            new ChatAll(
                    List.copyOf(requests),
                    maxConcurrency,
                    listener,
                    this::chat,
                    core.calls()::kimi,
                    tenant.meter()::of)
                .start());
  }

  /**
   * Sends a chat request whose reply is a record and binds the reply: unless the request sets a
   * response format, it asks for the record's JSON schema.
   *
   * @param request the request
   * @param type the record class
   * @param <T> the record type
   * @return the record
   */
  public <T> T chat(ChatRequest request, Class<T> type) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(type, "type");
    ChatRequest typed =
        request.responseFormat() != null
            ? request
            : request.toBuilder().responseFormat(ResponseFormat.jsonSchema(type)).build();
    return chatBlocking(typed).parse(type);
  }

  /**
   * Returns {@code request} as this client sends it to its model, before the model checks.
   *
   * @param request the request
   * @return the adapted request, or {@code request} itself
   */
  public ChatRequest adapt(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return core.chats().adapt(request, defaults);
  }

  /**
   * Lists what a call with {@code request} would be refused for before anything is sent to the
   * client's own target.
   *
   * @param request the request
   * @return the problems, in the words of the call's {@code PreflightException}; empty for none
   */
  public List<String> problems(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return core.chats().problems(request, defaults);
  }

  /**
   * Returns {@code request} as this client sends it to its model, adapted and checked (as {@link
   * #adapt}, then the model checks when they are on): a request to be sent later, in a batch.
   *
   * @param request the request
   * @return the request to write
   * @throws io.github.kimisdk.errors.PreflightException if the model would reject it
   */
  public ChatRequest checked(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return core.chats().checked(request, defaults);
  }

  /**
   * Logs now, once per client and id, the warning the first call with {@code model} would log.
   *
   * @param model the model id
   * @return whether a warning was logged now
   */
  public boolean warnAboutModel(String model) {
    Objects.requireNonNull(model, "model");
    return core.chats().warnAboutModel(model);
  }

  /**
   * Sends JSON to any endpoint below the base URL.
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the body; null for none
   * @return the answer with its metadata and bytes
   */
  public CompletableFuture<KimiResponse<JsonValue>> request(
      String method, String path, JsonValue body) {
    return core.exchanges().request(method, path, body, call(), false);
  }

  /**
   * Sends JSON to any endpoint below the base URL and waits for the answer, sending on this thread
   * as {@link #chatBlocking} does.
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the body; null for none
   * @return the answer with its metadata and bytes
   */
  public KimiResponse<JsonValue> requestBlocking(String method, String path, JsonValue body) {
    return await(core.exchanges().request(method, path, body, call(), true));
  }

  /**
   * Sends JSON to any endpoint below the base URL and decodes the answer; a decoder's {@link
   * MalformedBodyException} fails the call with a decoding error carrying the metadata.
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the body; null for none
   * @param decode turns the answer into the result
   * @param <T> the result type
   * @return the result
   */
  public <T> CompletableFuture<T> request(
      String method, String path, JsonValue body, Function<KimiResponse<JsonValue>, T> decode) {
    return core.calls()
        .map(
            request(method, path, body),
            r -> {
              try {
                return decode.apply(r);
              } catch (MalformedBodyException e) {
                throw core.errors().decoding(r.metadata(), e.getMessage(), e.getCause());
              }
            });
  }

  /**
   * Prepares a request whose answer is an event stream.
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param body the body; null for none
   * @return the cold stream
   */
  public EventStream requestEvents(String method, String path, JsonValue body) {
    return core.exchanges().requestEvents(method, path, body, call());
  }

  /**
   * Sends a platform call (files, batches, models, balance, token counts).
   *
   * @param method the HTTP method
   * @param path the path below the base URL, query included
   * @param body the body; null for none
   * @param contentType the body's type; null for none
   * @param errorEnvelopes whether a 2xx error envelope counts as an error
   * @param decode turns the 2xx body into the result
   * @param <T> the result type
   * @return the result
   */
  public <T> CompletableFuture<T> platform(
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String contentType,
      boolean errorEnvelopes,
      Function<byte[], T> decode) {
    return core.exchanges()
        .platform(
            call(), method, path, body, contentType, errorEnvelopes, (md, b) -> decode.apply(b));
  }

  /**
   * Downloads a platform file's body ({@code GET}) to {@code target} as it arrives, never holding
   * it in memory whole.
   *
   * @param path the path below the base URL
   * @param target the file to write, replaced if it exists
   * @param limit the most bytes written; more fails the call
   * @return the bytes written
   */
  public CompletableFuture<Long> download(String path, java.nio.file.Path target, long limit) {
    return core.exchanges().download(call(), path, target, limit);
  }

  /**
   * Sends a platform call whose answer only matters by its status, such as a health check.
   *
   * @param method the HTTP method
   * @param path the path below the base URL
   * @return the 2xx status
   */
  public CompletableFuture<Integer> status(String method, String path) {
    return core.exchanges()
        .platform(call(), method, path, null, null, true, (md, b) -> md.statusCode());
  }

  /**
   * Lists the models the key can use ({@code GET /models}).
   *
   * @return the models
   */
  public CompletableFuture<List<ListedModel>> listModels() {
    return platform("GET", "models", null, null, true, PlatformCodec::decodeModels);
  }

  /**
   * Asks Kimi for a request's prompt tokens ({@code POST /tokenizers/estimate-token-count}).
   *
   * @param request the request whose model and messages are counted
   * @return the total tokens
   */
  public CompletableFuture<Integer> countTokens(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return platform(
        "POST",
        "tokenizers/estimate-token-count",
        HttpRequest.BodyPublishers.ofByteArray(PlatformCodec.encodeCountRequest(request)),
        "application/json",
        true,
        PlatformCodec::decodeCount);
  }

  /**
   * Returns the account balance ({@code GET /users/me/balance}).
   *
   * @return the balance
   */
  public CompletableFuture<Balance> balance() {
    return platform("GET", "users/me/balance", null, null, true, PlatformCodec::balance);
  }

  /**
   * Checks whether the API is reachable and accepts the key ({@code GET /models}); the future never
   * completes exceptionally for those outcomes, which the result reports.
   *
   * @return the outcome
   */
  public CompletableFuture<PingResult> ping() {
    long started = System.nanoTime();
    return ping(status("GET", "models"), started);
  }

  /** The outcome of a check, {@code GET /models} as {@code check} sends it from {@code started}. */
  private CompletableFuture<PingResult> ping(CompletableFuture<Integer> check, long started) {
    return check.handle(
        (ok, error) -> {
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          if (error == null) {
            return new PingResult(PingResult.Status.OK, ok, took, null);
          }
          KimiException e = calls().kimi(error);
          PingResult.Status outcome =
              e instanceof AuthenticationException || e instanceof PermissionDeniedException
                  ? PingResult.Status.BAD_KEY
                  : e instanceof ConnectionException || e instanceof KimiTimeoutException
                      ? PingResult.Status.UNREACHABLE
                      : PingResult.Status.ERROR;
          int code = e.metadata().map(ResponseMetadata::statusCode).orElse(0);
          return new PingResult(outcome, code, took, e);
        });
  }

  /**
   * Returns what this client's calls spent: its tenant's meter, and on a client with fallback
   * targets every target's.
   *
   * @return the total
   */
  public io.github.kimisdk.model.Spend spend() {
    return tenant == core.tenant() ? core.spent() : tenant.meter().total();
  }

  /**
   * Returns how each target of the client stands now, the client's own first: its state, what it
   * spent; nothing is sent.
   *
   * @return the targets' states, one for a client without fallback targets
   */
  public List<TargetStatus> targets() {
    Router ts = core.router();
    if (ts == null) {
      Target self = Target.of(core.config().host());
      return List.of(
          new TargetStatus(
              self, TargetStatus.State.AVAILABLE, Duration.ZERO, tenant.meter().total(), null));
    }
    List<TargetStatus> out = new java.util.ArrayList<>(ts.size());
    for (int i = 0; i < ts.size(); i++) {
      out.add(ts.status(i, null));
    }
    return out;
  }

  /**
   * Returns the scope whose calls other than chats go to target {@code i} of this client's chain,
   * with that target's account and this scope's options: a check of that target's host, on the
   * client's one chain.
   */
  private ClientScope forTarget(int i) {
    return new ClientScope(core, defaults, core.parts(i).tenant, false, i);
  }

  /**
   * Checks each target's host with a call that costs no tokens ({@code GET /models}, with the
   * target's key), all at once; the future completes when every check ended (each bounded by the
   * client's timeouts, and by this client's options: a client derived with a short timeout, as a
   * health probe makes, bounds every target's check by it), never exceptionally.
   *
   * @return the targets' states with their checks
   */
  public CompletableFuture<List<TargetStatus>> checkTargets() {
    Router ts = core.router();
    if (ts == null) {
      Target self = Target.of(core.config().host());
      return ping()
          .thenApply(
              p ->
                  List.of(
                      new TargetStatus(
                          self,
                          TargetStatus.State.AVAILABLE,
                          Duration.ZERO,
                          tenant.meter().total(),
                          p)));
    }
    List<CompletableFuture<PingResult>> pings = new java.util.ArrayList<>(ts.size());
    for (int i = 0; i < ts.size(); i++) {
      ClientScope target = i == 0 ? this : forTarget(i);
      long started = System.nanoTime();
      Optional<String> model = ts.get(i).model();
      pings.add(
          i == 0
              ? ping()
              : model.isPresent()
                  ? target.served(ts.host(i), model.get(), started)
                  : target.ping(target.bounded(target.status("GET", "models")), started));
    }
    return calls()
        .propagation()
        .handOut(
            CompletableFuture.allOf(pings.toArray(new CompletableFuture<?>[0]))
                .thenApply(
                    done -> {
                      List<TargetStatus> out = new java.util.ArrayList<>(ts.size());
                      for (int i = 0; i < ts.size(); i++) {
                        out.add(ts.status(i, pings.get(i).join()));
                      }
                      return out;
                    }));
  }

  /**
   * Checks a target that names its model: {@code GET /models} as {@link #ping} sends it, and
   * whether the host lists its id of {@code model}; a listing without it is {@link
   * PingResult.Status#MISCONFIGURED} (a listing it cannot read, or an empty one, tells nothing).
   */
  private CompletableFuture<PingResult> served(Host host, String model, long started) {
    CompletableFuture<byte[]> listing =
        bounded(core.exchanges().platform(call(), "GET", "models", null, null, true, (md, b) -> b));
    return ping(listing.thenApply(b -> 200), started)
        .thenCombine(
            listing.handle((b, e) -> b),
            (p, body) -> {
              String problem =
                  p.isOk() && body != null
                      ? ClientProbe.notServed(host, model, body, core.errors().text())
                      : null;
              return problem == null
                  ? p
                  : new PingResult(
                      PingResult.Status.MISCONFIGURED,
                      p.httpStatus(),
                      p.latency(),
                      new ConfigurationException(problem));
            });
  }

  /**
   * Checks each target's host with {@code check} ({@code host.access.Probes}): all targets at once,
   * each probe sending once (no retries) with this scope's options, the client's own target first.
   *
   * @param model Kimi's id of the model checked on a target that asks for the model each request
   *     names (the client's own, and {@code Target.of(host)})
   * @param bound each request's bound when this scope's options set no timeout
   * @param check one target's check, which never fails
   * @return what each target's check completed with, in order
   */
  public CompletableFuture<List<Object>> verify(
      String model, Duration bound, Function<TargetProbe, ? extends CompletableFuture<?>> check) {
    Objects.requireNonNull(model, "model");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    ensureOpen();
    RequestOptions once = RequestOptions.builder().retryPolicy(RetryPolicy.none()).build();
    Router ts = core.router();
    int n = ts == null ? 1 : ts.size();
    List<CompletableFuture<?>> results = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ClientScope s = i == 0 ? derive(once) : forTarget(i).derive(once);
      results.add(check.apply(new ClientProbe(core, core.parts(i), i == 0, s, bound)));
    }
    return calls()
        .propagation()
        .handOut(
            CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0]))
                .thenApply(
                    done -> {
                      List<Object> out = new java.util.ArrayList<>(n);
                      for (CompletableFuture<?> r : results) {
                        out.add(r.join());
                      }
                      return out;
                    }));
  }

  /**
   * Bounds a call of a fallback target's machinery by this scope's timeout ({@link
   * RequestOptions#timeout()}), which the client's retrier applies to the client's own calls: a
   * target's chain is the part below the retrier, so its check would otherwise wait as long as the
   * transport's timeouts allow. Past the timeout the call is cancelled (its exchange aborted) and
   * the result fails as the retrier's would.
   */
  private <T> CompletableFuture<T> bounded(CompletableFuture<T> call) {
    Optional<Duration> limit = defaults.timeout();
    if (limit.isEmpty() || call.isDone()) {
      return call;
    }
    Duration d = limit.get();
    return Calls.bounded(
        call, d, core.scheduler(), () -> core.retrier().forPlatformCall(null, d).timedOut(d));
  }

  /**
   * Captures the current thread's context with every propagator of the client.
   *
   * @return the captured context
   */
  public io.github.kimisdk.ContextPropagator.Captured captureContext() {
    return core.calls().propagation().capture();
  }

  /**
   * Waits for {@code f} as every blocking call does (see {@link Calls#await}).
   *
   * @param f the future
   * @param <T> its value type
   * @return its value
   */
  public <T> T await(CompletableFuture<T> f) {
    return core.calls().await(f);
  }

  /**
   * Returns the helper that maps and chains the client's futures.
   *
   * @return the helper
   */
  public Calls calls() {
    return core.calls();
  }
}
