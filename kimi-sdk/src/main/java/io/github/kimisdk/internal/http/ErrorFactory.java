package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.errors.access.Exceptions;
import io.github.kimisdk.internal.wire.StreamErrors;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.net.ProxySelector;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which {@link KimiException} an HTTP response or a failure is, with its message and hint,
 * and has {@link Exceptions} build it. One instance per client, because the hints depend on the
 * endpoint, the kind of key and the User-Agent (never on the key itself). This is the one place a
 * raw {@code Throwable} becomes a {@code KimiException} ({@link #failure}).
 *
 * <p>The deciding is {@link ErrorMaker}'s, made when the client first needs an exception: a client
 * whose calls succeed never loads it, nor the score of exception classes its code names (the JVM
 * loads every class a method may return or throw to verify the method, some 80 KB of classes a
 * fresh JVM's first call would otherwise load and verify for nothing). What a call that succeeds
 * asks of this class ({@link #encoding}, {@link #fatal}) lives here.
 *
 * <p>Thread model: any thread; two threads may both make the maker, and either one is kept (each is
 * made from the same frozen settings).
 */
public final class ErrorFactory implements StreamErrors {

  private final Exceptions make;
  private final HttpSettings settings;
  private final ProxySelector proxies;
  private final ApiKey key; // the key of the attempts this factory speaks for
  private volatile ErrorMaker maker; // null until the first exception or server text

  /** The factory of the attempts that send {@code key}: the settings' fixed key, or another. */
  private ErrorFactory(Exceptions make, HttpSettings settings, ProxySelector proxies, ApiKey key) {
    this.make = Objects.requireNonNull(make, "make");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.proxies = proxies;
    this.key = key;
  }

  /**
   * Returns the factory of one client, which reads the client's frozen settings by name: the
   * endpoint, the kind of key and the User-Agent for hints, the timeouts for messages, the key for
   * redaction, the model table for suggestions.
   *
   * @param make builds the exceptions (their constructors are not public)
   * @param settings the client's settings
   * @param proxies the proxy selector the client's HttpClient goes through, named when a connection
   *     fails; null when it has none, so that it uses the JDK's default ({@link
   *     ProxySelector#getDefault()})
   * @return the factory
   */
  public static ErrorFactory of(Exceptions make, HttpSettings settings, ProxySelector proxies) {
    return new ErrorFactory(make, settings, proxies, settings.apiKey());
  }

  /**
   * Returns this factory for an attempt that sends {@code key} rather than the client's fixed key
   * (a supplier's, a tenant's): its server texts have that key redacted, and its hints judge that
   * key's kind.
   *
   * @param key the attempt's key
   * @return the factory
   */
  public ErrorFactory forKey(ApiKey key) {
    return new ErrorFactory(make, settings, proxies, Objects.requireNonNull(key, "key"));
  }

  private ErrorMaker maker() {
    ErrorMaker m = maker;
    if (m == null) {
      m = new ErrorMaker(make, settings, proxies, key);
      maker = m;
    }
    return m;
  }

  /**
   * Returns what to say about the model a "not found the model ..." message names ({@link
   * ErrorMaker#modelSuggestion}).
   */
  static String modelSuggestion(String serverMessage, ModelCatalog models) {
    return ErrorMaker.modelSuggestion(serverMessage, models);
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
    return ErrorMaker.retired(id, r);
  }

  /** Returns the rules for server texts: their cut and the key's redaction. */
  public ServerText text() {
    return maker().text();
  }

  /** A non-2xx response with its (bounded) body. */
  public KimiException httpError(ResponseMetadata metadata, byte[] body, int off, int len) {
    return maker().httpError(metadata, body, off, len);
  }

  /**
   * A non-2xx response with its (bounded) body, to a request for {@code path} below the base URL
   * (null when unknown): a 404 for a path under {@code formulas/} names the formula.
   */
  public KimiException httpError(
      ResponseMetadata metadata, byte[] body, int off, int len, String path) {
    return maker().httpError(metadata, body, off, len, path);
  }

  /**
   * Returns the failure of a call whose key Kimi refused twice ({@link
   * ErrorMaker#refreshedAndRefused}).
   *
   * @param refused the second refusal
   * @return the failure to report
   */
  public KimiException refreshedAndRefused(AuthenticationException refused) {
    return maker().refreshedAndRefused(refused);
  }

  /** A {@code {"error": ...}} payload inside a 2xx event stream. */
  @Override
  public KimiException inStreamError(ResponseMetadata metadata, byte[] data, int off, int len) {
    return maker().inStreamError(metadata, data, off, len);
  }

  /** The stream ended before {@code [DONE]}; {@code cause} is null for a clean EOF. */
  @Override
  public KimiException truncated(
      ResponseMetadata metadata, ChatCompletion partial, Throwable cause) {
    return maker().truncated(metadata, partial, cause);
  }

  /**
   * A stream that already produced chunks failed with {@code reason}, an error that is not itself a
   * stream error (an in-stream API error, a broken SSE limit).
   */
  public KimiException aborted(
      ResponseMetadata metadata, ChatCompletion partial, KimiException reason) {
    return maker().aborted(metadata, partial, reason);
  }

  /** A stream event that does not decode as a chunk. */
  @Override
  public KimiException malformedChunk(
      ResponseMetadata metadata, ChatCompletion partial, Throwable cause) {
    return maker().malformedChunk(metadata, partial, cause);
  }

  /** A 2xx body that cannot be decoded. */
  @Override
  public KimiException decoding(ResponseMetadata metadata, String problem, Throwable cause) {
    return maker().decoding(metadata, problem, cause);
  }

  /** No bytes of a response body arrived for {@code idle} after the headers. */
  public KimiException idle(ResponseMetadata metadata, Duration idle) {
    return maker().idle(metadata, idle);
  }

  /**
   * Returns the response's {@code Content-Encoding} when it is one the SDK cannot read (anything
   * but {@code identity}), or null.
   *
   * @param md the response metadata
   * @return the encoding, or null for a plain body
   */
  public static String encoding(ResponseMetadata md) {
    Optional<String> header = md.header("Content-Encoding");
    String e = header.isPresent() ? header.get().strip() : "";
    return e.isEmpty() || e.equalsIgnoreCase("identity") ? null : e;
  }

  /**
   * A 2xx body in a {@code Content-Encoding} the SDK cannot read: the same answer every time, so it
   * is a decoding error that is not retried.
   */
  public KimiException encoded(ResponseMetadata metadata, String encoding) {
    return maker().encoded(metadata, encoding);
  }

  /**
   * A response whose {@code Content-Length} already exceeds the body limit: refused at the headers,
   * before a byte of it is read.
   */
  public KimiException tooLarge(ResponseMetadata metadata, long limit, long contentLength) {
    return maker().tooLarge(metadata, limit, contentLength);
  }

  /** A body larger than the configured limit. */
  public KimiException tooLarge(ResponseMetadata metadata, long limit) {
    return maker().tooLarge(metadata, limit);
  }

  /** A file download larger than {@code limit}, which no file Kimi stores can be. */
  public KimiException fileTooLarge(ResponseMetadata metadata, long limit) {
    return maker().fileTooLarge(metadata, limit);
  }

  /**
   * Maps any other failure (I/O, timeout, interrupt, wrapped exceptions). {@code partial} is the
   * stream accumulated so far, or null outside a stream; {@code metadata} may be null.
   */
  public KimiException failure(Throwable error, ResponseMetadata metadata, ChatCompletion partial) {
    return maker().failure(error, metadata, partial);
  }

  /** Tells whether {@code t} is a connect timeout, by its type or the JDK's message. */
  static boolean connectTimedOut(Throwable t) {
    return ErrorMaker.connectTimedOut(t);
  }

  /**
   * Maps a failure of a stream: once chunks arrived ({@code started}), a failure that is not an
   * exception of the SDK's own becomes a truncated stream carrying {@code partial}.
   */
  @Override
  public KimiException streamFailure(
      Throwable error, ResponseMetadata metadata, ChatCompletion partial, boolean started) {
    return maker().streamFailure(error, metadata, partial, started);
  }

  /** The call was ended by {@code interrupt}, or by the client's close when {@code client}. */
  public KimiException closed(InterruptedException interrupt, boolean client) {
    return maker().closed(interrupt, client);
  }

  /**
   * No target of a client's fallback chain takes the call: each refused it (overloaded, busy, its
   * quota) or cools down after doing so, and the call may wait for none, or waited as long as it
   * may: an overload ({@code engine_overloaded_error}) that names every target with its last
   * answer, retryable after {@code soonest}, whose status is one a target sent ({@code
   * answered}'s). Nothing answered the call itself, so it names no host as the answering one. When
   * no target's host ever answered with a status (each could not be reached), it is a connection
   * failure instead, with the same message, caused by {@code unreachable}.
   *
   * @param soonest how long until the first target admits calls again, or null when a probe or
   *     nothing decides it
   * @param targets each target, its last answer and state ({@code Route.report})
   * @param course what the call did (its attempts, its waits), a clause; null for none
   * @param answered the answer whose status the failure reports: the call's last failure when a
   *     host answered it with a status, else the last such answer of any target; null for none
   * @param unreachable the failure a connection failure is caused by, when {@code answered} is
   *     null: the call's last, or the last that cooled a target; may be null
   * @return the failure
   */
  public KimiException noTargetAvailable(
      Duration soonest,
      String targets,
      String course,
      ApiException answered,
      KimiException unreachable) {
    return maker().noTargetAvailable(soonest, targets, course, answered, unreachable);
  }

  /**
   * Returns {@code failure} told again with {@code note} after its message, as the same kind of
   * failure (status, server text, metadata, cause, trace and suppressed failures kept): how the
   * call that ends on it got there (how long it waited, which bound ended it).
   *
   * @param failure the failure
   * @param note a sentence
   * @return the failure told again; {@code failure} itself for a kind no retry follows
   */
  public KimiException restated(KimiException failure, String note) {
    return maker().restated(failure, note);
  }

  /**
   * Returns the refusal for the account's rate or a host's concurrency that an attempt's failure
   * is, judged by the same rule as the response it was made from ({@link RateRefusal}), or null
   * when it is none: for what hears an attempt's end when the transport did not tell it first (the
   * rate limiter, the concurrency gate, the fallback chain).
   *
   * @param failure the attempt's failure, wrapped or not
   * @return the refusal, or null
   */
  public static RateRefusal refusal(Throwable failure) {
    if (failure == null || !(Futures.unwrap(failure) instanceof ApiException a)) {
      return null;
    }
    String said = a.serverMessage();
    String lower = said == null ? "" : said.toLowerCase(java.util.Locale.ROOT);
    Duration asked = a.retryAfter().orElse(null);
    if (RateRefusal.concurrency(a.status(), lower)) {
      return new RateRefusal(asked, said, true);
    }
    return a instanceof io.github.kimisdk.errors.RateLimitException
            || a instanceof io.github.kimisdk.errors.EngineOverloadedException
        ? new RateRefusal(asked, said)
        : null;
  }

  /** The client was closed while the call waited or ran. */
  public KimiException clientClosed() {
    return maker().clientClosed();
  }

  /** The call's overall deadline ({@code RetryPolicy}) passed. */
  public KimiException overallTimeout(Duration limit) {
    return maker().overallTimeout(limit);
  }

  /** The call's overall deadline passed; {@code setting} names what set it. */
  public KimiException overallTimeout(Duration limit, String setting) {
    return maker().overallTimeout(limit, setting);
  }

  /** A stream ran past its total time limit. */
  public KimiException streamTotalTimeout(Duration limit) {
    return maker().streamTotalTimeout(limit);
  }

  /** The call waited for the rate limiter longer than {@code limit}. */
  public KimiException queueTimeout(Duration limit) {
    return maker().queueTimeout(limit);
  }

  /** The shared rate-limit budget of {@code account} stayed full for {@code limit}. */
  public KimiException sharedBudgetFull(String account, Duration limit) {
    return maker().sharedBudgetFull(account, limit);
  }

  /** The shared rate-limit store of {@code account} failed. */
  public KimiException rateLimitStoreFailed(String account, RuntimeException failure) {
    return maker().rateLimitStoreFailed(account, failure);
  }

  /** The call's last failure after {@code attempts} attempts, with the earlier ones. */
  public KimiException finish(KimiException last, List<KimiException> failures, int attempts) {
    return maker().finish(last, failures, attempts);
  }

  /** A failure seen by a caller that waited for the call. */
  public KimiException awaited(KimiException failure) {
    return maker().awaited(failure);
  }

  /**
   * Returns {@code failure} with {@code note} after its message and {@code partial} as what arrived
   * ({@link ErrorMaker#restated}).
   */
  public StreamException restated(StreamException failure, String note, ChatCompletion partial) {
    return maker().restated(failure, note, partial);
  }

  /** Gives {@code failure} the request that continues its stream. */
  public void resumeRequest(StreamException failure, ChatRequest request) {
    maker().resumeRequest(failure, request);
  }

  /** Classifies a Kimi error response by its status and error type. */
  ApiException classify(ResponseMetadata md, int status, ErrorBody server, boolean inStream) {
    return maker().classify(md, status, server, inStream);
  }

  /** Returns the error's kind: its code where the type is generic, else its type. */
  static String kind(String type, String code) {
    return ErrorBody.kind(type, code);
  }

  /**
   * Tells whether an attempt's failure is Kimi Code's refusal of a reasoning signature it issued
   * itself ({@link ErrorMaker#retriedOnce}), which the default retry policy sends once more.
   *
   * @param failure an attempt's failure
   * @return true for that refusal
   */
  public static boolean retriedOnce(KimiException failure) {
    return failure instanceof ApiException && ErrorMaker.retriedOnce(failure);
  }

  /**
   * Returns the {@link Error} inside {@code error} (unwrapped from completion wrappers), or null:
   * the failures that are never mapped to a {@link KimiException} nor retried, but handed on as
   * they are.
   *
   * @param error a failure, possibly wrapped
   * @return the error, or null when it is none
   */
  public static Error fatal(Throwable error) {
    return Futures.unwrap(error) instanceof Error e ? e : null;
  }

  /**
   * Returns {@code d} as a person reads it: "250 ms", "30 s", "2 min".
   *
   * @param d a duration
   * @return the text
   */
  public static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + " ms";
    }
    long s = d.toSeconds();
    if (s % 60 == 0 && s >= 60) {
      return (s / 60) + " min";
    }
    return s + " s";
  }
}
