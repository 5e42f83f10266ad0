package io.github.kimisdk.internal.http;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.net.Tls;
import io.github.kimisdk.base.text.Untrusted;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiError;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.errors.access.Exceptions;
import io.github.kimisdk.internal.wire.UnsupportedRequestException;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.sse.SseException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * What {@link ErrorFactory} does: decides which {@link KimiException} an HTTP response or a failure
 * is, with its message and hint, and has {@link Exceptions} build it. Made by the client's factory
 * when the client first needs an exception, so that a client that has not failed yet has loaded
 * none of this, nor the exception classes it names (see {@link ErrorFactory}).
 */
final class ErrorMaker {

  // every scan of server text is a hand-written linear one (ServerText), never a regex
  private static final String[] CONTEXT = {
    "exceeded model token limit",
    "input token length too long",
    "maximum context length",
    "context length exceeded",
    "context_length_exceeded",
    "prompt is too long"
  };
  private static final String[] LIMIT = {
    "token limit",
    "max_model_length",
    "maximum context length is",
    "maximum context length",
    "limit",
    "max"
  };
  private static final String[] REQUESTED = {
    "you requested", "requested", "input tokens", "input token", "input length", "actual", "current"
  };

  /** The type of FakeKimiServer's answer to a request its cassette holds no exchange for. */
  static final String CASSETTE_MISS = "cassette_miss_error";

  /** What to do about a cassette miss, whose server message says what differs. */
  static final String CASSETTE_MISS_HINT =
      "FakeKimiServer answered from a cassette that holds no recorded exchange matching this"
          + " request (the base URL is right); the message names the nearest recorded request and"
          + " where it differs: record the exchange, or send what was recorded";

  private final Exceptions make;
  private final Endpoint endpoint;
  private final boolean kimiCodeKey;
  private final boolean token; // a key that is no Moonshot secret key (sk-): an OAuth access token
  private final String userAgent;
  private final Timeouts timeouts;
  private final ServerText text;
  private final ProxySelector proxies; // null: the JDK's default, as an HttpClient without one
  private final ModelCatalog models;
  private final String who; // the host that answers, when not Moonshot's API: "vLLM at host:port"
  private final String streamEnd; // the event that ends a stream on the client's wire
  private final io.github.kimisdk.host.ServedBy target; // its place in a chain, or null
  private final String whoShort; // its name alone, "vLLM"; "Kimi" for Moonshot's API

  /** The maker of the attempts that send {@code key}: the settings' fixed key, or another. */
  ErrorMaker(Exceptions make, HttpSettings settings, ProxySelector proxies, ApiKey key) {
    this.make = Objects.requireNonNull(make, "make");
    this.endpoint = settings.endpoint();
    this.kimiCodeKey = key != null && key.isKimiCode();
    this.token = key != null && !key.isSecretKey();
    this.userAgent = settings.userAgent();
    this.timeouts = settings.timeouts();
    this.text = new ServerText(key);
    this.proxies = proxies;
    this.models = settings.catalog();
    this.who = settings.hostLabel();
    this.target = settings.target();
    io.github.kimisdk.WireProtocol wire = settings.wireProtocol();
    this.streamEnd =
        wire == io.github.kimisdk.WireProtocol.ANTHROPIC_MESSAGES
            ? "'message_stop'"
            : wire == io.github.kimisdk.WireProtocol.RESPONSES
                ? "'response.completed'"
                : "'data: [DONE]'";
    int at = who == null ? -1 : who.indexOf(" at ");
    this.whoShort = who == null ? "Kimi" : at < 0 ? who : who.substring(0, at);
  }

  /**
   * Returns what to say about the model a "not found the model ..." message names: that the table
   * marks it retired (when, and what to use instead), that the table knows it (so the key is not
   * entitled to it), the closest id of the same family the table knows ({@link
   * ModelCatalog#similarIds}), or null when the message names no model or nothing of its family is
   * close. Linear in the message; the id is cut at 128 characters.
   */
  static String modelSuggestion(String serverMessage, ModelCatalog models) {
    if (models == null || serverMessage == null) {
      return null;
    }
    String lower = serverMessage.toLowerCase(Locale.ROOT);
    int at = lower.indexOf("the model ");
    if (at < 0) {
      return null;
    }
    int start = at + "the model ".length();
    int end = start;
    while (end < serverMessage.length()
        && end - start < 128
        && !Character.isWhitespace(serverMessage.charAt(end))) {
      end++;
    }
    String id = serverMessage.substring(start, end);
    // the sentence's own punctuation after the id ("... `kimi-k2.5` does not exist.")
    while (!id.isEmpty() && ".,;:".indexOf(id.charAt(id.length() - 1)) >= 0) {
      id = id.substring(0, id.length() - 1);
    }
    // quoted as Kimi ('x', "x") or vLLM and SGLang (`x`) quote it: the id is what is inside
    if (id.length() >= 2
        && (id.startsWith("'") || id.startsWith("\"") || id.startsWith("`"))
        && id.endsWith(id.substring(0, 1))) {
      id = id.substring(1, id.length() - 1);
    }
    if (id.isEmpty()) {
      return null;
    }
    Optional<ModelInfo> held = models.find(id);
    if (held.isPresent()) {
      return held.get()
          .retirement()
          .map(r -> retired(held.get().id(), r))
          .orElse("the SDK knows " + id + ", so this key is probably not entitled to it");
    }
    List<String> close = models.similarIds(id, 1);
    if (close.isEmpty()) {
      return null;
    }
    String best = close.get(0);
    return "did you mean "
        + best
        + "?"
        + models.lookup(best).retirement().map(r -> " It " + retiredSince(r)).orElse("");
  }

  /**
   * Says that Moonshot retired a model and what to use instead, such as "kimi-k2.5 was retired on
   * 2026-08-31 (Kimi answers 404 for it); use kimi-k2.6 instead".
   *
   * @param id the retired model
   * @param r its retirement
   * @return the sentence, without a final stop
   */
  public static String retired(String id, ModelInfo.Retirement r) {
    return id + " " + retiredSince(r);
  }

  private static String retiredSince(ModelInfo.Retirement r) {
    return "was retired on "
        + r.date()
        + " (Kimi answers 404 for it); use "
        + r.successor()
        + " instead";
  }

  /** Returns ": " and what to say about the model {@code serverMessage} names, or "". */
  private String suggestion(String serverMessage) {
    String s = modelSuggestion(serverMessage, models);
    return s == null ? "" : ": " + s;
  }

  /** Returns the rules for server texts: their cut and the key's redaction. */
  public ServerText text() {
    return text;
  }

  /** A non-2xx response with its (bounded) body. */
  public KimiException httpError(ResponseMetadata metadata, byte[] body, int off, int len) {
    return httpError(metadata, body, off, len, null);
  }

