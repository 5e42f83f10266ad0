package io.github.kimisdk.internal.http;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.flow.Futures;
import io.github.kimisdk.internal.sse.SseSubscriber;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.sse.SseLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
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
import java.util.Properties;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one HTTP exchange per call and lets the response status choose the body handling: JSON for
 * 2xx, SSE for 2xx {@code text/event-stream}, error mapping for anything else. It makes exactly one
 * attempt; retries belong in a layer above that calls {@link #chat} or re-subscribes a fresh {@link
 * StreamCall}.
 */
public final class HttpTransport {

  /** The SDK version from the build, for the default User-Agent. */
  public static final String VERSION = readVersion();

  // Cleared by release(): on JDK 17 to 20 a pooled connection keeps the last exchange, and with it
  // the body handler and this transport, reachable; the HttpClient (its facade) must not be, or
  // the JDK's cleaner never closes it and its selector thread and connections live on.
  private volatile HttpClient client;
  private final URI baseUri;
  private final String authorization;
  private final String userAgent;
  private final Map<String, String> headers;
  private final Duration responseTimeout;
  private final long maxResponseBytes;
  private final SseLimits sseLimits;
  private final ErrorFactory errors;
  private ChatProtocol protocol = ChatProtocol.CHAT_COMPLETIONS;
  private final TransportOptions options;
  private long maxRequestBytes;
  private String requestLimitName = "";

  /**
   * Creates a transport. Arguments are validated by the client builder.
   *
   * @param client the JDK client
   * @param baseUri the base URL, without trailing slash
   * @param apiKey the bearer key
   * @param userAgent the User-Agent header
   * @param headers extra headers for every request
   * @param responseTimeout the time allowed until response headers
   * @param maxResponseBytes the largest non-streaming body accepted
   * @param sseLimits the limits for event streams
   * @param errors builds the exceptions
   * @param options the HTTP version, JSON depth, logging and body idle settings
   */
  public HttpTransport(
      HttpClient client,
      URI baseUri,
      String apiKey,
      String userAgent,
      Map<String, String> headers,
      Duration responseTimeout,
      long maxResponseBytes,
      SseLimits sseLimits,
      ErrorFactory errors,
      TransportOptions options) {
    this.client = client;
    this.baseUri = baseUri;
    this.authorization = "Bearer " + apiKey;
    this.userAgent = userAgent;
    this.headers = new LinkedHashMap<>(headers);
    this.responseTimeout = responseTimeout;
    this.maxResponseBytes = maxResponseBytes;
    this.sseLimits = sseLimits;
    this.errors = errors;
    this.options = options;
  }

  /**
   * Sets the chat wire protocol; call once, right after construction (default: chat completions).
   *
   * @param protocol the protocol
   */
  public void useProtocol(ChatProtocol protocol) {
    this.protocol = protocol;
  }

  /**
   * Limits the size of encoded request bodies; call once, right after construction. A larger body
   * is not sent: the call fails with a {@link io.github.kimisdk.PreflightException}.
   *
   * @param maxBytes the largest body sent, or 0 for no limit
   * @param name what the limit is, for the message (such as {@code "Kimi Code's limit"})
   */
  public void limitRequestBytes(long maxBytes, String name) {
    this.maxRequestBytes = maxBytes;
    this.requestLimitName = name;
  }

