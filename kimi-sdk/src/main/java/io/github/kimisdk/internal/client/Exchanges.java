package io.github.kimisdk.internal.client;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.internal.chain.Attempt;
import io.github.kimisdk.internal.chain.Call;
import io.github.kimisdk.internal.chain.CallSpec;
import io.github.kimisdk.internal.chain.Chain;
import io.github.kimisdk.internal.chain.Sending;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.ServerSentEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Calls other than chat: to any endpoint below the base URL ({@code request}, {@code
 * requestEvents}), retried and limited as chat is, and the platform's (files, batches, models,
 * balance, token counts), which take no concurrency slot and are sent once unless the call's
 * options give a retry policy.
 */
public final class Exchanges {

  private final ClientCore core;

  Exchanges(ClientCore core) {
    this.core = core;
  }

  /** The transport of the target an attempt goes to. */
  private HttpTransport transport(Sending a) {
    return core.parts(a.attempt().target()).transport;
  }

  /**
   * Sends JSON to any endpoint; the answer is decoded leniently and keeps its bytes. When {@code
   * blocking}, the caller waits for it anyway: its first attempt is sent on this thread.
   */
  CompletableFuture<KimiResponse<JsonValue>> request(
      String method, String path, JsonValue body, Call call, boolean blocking) {
    String m = checkMethod(method);
    String p = checkPath(path);
    byte[] bytes = body == null ? null : Json.writeBytes(body);
    String model = modelOf(body);
    if (bytes != null) {
      try {
        core.parts(call.target()).transport.checkSize(model, bytes);
      } catch (RuntimeException e) {
        return core.calls().failed(e);
      }
    }
    CallSpec s = CallSpec.exchange(CallEvent.Operation.REQUEST, p, model, call, blocking);
    return core.chain()
        .future(
            Sending.of(s),
            a -> {
              Attempt at = a.attempt();
              return transport(a).json(m, p, bytes, at.overrides(), at.number(), at.here());
            });
  }

  /** Prepares a request whose answer is an event stream; nothing is sent until it is consumed. */
  EventStream requestEvents(String method, String path, JsonValue body, Call call) {
    String m = checkMethod(method);
    String p = checkPath(path);
    byte[] bytes = body == null ? null : Json.writeBytes(body);
    String model = modelOf(body);
    if (bytes != null) {
      core.parts(call.target()).transport.checkSize(model, bytes);
    }
    CallSpec s = CallSpec.exchange(CallEvent.Operation.REQUEST_EVENTS, p, model, call, false);
    Chain.Opened<ServerSentEvent> opened =
        core.chain().stream(
            Sending.of(s),
            (a, n) -> transport(a).events(m, p, bytes, a.attempt().overrides(), n),
            null);
    return core.open(EventStream.of(opened.stream()));
  }

  /**
   * Sends a platform call: without a slot of the rate limiter (it still counts as a request),
   * tracked for the client's close, sent once unless the call's options give a retry policy, and
   * bounded only by their timeout.
   */
  <T> CompletableFuture<T> platform(
      Call call,
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String contentType,
      boolean errorEnvelopes,
      BiFunction<ResponseMetadata, byte[], T> decode) {
    return platformCall(
        call,
        path,
        a ->
            transport(a)
                .exchange(
                    method,
                    path,
                    body,
                    contentType,
                    errorEnvelopes,
                    decode,
                    a.attempt().overrides(),
                    a.attempt().number()));
  }

  /**
   * Downloads a platform file to {@code target} as {@link #platform} sends a platform call: its 2xx
   * body goes to the file as it arrives, at most {@code limit} bytes.
   */
  CompletableFuture<Long> download(Call call, String path, java.nio.file.Path target, long limit) {
    return platformCall(
        call,
        path,
        a ->
            transport(a)
                .download(path, target, limit, a.attempt().overrides(), a.attempt().number()));
  }

  /** Sends a platform call's attempts, which {@code send} makes, down the client's chain. */
  private <T> CompletableFuture<T> platformCall(Call call, String path, Chain.FutureSend<T> send) {
    CallSpec s = CallSpec.exchange(CallEvent.Operation.PLATFORM, path, null, once(call), false);
    return core.chain().future(Sending.of(s), send);
  }

  /** A platform call's {@code call}: sent once unless its options give a retry policy. */
  private static Call once(Call call) {
    RequestOptions o = call.options();
    return new Call(
        call.retrier().forPlatformCall(o.retryPolicy().orElse(null), o.timeout().orElse(null)),
        call.overrides(),
        o,
        call.tenant(),
        call.target());
  }

  private static String checkMethod(String method) {
    Objects.requireNonNull(method, "method");
    if (method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
      throw new IllegalArgumentException(
          "method must be an upper-case HTTP method such as GET or POST: '" + method + "'");
    }
    return method;
  }

  /** Returns {@code path} without a leading slash; refuses what would leave the base URL. */
  private static String checkPath(String path) {
    Objects.requireNonNull(path, "path");
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.isEmpty() || p.startsWith("/") || p.contains("://") || p.contains("#")) {
      throw new IllegalArgumentException(
          "path must be relative to the base URL, such as \"responses\": '" + path + "'");
    }
    try {
      URI.create("http://h/" + p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "path is not a valid URL path (percent-encode spaces and other special characters): '"
              + path
              + "'",
          e);
    }
    return p;
  }

  private static String modelOf(JsonValue body) {
    return body instanceof JsonObject o && o.get("model") instanceof JsonString s
        ? s.value()
        : null;
  }
}
