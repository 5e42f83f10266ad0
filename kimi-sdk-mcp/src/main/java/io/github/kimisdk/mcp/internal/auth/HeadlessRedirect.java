package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.base.body.BoundedBodySubscriber;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code McpUserAgent.headless(String)}: the authorization server's redirect, not followed. */
public final class HeadlessRedirect implements RedirectReceiver {

  /** The most bytes read of the authorization endpoint's answer, which is not used. */
  private static final int PAGE_BYTES = 16 * 1024;

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
    HttpResponse<byte[]> r;
    CompletableFuture<HttpResponse<byte[]>> f =
        http.sendAsync(
            HttpRequest.newBuilder(authorizationUrl).timeout(timeout).GET().build(),
            info -> BoundedBodySubscriber.cut(PAGE_BYTES)); // the page is not read
    try {
      r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      f.cancel(true);
      throw new IllegalStateException(
          "cannot reach the authorization endpoint "
              + AuthHttp.show(authorizationUrl)
              + " ("
              + (e instanceof TimeoutException ? e : e.getCause()).getClass().getSimpleName()
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