  /**
   * A non-2xx response with its (bounded) body, to a request for {@code path} below the base URL
   * (null when unknown): a 404 for a path under {@code formulas/} names the formula.
   */
  public KimiException httpError(
      ResponseMetadata metadata, byte[] body, int off, int len, String path) {
    String encoding = ErrorFactory.encoding(metadata);
    if (encoding != null) {
      // the body is compressed: classify by status alone, and say why there is no message
      return classify(
          metadata,
          metadata.statusCode(),
          new ErrorBody(
              null,
              "(a body with Content-Encoding: "
                  + text.keep(encoding, ServerText.MAX_SHORT)
                  + ", which the SDK does not decode)",
              null),
          false,
          path);
    }
    return classify(metadata, metadata.statusCode(), ErrorBody.parse(body, off, len), false, path);
  }

  /**
   * A {@code {"error": ...}} payload inside a 2xx event stream, judged by the status its error
   * object names, if any ({@link ErrorBody#status}): SGLang's full queue, an event naming 503, is
   * the 503 it stands for.
   */
  public KimiException inStreamError(ResponseMetadata metadata, byte[] data, int off, int len) {
    ErrorBody body = ErrorBody.parse(data, off, len);
    return classify(metadata, body.read().status(metadata.statusCode()), body, true);
  }

  /** The stream ended before {@code [DONE]}; {@code cause} is null for a clean EOF. */
  public KimiException truncated(
      ResponseMetadata metadata, ChatCompletion partial, Throwable cause) {
    String from =
        who != null
            ? who
            : "Kimi at "
                + endpoint.uri().getHost()
                + (target == null ? "" : " (target " + target.target() + ")");
    return make.truncatedStream(
        "The stream from "
            + from
            + " was cut off: "
            + cut(cause)
            + " before its end event ("
            + streamEnd
            + "). The chunks that arrived are in partial(); resumeRequest() continues the reply,"
            + " and RetryPolicy.withStreamContinuation(true) has the client continue a cut stream"
            + " itself"
            + idSuffix(metadata)
            + ".",
        cause,
        metadata,
        partial);
  }

