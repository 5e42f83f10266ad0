package io.github.kimisdk;

import io.github.kimisdk.base.net.Hosts;
import io.github.kimisdk.errors.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * The base URL of a Kimi API surface, such as {@code https://api.moonshot.ai/v1}.
 *
 * <p>Use a preset for Moonshot's own hosts, or {@link #of(String)} for a proxy, a compatible server
 * or a local {@code FakeKimiServer} (artifact {@code kimi-sdk-testing}):
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder().apiKey(key).endpoint(Endpoint.CHINA).build();
 * }</pre>
 *
 * <p>Each platform also has an Anthropic-compatible surface ({@link #GLOBAL_ANTHROPIC}, {@link
 * #CHINA_ANTHROPIC}, {@link #KIMI_CODE_ANTHROPIC}), which a client reaches with {@link
 * WireProtocol#ANTHROPIC_MESSAGES}.
 *
 * <p>Keys are tied to one surface: a global platform key is rejected by the China platform and the
 * other way round, and Kimi Code ({@code sk-kimi-}) keys work only on Kimi Code ({@link
 * #KIMI_CODE}, {@link #KIMI_CODE_ANTHROPIC}).
 */
public final class Endpoint {

  /** The global open platform, {@code https://api.moonshot.ai/v1} (keys from platform.kimi.ai). */
  public static final Endpoint GLOBAL = new Endpoint(URI.create("https://api.moonshot.ai/v1"));

  /** The China open platform, {@code https://api.moonshot.cn/v1} (keys from platform.kimi.com). */
  public static final Endpoint CHINA = new Endpoint(URI.create("https://api.moonshot.cn/v1"));

  /** Kimi Code, {@code https://api.kimi.com/coding/v1} ({@code sk-kimi-} keys). */
  public static final Endpoint KIMI_CODE =
      new Endpoint(URI.create("https://api.kimi.com/coding/v1"));

  /**
   * The global open platform's Anthropic-compatible surface, {@code
   * https://api.moonshot.ai/anthropic} (platform keys); speaks {@link
   * WireProtocol#ANTHROPIC_MESSAGES}.
   */
  public static final Endpoint GLOBAL_ANTHROPIC =
      new Endpoint(URI.create("https://api.moonshot.ai/anthropic"));

  /**
   * The China open platform's Anthropic-compatible surface, {@code
   * https://api.moonshot.cn/anthropic} (platform keys); speaks {@link
   * WireProtocol#ANTHROPIC_MESSAGES}.
   */
  public static final Endpoint CHINA_ANTHROPIC =
      new Endpoint(URI.create("https://api.moonshot.cn/anthropic"));

  /**
   * Kimi Code's Anthropic-compatible surface, {@code https://api.kimi.com/coding} ({@code sk-kimi-}
   * keys); speaks {@link WireProtocol#ANTHROPIC_MESSAGES}.
   */
  public static final Endpoint KIMI_CODE_ANTHROPIC =
      new Endpoint(URI.create("https://api.kimi.com/coding"));

  private static final Endpoint[] PRESETS = {
    GLOBAL, CHINA, KIMI_CODE, GLOBAL_ANTHROPIC, CHINA_ANTHROPIC, KIMI_CODE_ANTHROPIC
  };

  private final URI uri;

  private Endpoint(URI uri) {
    this.uri = uri;
  }

  /**
   * Returns the endpoint for a base URL such as {@code https://api.moonshot.ai/v1}. A trailing
   * slash is dropped. Plain {@code http} is accepted here, but {@link KimiClient.Builder#build()}
   * allows it only for loopback hosts.
   *
   * @param baseUrl an absolute {@code https} or {@code http} URL without query or fragment
   * @return the endpoint
   * @throws ConfigurationException if the URL is malformed, not http(s), or has user info, a query
   *     or a fragment
   * @throws NullPointerException if {@code baseUrl} is null
   */
  public static Endpoint of(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String trimmed = baseUrl.strip();
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(
          "baseUrl is not a valid URL: '" + baseUrl + "' (" + e.getReason() + ")", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new ConfigurationException(
          "baseUrl must start with https:// (or http:// for a local server): '" + baseUrl + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigurationException("baseUrl has no host: '" + baseUrl + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigurationException(
          "baseUrl must not contain user info; pass the API key with apiKey(...) instead");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigurationException(
          "baseUrl must not have a query or fragment: '" + baseUrl + "'");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String wrongPath = wrongPath(uri.getHost().toLowerCase(Locale.ROOT), path);
    if (wrongPath != null) {
      throw new ConfigurationException("baseUrl '" + baseUrl + "' " + wrongPath);
    }
    URI normal = URI.create(scheme + "://" + uri.getRawAuthority() + path);
    for (Endpoint preset : PRESETS) {
      if (preset.uri.equals(normal)) {
        return preset;
      }
    }
    return new Endpoint(normal);
  }

  /**
   * Says what is wrong with the path of a base URL (without its trailing slashes), or returns null:
   * a path that ends in what the client appends itself ({@code /chat/completions}, {@code
   * /v1/messages}), and on Moonshot's own API hosts any path but those of their surfaces.
   */
  private static String wrongPath(String host, String path) {
    boolean moonshot = host.equals("api.moonshot.ai") || host.equals("api.moonshot.cn");
    boolean kimiCode = host.equals("api.kimi.com");
    String lower = path.toLowerCase(Locale.ROOT);
    boolean chat = lower.endsWith("/chat/completions");
    boolean messages = lower.endsWith("/v1/messages") || lower.endsWith("/anthropic/v1");
    if (moonshot || kimiCode) {
      Endpoint chatSurface = kimiCode ? KIMI_CODE : host.endsWith(".cn") ? CHINA : GLOBAL;
      Endpoint messagesSurface = chatSurface.forProtocol(WireProtocol.ANTHROPIC_MESSAGES);
      if (path.equals(chatSurface.uri.getRawPath())
          || path.equals(messagesSurface.uri.getRawPath())) {
        return null;
      }
      String use =
          messages
              ? "use "
                  + messagesSurface.baseUrl()
                  + " ("
                  + name(messagesSurface)
                  + "), to which the client appends /v1/messages itself"
              : "use "
                  + chatSurface.baseUrl()
                  + " ("
                  + name(chatSurface)
                  + "), to which the client appends /chat/completions itself, or "
                  + messagesSurface.baseUrl()
                  + " ("
                  + name(messagesSurface)
                  + ") for the Anthropic-compatible surface";
      String what =
          chat
              ? "ends in /chat/completions"
              : messages
                  ? "ends in " + (lower.endsWith("/v1/messages") ? "/v1/messages" : "/anthropic/v1")
                  : path.isEmpty()
                      ? "has no path, and "
                          + host
                          + " serves its API below "
                          + chatSurface.uri.getRawPath()
                      : "has the path "
                          + path
                          + ", which is not one of "
                          + host
                          + "'s API surfaces";
      return what + "; " + use;
    }
    if (chat) {
      return "ends in /chat/completions, which the client appends itself; drop it (use the part"
          + " before it, such as https://host/v1)";
    }
    if (lower.endsWith("/v1/messages")) {
      return "ends in /v1/messages, which the client appends itself (Anthropic Messages); drop it";
    }
    return null;
  }

  /** The name of a preset, for messages. */
  private static String name(Endpoint preset) {
    String[] names = {
      "Endpoint.GLOBAL",
      "Endpoint.CHINA",
      "Endpoint.KIMI_CODE",
      "Endpoint.GLOBAL_ANTHROPIC",
      "Endpoint.CHINA_ANTHROPIC",
      "Endpoint.KIMI_CODE_ANTHROPIC"
    };
    for (int i = 0; i < PRESETS.length; i++) {
      if (PRESETS[i] == preset) {
        return names[i];
      }
    }
    throw new AssertionError(preset);
  }

  /**
   * Returns the base URL without a trailing slash, for example {@code https://api.moonshot.ai/v1}.
   *
   * @return the base URL
   */
  public String baseUrl() {
    return uri.toString();
  }

  /**
   * Returns the base URL as a URI.
   *
   * @return the base URI
   */
  public URI uri() {
    return uri;
  }

  /**
   * Resolves a path below the base URL, for example {@code chat/completions}.
   *
   * @param path a relative path without a leading slash
   * @return the absolute URI
   */
  public URI resolve(String path) {
    return URI.create(baseUrl() + "/" + path);
  }

  /**
   * Returns the wire protocol this endpoint speaks unless the client sets one: {@link
   * WireProtocol#ANTHROPIC_MESSAGES} for the Anthropic presets and for any base URL whose path ends
   * in {@code /anthropic}, else {@link WireProtocol#CHAT_COMPLETIONS}.
   *
   * @return the default protocol
   */
  public WireProtocol defaultProtocol() {
    if (this == KIMI_CODE_ANTHROPIC || uri.getRawPath().endsWith("/anthropic")) {
      return WireProtocol.ANTHROPIC_MESSAGES;
    }
    return WireProtocol.CHAT_COMPLETIONS;
  }

  /**
   * Returns the preset of the same platform that speaks {@code protocol}, for example {@link
   * #GLOBAL_ANTHROPIC} for {@link #GLOBAL} and {@link WireProtocol#ANTHROPIC_MESSAGES}. Other
   * endpoints, and presets that already speak it, are returned unchanged.
   *
   * @param protocol the protocol
   * @return the matching endpoint
   * @throws NullPointerException if {@code protocol} is null
   */
  public Endpoint forProtocol(WireProtocol protocol) {
    Objects.requireNonNull(protocol, "protocol");
    boolean anthropic = protocol == WireProtocol.ANTHROPIC_MESSAGES;
    if (this == GLOBAL || this == GLOBAL_ANTHROPIC) {
      return anthropic ? GLOBAL_ANTHROPIC : GLOBAL;
    }
    if (this == CHINA || this == CHINA_ANTHROPIC) {
      return anthropic ? CHINA_ANTHROPIC : CHINA;
    }
    if (this == KIMI_CODE || this == KIMI_CODE_ANTHROPIC) {
      return anthropic ? KIMI_CODE_ANTHROPIC : KIMI_CODE;
    }
    return this;
  }

  /**
   * Tells whether this endpoint uses plain {@code http}.
   *
   * @return true for {@code http://} URLs
   */
  public boolean isCleartext() {
    return "http".equals(uri.getScheme());
  }

  /**
   * Tells whether a client must be allowed plain HTTP to send here ({@link
   * KimiClient.Builder#allowPlainHttp(boolean)}, for test setups only): plain {@code http} to a
   * host that is not {@linkplain #isLoopback() loopback}, where the API key would cross a network
   * unencrypted. {@link KimiClient.Builder#build()} refuses such an endpoint otherwise; this is
   * that rule, for a framework that checks a configured endpoint before any client is built.
   *
   * @return true for plain {@code http} to a host that is not loopback
   */
  public boolean needsPlainHttpAllowed() {
    return isCleartext() && !isLoopback();
  }

  /**
   * Tells whether the host is a loopback address: {@code localhost}, an IPv4 literal in {@code
   * 127.0.0.0/8} or {@code ::1}, by the one rule the SDK keeps (never a name that merely starts
   * with {@code 127.}, nor a subdomain of {@code localhost}). No DNS lookup is made.
   *
   * @return true for loopback hosts
   */
  public boolean isLoopback() {
    return Hosts.isLoopback(uri.getHost());
  }

  /**
   * Tells whether this is Kimi Code ({@code api.kimi.com}), which takes {@code sk-kimi-} keys and
   * serves only recognised coding agents.
   *
   * @return true for the Kimi Code host
   */
  public boolean isKimiCode() {
    return "api.kimi.com".equalsIgnoreCase(uri.getHost());
  }

  /**
   * Tells whether this is Moonshot's China open platform ({@code *.moonshot.cn}).
   *
   * @return true for the China platform
   */
  public boolean isChina() {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return host.equals("moonshot.cn") || host.endsWith(".moonshot.cn");
  }

  /**
   * Tells whether this is Moonshot's global open platform ({@code *.moonshot.ai}).
   *
   * @return true for the global platform
   */
  public boolean isGlobal() {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return host.equals("moonshot.ai") || host.endsWith(".moonshot.ai");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Endpoint other && other.uri.equals(uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }

  /** Returns the base URL. */
  @Override
  public String toString() {
    return baseUrl();
  }
}
