package io.github.kimisdk.mcp.internal.http;

import io.github.kimisdk.base.net.Hosts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** An MCP server's URL and the headers the user adds for it, as {@code HttpBuilder} checks them. */
public final class Endpoint {

  /** The headers the protocol manages. */
  private static final Set<String> MANAGED =
      Set.of("accept", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id");

  private Endpoint() {}

  /**
   * Returns the MCP endpoint {@code url}: {@code https}, or plain {@code http} to a loopback host.
   *
   * @param url the URL
   * @return the URI
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException if it is not such a URL
   */
  public static URI of(String url) {
    Objects.requireNonNull(url, "url must not be null");
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + url, e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException("an MCP server URL must be http(s)://host/path: " + url);
    }
    if (scheme.equals("http") && !Hosts.isLoopback(u.getHost())) {
      throw new IllegalArgumentException(
          "plain http is allowed only to a loopback host (localhost, 127.0.0.1, [::1]); use https: "
              + u.getScheme()
              + "://"
              + u.getHost());
    }
    return u;
  }

  /**
   * Checks a header the user adds to every request.
   *
   * @param uri the endpoint
   * @param name the header's name
   * @param value its value
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the protocol or the JDK manages the header, or the name or
   *     value is not valid in HTTP; the message never holds the value
   */
  public static void checkHeader(URI uri, String name, String value) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(value, "value must not be null");
    if (MANAGED.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("the " + name + " header is set by the MCP client");
    }
    try {
      HttpRequest.newBuilder(uri).header(name, value);
    } catch (IllegalArgumentException e) {
      // The JDK's message may quote the value: keep it out.
      throw new IllegalArgumentException("invalid or restricted HTTP header: " + name);
    }
  }

  /**
   * Tells whether a value a server gave (a session id, an event id) can be sent back in a header as
   * it is: visible ASCII and inner spaces, nothing that could end the header or add one.
   *
   * @param value the value
   * @return true when it can
   */
  public static boolean sendable(String value) {
    if (value.isEmpty() || value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the HTTP client to use, one that follows no redirect: the user's, else one made with
   * {@code connectTimeout} (HTTP/1.1 for plain {@code http}). A user's client that follows
   * redirects is copied (its proxy, TLS, authenticator, cookies, executor, version and connect
   * timeout) into one that does not, since the JDK would send a request's headers (the token) and,
   * on 307 or 308, its body on to wherever a server redirects it.
   *
   * @param given the user's client; null for none
   * @param connectTimeout how long connecting may take
   * @param uri the endpoint
   * @return the client
   */
  public static HttpClient client(HttpClient given, Duration connectTimeout, URI uri) {
    if (given != null && given.followRedirects() == HttpClient.Redirect.NEVER) {
      return given;
    }
    if (given != null) {
      HttpClient.Builder b =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NEVER)
              .version(given.version())
              .sslContext(given.sslContext())
              .sslParameters(given.sslParameters());
      given.connectTimeout().ifPresent(b::connectTimeout);
      given.proxy().ifPresent(b::proxy);
      given.authenticator().ifPresent(b::authenticator);
      given.cookieHandler().ifPresent(b::cookieHandler);
      given.executor().ifPresent(b::executor);
      return b.build();
    }
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
    if (uri.getScheme().equalsIgnoreCase("http")) {
      b.version(HttpClient.Version.HTTP_1_1);
    }
    return b.build();
  }
}
