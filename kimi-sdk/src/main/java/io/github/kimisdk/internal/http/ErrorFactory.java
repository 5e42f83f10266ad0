package io.github.kimisdk.internal.http;

import io.github.kimisdk.ApiException;
import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiException;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.StreamException;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.flow.Futures;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.sse.SseException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which {@link KimiException} an HTTP response or a failure is, with its message and hint,
 * and has {@link Exceptions} build it. One instance per client, because the hints depend on the
 * endpoint, the kind of key and the User-Agent (never on the key itself). This is the one place a
 * raw {@code Throwable} becomes a {@code KimiException} ({@link #failure}).
 */
public final class ErrorFactory {

  private static final Pattern TRY_AGAIN =
      Pattern.compile(
          "try again (?:after|in) ([0-9]+(?:\\.[0-9]+)?) ?s(?:ec(?:ond)?s?)?\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern CONTEXT =
      Pattern.compile(
          "exceeded model token limit|input token length too long|maximum context length"
              + "|context length exceeded|context_length_exceeded|prompt is too long",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern LIMIT =
      Pattern.compile(
          "(?:token limit|max_model_length|maximum context length(?: is)?|limit|max)"
              + "\\s*[:=]?\\s*([0-9]+)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern REQUESTED =
      Pattern.compile(
          "(?:you requested|requested|input tokens?|input length|actual|current)"
              + "\\s*[:=]?\\s*([0-9]+)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern TPD =
      Pattern.compile("\\bTPD\\b|tokens per day|daily token", Pattern.CASE_INSENSITIVE);

  private final Exceptions make;
  private final Endpoint endpoint;
  private final boolean kimiCodeKey;
  private final String userAgent;
  private final Timeouts timeouts;

  /**
   * Creates the factory of one client.
   *
   * @param make builds the exceptions (their constructors are not public)
   * @param endpoint where the client sends requests, for hints
   * @param kimiCodeKey whether the key is a Kimi Code key ({@code sk-kimi-}), for hints
   * @param userAgent the User-Agent the client sends, for hints
   * @param timeouts the client's timeouts, for messages
   */
  public ErrorFactory(
      Exceptions make,
      Endpoint endpoint,
      boolean kimiCodeKey,
      String userAgent,
      Timeouts timeouts) {
    this.make = make;
    this.endpoint = endpoint;
    this.kimiCodeKey = kimiCodeKey;
    this.userAgent = userAgent;
    this.timeouts = timeouts;
  }

  /** A non-2xx response with its (bounded) body. */
  public KimiException httpError(ResponseMetadata metadata, byte[] body, int off, int len) {
    return classify(metadata, metadata.statusCode(), ErrorBody.parse(body, off, len), false);
  }

  /** A {@code {"error": ...}} payload inside a 2xx event stream. */
  public KimiException inStreamError(ResponseMetadata metadata, byte[] data, int off, int len) {
    return classify(metadata, metadata.statusCode(), ErrorBody.parse(data, off, len), true);
  }

  /** The stream ended before {@code [DONE]}; {@code cause} is null for a clean EOF. */
  public KimiException truncated(
      ResponseMetadata metadata, ChatCompletion partial, Throwable cause) {
    String how =
        cause == null ? "the response ended" : "the connection failed (" + describe(cause) + ")";
    return make.truncatedStream(
        "The stream was cut off: "
            + how
            + " before 'data: [DONE]' (message_stop over Anthropic Messages). The chunks that arrived are in partial()"
            + idSuffix(metadata)
            + ".",
        cause,
        metadata,
        partial);
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
    return make.timeout(
        "The response headers arrived (HTTP "
            + metadata.statusCode()
            + ") but no bytes of the body followed for "
            + human(idle)
            + "; the exchange was aborted. Raise Timeouts.withStreamIdle(...) if the server is"
            + " this slow"
            + idSuffix(metadata),
        null,
        metadata);
  }

  /** A body larger than the configured limit. */
  public KimiException tooLarge(ResponseMetadata metadata, long limit) {
    return make.tooLarge(
        "The response body exceeded the limit of "
            + limit
            + " bytes and was abandoned; raise it with KimiClient.builder().maxResponseBytes(...)"
            + " if this is expected"
            + idSuffix(metadata),
        null,
        metadata);
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
    if (t instanceof UnsupportedRequestException u) {
      return make.configuration(u.getMessage(), u);
    }
    if (t instanceof HttpConnectTimeoutException) {
      return make.timeout(
          "Could not connect to "
              + endpoint.uri().getHost()
              + " within "
              + human(timeouts.connect())
              + "; check the network, or raise Timeouts.withConnect(...)",
          t,
          metadata);
    }
    if (t instanceof HttpTimeoutException) {
      return make.timeout(
          "No response headers from "
              + endpoint.uri().getHost()
              + " within "
              + human(timeouts.responseHeaders())
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
    if (t instanceof ConnectException) {
      return make.connection(
          "Could not connect to " + endpoint.baseUrl() + ": " + describe(t), t, metadata);
    }
    if (t instanceof IOException) {
      return make.connection(
          "I/O failure talking to " + endpoint.baseUrl() + ": " + describe(t), t, metadata);
    }
    if (t instanceof InterruptedException) {
      return make.connection("The call was interrupted and cancelled", t, metadata);
    }
    if (t instanceof CancellationException) {
      return make.connection("The call was cancelled", t, metadata);
    }
    if (t instanceof SseException) {
      return make.tooLarge("The event stream broke a size limit: " + describe(t), t, metadata);
    }
    return make.connection(
        "Unexpected failure talking to " + endpoint.baseUrl() + ": " + describe(t), t, metadata);
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
      return make.connection(
          "The stream was interrupted while its consumer waited, and closed", interrupt, null);
    }
    String how = client ? "KimiClient.close()" : "ChatStream.close()";
    return make.connection(
        "The stream was closed (" + how + ") before it ended",
        new CancellationException("closed by " + how),
        null);
  }

  /** A call that did not complete within {@link Timeouts#overall()}. */
  public KimiException overallTimeout(Duration limit) {
    return overallTimeout(limit, "Timeouts.withOverall");
  }

  /** A call that did not complete within the whole-call timeout {@code setting} gave it. */
  public KimiException overallTimeout(Duration limit, String setting) {
    return make.timeout(
        "The call did not complete within the overall timeout of "
            + human(limit)
            + " ("
            + setting
            + ")",
        null,
        null);
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

  /** Records the request that continues a failed stream. */
  public void resumeRequest(StreamException failure, ChatRequest request) {
    make.resumeRequest(failure, request);
  }

  ApiException classify(ResponseMetadata md, int status, ErrorBody body, boolean inStream) {
    String type = body.type();
    String serverMessage = body.message() == null ? "" : body.message();
    String lower = serverMessage.toLowerCase(Locale.ROOT);
    String t = type == null ? "" : type;
    Duration retryAfter = retryAfter(md, serverMessage);

    if (t.equals("exceeded_current_quota_error")
        || t.equals("billing_error")
        || lower.contains("exceeded your current token quota")
        || lower.contains("insufficient balance")
        || lower.contains("is suspended")
        || lower.contains("usage limit")) {
      ApiError e = error(md, status, body, retryAfter, false, inStream, quotaHint(lower));
      return make.quotaExceeded(e, lower.contains("suspended"));
    }
    if (t.equals("engine_overloaded_error") || t.equals("overloaded_error")) {
      return make.engineOverloaded(
          error(
              md,
              status,
              body,
              retryAfter,
              true,
              inStream,
              "Kimi is overloaded on its side (an account upgrade does not help); retry with"
                  + " backoff"
                  + waitHint(retryAfter)));
    }
    if (t.equals("rate_limit_reached_error")
        || t.equals("rate_limit_error")
        || (status == 429 && type == null)) {
      if (TPD.matcher(serverMessage).find()) {
        return make.tokensPerDay(
            error(
                md,
                status,
                body,
                retryAfter,
                false,
                inStream,
                "The organisation's daily token allowance (TPD) is used up; retrying today will"
                    + " not help. Raise the account tier on the platform console"));
      }
      return make.rateLimit(
          error(
              md,
              status,
              body,
              retryAfter,
              true,
              inStream,
              "A rate limit (concurrency, RPM or TPM) was hit; retry"
                  + (retryAfter == null ? " after a short wait" : waitHint(retryAfter))
                  + " or send fewer requests at once"));
    }
    if (t.equals("content_filter")) {
      return make.contentFilter(
          error(
              md,
              status,
              body,
              retryAfter,
              false,
              inStream,
              "Kimi's content filter flagged the input or the output; retrying the same request"
                  + " will not help"));
    }
    if (t.equals("invalid_authentication_error")
        || t.equals("incorrect_api_key_error")
        || t.equals("authentication_error")
        || status == 401) {
      return make.authentication(error(md, status, body, retryAfter, false, inStream, authHint()));
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
                  + " the organisation's IP allow-list and the API's availability)";
      return make.permissionDenied(
          error(md, status, body, retryAfter, false, inStream, hint), gated);
    }
    if (t.equals("resource_not_found_error")
        || t.equals("not_found_error")
        || t.equals("url.not_found")
        || status == 404) {
      String hint =
          lower.contains("model") && !t.equals("url.not_found")
              ? "Check the model id; list the models this key can use with GET "
                  + endpoint.baseUrl()
                  + "/models"
              : "The URL path does not exist; check the base URL ("
                  + endpoint.baseUrl()
                  + ") ends in /v1";
      return make.notFound(error(md, status, body, retryAfter, false, inStream, hint));
    }
    if (t.equals("invalid_request_error")
        || t.equals("request_too_large")
        || status == 400
        || status == 413) {
      if (CONTEXT.matcher(serverMessage).find()) {
        long limit = number(LIMIT, serverMessage);
        long requested = number(REQUESTED, serverMessage);
        return make.contextLength(
            error(
                md,
                status,
                body,
                retryAfter,
                false,
                inStream,
                "The request does not fit the model's context"
                    + (limit >= 0 ? " of " + limit + " tokens" : "")
                    + "; shorten the conversation or lower max_completion_tokens"),
            limit,
            requested);
      }
      return make.invalidRequest(error(md, status, body, retryAfter, false, inStream, null));
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
              : "Kimi failed on its side; retrying later may help";
      return make.server(error(md, status, body, retryAfter, true, inStream, hint));
    }
    boolean retryable = status == 408 || status == 409;
    return make.api(error(md, status, body, retryAfter, retryable, inStream, null));
  }

  private ApiError error(
      ResponseMetadata md,
      int status,
      ErrorBody body,
      Duration retryAfter,
      boolean retryable,
      boolean inStream,
      String hint) {
    StringBuilder sb = new StringBuilder();
    sb.append(inStream ? "Kimi error event in the stream (HTTP " : "Kimi API error (HTTP ");
    sb.append(status);
    if (body.type() != null) {
      sb.append(", ").append(body.type());
    }
    sb.append("): ");
    sb.append(body.message() == null ? "(no message)" : body.message());
    if (hint != null) {
      sb.append(". ").append(hint);
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

  private String authHint() {
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
    return "Check the API key is valid for " + endpoint.baseUrl();
  }

  private static String quotaHint(String lower) {
    if (lower.contains("suspended")) {
      return "The account is suspended; check the plan and billing on the console. Retrying will"
          + " not help";
    }
    return "The balance or plan quota is used up; top up or check the plan on the console."
        + " Retrying will not help";
  }

  private static String waitHint(Duration d) {
    return d == null ? "" : " after " + human(d);
  }

  static Duration retryAfter(ResponseMetadata md, String message) {
    if (md != null) {
      Optional<Duration> header = md.retryAfter();
      if (header.isPresent()) {
        return header.get();
      }
    }
    Matcher m = TRY_AGAIN.matcher(message);
    if (m.find()) {
      return Duration.ofMillis((long) (Double.parseDouble(m.group(1)) * 1000));
    }
    return null;
  }

  private static long number(Pattern p, String message) {
    Matcher m = p.matcher(message);
    long found = -1;
    while (m.find()) {
      try {
        found = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        found = -1;
      }
    }
    return found;
  }

  private static String idSuffix(ResponseMetadata md) {
    if (md == null) {
      return "";
    }
    return md.requestId().map(id -> " [request id " + id + "]").orElse("");
  }

  /** Points at the setting when a JSON nesting limit was hit. */
  private static String depthHint(Throwable cause) {
    return cause instanceof JsonException
            && cause.getMessage() != null
            && cause.getMessage().contains("Nesting is deeper than the limit")
        ? " (raise KimiClient.builder().maxJsonDepth(...) if such deep JSON is expected)"
        : "";
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

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