  /** Returns the failure for a body over the request size limit, or null when it fits. */
  private KimiException checkSize(String model, byte[] body) {
    if (maxRequestBytes <= 0 || body.length <= maxRequestBytes) {
      return null;
    }
    return new io.github.kimisdk.PreflightException(
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
   * Checks that a chat request can be sent over this transport's protocol.
   *
   * @param request the request
   * @throws UnsupportedRequestException if the protocol cannot express it
   */
  public void check(ChatRequest request) {
    protocol.check(request);
  }

  /** Returns the exception factory. */
  public ErrorFactory errors() {
    return errors;
  }

  /**
   * Sends a non-streaming chat request. Cancelling the returned future aborts the exchange.
   *
   * @param request the request; its {@code stream} flag is forced off
   * @return the decoded completion with its metadata; fails with a {@link KimiException}
   */
  public CompletableFuture<KimiResponse<ChatCompletion>> chat(ChatRequest request) {
    return chat(request, 1);
  }

  /**
   * Sends a non-streaming chat request as attempt {@code attempt} of a call (for the log).
   *
   * @param request the request; its {@code stream} flag is forced off
   * @param attempt the attempt number, from 1
   * @return the decoded completion with its metadata; fails with a {@link KimiException}
   */
  public CompletableFuture<KimiResponse<ChatCompletion>> chat(ChatRequest request, int attempt) {
    return chat(request, attempt, Overrides.NONE);
  }

  /**
   * Sends a non-streaming chat request as attempt {@code attempt} of a call, with the call's
   * headers and query parameters.
   *
   * @param request the request; its {@code stream} flag is forced off
   * @param attempt the attempt number, from 1
   * @param overrides what the call adds to the HTTP request
   * @return the decoded completion with its metadata; fails with a {@link KimiException}
   */
  public CompletableFuture<KimiResponse<ChatCompletion>> chat(
      ChatRequest request, int attempt, Overrides overrides) {
    byte[] body = protocol.encode(request);
    KimiException tooLarge = checkSize(request.model(), body);
    if (tooLarge != null) {
      return CompletableFuture.failedFuture(tooLarge);
    }
    HttpRequest httpRequest =
        request(
            "POST",
            overrides.apply(protocol.chatPath()),
            HttpRequest.BodyPublishers.ofByteArray(body),
            "application/json",
            "application/json",
            overrides);
    logContent(httpRequest, attempt, body);
    return send(httpRequest, this::completionSubscriber, attempt);
  }

  /**
   * Prepares a streaming chat request; nothing is sent until the returned publisher is subscribed.
   *
   * @param request the request; its {@code stream} flag must be on
   * @return a cold, single-subscriber publisher of chunks
   */
  public StreamCall stream(ChatRequest request) {
    return stream(request, 1);
  }

  /**
   * Prepares a streaming chat request as attempt {@code attempt} of a call (for the log).
   *
   * @param request the request; its {@code stream} flag must be on
   * @param attempt the attempt number, from 1
   * @return a cold, single-subscriber publisher of chunks
   */
  public StreamCall stream(ChatRequest request, int attempt) {
    return stream(request, attempt, Overrides.NONE);
  }

  /**
   * Prepares a streaming chat request as attempt {@code attempt} of a call, with the call's headers
   * and query parameters.
   *
   * @param request the request; its {@code stream} flag must be on
   * @param attempt the attempt number, from 1
   * @param overrides what the call adds to the HTTP request
   * @return a cold, single-subscriber publisher of chunks
   * @throws KimiException if the encoded request is over the request size limit
   */
  public StreamCall stream(ChatRequest request, int attempt, Overrides overrides) {
    byte[] body = protocol.encode(request);
    KimiException tooLarge = checkSize(request.model(), body);
    if (tooLarge != null) {
      throw tooLarge;
    }
    HttpRequest httpRequest =
        request(
            "POST",
            overrides.apply(protocol.chatPath()),
            HttpRequest.BodyPublishers.ofByteArray(body),
            "text/event-stream",
            "application/json",
            overrides);
    logContent(httpRequest, attempt, body);
    return new StreamCall(this, httpRequest, attempt, request);
  }

  /**
   * Sends a small JSON exchange to another endpoint ({@code GET /models}, {@code POST
   * /tokenizers/...}) and hands the 2xx body to {@code decode}; errors are mapped like chat's.
   *
   * @param method {@code GET} or {@code POST}
   * @param path the path below the base URL, without leading slash
   * @param body the JSON body for {@code POST}; null for {@code GET}
   * @param decode turns the body into the result; a {@code RuntimeException} becomes a decoding
   *     error
   * @param <T> the result type
   * @return the decoded result with its metadata; fails with a {@link KimiException}
   */
  public <T> CompletableFuture<KimiResponse<T>> exchange(
      String method, String path, byte[] body, java.util.function.Function<byte[], T> decode) {
    return exchange(
        method,
        path,
        body == null ? null : HttpRequest.BodyPublishers.ofByteArray(body),
        body == null ? null : "application/json",
        true,
        decode);
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
   * @param decode turns the body into the result; a {@code RuntimeException} becomes a decoding
   *     error
   * @param <T> the result type
   * @return the decoded result with its metadata; fails with a {@link KimiException}
   */
  public <T> CompletableFuture<KimiResponse<T>> exchange(
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String contentType,
      boolean errorEnvelopes,
      java.util.function.Function<byte[], T> decode) {
    return exchange(method, path, body, contentType, errorEnvelopes, decode, Overrides.NONE, 1);
  }

  /**
   * Sends an exchange as {@link #exchange(String, String, HttpRequest.BodyPublisher, String,
   * boolean, java.util.function.Function)} does, with the call's headers and query parameters, as
   * attempt {@code attempt} of a call.
   *
   * @param method the HTTP method
   * @param path the path below the base URL, without leading slash, query included
   * @param body the body; null for none
   * @param contentType the body's Content-Type; null for none
   * @param errorEnvelopes whether a 2xx body that is Kimi's error envelope counts as an error
   * @param decode turns the body into the result
   * @param overrides what the call adds to the HTTP request
   * @param attempt the attempt number, from 1
   * @param <T> the result type
   * @return the decoded result with its metadata; fails with a {@link KimiException}
   */
  public <T> CompletableFuture<KimiResponse<T>> exchange(
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String contentType,
      boolean errorEnvelopes,
      java.util.function.Function<byte[], T> decode,
      Overrides overrides,
      int attempt) {
    String refusal = protocol.platformRefusal();
    if (refusal != null) {
      return CompletableFuture.failedFuture(
          errors.failure(new UnsupportedRequestException(refusal), null, null));
    }
    HttpRequest httpRequest =
        request(
            method,
            overrides.apply(path),
            body == null ? HttpRequest.BodyPublishers.noBody() : body,
            // file content may be text/plain
            "application/json, text/plain;q=0.9, */*;q=0.8",
            contentType,
            overrides);
    return send(httpRequest, info -> jsonSubscriber(info, errorEnvelopes, decode), attempt);
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
   * @param model the model the body names, for a size-limit message; may be null
   * @return the decoded body with its metadata and bytes; fails with a {@link KimiException}
   */
  public CompletableFuture<KimiResponse<JsonValue>> json(
      String method, String path, byte[] body, Overrides overrides, int attempt, String model) {
    return sendRaw(
        method,
        path,
        body,
        overrides,
        attempt,
        model,
        "application/json, text/plain;q=0.9, */*;q=0.8",
        this::anySubscriber);
  }

  /**
   * Sends any request whose answer is an event stream; the future completes when the headers of a
   * 2xx {@code text/event-stream} response arrive, with the subscriber that parses its events (see
   * {@link RawEventHandler}). Anything else fails as chat's errors do.
   *
   * @param method the HTTP method
   * @param path the path below the base URL, without leading slash, query allowed
   * @param body the JSON body; null for none
   * @param overrides what the call adds to the HTTP request
   * @param attempt the attempt number, from 1
   * @param model the model the body names, for a size-limit message; may be null
   * @return the event subscriber with the response metadata; fails with a {@link KimiException}
   */
  public CompletableFuture<KimiResponse<SseSubscriber<ServerSentEvent>>> events(
      String method, String path, byte[] body, Overrides overrides, int attempt, String model) {
    return sendRaw(
        method, path, body, overrides, attempt, model, "text/event-stream", this::eventSubscriber);
  }

  /** Sends a request of {@link #json} or {@link #events}: size check, request, content log. */
  private <T> CompletableFuture<KimiResponse<T>> sendRaw(
      String method,
      String path,
      byte[] body,
      Overrides overrides,
      int attempt,
      String model,
      String accept,
      HttpResponse.BodyHandler<KimiResponse<T>> handler) {
    if (body != null) {
      KimiException tooLarge = checkSize(model, body);
      if (tooLarge != null) {
        return CompletableFuture.failedFuture(tooLarge);
      }
    }
    HttpRequest httpRequest =
        request(
            method,
            overrides.apply(path),
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body),
            accept,
            body == null ? null : "application/json",
            overrides);
    if (body != null) {
      logContent(httpRequest, attempt, body);
    }
    return send(httpRequest, handler, attempt);
  }

  private BodySubscriber<KimiResponse<SseSubscriber<ServerSentEvent>>> eventSubscriber(
      ResponseInfo info) {
    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers());
    if (isSuccess(md.statusCode()) && isEventStream(md)) {
      SseSubscriber<ServerSentEvent> sse =
          new SseSubscriber<>(
              new RawEventHandler(md, errors), sseLimits, options.lingerTimer(), STREAM_LINGER);
      return BodySubscribers.mapping(sse, events -> new KimiResponse<>(sse, md));
    }
    BoundedBodySubscriber bytes = bounded(md);
    return BodySubscribers.mapping(
        bytes,
        b -> {
          if (!isSuccess(md.statusCode())) {
            throw errors.httpError(md, b, 0, b.length);
          }
          throw errors.decoding(
              md,
              "Expected an event stream (text/event-stream) but got Content-Type "
                  + md.contentType().orElse("none")
                  + ": "
                  + excerpt(b),
              null);
        });
  }

  private BodySubscriber<KimiResponse<JsonValue>> anySubscriber(ResponseInfo info) {
    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers());
    BoundedBodySubscriber bytes = bounded(md);
    return BodySubscribers.mapping(
        bytes,
        b -> {
          logBody(md, b);
          if (!isSuccess(md.statusCode())) {
            throw errors.httpError(md, b, 0, b.length);
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
      return Json.parse(b, 0, b.length, options.maxJsonDepth());
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
   * exchange when the returned future is cancelled.
   */
  private <T> CompletableFuture<KimiResponse<T>> send(
      HttpRequest httpRequest, HttpResponse.BodyHandler<KimiResponse<T>> handler, int attempt) {
    long started = System.nanoTime();
    long[] headersAt = {0}; // written by the handler before the body, read after completion
    CompletableFuture<KimiResponse<T>> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<KimiResponse<T>>> sent;
    try {
      sent =
          client()
              .sendAsync(
                  httpRequest,
                  info -> {
                    headersAt[0] = System.nanoTime();
                    return handler.apply(info);
                  });
    } catch (RuntimeException e) {
      result.completeExceptionally(errors.failure(e, null, null));
      return result;
    }
    sent.whenComplete(
        (response, error) -> {
          Error fatal = ErrorFactory.fatal(error);
          if (fatal != null) {
            result.completeExceptionally(fatal); // never mapped, never retried
            return;
          }
          if (error != null) {
            KimiException k = errors.failure(error, null, null);
            log(httpRequest, attempt, k.metadata().orElse(null), started, headersAt[0], k);
            result.completeExceptionally(k);
          } else {
            log(httpRequest, attempt, response.body().metadata(), started, headersAt[0], null);
            result.complete(response.body());
          }
        });
    return Futures.cancelling(result, sent);
  }

  private <T> BodySubscriber<KimiResponse<T>> jsonSubscriber(
      ResponseInfo info, boolean errorEnvelopes, java.util.function.Function<byte[], T> decode) {
    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers());
    BoundedBodySubscriber bytes = bounded(md);
    refuseEncoded(bytes, md);
    return BodySubscribers.mapping(
        bytes,
        b -> {
          logBody(md, b);
          if (!isSuccess(info.statusCode()) || (errorEnvelopes && isErrorEnvelope(b))) {
            throw errors.httpError(md, b, 0, b.length);
          }
          try {
            return new KimiResponse<>(decode.apply(b), md, b);
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
    AtomicReference<BoundedBodySubscriber> watched = new AtomicReference<>(b);
    // the pending check reaches the body only through this holder, cleared the moment the body
    // ends: a failed exchange's buffer is not kept until the next tick of the watchdog
    b.getBody().whenComplete((r, e) -> watched.set(null));
    watchBody(watched, md);
    return b;
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

  /** Aborts the body once no bytes arrived for the body idle timeout; re-arms until done. */
  private void watchBody(AtomicReference<BoundedBodySubscriber> watched, ResponseMetadata md) {
    Duration idle = options.bodyIdle();
    Duration period = Duration.ofNanos(Math.max(idle.toNanos() / 4, 1_000_000));
    options
        .schedule()
        .accept(
            () -> {
              BoundedBodySubscriber body = watched.get();
              if (body == null || body.isDone()) {
                return;
              }
              if (System.nanoTime() - body.lastActivityNanos() >= idle.toNanos()) {
                body.abort(errors.idle(md, idle));
              } else {
                watchBody(watched, md);
              }
            },
            period);
  }

  /**
   * Forgets the HTTP client, so that nothing an exchange left behind keeps it reachable once the
   * owning client is closed. Later sends fail as cancelled.
   */
  public void release() {
    client = null;
  }

  HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      throw new CancellationException("the KimiClient was closed");
    }
    return c;
  }

  int maxJsonDepth() {
    return options.maxJsonDepth();
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
    if (options.httpVersion() != null) {
      b.version(options.httpVersion());
    } else if ("http".equals(baseUri.getScheme())) {
      // h2c upgrade breaks many local and compatible servers; over TLS the JDK negotiates HTTP/2
      b.version(HttpClient.Version.HTTP_1_1);
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      b.setHeader(h.getKey(), h.getValue());
    }
    if (protocol.bearerAuth()) {
      b.setHeader("Authorization", authorization);
    }
    protocol.addHeaders(b);
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

  private BodySubscriber<KimiResponse<ChatCompletion>> completionSubscriber(ResponseInfo info) {
    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers());
    BoundedBodySubscriber bytes = bounded(md);
    refuseEncoded(bytes, md);
    if (!isSuccess(info.statusCode())) {
      return BodySubscribers.mapping(
          bytes,
          b -> {
            throw errors.httpError(md, b, 0, b.length);
          });
    }
    return BodySubscribers.mapping(
        bytes,
        b -> {
          logBody(md, b);
          if (isErrorEnvelope(b)) {
            // some gateways answer 200 with Kimi's error envelope
            throw errors.httpError(md, b, 0, b.length);
          }
          try {
            return new KimiResponse<>(
                protocol.decodeCompletion(b, 0, b.length, options.maxJsonDepth()).withMetadata(md),
                md,
                b);
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

  BodySubscriber<Flow.Publisher<ChatCompletionChunk>> streamSubscriber(
      ResponseMetadata md, StreamCall call) {
    String encoding = ErrorFactory.encoding(md);
    if (encoding != null && isSuccess(md.statusCode())) {
      // a compressed event stream would parse as garbage and end "cut off": say why, once
      BoundedBodySubscriber refused = bounded(md);
      refused.abort(errors.encoded(md, encoding));
      return BodySubscribers.mapping(
          refused,
          b -> {
            throw new AssertionError("refused body completed");
          });
    }
    if (isSuccess(md.statusCode())
        && (isEventStream(md)
            || (protocol == ChatProtocol.CHAT_COMPLETIONS && isLooseStream(md)))) {
      SseSubscriber<ChatCompletionChunk> sse =
          new SseSubscriber<>(
              protocol.streamHandler(md, errors, options.maxJsonDepth(), call.request()),
              sseLimits,
              options.lingerTimer(), // closing the client runs a pending end of linger at once
              STREAM_LINGER);
      call.attach(sse);
      return sse;
    }
    BoundedBodySubscriber bytes = bounded(md);
    if (!isSuccess(md.statusCode())) {
      return BodySubscribers.mapping(
          bytes,
          b -> {
            throw errors.httpError(md, b, 0, b.length);
          });
    }
    return BodySubscribers.mapping(
        bytes,
        b -> {
          throw errors.decoding(
              md,
              "Expected an event stream (text/event-stream) but got Content-Type "
                  + md.contentType().orElse("none")
                  + ": "
                  + excerpt(b),
              null);
        });
  }

  /**
   * Logs one attempt at DEBUG: method, URL, attempt, status, request id, time to the response
   * headers and in total. Never headers, so never the key.
   */
  void log(
      HttpRequest request,
      int attempt,
      ResponseMetadata md,
      long startedNanos,
      long headersNanos,
      Throwable error) {
    System.Logger log = options.logger();
    if (!log.isLoggable(Level.DEBUG)) {
      return;
    }
    long now = System.nanoTime();
    String id = md == null ? "" : md.requestId().map(s -> " request-id=" + s).orElse("");
    String status = md == null ? "no response" : "HTTP " + md.statusCode();
    String headers =
        headersNanos == 0 ? "" : " headers " + (headersNanos - startedNanos) / 1_000_000 + " ms,";
    log.log(
        Level.DEBUG,
        request.method()
            + " "
            + request.uri()
            + " attempt "
            + attempt
            + " -> "
            + status
            + id
            + ","
            + headers
            + " total "
            + (now - startedNanos) / 1_000_000
            + " ms"
            + (error == null ? "" : ", failed: " + error.getClass().getSimpleName()));
  }

  /** Logs a request body at DEBUG when the user opted in to message contents. */
  private void logContent(HttpRequest request, int attempt, byte[] body) {
    System.Logger log = options.logger();
    if (options.logContent() && log.isLoggable(Level.DEBUG)) {
      log.log(
          Level.DEBUG,
          request.method()
              + " "
              + request.uri()
              + " attempt "
              + attempt
              + " request body: "
              + new String(body, StandardCharsets.UTF_8));
    }
  }

  /** Logs a non-streamed response body at DEBUG when the user opted in to message contents. */
  private void logBody(ResponseMetadata md, byte[] body) {
    System.Logger log = options.logger();
    if (options.logContent() && log.isLoggable(Level.DEBUG)) {
      log.log(
          Level.DEBUG,
          "HTTP "
              + md.statusCode()
              + md.requestId().map(s -> " request-id=" + s).orElse("")
              + " response body: "
              + errors.text().redact(new String(body, StandardCharsets.UTF_8)));
    }
  }

  /** Tells whether a body is a JSON object with an {@code error} member and no {@code choices}. */
  static boolean isErrorEnvelope(byte[] b) {
    if (!new String(b, StandardCharsets.ISO_8859_1).contains("\"error\"")) {
      return false;
    }
    try {
      return Json.parse(b) instanceof JsonObject o
          && o.get("error") != null
          && o.get("choices") == null;
    } catch (RuntimeException notJson) {
      return false;
    }
  }

  private static boolean isSuccess(int status) {
    return status >= 200 && status < 300;
  }

  private static boolean isEventStream(ResponseMetadata md) {
    return md.contentType()
        .map(ct -> ct.toLowerCase(Locale.ROOT).startsWith("text/event-stream"))
        .orElse(false);
  }

  /**
   * Tells whether a 2xx answer to a streaming chat-completions request is read as an event stream
   * although it is not typed as one: {@code text/plain} or no type, which some OpenAI-compatible
   * servers send for their events (the official clients parse the body whatever its type). If no
   * event comes, the stream fails as a decoding error, not as a truncated one.
   */
  static boolean isLooseStream(ResponseMetadata md) {
    String ct = md.contentType().map(c -> c.strip().toLowerCase(Locale.ROOT)).orElse("");
    return ct.isEmpty() || ct.startsWith("text/plain");
  }

  /** A short excerpt of a body for a decoding error: 200 bytes at most, the key redacted. */
  private String excerpt(byte[] b) {
    String s = ServerText.fold(ServerText.prefix(b, 0, b.length, 200), false);
    return s == null ? "(empty body)" : errors.text().keep(s, 200);
  }

  private static String readVersion() {
    try (InputStream in = HttpTransport.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