  /**
   * Says how a stream was cut, in words of the protocol rather than of the JDK's HTTP client (whose
   * messages name its parser's states): the stream's own idle bound, a reset, a close, a timeout.
   */
  private String cut(Throwable cause) {
    if (cause == null) {
      return "its body ended";
    }
    if (cause instanceof StreamIdleException) {
      return describe(cause); // the SDK's own words: which bound, which setting
    }
    if (cause instanceof HttpTimeoutException) {
      return "the response timed out";
    }
    String m = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("reset")) {
      return "the connection was reset";
    }
    if (cause instanceof java.io.EOFException
        || m.contains("eof")
        || m.contains("closed")
        || m.contains("chunked")
        || m.contains("content-length")
        || m.contains("premature")) {
      return "the connection closed in the middle of the response";
    }
    return "the connection failed (" + cause.getClass().getSimpleName() + ")";
  }

  /**
   * A stream that already produced chunks failed with {@code reason}, an error that is not itself a
   * stream error (an in-stream API error, a broken SSE limit).
   */
  public KimiException aborted(
      ResponseMetadata metadata, ChatCompletion partial, KimiException reason) {
    if (reason instanceof StreamException) {
      return reason;
    }
    return make.streamAborted(
        "The stream failed after chunks had arrived: "
            + reason.getMessage()
            + ". The chunks that arrived are in partial(); resumeRequest() continues the reply",
        reason,
        metadata != null ? metadata : reason.metadata().orElse(null),
        partial);
  }

  /** A stream event that does not decode as a chunk. */
  public KimiException malformedChunk(
      ResponseMetadata metadata, ChatCompletion partial, Throwable cause) {
    return make.malformedChunk(
        "A stream event is not a valid chat chunk: "
            + describe(cause)
            + depthHint(cause)
            + idSuffix(metadata),
        cause,
        metadata,
        partial);
  }

  /** A 2xx body that cannot be decoded. */
  public KimiException decoding(ResponseMetadata metadata, String problem, Throwable cause) {
    String detail = cause == null ? "" : ": " + describe(cause) + depthHint(cause);
    return make.decoding(problem + detail + idSuffix(metadata), cause, metadata);
  }

  /** No bytes of a response body arrived for {@code idle} after the headers. */
  public KimiException idle(ResponseMetadata metadata, Duration idle) {
    return ofResponse(
        make::timeout,
        metadata,
        "The response headers arrived (HTTP "
            + metadata.statusCode()
            + ") but no bytes of the body followed for "
            + ErrorFactory.human(idle)
            + "; the exchange was aborted. Raise Timeouts.withStreamIdle(...) if the server is"
            + " this slow");
  }

  /**
   * A 2xx body in a {@code Content-Encoding} the SDK cannot read: the same answer every time, so it
   * is a decoding error that is not retried.
   */
  public KimiException encoded(ResponseMetadata metadata, String encoding) {
    return ofResponse(
        make::decoding,
        metadata,
        "The response has Content-Encoding: "
            + text.keep(encoding, ServerText.MAX_SHORT)
            + ", which the SDK does not decode. The SDK sends no Accept-Encoding, so the server"
            + " (or a proxy in between) compressed it unasked; turn compression off there");
  }

  /**
   * A response whose {@code Content-Length} already exceeds the body limit: refused at the headers,
   * before a byte of it is read.
   */
  public KimiException tooLarge(ResponseMetadata metadata, long limit, long contentLength) {
    return ofResponse(
        make::tooLarge,
        metadata,
        "The response announced "
            + contentLength
            + " bytes (Content-Length), above the limit of "
            + limit
            + " bytes, and was refused before its body was read; raise the limit with"
            + RAISE_LIMIT);
  }

  /** A file download larger than {@code limit}, which no file Kimi stores can be. */
  public KimiException fileTooLarge(ResponseMetadata metadata, long limit) {
    return ofResponse(
        make::tooLarge,
        metadata,
        "The file download exceeded "
            + limit
            + " bytes, more than Kimi stores for an account, and was abandoned");
  }

  /** A body larger than the configured limit. */
  public KimiException tooLarge(ResponseMetadata metadata, long limit) {
    return ofResponse(
        make::tooLarge,
        metadata,
        "The response body exceeded the limit of "
            + limit
            + " bytes and was abandoned; raise it with"
            + RAISE_LIMIT);
  }

  /** How a body limit is raised, for a message that ends with it. */
  private static final String RAISE_LIMIT =
      " KimiClient.builder().maxResponseBytes(...) if this is expected";

  /** What makes one kind of exception from a message, a cause and a response. */
  private interface Make {
    KimiException of(String message, Throwable cause, ResponseMetadata metadata);
  }

  /** A failure of the response itself, with no cause: {@code message} and its request id. */
  private static KimiException ofResponse(Make kind, ResponseMetadata metadata, String message) {
    return kind.of(message + idSuffix(metadata), null, metadata);
  }

  /**
   * Maps any other failure (I/O, timeout, interrupt, wrapped exceptions). {@code partial} is the
   * stream accumulated so far, or null outside a stream; {@code metadata} may be null.
   */
  public KimiException failure(Throwable error, ResponseMetadata metadata, ChatCompletion partial) {
    Throwable t = Futures.unwrap(error);
    if (t instanceof KimiException k) {
      return k;
    }
    if (t instanceof Error fatal) {
      throw fatal; // an OutOfMemoryError (any Error) is never wrapped, and so never retried
    }
    if (t instanceof UnsupportedRequestException u) {
      return make.configuration(u.getMessage(), u);
    }
    if (t instanceof MalformedBodyException m) {
      return decoding(metadata, m.getMessage(), m.getCause());
    }
    if (connectTimedOut(t)) {
      return make.timeout(
          "Could not connect to "
              + endpoint.uri().getHost()
              + " within "
              + ErrorFactory.human(timeouts.connect())
              + "; check the network, or raise Timeouts.withConnect(...)",
          t,
          metadata);
    }
    if (t instanceof HttpTimeoutException) {
      return make.timeout(
          "No response headers from "
              + endpoint.uri().getHost()
              + " within "
              + ErrorFactory.human(timeouts.responseHeaders())
              + "; use stream(...) for long generations, or raise"
              + " Timeouts.withResponseHeaders(...)",
          t,
          metadata);
    }
    if (t instanceof JsonException && partial != null) {
      return malformedChunk(metadata, partial, t);
    }
    if (t instanceof IOException && partial != null) {
      return truncated(metadata, partial, t);
    }
    if (Tls.untrustedCertificate(t)) {
      return make.connection(
          "The TLS certificate of "
              + endpoint.uri().getHost()
              + " is not trusted ("
              + describe(t)
              + "); retrying will not help. Behind a TLS-inspecting proxy or with a private CA,"
              + " pass an HttpClient with its SSLContext to KimiClient.builder().httpClient(...)",
          t,
          metadata);
    }
    if (t instanceof ConnectException || t instanceof UnresolvedAddressException) {
      return make.connection(connectFailure(t), t, metadata);
    }
    if (t instanceof IOException && metadata != null && metadata.statusCode() / 100 == 2) {
      // after its status: the answer was lost, not refused (retried where it was)
      return make.connection(
          "The response from "
              + (who != null ? who : endpoint.uri().getHost())
              + " was cut off after its status (HTTP "
              + metadata.statusCode()
              + "): "
              + cut(t)
              + idSuffix(metadata),
          t,
          metadata);
    }
    if (t instanceof IOException) {
      return make.connection(
          "I/O failure talking to " + endpoint.baseUrl() + ": " + describe(t), t, metadata);
    }
    if (t instanceof InterruptedException) {
      return new CancelledException(
          CancelledException.Reason.INTERRUPTED, "The call was interrupted and cancelled", t);
    }
    if (t instanceof CancellationException) {
      return new CancelledException(
          CancelledException.Reason.CANCELLED, "The call was cancelled", t);
    }
    if (t instanceof SseException) {
      return make.tooLarge("The event stream broke a size limit: " + describe(t), t, metadata);
    }
    return make.connection(
        "Unexpected failure talking to " + endpoint.baseUrl() + ": " + describe(t), t, metadata);
  }

  /**
   * Tells whether {@code t} is the connect timeout firing: an {@link HttpConnectTimeoutException}
   * anywhere in its causes (the JDK may wrap it in a {@code ConnectException} or another timeout),
   * or a plain {@link HttpTimeoutException} that says it was the connect that timed out. Only then
   * is it the connect timeout; any other {@code HttpTimeoutException} is the response headers'.
   */
  static boolean connectTimedOut(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof HttpConnectTimeoutException) {
        return true;
      }
      if (c instanceof HttpTimeoutException
          && c.getMessage() != null
          && c.getMessage().toLowerCase(Locale.ROOT).contains("connect")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Says why a connection could not be made: refused (by the server, or by the proxy when one is
   * set), a host name that does not resolve, or what else the JDK said; with the URL and the proxy.
   */
  private String connectFailure(Throwable t) {
    URI uri = endpoint.uri();
    String proxy = proxyFor(uri);
    String via = proxy == null ? "" : " through the proxy " + proxy;
    if (causedBy(t, UnresolvedAddressException.class) || causedBy(t, UnknownHostException.class)) {
      return proxy == null
          ? "Could not connect to "
              + endpoint.baseUrl()
              + ": the host name "
              + uri.getHost()
              + " does not resolve (DNS); check the base URL's host and the network"
          : "Could not connect to the proxy "
              + proxy
              + ", whose host name does not resolve (DNS), to reach "
              + endpoint.baseUrl()
              + "; check the proxy's address (the HttpClient's ProxySelector, or the"
              + " https.proxyHost system property)";
    }
    if (refused(t)) {
      return proxy == null
          ? "Connection refused by "
              + hostAndPort(uri)
              + " ("
              + endpoint.baseUrl()
              + "): nothing accepts connections there. Check the base URL (host and port) and"
              + " that the server runs"
          : "Connection refused by the proxy "
              + proxy
              + ", through which the client reaches "
              + endpoint.baseUrl()
              + ": check that the proxy runs and its address (the HttpClient's ProxySelector, or"
              + " the https.proxyHost and https.proxyPort system properties)";
    }
    return "Could not connect to " + endpoint.baseUrl() + via + ": " + describe(t);
  }

  /**
   * Tells whether {@code t} is a refused connection. The JDK's HttpClient reports one as a {@code
   * ConnectException} without a message whose cause is a {@code ClosedChannelException} (JDK 17 to
   * 25 on Linux), elsewhere with the text "Connection refused".
   */
  private static boolean refused(Throwable t) {
    Throwable last = t;
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.toLowerCase(Locale.ROOT).contains("connection refused")) {
        return true;
      }
      last = c;
    }
    return t instanceof ConnectException
        && t.getMessage() == null
        && last instanceof ClosedChannelException;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String hostAndPort(URI uri) {
    int port = uri.getPort() >= 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
    String host = uri.getHost();
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The proxy the HttpClient uses for {@code uri}, as host:port, or null for a direct one. */
  private String proxyFor(URI uri) {
    ProxySelector selector = proxies != null ? proxies : ProxySelector.getDefault();
    if (selector == null) {
      return null;
    }
    try {
      for (Proxy p : selector.select(uri)) {
        if (p.type() != Proxy.Type.DIRECT && p.address() instanceof InetSocketAddress a) {
          return a.getHostString() + ":" + a.getPort();
        }
      }
    } catch (RuntimeException e) {
      return null; // a selector that fails here fails the call its own way; say nothing of it
    }
    return null;
  }

  /**
   * Maps the failure of a stream: once a chunk has been produced ({@code started}), every failure
   * carries the partial reply (a stream error stays as it is, anything else becomes {@link
   * #aborted}); before that it is mapped as by {@link #failure}.
   */
  public KimiException streamFailure(
      Throwable error, ResponseMetadata metadata, ChatCompletion partial, boolean started) {
    KimiException k = failure(error, metadata, partial);
    return started ? aborted(metadata, partial, k) : k;
  }

  /**
   * The failure of a stream stopped by its consumer's side: closed ({@code ChatStream.close()} or,
   * when {@code client}, {@code KimiClient.close()}) or, when {@code interrupt} is set, interrupted
   * while the consumer waited. Its cause is a cancellation or the interrupt, so it is never
   * retried.
   */
  public KimiException closed(InterruptedException interrupt, boolean client) {
    if (interrupt != null) {
      return new CancelledException(
          CancelledException.Reason.INTERRUPTED,
          "The stream was interrupted while its consumer waited, and closed",
          interrupt);
    }
    String how = client ? "KimiClient.close()" : "close() on the stream";
    return new CancelledException(
        client ? CancelledException.Reason.CLIENT_CLOSED : CancelledException.Reason.CLOSED,
        "The stream was closed (" + how + ") before it ended",
        new CancellationException("closed by " + how));
  }

  /** The failure of a call still in flight when its client was closed. */
  public KimiException clientClosed() {
    return new CancelledException(
        CancelledException.Reason.CLIENT_CLOSED,
        "The call was cancelled because its KimiClient was closed (KimiClient.close())",
        new CancellationException("closed by KimiClient.close()"));
  }

  /** A call that did not complete within {@link Timeouts#overall()}. */
  public KimiException overallTimeout(Duration limit) {
    return overallTimeout(limit, "Timeouts.withOverall");
  }

  /** A call that did not complete within the whole-call timeout {@code setting} gave it. */
  public KimiException overallTimeout(Duration limit, String setting) {
    return make.timeout(
        "The call did not complete within the overall timeout of "
            + ErrorFactory.human(limit)
            + " ("
            + setting
            + ")",
        null,
        null);
  }

  /** A stream that did not end within {@link Timeouts#streamTotal()}: never retried. */
  public KimiException streamTotalTimeout(Duration limit) {
    return boundRanOut(
        "stream total time",
        "The stream did not finish within its total time of "
            + ErrorFactory.human(limit)
            + " (Timeouts.withStreamTotal); a server that sends only keep-alive comments, or an"
            + " answer longer than expected, ends here. Raise the limit or leave it unset");
  }

  /**
   * A call that waited longer than {@code RateLimit.Builder.maxQueueWait} for a permit: nothing was
   * sent, and it is not retried (a retry would queue again).
   */
  public KimiException queueTimeout(Duration limit) {
    return boundRanOut(
        "rate limiter queue",
        "The call waited "
            + ErrorFactory.human(limit)
            + " in the client's rate-limit queue without a permit and was not sent"
            + " (RateLimit.Builder.maxQueueWait); lower the load, raise the limits, or allow a"
            + " longer wait");
  }

  /**
   * A bound the caller set ran out: a timeout whose cause, a {@code TimeoutException} naming the
   * {@code bound}, makes it final ({@code RetryPolicy.isRetryable}).
   */
  private KimiException boundRanOut(String bound, String message) {
    return make.timeout(message, new java.util.concurrent.TimeoutException(bound), null);
  }

  /**
   * A call that waited {@code limit} ({@code RateLimit.Builder.maxQueueWait}) while the account's
   * budget in a shared {@code RateLimitStore} was full: nothing was sent, and it is not retried.
   */
  public KimiException sharedBudgetFull(String account, Duration limit) {
    String hint =
        "Other clients or processes sharing the account use its budget; lower the load, allow a"
            + " longer maxQueueWait, or raise the limits if the account's tier allows";
    return make.rateLimit(
        new ApiError(
            new ResponseMetadata(429, java.util.Map.of()),
            429,
            "rate_limit_reached_error",
            null,
            null,
            "The shared rate-limit budget of account "
                + account
                + " stayed full for "
                + ErrorFactory.human(limit)
                + " (RateLimit.Builder.maxQueueWait), so the call was refused by the client and not"
                + " sent. "
                + hint,
            null,
            false,
            false,
            hint));
  }

  /**
   * A call whose {@code RateLimitStore} failed: nothing was sent; retried like a lost connection.
   */
  public KimiException rateLimitStoreFailed(String account, RuntimeException failure) {
    String why = failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
    return make.connection(
        "The shared rate-limit store of account "
            + account
            + " failed, so the call was not sent: "
            + why.substring(0, Math.min(why.length(), 500)),
        failure,
        null);
  }

  /**
   * Returns the failure of a call whose key Kimi refused twice: once, then again after the key
   * supplier was asked once more. It is {@code refused} (the second refusal, its server text
   * already redacted of the key that attempt sent), saying that the key was refreshed and still
   * refused.
   *
   * @param refused the second refusal
   * @return the failure to report
   */
  public KimiException refreshedAndRefused(AuthenticationException refused) {
    String server = refused.serverMessage().isEmpty() ? null : refused.serverMessage();
    String hint =
        "The key was refreshed and still refused: Kimi refused the call's key, the key supplier"
            + " was asked once more, and Kimi refused the key it returned too; check what the"
            + " supplier returns (a revoked or expired key, a key of another platform)"
            + refused.hint().map(h -> ". " + h).orElse("");
    return make.authentication(
        error(
            refused.metadata().orElse(null),
            refused.status(),
            new ErrorBody(refused.errorType().orElse(null), server, refused.code().orElse(null)),
            refused.retryAfter().orElse(null),
            false,
            refused.isInStream(),
            hint));
  }

  /**
   * Returns {@code last}, the failure of a call's last attempt, with the earlier attempts' failures
   * suppressed in it and the number of attempts recorded.
   */
  public KimiException finish(KimiException last, List<KimiException> failures, int attempts) {
    for (KimiException e : failures) {
      if (e != last) {
        last.addSuppressed(e);
      }
    }
    make.attempts(last, attempts);
    return last;
  }

  /**
   * Returns {@code failure} as a blocking call throws it: when it was made on another thread (the
   * HttpClient's), with the waiting thread's frames added to its trace ({@link
   * Futures#withCallerFrames}), so that it shows the caller's line as {@code HttpClient.send}'s
   * exceptions do; otherwise as it is, its trace already the caller's.
   */
  public KimiException awaited(KimiException failure) {
    return make.madeOnAnotherThread(failure) ? Futures.withCallerFrames(failure) : failure;
  }

  /**
   * Returns {@code failure} told again: its message followed by {@code note} (null: none), and
   * {@code partial} as what arrived. A cut stream that was not continued says why; one continued
   * before it was cut again carries all the caller read, across its attempts.
   */
  public StreamException restated(StreamException failure, String note, ChatCompletion partial) {
    String message = note == null ? failure.getMessage() : failure.getMessage() + " " + note;
    ResponseMetadata md = failure.metadata().orElse(null);
    StreamException out;
    if (failure instanceof StreamAbortedException a) {
      out = make.streamAborted(message, a.reason(), md, partial);
    } else if (failure instanceof MalformedChunkException) {
      out = make.malformedChunk(message, failure.getCause(), md, partial);
    } else {
      out = make.truncatedStream(message, failure.getCause(), md, partial);
    }
    out.setStackTrace(failure.getStackTrace());
    for (Throwable s : failure.getSuppressed()) {
      out.addSuppressed(s);
    }
    return out;
  }

  /** Records the request that continues a failed stream. */
  public void resumeRequest(StreamException failure, ChatRequest request) {
    make.resumeRequest(failure, request);
  }

  /**
   * Classifies an error response by what the server said ({@code server}, read before redaction, so
   * a short test key cannot hide a context overflow), and builds an exception that keeps only the
   * redacted, cut texts.
   */
  ApiException classify(ResponseMetadata md, int status, ErrorBody server, boolean inStream) {
    return classify(md, status, server, inStream, null);
  }

  /** As {@link #classify(ResponseMetadata, int, ErrorBody, boolean)}, for a known path. */
  private ApiException classify(
      ResponseMetadata md, int status, ErrorBody server, boolean inStream, String path) {
    ErrorBody read = server.read();
    ErrorBody body = server.shown(text);
    String serverMessage = read.message() == null ? "" : read.message();
    String lower = serverMessage.toLowerCase(Locale.ROOT);
    String t = ErrorBody.kind(read.type(), read.code());
    Duration retryAfter = RateRefusal.retryAfter(md, serverMessage);

    String code = read.code() == null ? "" : read.code();
    Answer answer =
        (retryable, hint) -> error(md, status, body, retryAfter, retryable, inStream, hint);
    if (status >= 300 && status < 400) {
      return make.api(answer.of(false, redirectHint(md)));
    }
    if (RateRefusal.quota(t, code, lower)) {
      ApiError e = answer.of(false, quotaHint(lower, retryAfter));
      boolean suspended = lower.contains("suspended");
      return make.quotaExceeded(
          e, suspended, !suspended && !lower.contains(RateRefusal.PLAN_USAGE_LIMIT));
    }
    if (status == 429
        && endpoint.isKimiCode()
        && lower.contains(RateRefusal.KIMI_CODE_OVERLOADED)) {
      return kimiCodeOverloaded(md, body, retryAfter, inStream, t.equals("rate_limit_error"));
    }
    if (t.equals("engine_overloaded_error") || t.equals("overloaded_error")) {
      return make.engineOverloaded(
          answer.of(
              true,
              whoShort
                  + " is overloaded on its side (an account upgrade does not help); retry with"
                  + " backoff"
                  + waitHint(retryAfter)));
    }
    if (t.equals("rate_limit_reached_error") || t.equals("rate_limit_error") || status == 429) {
      // any other 429 too: OpenAI's "requests"/"tokens" types, which gateways pass through
      if (RateRefusal.tokensPerDay(serverMessage)) {
        return make.tokensPerDay(
            answer.of(
                false,
                "The organisation's daily token allowance (TPD) is used up; retrying today will"
                    + " not help. Raise the account tier on the platform console"));
      }
      return make.rateLimit(
          answer.of(
              true,
              "A rate limit (concurrency, RPM or TPM) was hit; retry"
                  + (retryAfter == null ? " after a short wait" : waitHint(retryAfter))
                  + " or send fewer requests at once"));
    }
    if (t.equals("content_filter")) {
      return make.contentFilter(
          answer.of(
              false,
              whoShort
                  + "'s content filter flagged the input or the output; retrying the same request"
                  + " will not help"));
    }
    if (t.equals("invalid_authentication_error")
        || t.equals("incorrect_api_key_error")
        || t.equals("authentication_error")
        || status == 401) {
      return make.authentication(answer.of(false, authHint()));
    }
    if (t.equals("permission_denied_error")
        || t.equals("permission_error")
        || t.equals("access_terminated_error")
        || status == 403) {
      boolean gated =
          t.equals("access_terminated_error")
              && (lower.contains("coding agent") || endpoint.isKimiCode());
      String hint =
          gated
              ? "Kimi Code serves only recognised coding agents and decides by the User-Agent"
                  + " header; this client sent '"
                  + userAgent
                  + "'. If Kimi Code's terms allow your use, set an accepted agent name with"
                  + " KimiClient.builder().userAgent(...); otherwise use the open platform"
                  + " (Endpoint.GLOBAL) with a platform key"
              : "The key is valid but may not use this API, model or network location (check"
                  + " the organisation's IP allow-list and the API's availability); on Moonshot's"
                  + " platform a 403 may also mean the balance is used up (top up on the"
                  + " console)";
      return make.permissionDenied(answer.of(false, hint), gated);
    }
    if (t.equals("resource_not_found_error")
        || t.equals("not_found_error")
        || t.equals("url.not_found")
        || status == 404) {
      // "Not found the model X" names a model; "Not found the path /models" (a base URL without
      // /v1 asking GET /models) names only the path
      boolean namesAModel = lower.replace("/models", "").contains("model");
      String formula = formulaHint(path, t, lower);
      String hint =
          formula != null
              ? formula
              : t.equals(CASSETTE_MISS)
                  ? CASSETTE_MISS_HINT
                  : namesAModel && !t.equals("url.not_found")
                      ? "Check the model id"
                          + suggestion(serverMessage)
                          + "; list the models this key can use with GET "
                          + endpoint.baseUrl()
                          + "/models"
                      : "The URL path does not exist; check the base URL ("
                          + endpoint.baseUrl()
                          + ") ends in /v1";
      return make.notFound(answer.of(false, hint));
    }
    if (t.equals("invalid_request_error")
        || t.equals("request_too_large")
        || status == 400
        || status == 413) {
      if (ServerText.containsAny(serverMessage, CONTEXT)
          || code.equals("context_length_exceeded")) {
        long limit = number(LIMIT, serverMessage);
        long requested = number(REQUESTED, serverMessage);
        return make.contextLength(
            answer.of(
                false,
                "The request does not fit the model's context"
                    + (limit >= 0 ? " of " + limit + " tokens" : "")
                    + "; shorten the conversation or lower max_completion_tokens"),
            limit,
            requested);
      }
      boolean retried = retried(status, serverMessage);
      return make.invalidRequest(
          answer.of(retried, retried ? REPLAY_GLITCH_HINT : invalidRequestHint(lower)));
    }
    if (t.equals("server_error")
        || t.equals("api_error")
        || t.equals("timeout_error")
        || t.equals("unexpected_output")
        || t.equals("server_unavailable")
        || status >= 500) {
      String hint =
          status == 504
              ? "The gateway timed out waiting for the answer; use stream(...) for long"
                  + " generations"
              : whoShort + " failed on its side; retrying later may help";
      return make.server(answer.of(true, hint));
    }
    return make.api(answer.of(retried(status, serverMessage), null));
  }

  /** The error of the answer being classified, given whether it may be retried and its hint. */
  private interface Answer {
    ApiError of(boolean retryable, String hint);
  }

  /**
   * The one retry rule, which {@code ApiException.isRetryable()} carries and the default {@code
   * RetryPolicy} follows: 408 (the server gave up waiting), 409 (a conflict such as a lock), 429
   * and every 5xx may succeed when the same request is sent again, as the official OpenAI and
   * Anthropic clients judge; any other status needs a change first, except one 400 ({@link
   * #replayGlitch(int, String)}), which is retried once ({@link #retriedOnce}). Where Kimi's error
   * type says more, {@link #classify} decides by it: a quota, a suspended account and the daily
   * token limit are final whatever the status, an overload or a rate limit is retried, and so is a
   * server error that arrives inside a 2xx stream or envelope.
   *
   * @param status the HTTP status
   * @param serverMessage the server's error message, "" when none
   * @return whether sending the same request again may succeed
   */
  static boolean retried(int status, String serverMessage) {
    return status == 408
        || status == 409
        || status == 429
        || status >= 500
        || replayGlitch(status, serverMessage);
  }

  /**
   * Tells whether a 400 is Kimi Code K3's intermittent refusal of a reasoning signature it issued
   * itself, "malformed encrypted reasoning content: invalid base64url encoding": one server checks
   * a replayed signature for base64url where another issued it in base64, and the same request sent
   * again usually passes (NousResearch/hermes-agent PR #90963: 25 of 27 calls with the same
   * signature and 8 of 8 replays of the refused one succeeded; kimi-api.md calls it UNVERIFIED
   * beyond that report). Where the signature itself is bad every attempt fails alike, so the call
   * retries it once ({@link #retriedOnce}), never more.
   */
  static boolean replayGlitch(int status, String serverMessage) {
    if (status != 400 || serverMessage == null) {
      return false;
    }
    String lower = serverMessage.toLowerCase(Locale.ROOT);
    return lower.contains("malformed encrypted reasoning content")
        && lower.contains("invalid base64url");
  }

  /**
   * Tells whether {@code failure} may be retried once in a call and no more: {@link
   * #replayGlitch(int, String)}'s 400.
   *
   * @param failure an attempt's failure
   * @return true for that refusal
   */
  public static boolean retriedOnce(KimiException failure) {
    return failure instanceof ApiException a && replayGlitch(a.status(), a.serverMessage());
  }

  private static final String REPLAY_GLITCH_HINT =
      "Kimi Code's K3 refuses a reasoning signature it issued itself this way now and then, and the"
          + " same request usually passes when sent again: the default retry policy sends it once"
          + " more. When it keeps failing, send the history without that thinking block's"
          + " signature, or start a new conversation";

  private ApiError error(
      ResponseMetadata md,
      int status,
      ErrorBody body,
      Duration retryAfter,
      boolean retryable,
      boolean inStream,
      String hint) {
    StringBuilder sb = new StringBuilder();
    if (who == null) {
      sb.append(inStream ? "Kimi error event in the stream (HTTP " : "Kimi API error (HTTP ");
      sb.append(status);
      if (body.type() != null) {
        sb.append(", ").append(body.type());
      }
      sb.append("): ");
    } else {
      // another host: it, not Kimi, answered (on-call looks at the team's own server)
      sb.append(who);
      if (inStream) {
        sb.append(" sent an error event in the stream (HTTP ").append(status);
        if (body.type() != null) {
          sb.append(", ").append(body.type());
        }
        sb.append(')');
      } else {
        sb.append(" answered HTTP ").append(status);
        if (body.type() != null) {
          sb.append(" (").append(body.type()).append(')');
        }
      }
      sb.append(": ");
    }
    String message = body.message() == null ? "(no message)" : body.message();
    sb.append(message);
    if (hint != null) {
      sb.append(endsSentence(message) ? " " : ". ").append(hint);
    }
    sb.append(idSuffix(md));
    return new ApiError(
        md,
        status,
        body.type(),
        body.code(),
        body.message(),
        sb.toString(),
        retryAfter,
        retryable,
        inStream,
        hint);
  }

  /** Tells whether a server message already ends with a full stop (or "!" or "?"). */
  private static boolean endsSentence(String message) {
    return message.endsWith(".") || message.endsWith("!") || message.endsWith("?");
  }

  /**
   * The hint of a 404 to a request under {@code formulas/} (Kimi's official tools) that Kimi's
   * formula service answered (not a path the server does not have, whose fix is the base URL): the
   * formula it names, or the fiber; null for any other 404.
   */
  static String formulaHint(String path, String kind, String lowerMessage) {
    if (path != null && path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path == null
        || !path.startsWith("formulas/")
        || kind.equals("url.not_found")
        || lowerMessage.startsWith("not found the path")) {
      return null;
    }
    String rest = path.substring("formulas/".length());
    int query = rest.indexOf('?');
    rest = query < 0 ? rest : rest.substring(0, query);
    int fibers = rest.indexOf("/fibers");
    String formula =
        fibers >= 0
            ? rest.substring(0, fibers)
            : rest.endsWith("/tools") ? rest.substring(0, rest.length() - "/tools".length()) : rest;
    if (fibers >= 0 && rest.length() > fibers + "/fibers/".length()) {
      return "Kimi knows no fiber "
          + rest.substring(fibers + "/fibers/".length())
          + " of the formula "
          + formula
          + "; a fiber's id is the one its start (POST formulas/"
          + formula
          + "/fibers) answered";
    }
    return "Kimi serves no formula "
        + formula
        + " to this key; check the formula's URI (its official tools are named like"
        + " moonshot/web-search:latest)";
  }

  /**
   * No target of a client's fallback chain takes the call ({@link ErrorFactory#noTargetAvailable}):
   * an overload that nobody answered, so it names no answering host, only every target; its status
   * one a target sent, or, when none ever answered with one, a connection failure.
   */
  KimiException noTargetAvailable(
      Duration soonest,
      String targets,
      String course,
      ApiException answered,
      KimiException unreachable) {
    String message =
        "No target of the client's fallback chain takes the call"
            + (course == null ? "" : " " + course)
            + ": "
            + targets
            + (soonest == null
                ? ""
                : "; the first admits calls again in " + ErrorFactory.human(soonest));
    String hint =
        "a call waits for busy hosts (a full queue, a concurrency limit) at most"
            + " RetryPolicy.withBusyWait in all (5 s by default), and for a target cooling down"
            + " after an overload or a failed connection only within"
            + " RetryPolicy.withRateLimitWait (none by default)";
    String told =
        message + ". " + hint.substring(0, 1).toUpperCase(Locale.ROOT) + hint.substring(1);
    if (answered == null) {
      // no host answered with a status, ever: no status to report that one sent
      Throwable cause =
          unreachable != null && unreachable.getCause() != null
              ? unreachable.getCause()
              : unreachable;
      return make.connection(told, cause, null);
    }
    // the status a target's host sent: the call's last answer, else the chain's last
    int status = answered.status();
    ResponseMetadata md =
        new ResponseMetadata(
            status,
            soonest == null
                ? Map.of()
                : Map.of(
                    "retry-after-ms", List.of(Long.toString(Math.max(1, soonest.toMillis())))));
    return make.engineOverloaded(
        new ApiError(
            md, status, "engine_overloaded_error", null, null, told, soonest, true, false, hint));
  }

  /**
   * Returns {@code failure} told again with {@code note} after its message: the same kind of
   * failure, with the same status, server text, metadata, cause, trace and suppressed failures. A
   * call that ends on it says there what its course did (how long it waited, which bound ended it).
   */
  KimiException restated(KimiException failure, String note) {
    String said = failure.getMessage();
    String message = said + (said.endsWith(".") ? " " : ". ") + note;
    ResponseMetadata md = failure.metadata().orElse(null);
    KimiException out;
    if (failure instanceof StreamException se) {
      return restated(se, note, se.partial());
    } else if (failure instanceof ApiException a) {
      ApiError e =
          new ApiError(
              md,
              a.status(),
              a.errorType().orElse(null),
              a.code().orElse(null),
              a.serverMessage(),
              message,
              a.retryAfter().orElse(null),
              a.isRetryable(),
              a.isInStream(),
              a.hint().orElse(null));
      out = restatedApi(a, e);
      if (out == null) {
        return failure;
      }
    } else if (failure instanceof io.github.kimisdk.errors.ConnectionException) {
      out = make.connection(message, failure.getCause(), md);
    } else if (failure instanceof io.github.kimisdk.errors.KimiTimeoutException) {
      out = make.timeout(message, failure.getCause(), md);
    } else {
      return failure; // a failure no retry follows: told as it is
    }
    out.setStackTrace(failure.getStackTrace());
    for (Throwable s : failure.getSuppressed()) {
      out.addSuppressed(s);
    }
    return out;
  }

  /**
   * The API failure of {@code a}'s own kind, told by {@code e}: one a call ends on after its waits
   * or its deadline (an overload, a rate limit, a server's error); null for a kind no retry
   * follows, which is told as it is.
   */
  private ApiException restatedApi(ApiException a, ApiError e) {
    if (a instanceof io.github.kimisdk.errors.EngineOverloadedException) {
      return make.engineOverloaded(e);
    }
    if (a instanceof io.github.kimisdk.errors.RateLimitException
        && !(a instanceof io.github.kimisdk.errors.TokensPerDayLimitException)) {
      return make.rateLimit(e);
    }
    if (a instanceof io.github.kimisdk.errors.ServerException) {
      return make.server(e);
    }
    return a.getClass() == ApiException.class ? make.api(e) : null;
  }

  /** The hint of a 3xx answer, which the SDK never follows (it would send the key elsewhere). */
  private String redirectHint(ResponseMetadata md) {
    String where =
        md == null ? null : md.header("Location").map(l -> text.keep(l, 512)).orElse(null);
    return "The server answered with a redirect"
        + (where == null ? "" : " to " + where)
        + ", which the SDK does not follow, so the API key is never sent to another address;"
        + " check the base URL ("
        + endpoint.baseUrl()
        + ")"
        + (where == null ? "" : " and use the address it points to if you trust it");
  }

  /**
   * Kimi Code's 429 "The engine is currently overloaded", which has several causes the body does
   * not tell apart (kimi-api.md sections 1.3 and 4.3). On the Anthropic-style surface (its envelope
   * type {@code rate_limit_error}) the User-Agent gate answers with it, every time, to a client it
   * does not recognise: with the SDK's own User-Agent that is the likely cause, and retrying cannot
   * help, so it is a {@link io.github.kimisdk.errors.PermissionDeniedException} for the gate.
   * Otherwise it is an overload whose hint names the likelier causes.
   */
  private ApiException kimiCodeOverloaded(
      ResponseMetadata md,
      ErrorBody body,
      Duration retryAfter,
      boolean inStream,
      boolean anthropic) {
    boolean sdkAgent = userAgent.startsWith(RateRefusal.SDK_AGENT_PREFIX);
    if (anthropic && sdkAgent) {
      return make.permissionDenied(
          error(
              md,
              429,
              body,
              retryAfter,
              false,
              inStream,
              "On Kimi Code's Anthropic-style surface this 429 is what a client that Kimi Code"
                  + " does not recognise gets, every time, whatever the load: it serves coding"
                  + " agents only, decided by the User-Agent header, and this client sent '"
                  + userAgent
                  + "'. Retrying will not help. If Kimi Code's terms allow your use, set an"
                  + " accepted agent name with KimiClient.builder().userAgent(...); otherwise use"
                  + " the open platform (Endpoint.GLOBAL) with a platform key"),
          true);
    }
    String causes =
        "On Kimi Code this 429 usually is not load: the likely causes are the plan's usage"
            + " limit for the current window (kimi.kimiCode().usages(), GET /usages, tells;"
            + " waiting for its reset is what helps), a thinking effort the model does not"
            + " accept (such as 'max' on kimi-for-coding: lower it or leave it unset)"
            + (anthropic && !knownAgent(userAgent)
                ? ", or a client that Kimi Code does not recognise (this client sent User-Agent '"
                    + userAgent
                    + "', which is not an agent Kimi Code is known to accept; that cause never"
                    + " clears by waiting)"
                : "")
            + ". Genuine overload also happens; quick retries rarely help, wait minutes"
            + (retryAfter == null
                ? ""
                : " (the server asks for " + ErrorFactory.human(retryAfter) + ")");
    return make.engineOverloaded(error(md, 429, body, retryAfter, true, inStream, causes));
  }

  /**
   * Tells whether {@code ua} names a coding agent that Kimi Code was seen to accept (kimi-api.md
   * section 1.3: curl probes with these names got 200).
   */
  private static boolean knownAgent(String ua) {
    String l = ua.toLowerCase(Locale.ROOT);
    return l.startsWith("kimicli/") || l.startsWith("claude-cli/") || l.startsWith("kilo-code/");
  }

  /**
   * A sentence that says what to do for the common 400s of kimi-api.md section 4.2.1, matched by
   * substring (relays prefix and wrap Kimi's text); null for others.
   */
  static String invalidRequestHint(String lower) {
    if (lower.contains("invalid temperature")) {
      return "Kimi's K-series models fix temperature (1; 0.6 on kimi-k2.5 and kimi-k2.6 without"
          + " thinking): leave temperature unset, or build the client (or the call's"
          + " RequestOptions) with samplingPolicy(SamplingPolicy.ADAPT) so the SDK drops what the"
          + " model fixes";
    }
    if (lower.contains("invalid top_p")) {
      return "Kimi's K-series models fix top_p at 0.95: leave top_p unset, or set"
          + " samplingPolicy(SamplingPolicy.ADAPT) on the client or the call";
    }
    if (lower.contains("invalid n:")
        || lower.contains("invalid presence_penalty")
        || lower.contains("invalid frequency_penalty")) {
      return "Kimi's K-series models fix n at 1 and both penalties at 0: leave them unset, or"
          + " set samplingPolicy(SamplingPolicy.ADAPT) on the client or the call";
    }
    if (lower.contains("not a valid moonshot flavored json schema")) {
      String what =
          lower.contains("response_format")
              ? "The structured-output schema (response_format) is not valid Moonshot Flavored"
                  + " JSON Schema at the path the message names"
              : "A tool's parameters schema is not valid Moonshot Flavored JSON Schema at the path"
                  + " the message names (it does not say which tool; the whole request fails"
                  + " while that tool is declared)";
      String fix;
      if (lower.contains("type is not defined")) {
        fix = "give that subschema an explicit type";
      } else if (lower.contains("when using anyof")) {
        fix = "move the type into each anyOf branch";
      } else if (lower.contains("when using $ref")) {
        fix = "drop the type beside $ref, or inline the reference";
      } else if (lower.contains("$defs not found") || lower.contains("references must start")) {
        fix = "use root $defs referenced as #/$defs/<name> (or #)";
      } else {
        fix = "fix it there";
      }
      return what
          + ": "
          + fix
          + ". JsonSchema.normalize(...) rewrites most schemas written for other APIs into one"
          + " Kimi accepts";
    }
    if (lower.contains("reasoning_content is missing")
        || lower.contains("missing reasoning_content")
        || lower.contains("is missing reasoning_content")) {
      return "With thinking on, Kimi wants each earlier assistant message (with tool calls, or"
          + " every one with preserved thinking) to carry the reasoning_content it returned:"
          + " send back the AssistantMessage of the completion (or of ChatAccumulator) as it"
          + " is, rather than one rebuilt from its text, or turn thinking off for this request";
    }
    if (lower.contains("total message size") && lower.contains("exceeds")) {
      return "Kimi Code caps a request body at 2 MiB (2,097,152 bytes): trim or summarise the"
          + " history, or upload images and documents with KimiClient.files() and refer to"
          + " them instead of inlining base64";
    }
    return null;
  }

  private String authHint() {
    if (endpoint.isKimiCode() && token) {
      return "Kimi Code refused the token: an OAuth access token lasts a short while, so refresh"
          + " it before it expires (docs/credentials.md), or use an sk-kimi- key from"
          + " kimi.com/code/console";
    }
    if (endpoint.isKimiCode() && !kimiCodeKey) {
      return "Kimi Code ("
          + endpoint.baseUrl()
          + ") takes sk-kimi- keys from"
          + " kimi.com/code/console; an open platform key needs Endpoint.GLOBAL or"
          + " Endpoint.CHINA";
    }
    if (!endpoint.isKimiCode() && kimiCodeKey) {
      return "Keys starting with sk-kimi- are Kimi Code keys, which the open platform rejects;"
          + " use Endpoint.KIMI_CODE (https://api.kimi.com/coding/v1)";
    }
    if (endpoint.isChina()) {
      return "Keys are tied to one region: check the key belongs to the China platform"
          + " (platform.kimi.com, formerly platform.moonshot.cn). A key from the global platform"
          + " (platform.kimi.ai) needs Endpoint.GLOBAL";
    }
    if (endpoint.isGlobal()) {
      return "Keys are tied to one region: check the key belongs to the global platform"
          + " (platform.kimi.ai, formerly platform.moonshot.ai). A key from the China platform"
          + " (platform.kimi.com) needs Endpoint.CHINA";
    }
    if (endpoint.isKimiCode()) {
      return "Check the Kimi Code key is current (kimi.com/code/console)";
    }
    if (who != null) {
      return "Check the key is one "
          + who
          + " takes: a vLLM or SGLang server's --api-key, a vendor's key from its console";
    }
    return "Check the API key is valid for " + endpoint.baseUrl();
  }

  private String quotaHint(String lower, Duration retryAfter) {
    if (lower.contains("suspended")) {
      return "The account is suspended; check the plan and billing on the console. Retrying will"
          + " not help";
    }
    if (lower.contains(RateRefusal.PLAN_USAGE_LIMIT)) {
      // Kimi Code's plan windows (kimi-api.md 4.3): a 5-hour window, a weekly or monthly one
      return "The plan's usage limit for "
          + (lower.contains("month") ? "this month" : "the current window")
          + " is reached; "
          + (retryAfter != null
              ? "the server says it resets in " + ErrorFactory.human(retryAfter)
              : "kimi.kimiCode().usages() (GET /usages) says when it resets")
          + ". Retrying before then will not help";
    }
    return "The account's balance is used up; top up on the console (platform.kimi.ai for"
        + " api.moonshot.ai). Retrying will not help";
  }

  private static String waitHint(Duration d) {
    return d == null ? "" : " after " + ErrorFactory.human(d);
  }

  /** The number after the last of {@code keywords} in a (bounded) server message, or -1. */
  static long number(String[] keywords, CharSequence message) {
    long n = ServerText.lastNumberAfter(message, keywords);
    return n == Long.MAX_VALUE ? -1 : n;
  }

  private static String idSuffix(ResponseMetadata md) {
    if (md == null) {
      return "";
    }
    return md.requestId()
        .map(id -> " [request id " + Untrusted.escape(ServerText.cut(id, 128, id.length())) + "]")
        .orElse("");
  }

  /** Points at the setting when a JSON nesting limit was hit. */
  private static String depthHint(Throwable cause) {
    return cause instanceof JsonException
            && cause.getMessage() != null
            && cause.getMessage().contains("Nesting is deeper than the limit")
        ? " (raise KimiClient.builder().maxJsonDepth(...) if such deep JSON is expected)"
        : "";
  }

  private String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank()
        ? t.getClass().getSimpleName()
        : text.keep(m, ServerText.MAX_MESSAGE);
  }
}
