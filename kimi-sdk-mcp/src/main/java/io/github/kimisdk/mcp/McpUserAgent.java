package io.github.kimisdk.mcp;

import io.github.kimisdk.mcp.internal.auth.HeadlessRedirect;
import io.github.kimisdk.mcp.internal.auth.LoopbackRedirect;
import io.github.kimisdk.mcp.internal.auth.RedirectReceiver;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The one step of an authorization-code grant that needs a person: the authorization server's page
 * is opened, the person signs in and approves, and the server sends the browser back to the
 * client's redirect URI with a code. {@link #loopback(Consumer)} receives that redirect on a port
 * of this machine (the way a desktop or command-line program does it); {@link #headless(String)}
 * serves a program with no person at hand, whose authorization server approves without one.
 * Implement it for anything else, such as a web application's own callback route.
 *
 * <p>The client calls {@link #redirectUri()} to register and to build the authorization URL, then
 * {@link #authorize(URI, Duration)} once per authorization, one at a time. What the redirect
 * carries (the code, the state, the issuer) is checked by the client, and never logged.
 */
public interface McpUserAgent {

  /**
   * Returns the redirect URI: where the authorization server sends the browser back to. It is
   * registered with the authorization server (dynamic registration) or must be one the client's
   * registration lists.
   *
   * @return an absolute URI, such as {@code "http://127.0.0.1:53682/callback"}
   */
  String redirectUri();

  /**
   * Has the person approve, and returns where the authorization server sent the browser back to.
   *
   * @param authorizationUrl the authorization server's URL with the request in its query
   * @param timeout how long the person may take
   * @return the redirect URI with the server's answer in its query ({@code code}, {@code state},
   *     {@code iss}, or {@code error})
   * @throws InterruptedException if interrupted while waiting
   * @throws RuntimeException when it cannot (the person did not finish in time, the page could not
   *     be opened); the client reports it as {@link McpException.Kind#AUTHORIZATION}
   */
  URI authorize(URI authorizationUrl, Duration timeout) throws InterruptedException;

  /**
   * Returns the user agent of a program on the person's own machine: it listens on a free port of
   * the loopback interface for the redirect ({@code http://127.0.0.1:<port>/callback}) and hands
   * the authorization URL to {@code open}, which shows it to the person (print it, or open the
   * browser with {@code java.awt.Desktop}). The listener runs only while an authorization waits,
   * answers the browser with a page saying it may be closed, and logs nothing it reads (the
   * callback's query holds the code). It needs no module beyond {@code java.base}.
   *
   * @param open shows the authorization URL to the person
   * @return the user agent
   * @throws NullPointerException if {@code open} is null
   */
  static McpUserAgent loopback(Consumer<URI> open) {
    return loopback(0, open);
  }

  /**
   * Returns the user agent of {@link #loopback(Consumer)} listening on {@code port}, for an
   * authorization server that accepts only a redirect URI registered with its port.
   *
   * @param port the port, 1 to 65535; 0 for a free one, chosen once
   * @param open shows the authorization URL to the person
   * @return the user agent
   * @throws NullPointerException if {@code open} is null
   * @throws IllegalArgumentException if {@code port} is out of range
   */
  static McpUserAgent loopback(int port, Consumer<URI> open) {
    Objects.requireNonNull(open, "open must not be null");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535: " + port);
    }
    return of(new LoopbackRedirect(port, open));
  }

  /**
   * Returns the user agent of a program with no person at hand, for an authorization server that
   * approves without one (one that knows the client already, a test server): it requests the
   * authorization URL without following redirects and takes the redirect to {@code redirectUri}
   * from the answer's {@code Location}. An authorization server that answers with a page instead
   * (it wants a person) fails the authorization, saying so.
   *
   * @param redirectUri the redirect URI to register and send, such as {@code
   *     "http://localhost:3000/callback"}; nothing needs to listen there
   * @return the user agent
   * @throws NullPointerException if {@code redirectUri} is null
   * @throws IllegalArgumentException if {@code redirectUri} is not an absolute URI
   */
  static McpUserAgent headless(String redirectUri) {
    Objects.requireNonNull(redirectUri, "redirectUri must not be null");
    URI u;
    try {
      u = new URI(redirectUri);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("not a URI: " + redirectUri, e);
    }
    if (!u.isAbsolute() || u.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "the redirect URI must be absolute, without a fragment: " + redirectUri);
    }
    return of(new HeadlessRedirect(redirectUri));
  }

  /** The user agent of one of the library's receivers. */
  private static McpUserAgent of(RedirectReceiver receiver) {
    return new McpUserAgent() {
      @Override
      public String redirectUri() {
        return receiver.redirectUri();
      }

      @Override
      public URI authorize(URI authorizationUrl, Duration timeout) throws InterruptedException {
        return receiver.authorize(authorizationUrl, timeout);
      }

      @Override
      public String toString() {
        return receiver.toString();
      }
    };
  }
}
