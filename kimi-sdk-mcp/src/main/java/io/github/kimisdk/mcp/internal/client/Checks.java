package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpProtocol;
import io.github.kimisdk.mcp.internal.http.Endpoint;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/** The checks of the public API's arguments, with messages that name the argument. */
public final class Checks {

  private Checks() {}

  /**
   * Returns {@code d}, checked.
   *
   * @param d a duration
   * @param what its name
   * @return {@code d}
   * @throws NullPointerException if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is not positive
   */
  public static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what + " must not be null");
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }

  /**
   * Returns {@code s}, checked.
   *
   * @param s a text
   * @param what its name
   * @return {@code s}
   * @throws NullPointerException if {@code s} is null
   * @throws IllegalArgumentException if {@code s} is blank
   */
  public static String nonBlank(String s, String what) {
    Objects.requireNonNull(s, what + " must not be null");
    if (s.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return s;
  }

  /**
   * Returns the URL {@code url}, checked: {@code https}, or plain {@code http} to a loopback host,
   * with no fragment.
   *
   * @param url a URL the user gives
   * @param what its name
   * @return the URI
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException if it is not such a URL
   */
  public static URI httpsOrLoopback(String url, String what) {
    Objects.requireNonNull(url, what + " must not be null");
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + " is not a URL: " + url, e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    boolean ok = u.getHost() != null && u.getRawFragment() == null && scheme.equals("https");
    if (u.getHost() != null && u.getRawFragment() == null && scheme.equals("http")) {
      try {
        ok = Endpoint.of(url) != null; // the MCP endpoint's rule: plain http to loopback only
      } catch (IllegalArgumentException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          what + " must be an https URL (plain http only to a loopback host): " + url);
    }
    return u;
  }

  /**
   * Returns {@code version}, checked.
   *
   * @param version a protocol version
   * @return {@code version}
   * @throws NullPointerException if {@code version} is null
   * @throws IllegalArgumentException if the client does not speak it
   */
  public static String protocolVersion(String version) {
    Objects.requireNonNull(version, "version must not be null");
    if (!Handshake.PROTOCOL_VERSIONS.contains(version)) {
      throw new IllegalArgumentException(
          "this client does not speak protocol version "
              + version
              + "; it speaks "
              + String.join(", ", Handshake.PROTOCOL_VERSIONS));
    }
    return version;
  }

  /**
   * Returns {@code protocol}, checked against the one version pinned.
   *
   * @param protocol the generation chosen
   * @param pinned the version pinned, or null
   * @return {@code protocol}
   * @throws IllegalStateException if {@code pinned} belongs to another generation
   */
  public static McpProtocol protocol(McpProtocol protocol, String pinned) {
    boolean modern = pinned != null && Handshake.MODERN_VERSIONS.contains(pinned);
    if (pinned != null
        && (protocol == McpProtocol.MODERN && !modern
            || protocol == McpProtocol.LEGACY && modern)) {
      throw new IllegalStateException(
          "protocolVersion(\"" + pinned + "\") is not of the protocol " + protocol);
    }
    return protocol;
  }

  /**
   * Returns a request's arguments or parameters as a JSON object.
   *
   * @param what the tool or method, for the message
   * @param arguments a JSON object, or null (or JSON null) for none
   * @return the object; an empty one for none
   * @throws IllegalArgumentException if {@code arguments} is not a JSON object
   */
  public static JsonObject arguments(String what, JsonValue arguments) {
    if (arguments == null || arguments.isNull()) {
      return JsonObject.of();
    }
    if (!(arguments instanceof JsonObject o)) {
      throw new IllegalArgumentException(
          "the arguments of "
              + what
              + " must be a JSON object: "
              + ServerText.cut(arguments.toString()));
    }
    return o;
  }
}
