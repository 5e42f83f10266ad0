package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.Rpc;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP with authorization servers and metadata documents: each exchange bounded in time and in the
 * size of its answer, each URL a server names checked before it is fetched.
 */
final class AuthHttp {

  /** The most bytes read of one answer of an authorization server or a metadata document. */
  static final int MAX_BODY = 256 * 1024;

  private final HttpClient http;
  private final Duration timeout;
  private final Secrets secrets;

  AuthHttp(HttpClient http, Duration timeout, Secrets secrets) {
    this.http = http;
    this.timeout = timeout;
    this.secrets = secrets;
  }

  /**
   * An answer: its status and JSON body (null when not JSON), its text for messages, and its {@code
   * DPoP-Nonce} (RFC 9449 8; null when none, or longer than 512 characters).
   */
  record Answer(int status, JsonValue json, String text, String dpopNonce) {}

  Answer get(String server, URI url, String what) {
    return send(
        server, HttpRequest.newBuilder(url).header("Accept", "application/json").GET(), what);
  }

  Answer send(String server, HttpRequest.Builder request, String what) {
    HttpRequest r = request.timeout(timeout).build();
    CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(r, info -> new Bounded(MAX_BODY));
    HttpResponse<byte[]> response;
    try {
      response = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw secrets.fail(
          server,
          what + " at " + show(r.uri()) + " did not answer within " + Rpc.human(timeout),
          null);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new McpException(
          server, McpException.Kind.CLOSED, "interrupted while authorizing", null);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof TooLarge) {
        throw secrets.fail(
            server,
            what + " at " + show(r.uri()) + " answered with more than " + MAX_BODY + " bytes",
            null);
      }
      throw secrets.fail(
          server,
          "cannot reach "
              + what
              + " at "
              + show(r.uri())
              + " ("
              + (c == null ? "unknown" : c.getClass().getSimpleName())
              + ")",
          c instanceof IOException ? c : null);
    }
    byte[] body = response.body();
    JsonValue json = null;
    try {
      if (body.length > 0) {
        json = Json.parse(body);
      }
    } catch (JsonException e) {
      json = null;
    }
    String text = new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8).strip();
    String nonce = response.headers().firstValue("DPoP-Nonce").orElse(null);
    return new Answer(
        response.statusCode(), json, text, nonce == null || nonce.length() > 512 ? null : nonce);
  }

  /** What an authorization server said when it refused: its OAuth error, else its status. */
  String refusal(Answer a) {
    if (a.json() instanceof JsonObject o && Fields.string(o, "error") != null) {
      String d = Fields.string(o, "error_description");
      return "HTTP "
          + a.status()
          + ", "
          + secrets.safe(cut(Fields.string(o, "error")))
          + (d == null ? "" : " (" + secrets.safe(cut(d)) + ")");
    }
    return "HTTP " + a.status() + (a.text().isEmpty() ? "" : ": " + secrets.safe(cut(a.text())));
  }

  private static String cut(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  /** The URL a server named, checked: https (plain http only on loopback), no fragment. */
  URI url(String server, String url, String what) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw secrets.fail(
          server, "the " + what + " is not a URL: " + secrets.safe(ServerText.cut(url)), null);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    boolean loopback =
        host.equals("localhost")
            || host.startsWith("127.")
            || host.equals("[::1]")
            || host.equals("::1");
    if (u.getHost() == null
        || u.getRawFragment() != null
        || !(scheme.equals("https") || (scheme.equals("http") && loopback))) {
      throw secrets.fail(
          server,
          "the "
              + what
              + " must be an https URL (plain http only on loopback), without a fragment: "
              + secrets.safe(ServerText.cut(url)),
          null);
    }
    return u;
  }

  /** As {@link #url}; null stays null. */
  URI optionalUrl(String server, String url, String what) {
    return url == null ? null : url(server, url, what);
  }

  /** A URL as shown in messages: without its query, which may carry request parameters. */
  static String show(URI u) {
    return u.getScheme()
        + "://"
        + u.getRawAuthority()
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("too large");
    }
  }

  /** Collects a body of at most {@code limit} bytes. */
  private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> done = new CompletableFuture<>();
    private byte[] bytes = new byte[1024];
    private int len;
    private Flow.Subscription subscription;

    Bounded(int limit) {
      this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int n = b.remaining();
        if (len + n > limit) {
          subscription.cancel();
          done.completeExceptionally(new TooLarge());
          return;
        }
        if (len + n > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(len + n, bytes.length * 2)));
        }
        b.get(bytes, len, n);
        len += n;
      }
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(Arrays.copyOf(bytes, len));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return done;
    }
  }
}
