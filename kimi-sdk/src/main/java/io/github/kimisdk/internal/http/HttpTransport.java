package io.github.kimisdk.internal.http;

import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.body.BoundedBodySubscriber;
import io.github.kimisdk.base.body.FileBodySubscriber;
import io.github.kimisdk.base.body.WatchedBody;
import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.base.sse.SseSubscriber;
import io.github.kimisdk.base.version.SdkVersion;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.wire.StreamErrors;
import io.github.kimisdk.internal.wire.UnsupportedRequestException;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.internal.wire.WireEvents;
import io.github.kimisdk.internal.wire.Wires;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.sse.SseLimits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends one HTTP exchange per attempt and lets the response status choose the body handling: JSON
 * for 2xx, SSE for 2xx {@code text/event-stream}, error mapping for anything else. It makes exactly
 * one attempt; retries belong in the layer above, which calls {@link #chat} again or starts the
 * next {@link HttpStreamAttempt}. It makes each {@link HttpStreamAttempt} with everything the
 * attempt needs; the attempt never calls back. Every attempt is observed in one place, {@link
 * AttemptLog}. It reads the client's frozen settings by name ({@link HttpSettings}) and is given
 * its runtime at construction ({@link #builder}); nothing changes after but {@link #release()}.
 *
 * <p>An attempt whose {@link Overrides#key()} is not the client's fixed key (a supplier's, a
 * tenant's) is sent by a view of the transport made for it ({@link #keyed}): the same settings and
 * HTTP client, that key in its authentication header, and an {@link ErrorFactory} and {@link
 * AttemptLog} that redact that key wherever the server echoes it. A view lives as long as its
 * attempt; the client's transport keeps none.
 */
public final class HttpTransport {

  /** The logger of attempts unless the client's builder sets another: the one name of it. */
  public static final String LOGGER_NAME = "io.github.kimisdk.http";

  public static final String VERSION = SdkVersion.VERSION;

  /** The largest request body Kimi Code accepts, the default limit of a client there. */
  public static final long KIMI_CODE_MAX_REQUEST_BYTES = 2L * 1024 * 1024;

  // The HTTP client, or the client's build of it still under way: the first send
  // waits for it. Cleared by release(): on JDK 17 to 20 a pooled connection keeps the last
  // exchange, and with it the body handler and this transport, reachable; the HttpClient (its
  // facade) must not be, or the JDK's cleaner never closes it and its selector thread and
  // connections live on.
  private volatile CompletableFuture<HttpClient> client;
  private final URI baseUri;
  private final ApiKey apiKey;
  private final String userAgent;
  private final boolean kimiCode;
  private final Map<String, String> headers;
  private final Duration responseTimeout;
  private final long maxResponseBytes;
  private final SseLimits sseLimits;
  private final ErrorFactory errors;
  private final Wire protocol;
  private final long maxRequestBytes; // 0: no limit
  private final String requestLimitName;
  private final HttpClient.Version httpVersion; // null: HTTP/1.1 on cleartext, else the client's
  private final int maxJsonDepth;
  private final Duration bodyIdle;
  private final Delayer bodyWatch;
  private final BiConsumer<Runnable, Duration> lingerTimer;
  // what runs a failure the JDK reports on a pool of its own (its sendAsync future's)
  private final Executor failures;
  private final AttemptLog log;
  private final HttpTransport root; // this, or the client's transport of which this is a view
  private final ServedBy
      target; // the fallback target it sends for, named in each response; or null

  private HttpTransport(Builder b) {
    HttpSettings c = Objects.requireNonNull(b.settings, "settings");
    this.client = Objects.requireNonNull(b.client, "client");
    this.errors = Objects.requireNonNull(b.errors, "errors");
    this.baseUri = c.endpoint().uri();
    this.apiKey = c.apiKey();
    this.userAgent = c.userAgent();
    this.kimiCode = c.endpoint().isKimiCode();
    this.headers = new LinkedHashMap<>(c.headers());
    this.responseTimeout = c.timeouts().responseHeaders();
    this.maxResponseBytes = c.maxResponseBytes();
    this.sseLimits = c.sseLimits();
    this.protocol = Wires.get(c.wireProtocol(), false);
    if (c.maxRequestBytes() > 0) {
      this.maxRequestBytes = c.maxRequestBytes();
      this.requestLimitName = "the client's request size limit";
    } else if (c.maxRequestBytes() < 0 && c.endpoint().isKimiCode()) {
      this.maxRequestBytes = KIMI_CODE_MAX_REQUEST_BYTES;
      this.requestLimitName = "Kimi Code's request size limit";
    } else {
      this.maxRequestBytes = 0;
      this.requestLimitName = "";
    }
    this.httpVersion = c.httpVersion();
    this.maxJsonDepth = c.maxJsonDepth();
    this.bodyIdle = c.timeouts().streamIdle();
    this.bodyWatch = Objects.requireNonNull(b.bodyWatch, "bodyWatch");
    this.lingerTimer = Objects.requireNonNull(b.lingerTimer, "lingerTimer");
    this.failures = b.executor;
    boolean logContent = c.logMessageContents() || b.logSwitch == LogSwitch.DEBUG;
    boolean logHeaders = b.logSwitch != LogSwitch.OFF;
    this.log =
        new AttemptLog(
            Objects.requireNonNull(b.logger, "logger"),
            logContent,
            logHeaders,
            // the rules for server texts come with the errors (see ErrorFactory): asked for only
            // when bodies or headers are logged
            logContent || logHeaders ? errors.text() : null);
    this.root = this;
    this.target = c.target();
  }

  /** The view of {@code client} for the attempts that send {@code key} (see {@link #keyed}). */
  private HttpTransport(HttpTransport client, ApiKey key) {
    this.root = client;
    this.client = null; // asked of the root, whose release() must reach every view
    this.apiKey = key;
    this.errors = client.errors.forKey(key);
    this.log = client.log.redacting(errors);
    this.baseUri = client.baseUri;
    this.userAgent = client.userAgent;
    this.kimiCode = client.kimiCode;
    this.headers = client.headers;
    this.responseTimeout = client.responseTimeout;
    this.maxResponseBytes = client.maxResponseBytes;
    this.sseLimits = client.sseLimits;
    this.protocol = client.protocol;
    this.maxRequestBytes = client.maxRequestBytes;
    this.requestLimitName = client.requestLimitName;
    this.httpVersion = client.httpVersion;
    this.maxJsonDepth = client.maxJsonDepth;
    this.bodyIdle = client.bodyIdle;
    this.bodyWatch = client.bodyWatch;
    this.lingerTimer = client.lingerTimer;
    this.failures = client.failures;
    this.lastUri = client.lastUri;
    this.target = client.target;
  }

  /**
   * Returns the transport that sends an attempt with {@code overrides}: this one when the attempt
   * sends this transport's key, else a view for the attempt's key, made per attempt (a few small
   * objects, next to the exchange's own), so that nothing of a supplier's or a tenant's key
   * outlives the attempt here.
   */
  private HttpTransport keyed(Overrides overrides) {
    ApiKey key = overrides.key();
    if (key == null || key == apiKey) {
      return this;
    }
    return new HttpTransport(root, key);
  }

  /**
   * Returns a builder of a transport that reads the client's frozen settings by name, sends through
   * {@code client} once it is built and has {@code errors} build its exceptions.
   *
   * @param settings the client's settings, validated by the client builder
   * @param client the JDK client, or its build under way (a failed build fails each send)
   * @param errors builds the exceptions
   * @return the builder
   */
  public static Builder builder(
      HttpSettings settings, CompletableFuture<HttpClient> client, ErrorFactory errors) {
    return new Builder(settings, client, errors);
  }

  /**
   * What a transport needs beside the client's settings: where attempts are logged, and the timers
   * of its watches; fixed at {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private final HttpSettings settings;
    private final CompletableFuture<HttpClient> client;
    private final ErrorFactory errors;
    private System.Logger logger;
    private LogSwitch logSwitch = LogSwitch.OFF;
    private Delayer bodyWatch;
    private BiConsumer<Runnable, Duration> lingerTimer;
    private Executor executor = Runnable::run;

    private Builder(
        HttpSettings settings, CompletableFuture<HttpClient> client, ErrorFactory errors) {
      this.settings = settings;
      this.client = client;
      this.errors = errors;
    }

    /**
     * Sets where per-attempt debug lines go (required).
     *
     * @param logger the logger
     * @return this builder
     */
    public Builder logger(System.Logger logger) {
      this.logger = logger;
      return this;
    }

    /**
     * Sets what the environment's log switch asks for beside the client's settings: headers at
     * {@code INFO}, bodies too at {@code DEBUG} (default {@code OFF}).
     *
     * @param logSwitch the switch
     * @return this builder
     */
    public Builder logSwitch(LogSwitch logSwitch) {
      this.logSwitch = Objects.requireNonNull(logSwitch, "logSwitch");
      return this;
    }

    /**
     * Sets what runs the body idle watchdog after a delay on real time, handing it to the client's
     * executor, since its abort completes the caller's future (required).
     *
     * @param bodyWatch the delayer
     * @return this builder
     */
    public Builder bodyWatch(Delayer bodyWatch) {
      this.bodyWatch = bodyWatch;
      return this;
    }

    /**
     * Sets what runs the end of a stream's linger after a delay on the timer thread itself: it only
     * gives up a connection; a task still waiting when the client closes runs then (required).
     *
     * @param lingerTimer runs a task after a delay
     * @return this builder
     */
    public Builder lingerTimer(BiConsumer<Runnable, Duration> lingerTimer) {
      this.lingerTimer = lingerTimer;
      return this;
    }

    /**
     * Sets what runs a failure the JDK's {@code HttpClient.sendAsync} reports through its future
     * (no connection, no headers in time), which the JDK completes on its own pool ({@code
     * ForkJoinPool.commonPool()}): the client's executor, so that the retries, listeners and
     * futures that follow run on a pool the caller chose (by default, where the JDK completes it).
     *
     * @param executor the client's executor; it runs a task it refuses itself, or never refuses
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Returns the transport, which keeps these settings for good.
     *
     * @return the transport
     * @throws NullPointerException if a required setting is missing
     */
    public HttpTransport build() {
      return new HttpTransport(this);
    }
  }

  /** Returns the failure for a body over the request size limit, or null when it fits. */
  private KimiException sizeFailure(String model, byte[] body) {
    if (maxRequestBytes <= 0 || body.length <= maxRequestBytes) {
      return null;
    }
    return new io.github.kimisdk.errors.PreflightException(
        model == null || model.isBlank() ? "this endpoint" : model,
        java.util.List.of(
            "the request body is "
                + body.length
                + " bytes, over "
                + requestLimitName
                + " of "
                + maxRequestBytes
                + " bytes (KimiClient.Builder.maxRequestBytes); drop or shorten old messages and"
                + " shrink images, or raise the limit if the server accepts more"));
  }

  /**
   * Encodes a chat request as this transport's protocol sends it: once per call, every attempt
   * sends these bytes.
   *
   * @param request the request, its {@code stream} flag set as it is to be sent
   * @return the body
   * @throws UnsupportedRequestException if the protocol cannot express the request
   * @throws io.github.kimisdk.errors.PreflightException if the body is over the request size limit
   */
  public byte[] encode(ChatRequest request) {
    return encode(protocol, request);
  }

  /**
   * Encodes a chat request as {@code wire} sends it, for a call routed off this transport's own
   * protocol (a model whose {@code GET /models} entry names another one with the same
   * authentication).
   *
   * @param wire the protocol of the call
   * @param request the request, its {@code stream} flag set as it is to be sent
   * @return the body
   * @throws UnsupportedRequestException if the protocol cannot express the request
   * @throws io.github.kimisdk.errors.PreflightException if the body is over the request size limit
   */
  public byte[] encode(Wire wire, ChatRequest request) {
    byte[] body = wire.encode(request);
    checkSize(request.model(), body);
    return body;
  }

  /**
   * Returns this transport's chat protocol.
   *
   * @return the protocol
   */
  public Wire protocol() {
    return protocol;
  }

  /**
   * Refuses a body over the request size limit.
   *
   * @param model the model the body names, for the message; may be null
   * @param body the body
   * @throws io.github.kimisdk.errors.PreflightException if the body is over the limit
   */
  public void checkSize(String model, byte[] body) {
    KimiException tooLarge = sizeFailure(model, body);
    if (tooLarge != null) {
      throw tooLarge;
    }
  }

  /**
   * Returns the path of chat calls below the base URL in this transport's protocol.
   *
   * @return the path, such as {@code chat/completions}
   */
  public String chatPath() {
    return protocol.chatPath();
  }

  /** Returns the exception factory. */
  public ErrorFactory errors() {
    return errors;
  }

  /**
   * Sends a non-streaming chat request as attempt {@code attempt} of a call, with the call's
   * headers and query parameters. Cancelling the returned future aborts the exchange.
   *
   * @param body the request as {@link #encode} made it, with {@code stream} off
   * @param attempt the attempt number, from 1
   * @param overrides what the call adds to the HTTP request
   * @param here whether to send on this thread ({@code HttpClient.send}), returning a completed
   *     future: the thread of a caller that waits for the result anyway
   * @return the completion, carrying its response metadata; fails with a {@link KimiException}
   */
  public CompletableFuture<ChatCompletion> chat(
      byte[] body, int attempt, Overrides overrides, boolean here) {
    return chat(protocol, body, attempt, overrides, here);
  }

  /**
   * Sends a non-streaming chat request over {@code wire}, as {@link #chat(byte[], int, Overrides,
   * boolean)} does over this transport's protocol.
   *
   * @param wire the protocol of the call, with this transport's authentication
   * @param body the request as {@link #encode(Wire, ChatRequest)} made it
   * @param attempt the attempt number, from 1
   * @param overrides what the call adds to the HTTP request
   * @param here whether to send on this thread
   * @return the completion, carrying its response metadata; fails with a {@link KimiException}
   */
  public CompletableFuture<ChatCompletion> chat(
      Wire wire, byte[] body, int attempt, Overrides overrides, boolean here) {
    HttpTransport keyed = keyed(overrides);
    if (keyed != this) {
      return keyed.chat(wire, body, attempt, overrides, here);
    }
    HttpRequest httpRequest =
        request(
            "POST",
            overrides.apply(wire.chatPath()),
            HttpRequest.BodyPublishers.ofByteArray(body),
            "application/json",
            "application/json",
            overrides);
    return send(
        httpRequest,
        body,
        info -> completionSubscriber(wire, info, overrides, attempt),
        attempt,
        overrides,
        here);
  }

  /**
   * Prepares attempt {@code attempt} of a streaming chat call; nothing is sent until it starts.
   *
   * @param request the request, for what a whole answer holds (its choices, its usage)
   * @param body the request as {@link #encode} made it, with {@code stream} on
   * @param attempt the attempt number, from 1
   * @param overrides what the call adds to the HTTP request
   * @return the attempt
   */
  public HttpStreamAttempt<ChatCompletionChunk> stream(
      ChatRequest request, byte[] body, int attempt, Overrides overrides) {
    return stream(protocol, request, body, attempt, overrides);
  }

  /**
   * Prepares attempt {@code attempt} of a streaming chat call over {@code wire}, as {@link
   * #stream(ChatRequest, byte[], int, Overrides)} does over this transport's protocol.
   *
   * @param wire the protocol of the call, with this transport's authentication
   * @param request the request, for what a whole answer holds (its choices, its usage)
   * @param body the request as {@link #encode(Wire, ChatRequest)} made it
   * @param attempt the attempt number, from 1
   * @param overrides what the call adds to the HTTP request
   * @return the attempt
   */
  public HttpStreamAttempt<ChatCompletionChunk> stream(
      Wire wire, ChatRequest request, byte[] body, int attempt, Overrides overrides) {
    HttpTransport keyed = keyed(overrides);
    if (keyed != this) {
      return keyed.stream(wire, request, body, attempt, overrides);
    }
    HttpRequest httpRequest =
        request(
            "POST",
            overrides.apply(wire.chatPath()),
            HttpRequest.BodyPublishers.ofByteArray(body),
            "text/event-stream",
            "application/json",
            overrides);
    return streamCall(
        httpRequest,
        body,
        attempt,
        overrides,
        md ->
            streamBody(
                md,
                wire.readsLooseStreams(),
                () -> wire.events(md, heard(overrides, attempt), maxJsonDepth, request),
                overrides,
                attempt));
  }

  /**
   * Prepares attempt {@code attempt} of a call whose answer is an event stream the SDK does not
   * model: every event is passed on as it is (see {@link RawEventHandler}); anything but a 2xx
   * {@code text/event-stream} fails the attempt as chat's errors do.
   *
   * @param method the HTTP method
   * @param path the path below the base URL, without leading slash, query allowed
   * @param body the JSON body; null for none
   * @param overrides what the call adds to the HTTP request
   * @param attempt the attempt number, from 1
   * @return the attempt
   */
  public HttpStreamAttempt<ServerSentEvent> events(
      String method, String path, byte[] body, Overrides overrides, int attempt) {
    HttpTransport keyed = keyed(overrides);
    if (keyed != this) {
      return keyed.events(method, path, body, overrides, attempt);
    }
    HttpRequest httpRequest = raw(method, path, body, overrides, "text/event-stream");
    return streamCall(
        httpRequest,
        body,
        attempt,
        overrides,
        md -> streamBody(md, false, () -> new RawEventHandler(md, errors), overrides, attempt));
  }

  private <T> HttpStreamAttempt<T> streamCall(
      HttpRequest httpRequest,
      byte[] body,
      int attempt,
      Overrides overrides,
      Function<ResponseMetadata, HttpStreamAttempt.Body<T>> bodyFor) {
    return new HttpStreamAttempt<>(
        handler -> client().sendAsync(httpRequest, handler),
        failures,
        handler -> client().send(httpRequest, handler),
        bodyFor,
        errors,
        log.start(httpRequest, attempt, body, overrides.observer()),
        target);
  }

  /**
   * Sends any request below the base URL with the client's key and headers and the call's own, and
   * decodes a 2xx body leniently (see {@link #decodeAny}); errors are mapped like chat's. Used for
   * endpoints the SDK does not model, on either wire protocol.
   *
   * @param method the HTTP method
   * @param path the path below the base URL, without leading slash, query allowed
   * @param body the JSON body; null for none
   * @param overrides what the call adds to the HTTP request
   * @param attempt the attempt number, from 1
   * @param here whether to send on this thread, as {@link #chat} does
   * @return the decoded body with its metadata and bytes; fails with a {@link KimiException}
   */
  public CompletableFuture<KimiResponse<JsonValue>> json(
      String method, String path, byte[] body, Overrides overrides, int attempt, boolean here) {
    HttpTransport keyed = keyed(overrides);
    if (keyed != this) {
      return keyed.json(method, path, body, overrides, attempt, here);
    }
    HttpRequest httpRequest =
        raw(method, path, body, overrides, "application/json, text/plain;q=0.9, */*;q=0.8");
    return send(
        httpRequest,
        body,
        info -> anySubscriber(info, path, overrides, attempt),
        attempt,
        overrides,
        here);
  }

  /**
   * Sends an exchange whose body is any publisher, such as a streamed multipart upload, and hands
   * the 2xx body to {@code decode}; errors are mapped like chat's.
   *
   * @param method the HTTP method
   * @param path the path below the base URL, without leading slash, query included
   * @param body the body; null for none
   * @param contentType the body's Content-Type; null for none
   * @param errorEnvelopes whether a 2xx body that is Kimi's error envelope counts as an error
   *     (false for file content, which may be any JSON)
   * @param decode turns the response (its status and headers, and its body) into the result
   * @param overrides what the call adds to the HTTP request
   * @param attempt the attempt number, from 1
   * @param <T> the result type
   * @return the decoded result; fails with a {@link KimiException} (a decoder's {@link
   *     MalformedBodyException} becomes a decoding error with its message)
   */
  public <T> CompletableFuture<T> exchange(
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String contentType,
      boolean errorEnvelopes,
      BiFunction<ResponseMetadata, byte[], T> decode,
      Overrides overrides,
      int attempt) {
    return platform(
        method,
        path,
        body,
        // file content may be text/plain
        "application/json, text/plain;q=0.9, */*;q=0.8",
        contentType,
        t -> info -> t.jsonSubscriber(info, errorEnvelopes, decode, overrides, attempt),
        overrides,
        attempt);
  }

  /**
   * Sends a {@code GET} whose 2xx body is written to {@code target} as it arrives, never held in
   * memory whole (a batch's result file); any other status is an error mapped like chat's.
   *
   * @param path the path below the base URL, without leading slash
   * @param target the file to write, replaced if it exists
   * @param limit the most bytes written; more fails the exchange
   * @param overrides what the call adds to the HTTP request
   * @param attempt the attempt number, from 1
   * @return the bytes written; fails with a {@link KimiException}
   */
  public CompletableFuture<Long> download(
      String path, java.nio.file.Path target, long limit, Overrides overrides, int attempt) {
    return platform(
        "GET",
        path,
        null,
        "*/*",
        null,
        t -> info -> t.fileSubscriber(info, target, limit, overrides, attempt),
        overrides,
        attempt);
  }

  /**
   * Sends a platform exchange through the transport of the attempt's key ({@link #keyed}), which
   * also reads its response ({@code handler} is given that transport): refused at once where the
   * wire has no platform endpoints.
   */
  private <T> CompletableFuture<T> platform(
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String accept,
      String contentType,
      Function<HttpTransport, Function<ResponseInfo, BodySubscriber<T>>> handler,
      Overrides overrides,
      int attempt) {
    HttpTransport t = keyed(overrides);
    String refusal = protocol.platformRefusal();
    if (refusal != null) {
      return CompletableFuture.failedFuture(
          t.errors.failure(new UnsupportedRequestException(refusal), null, null));
    }
    HttpRequest httpRequest =
        t.request(
            method,
            overrides.apply(path),
            body == null ? HttpRequest.BodyPublishers.noBody() : body,
            accept,
            contentType,
            overrides);
    return t.send(httpRequest, null, handler.apply(t), attempt, overrides, false);
  }

  private BodySubscriber<Long> fileSubscriber(
      ResponseInfo info, java.nio.file.Path target, long limit, Overrides overrides, int attempt) {
    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers(), this.target);
    String encoding = ErrorFactory.encoding(md);
    if (!isSuccess(md.statusCode()) || encoding != null) {
      BoundedBodySubscriber bytes = bounded(md);
      refuseEncoded(bytes, md);
      return BodySubscribers.mapping(
          bytes,
          b -> {
            heardRefusal(overrides, attempt, md, b);
            log.body(md, b);
            throw errors.httpError(md, b, 0, b.length);
          });
    }
    FileBodySubscriber file =
        new FileBodySubscriber(target, limit, () -> errors.fileTooLarge(md, limit));
    if (contentLength(md) > limit) {
      file.abort(errors.fileTooLarge(md, limit));
      return file;
    }
    return watched(file, md);
  }

  /** Builds the request of {@link #json} or {@link #events}. */
  private HttpRequest raw(
      String method, String path, byte[] body, Overrides overrides, String accept) {
    return request(
        method,
        overrides.apply(path),
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body),
        accept,
        body == null ? null : "application/json",
        overrides);
  }

  private BodySubscriber<KimiResponse<JsonValue>> anySubscriber(
      ResponseInfo info, String path, Overrides overrides, int attempt) {
    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers(), target);
    BoundedBodySubscriber bytes = bounded(md);
    return BodySubscribers.mapping(
        bytes,
        b -> {
          if (!isSuccess(md.statusCode())) {
            heardRefusal(overrides, attempt, md, b);
          }
          log.body(md, b);
          if (!isSuccess(md.statusCode())) {
            throw errors.httpError(md, b, 0, b.length, path);
          }
          JsonValue value = decodeAny(md, b);
          if (value instanceof JsonObject o
              && o.size() == 1
              && o.get("error") instanceof JsonObject) {
            // Kimi's error envelope and nothing else: some gateways send it with 200
            throw errors.httpError(md, b, 0, b.length);
          }
          return new KimiResponse<>(value, md, b);
        });
  }

  /**
   * Decodes a 2xx body of an endpoint the SDK does not model: nothing (or only whitespace) is JSON
   * {@code null}; a JSON {@code Content-Type} (or none) is parsed as JSON, and a body without a
   * type that does not parse becomes its text; any other type becomes its text as a {@link
   * JsonString}.
   */
  private JsonValue decodeAny(ResponseMetadata md, byte[] b) {
    int start = 0;
    while (start < b.length
        && (b[start] == ' ' || b[start] == '\n' || b[start] == '\r' || b[start] == '\t')) {
      start++;
    }
    if (start == b.length) {
      return JsonNull.INSTANCE;
    }
    String type = md.contentType().map(t -> t.toLowerCase(Locale.ROOT)).orElse(null);
    boolean json = type == null || type.contains("json");
    if (!json) {
      return JsonString.of(new String(b, StandardCharsets.UTF_8));
    }
    try {
      return Json.parse(b, 0, b.length, maxJsonDepth);
    } catch (RuntimeException e) {
      if (type == null) {
        return JsonString.of(new String(b, StandardCharsets.UTF_8));
      }
      throw errors.decoding(
          md, "The response is not valid JSON (" + b.length + " bytes): " + excerpt(b), e);
    }
  }

  /**
   * Sends {@code httpRequest}, maps failures to {@link KimiException}s, logs, and cancels the
   * exchange when the returned future is cancelled. When {@code here}, sends on this thread and
   * returns a completed future; else the outcome is handed to the client's executor.
   */
  private <T> CompletableFuture<T> send(
      HttpRequest httpRequest,
      byte[] body,
      Function<ResponseInfo, BodySubscriber<T>> handler,
      int attempt,
      Overrides overrides,
      boolean here) {
    AttemptLog.Attempt a = log.start(httpRequest, attempt, body, overrides.observer());
    ResponseMetadata[] md = {null}; // written by the handler before the body, read after
    HttpResponse.BodyHandler<T> heard =
        info -> {
          md[0] = ResponseMetadata.of(info.statusCode(), info.headers(), target);
          a.headers(md[0]);
          return handler.apply(info);
        };
    CompletableFuture<T> result = new CompletableFuture<>();
    if (here) {
      HttpResponse<T> response = null;
      Throwable error = null;
      try {
        response = client().send(httpRequest, heard);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the caller's to act on (or the call's cancel's)
        error = e;
      } catch (IOException | RuntimeException | Error e) {
        // send wraps what the exchange failed with (on an HTTP client thread) in an IOException
        // of its own: unwrap that
        error = e.getClass() == IOException.class && e.getCause() != null ? e.getCause() : e;
      }
      ended(a, md[0], response == null ? null : response.body(), error, result);
      return result;
    }
    // sendAsync completes its future on the JDK's default executor, a new thread per task with 1
    // or 2 CPUs: the outcome is taken from the body instead, on the client's HTTP thread that read
    // it, before the JDK completes its future (whose stage follows this one), so whoever waits for
    // that future finds the attempt ended. Only a failure before any body (no connection, no
    // headers in time) still arrives through the JDK's future. The first of these ends it.
    AtomicBoolean once = new AtomicBoolean();
    // the body once the headers came, or GIVEN_UP once the result was forced before them
    AtomicReference<Object> answer = new AtomicReference<>();
    HttpResponse.BodyHandler<T> read =
        info -> {
          AttemptBody<T> b =
              new AttemptBody<>(
                  heard.apply(info),
                  (value, error) -> {
                    if (once.compareAndSet(false, true)) {
                      ended(a, md[0], value, error, result);
                    }
                  });
          if (!answer.compareAndSet(null, b)) {
            b.abort(new CancellationException("the attempt was given up")); // read nothing
          }
          return b;
        };
    CompletableFuture<HttpResponse<T>> sent;
    try {
      sent = client().sendAsync(httpRequest, read);
    } catch (RuntimeException e) {
      result.completeExceptionally(errors.failure(e, null, null));
      return result;
    }
    // the JDK completes this future on its own pool: the client's executor takes the failure
    sent.whenCompleteAsync(
        (response, error) -> {
          if (error != null && once.compareAndSet(false, true)) {
            ended(a, md[0], null, error, result);
          }
        },
        failures);
    // a cancel or a failure forced on the result (the client's close) abandons the exchange: its
    // body once the headers came (see AttemptBody), else the exchange itself; the exchange's own
    // outcome, decided above before the JDK's future completes, does not
    result.whenComplete(
        (r, e) -> {
          if (e != null && once.compareAndSet(false, true)) {
            Object given = answer.getAndSet(GIVEN_UP);
            if (given instanceof AttemptBody<?> b) {
              b.abort(Futures.unwrap(e));
            } else {
              sent.cancel(true);
            }
            a.ended(md[0], Futures.unwrap(e));
          }
        });
    return result;
  }

  /** Completes {@code result} with an exchange's outcome, once logged; the first outcome wins. */
  private <T> void ended(
      AttemptLog.Attempt a,
      ResponseMetadata md,
      T value,
      Throwable error,
      CompletableFuture<T> result) {
    if (result.isDone()) {
      return;
    }
    Error fatal = ErrorFactory.fatal(error);
    if (fatal != null) {
      result.completeExceptionally(fatal); // never mapped, never retried
      return;
    }
    if (error != null) {
      // with the headers, when they came: a body cut after its status is a failure after the
      // response began, judged as one (retried in place; the host answered)
      KimiException k = errors.failure(error, md, null);
      a.ended(k.metadata().orElse(md), k);
      result.completeExceptionally(k);
    } else {
      a.ended(md, null);
      result.complete(value);
    }
  }

  private <T> BodySubscriber<T> jsonSubscriber(
      ResponseInfo info,
      boolean errorEnvelopes,
      BiFunction<ResponseMetadata, byte[], T> decode,
      Overrides overrides,
      int attempt) {
    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers(), target);
    BoundedBodySubscriber bytes = bounded(md);
    refuseEncoded(bytes, md);
    return BodySubscribers.mapping(
        bytes,
        b -> {
          if (!isSuccess(info.statusCode())) {
            heardRefusal(overrides, attempt, md, b);
          }
          log.body(md, b);
          if (!isSuccess(info.statusCode()) || (errorEnvelopes && isErrorEnvelope(b))) {
            throw errors.httpError(md, b, 0, b.length);
          }
          try {
            return decode.apply(md, b);
          } catch (MalformedBodyException e) {
            throw errors.decoding(md, e.getMessage(), e.getCause());
          } catch (KimiException e) {
            throw e;
          } catch (RuntimeException e) {
            throw errors.decoding(
                md, "Unexpected response body (" + b.length + " bytes): " + excerpt(b), e);
          }
        });
  }

  /**
   * Returns a body collector bounded by the size limit and watched by the body idle timeout. A
   * {@code Content-Length} above the limit fails it at once, before a byte of the body is read.
   */
  private BoundedBodySubscriber bounded(ResponseMetadata md) {
    BoundedBodySubscriber b =
        new BoundedBodySubscriber(maxResponseBytes, () -> errors.tooLarge(md, maxResponseBytes));
    long announced = contentLength(md);
    if (announced > maxResponseBytes) {
      b.abort(errors.tooLarge(md, maxResponseBytes, announced));
      return b;
    }
    return watched(b, md);
  }

  /** Watches {@code body} with the body idle timeout, from now until it ends. */
  private <B extends WatchedBody<?>> B watched(B body, ResponseMetadata md) {
    Duration idle = bodyIdle;
    body.watch(bodyWatch, idle, () -> errors.idle(md, idle));
    return body;
  }

  /** Fails {@code bytes} at once when a 2xx body is in an encoding the SDK cannot read. */
  private void refuseEncoded(BoundedBodySubscriber bytes, ResponseMetadata md) {
    String encoding = ErrorFactory.encoding(md);
    if (encoding != null && isSuccess(md.statusCode())) {
      bytes.abort(errors.encoded(md, encoding));
    }
  }

  /** The {@code Content-Length} header's value, or -1 when it is absent or malformed. */
  private static long contentLength(ResponseMetadata md) {
    String v = md.header("Content-Length").map(String::strip).orElse("");
    if (v.isEmpty()) {
      return -1;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Forgets the HTTP client, so that nothing an exchange left behind keeps it reachable once the
   * owning client is closed. Later sends fail as cancelled.
   */
  public void release() {
    client = null;
  }

  HttpClient client() {
    CompletableFuture<HttpClient> c = root.client;
    if (c == null) {
      throw new CancellationException("the KimiClient was closed");
    }
    try {
      return c.join();
    } catch (CompletionException e) { // the build failed: what it threw, not the future's wrapper
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw e;
    }
  }

  int maxJsonDepth() {
    return maxJsonDepth;
  }

  /** The last path's URI, kept because a client mostly calls one path (chat completions). */
  private volatile PathUri lastUri;

  private record PathUri(String path, URI uri) {}

  private URI uri(String path) {
    PathUri last = lastUri;
    if (last != null && last.path().equals(path)) {
      return last.uri();
    }
    URI uri = URI.create(baseUri + "/" + path);
    lastUri = new PathUri(path, uri);
    return uri;
  }

  /**
   * Builds a request with the client's headers, key, User-Agent and HTTP version rule, then the
   * call's own headers, which win.
   */
  private HttpRequest request(
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String accept,
      String contentType,
      Overrides overrides) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path)).timeout(responseTimeout).method(method, body);
    if (httpVersion != null) {
      b.version(httpVersion);
    } else if ("http".equals(baseUri.getScheme())) {
      // h2c upgrade breaks many local and compatible servers; over TLS the JDK negotiates HTTP/2
      b.version(HttpClient.Version.HTTP_1_1);
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      b.setHeader(h.getKey(), h.getValue());
    }
    if (apiKey == null) { // a supplier's client: every attempt carries its key (Overrides.key)
      throw new IllegalStateException("no key for this attempt");
    }
    if (!apiKey.reveal().isEmpty()) { // a fallback target without a key sends none
      protocol.authorize(b, apiKey.reveal());
    }
    b.setHeader("User-Agent", userAgent);
    b.setHeader("Accept", accept);
    if (contentType != null) {
      b.setHeader("Content-Type", contentType);
    }
    for (Map.Entry<String, String> h : overrides.headers().entrySet()) {
      b.setHeader(h.getKey(), h.getValue());
    }
    return b.build();
  }

  private BodySubscriber<ChatCompletion> completionSubscriber(
      Wire wire, ResponseInfo info, Overrides overrides, int attempt) {
    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers(), target);
    BoundedBodySubscriber bytes = bounded(md);
    refuseEncoded(bytes, md);
    if (!isSuccess(info.statusCode())) {
      return BodySubscribers.mapping(
          bytes,
          b -> {
            heardRefusal(overrides, attempt, md, b);
            throw errors.httpError(md, b, 0, b.length);
          });
    }
    return BodySubscribers.mapping(
        bytes,
        b -> {
          log.body(md, b);
          if (isErrorEnvelope(b)) {
            // some gateways answer 200 with Kimi's error envelope
            throw errors.httpError(md, b, 0, b.length);
          }
          try {
            return wire.decode(b, 0, b.length, maxJsonDepth).withMetadata(md);
          } catch (RuntimeException e) {
            throw errors.decoding(
                md,
                "The response is not a chat completion (Content-Type "
                    + md.contentType().orElse("none")
                    + ", "
                    + b.length
                    + " bytes)",
                e);
          }
        });
  }

  /**
   * How long a finished stream ({@code [DONE]} or {@code message_stop}) keeps reading for the end
   * of the HTTP body, so the connection goes back to the pool rather than being closed.
   */
  static final Duration STREAM_LINGER = Duration.ofSeconds(2);

  /** What an exchange forced to end before its headers holds in place of its body. */
  private static final Object GIVEN_UP = new Object();

  /**
   * Chooses how a streaming attempt reads its response: an event stream parsed by {@code handler}
   * for a 2xx {@code text/event-stream} (or, when {@code loose}, a 2xx typed {@code text/plain} or
   * not at all, as some OpenAI-compatible servers send their events); anything else fails the
   * attempt with the error it is.
   */
  private <T> HttpStreamAttempt.Body<T> streamBody(
      ResponseMetadata md,
      boolean loose,
      Supplier<SseEventHandler<T>> handler,
      Overrides overrides,
      int attempt) {
    String encoding = ErrorFactory.encoding(md);
    if (encoding != null && isSuccess(md.statusCode())) {
      // a compressed event stream would parse as garbage and end "cut off": say why, once
      BoundedBodySubscriber refused = bounded(md);
      refused.abort(errors.encoded(md, encoding));
      return new HttpStreamAttempt.Body<>(
          BodySubscribers.mapping(
              refused,
              b -> {
                throw new AssertionError("refused body completed");
              }),
          null);
    }
    if (isSuccess(md.statusCode())
        && (isEventStream(md) || (loose && WireEvents.isLooseStream(md)))) {
      SseSubscriber<T> sse =
          new SseSubscriber<>(
              handler.get(),
              sseLimits,
              lingerTimer, // closing the client runs a pending end of linger at once
              STREAM_LINGER);
      return new HttpStreamAttempt.Body<>(sse, sse);
    }
    BoundedBodySubscriber bytes = bounded(md);
    if (!isSuccess(md.statusCode())) {
      return new HttpStreamAttempt.Body<>(
          BodySubscribers.mapping(
              bytes,
              b -> {
                heardRefusal(overrides, attempt, md, b);
                throw errors.httpError(md, b, 0, b.length);
              }),
          null);
    }
    return new HttpStreamAttempt.Body<>(
        BodySubscribers.mapping(
            bytes,
            b -> {
              throw errors.decoding(
                  md,
                  "Expected an event stream (text/event-stream) but got Content-Type "
                      + md.contentType().orElse("none")
                      + ": "
                      + excerpt(b),
                  null);
            }),
        null);
  }

  /**
   * Tells the attempt's observers that Kimi refused it for the account's rate, when the failed
   * response {@code b} says so and one of them hears refusals (the rate limiter): before the
   * failure is classified, built, logged or heard by the listeners, so that the pause a fleet
   * shares is written first ({@link RateRefusal}).
   */
  private void heardRefusal(Overrides overrides, int attempt, ResponseMetadata md, byte[] b) {
    AttemptObserver observer = overrides.observer();
    if (observer.hearsRefusals()) {
      RateRefusal refusal = RateRefusal.of(md, b, 0, b.length, kimiCode, userAgent);
      if (refusal != null) {
        observer.refused(attempt, refusal);
      } else {
        observer.notRefused(attempt);
      }
    }
  }

  /**
   * Returns the stream errors of attempt {@code attempt}: the client's, which first tell the
   * attempt's observers when an error event refuses the stream for the host's concurrency (SGLang's
   * full queue, an event naming 503 on the stream's 200: {@link RateRefusal#ofEvent}), as {@link
   * #heardRefusal} does for a refusal with a status, so that the host's concurrency gate hears it.
   */
  private StreamErrors heard(Overrides overrides, int attempt) {
    AttemptObserver observer = overrides.observer();
    if (!observer.hearsRefusals()) {
      return errors;
    }
    return new StreamErrors() {
      @Override
      public KimiException inStreamError(ResponseMetadata md, byte[] data, int off, int len) {
        RateRefusal refusal = RateRefusal.ofEvent(md, data, off, len, kimiCode, userAgent);
        if (refusal != null) {
          observer.refused(attempt, refusal);
        }
        return errors.inStreamError(md, data, off, len);
      }

      @Override
      public KimiException truncated(ResponseMetadata md, ChatCompletion partial, Throwable cause) {
        return errors.truncated(md, partial, cause);
      }

      @Override
      public KimiException malformedChunk(
          ResponseMetadata md, ChatCompletion partial, Throwable cause) {
        return errors.malformedChunk(md, partial, cause);
      }

      @Override
      public KimiException decoding(ResponseMetadata md, String problem, Throwable cause) {
        return errors.decoding(md, problem, cause);
      }

      @Override
      public KimiException streamFailure(
          Throwable error, ResponseMetadata md, ChatCompletion partial, boolean started) {
        return errors.streamFailure(error, md, partial, started);
      }
    };
  }

  /** Tells whether a body is Kimi's error envelope ({@link WireEvents#isErrorEnvelope}). */
  private boolean isErrorEnvelope(byte[] b) {
    return WireEvents.isErrorEnvelope(b, 0, b.length, maxJsonDepth);
  }

  private static boolean isSuccess(int status) {
    return status >= 200 && status < 300;
  }

  private static boolean isEventStream(ResponseMetadata md) {
    return md.contentType()
        .map(ct -> ct.toLowerCase(Locale.ROOT).startsWith("text/event-stream"))
        .orElse(false);
  }

  /** A short excerpt of a body for a decoding error: 200 bytes at most, the key redacted. */
  private String excerpt(byte[] b) {
    String s = ServerText.fold(ServerText.prefix(b, 0, b.length, 200), false);
    return s == null ? "(empty body)" : errors.text().keep(s, 200);
  }
}
