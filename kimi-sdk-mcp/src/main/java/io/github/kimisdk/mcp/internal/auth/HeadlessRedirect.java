package io.github.kimisdk.mcp.internal.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@code McpUserAgent.headless(String)}: the authorization server's redirect, not followed. */
public final class HeadlessRedirect implements RedirectReceiver {

  private final String redirectUri;
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /**
   * Creates the receiver.
   *
   * @param redirectUri the redirect URI to register and send
   */
  public HeadlessRedirect(String redirectUri) {
    this.redirectUri = redirectUri;
  }

  @Override
  public String redirectUri() {
    return redirectUri;
  }

  @Override
  public URI authorize(URI authorizationUrl, Duration timeout) throws InterruptedException {
    HttpResponse<Void> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(authorizationUrl).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach the authorization endpoint "
              + authorizationUrl.getScheme()
              + "://"
              + authorizationUrl.getRawAuthority()
              + authorizationUrl.getRawPath()
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          null);
    }
    String location = r.headers().firstValue("Location").orElse(null);
    if (r.statusCode() / 100 == 2) {
      throw new IllegalStateException(
          "the authorization endpoint answered with a page (HTTP "
              + r.statusCode()
              + ") rather than a redirect to "
              + redirectUri
              + ": it wants a person to approve; use McpUserAgent.loopback(...)");
    }
    if (r.statusCode() / 100 != 3 || location == null) {
      throw new IllegalStateException(
          "the authorization endpoint answered with HTTP " + r.statusCode() + ", not a redirect");
    }
    URI back = authorizationUrl.resolve(location);
    String target = back.getScheme() + "://" + back.getRawAuthority() + back.getRawPath();
    if (!target.equals(stripQuery(redirectUri))) {
      throw new IllegalStateException(
          "the authorization endpoint redirected elsewhere than to " + redirectUri);
    }
    return back;
  }

  private static String stripQuery(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  @Override
  public String toString() {
    return "McpUserAgent.headless[" + redirectUri + "]";
  }
}
