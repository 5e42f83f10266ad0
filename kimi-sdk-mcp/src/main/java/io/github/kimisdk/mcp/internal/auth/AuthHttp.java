package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.base.body.BoundedBodySubscriber;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP with authorization servers and metadata documents: each exchange bounded in time and in the
 * size of its answer, each URL a server names checked before it is fetched.
 */
final class AuthHttp {

  /** The most bytes read of one answer of an authorization server or a metadata document. */
  static final int MAX_BODY = 256 * 1024;

  /** The most redirects followed for one metadata document. */
  static final int MAX_REDIRECTS = 3;

  private final HttpClient http;
  private final Duration timeout;
  private final Secrets secrets;
  private final UrlPolicy policy;

  /**
   * The HTTP of one authorization.
   *
   * @param http sends the requests; it follows no redirect itself ({@code Endpoint.client})
   * @param timeout bounds each exchange
   * @param secrets blanks secrets in messages
   * @param policy checks every URL a server names
   */
  AuthHttp(HttpClient http, Duration timeout, Secrets secrets, UrlPolicy policy) {
    this.http = http;
    this.timeout = timeout;
    this.secrets = secrets;
    this.policy = policy;
  }

  /**
   * An answer: its status, its JSON body (null when not JSON), its text for messages, where it
   * redirects to (null when it does not), and its {@code DPoP-Nonce} (RFC 9449 8; null when none,
   * or longer than 512 characters).
   */
  record Answer(int status, JsonValue json, String text, String location, String dpopNonce) {}

  /**
   * GETs a document (no credentials), following at most {@value #MAX_REDIRECTS} redirects, each
   * checked by the URL policy before it is followed.
   */
  Answer get(String server, URI url, String what) {
    URI u = url;
    for (int hops = 0; ; hops++) {
      Answer a =
          send(server, HttpRequest.newBuilder(u).header("Accept", "application/json").GET(), what);
      if (a.status() / 100 != 3 || a.location() == null) {
        return a;
      }
      if (hops == MAX_REDIRECTS) {
        throw secrets.fail(
            server,
            what + " at " + show(url) + " redirected more than " + MAX_REDIRECTS + " times",
            null);
      }
      URI next;
      try {
        next = u.resolve(new URI(a.location()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw secrets.fail(
            server,
            what
                + " at "
                + show(u)
                + " redirected to what is not a URL: "
                + ServerText.shown(a.location(), secrets::safe),
            null);
      }
      u = policy.check(server, next.toString(), "redirect of " + what);
    }
  }

  /**
   * Sends a request; one with a body or credentials (a POST) is never sent on to where a redirect
   * points: a redirect fails it.
   */
  Answer send(String server, HttpRequest.Builder request, String what) {
    HttpRequest r = request.timeout(timeout).build();
    CompletableFuture<HttpResponse<byte[]>> f =
        http.sendAsync(
            r,
            info ->
                new BoundedBodySubscriber(
                    MAX_BODY,
                    () ->
                        secrets.fail(
                            server,
                            what
                                + " at "
                                + show(r.uri())
                                + " answered with more than "
                                + MAX_BODY
                                + " bytes",
                            null)));
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
      throw secrets.interrupted(server, "interrupted while authorizing");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof McpException tooLarge) {
        throw tooLarge; // the body passed MAX_BODY
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
    String location = response.headers().firstValue("Location").orElse(null);
    if (response.statusCode() / 100 == 3 && location != null && !r.method().equals("GET")) {
      throw secrets.fail(
          server,
          what
              + " at "
              + show(r.uri())
              + " answered with a redirect (HTTP "
              + response.statusCode()
              + "), which the client does not follow with a request's body or credentials",
          null);
    }
    String nonce = response.headers().firstValue("DPoP-Nonce").orElse(null);
    return new Answer(
        response.statusCode(),
        json,
        text,
        location,
        nonce == null || nonce.length() > 512 ? null : nonce);
  }

  /** What an authorization server said when it refused: its OAuth error, else its status. */
  String refusal(Answer a) {
    if (a.json() instanceof JsonObject o && Fields.string(o, "error") != null) {
      String d = Fields.string(o, "error_description");
      return "HTTP "
          + a.status()
          + ", "
          + ServerText.shown(Fields.string(o, "error"), secrets::safe, 300)
          + (d == null ? "" : " (" + ServerText.shown(d, secrets::safe, 300) + ")");
    }
    return "HTTP "
        + a.status()
        + (a.text().isEmpty() ? "" : ": " + ServerText.shown(a.text(), secrets::safe, 300));
  }

  /** The URL a server named, checked by the URL policy. */
  URI url(String server, String url, String what) {
    return policy.check(server, url, what);
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
}
