package io.github.kimisdk.internal.credential;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.ServerText;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the client builder checks before any round trip: the key's form, that it fits the endpoint,
 * where {@code fromEnv} finds it, and the endpoint, protocol and HTTP client the settings resolve
 * to. Each check returns why the settings are refused, or null; the builder throws.
 */
public final class Keys {

  /** The variables {@code fromEnv} reads the key from, first set first. */
  public static final List<String> VARIABLES =
      List.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY");

  private Keys() {}

  /**
   * The key variable {@code fromEnv} uses, or why there is none.
   *
   * @param variable the variable holding the key, or null
   * @param problem why no key was found, or null
   */
  public record Found(String variable, String problem) {}

  /**
   * Finds the key variable in {@code env}: the first of {@link #VARIABLES} that is set and not
   * blank; else says which are set but empty, or that none is set.
   *
   * @param env the environment
   * @return the variable, or the problem
   */
  public static Found find(Map<String, String> env) {
    List<String> empty = new ArrayList<>();
    for (String name : VARIABLES) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return new Found(name, null);
      }
      if (v != null) {
        empty.add(name);
      }
    }
    if (!empty.isEmpty()) {
      return new Found(
          null,
          String.join(" and ", empty)
              + (empty.size() == 1 ? " is" : " are")
              + " set but empty"
              + (empty.stream().allMatch(n -> env.get(n).isEmpty()) ? "" : " (only whitespace)")
              + ", and no other key variable is set: put the key in it (an open platform key in"
              + " MOONSHOT_API_KEY or KIMI_API_KEY, a Kimi Code sk-kimi- key in"
              + " KIMI_CODING_API_KEY), or pass a key with KimiClient.builder().apiKey(...)");
    }
    return new Found(
        null,
        "No Kimi API key found: set MOONSHOT_API_KEY (or KIMI_API_KEY) to an open platform"
            + " key, or KIMI_CODING_API_KEY to a Kimi Code sk-kimi- key, or pass a key with"
            + " KimiClient.builder().apiKey(...)");
  }

  /**
   * Returns why {@code key} is malformed (blank, padded, quoted, with {@code Bearer} or a control
   * or non-ASCII character), or null.
   *
   * @param key the key
   * @param source {@code "apiKey"} or the variable it came from
   * @return the problem, or null
   */
  public static String problem(String key, String source) {
    String what = what(source);
    if (key.isBlank()) {
      return what + " is empty";
    }
    if (!key.equals(key.strip())) {
      return what + " has leading or trailing whitespace (a copied newline?); remove it";
    }
    if (key.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return what + " starts with 'Bearer '; pass the key alone, the client adds the prefix";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        return what + " contains a quote character at index " + i + "; remove the quotes";
      }
      if (c <= 0x20 || c >= 0x7f) {
        return what
            + " contains whitespace, a control character or a non-ASCII character at index "
            + i
            + "; keys are printable ASCII";
      }
    }
    return null;
  }

  /**
   * Returns why the endpoint is known to reject {@code key} (kimi-api.md section 1.1, "key
   * isolation"), or null: another vendor's key ({@link #otherVendor}) on any of Moonshot's hosts, a
   * Kimi Code key ({@code sk-kimi-}) on the open platform's hosts, an open platform key ({@code
   * sk-} but not {@code sk-kimi-}) on Kimi Code's. Other keys (a proxy's, an OAuth token) and other
   * hosts are left to the server.
   *
   * @param key the key
   * @param source {@code "apiKey"} or the variable it came from
   * @param ep the endpoint
   * @return the problem, or null
   */
  public static String endpointProblem(String key, String source, Endpoint ep) {
    String what = what(source);
    String vendor = otherVendor(key);
    if (vendor != null && (ep.isGlobal() || ep.isChina() || ep.isKimiCode())) {
      return what
          + " starts with "
          + key.substring(0, key.indexOf('-', 3) + 1)
          + ": it is "
          + vendor
          + " key, which Kimi ("
          + ep.baseUrl()
          + ") rejects with 401. Use a Moonshot key: an open platform key (platform.kimi.ai for"
          + " Endpoint.GLOBAL, platform.kimi.com for Endpoint.CHINA) or a Kimi Code key (sk-kimi-,"
          + " from kimi.com/code/console)";
    }
    boolean kimiCodeKey = key.startsWith("sk-kimi-");
    if (kimiCodeKey && (ep.isGlobal() || ep.isChina())) {
      return what
          + " starts with sk-kimi-: it is a Kimi Code key, which the open platform ("
          + ep.baseUrl()
          + ") rejects with 401. Use it with Endpoint.KIMI_CODE (https://api.kimi.com/coding/v1,"
          + " the default for sk-kimi- keys), or use an open platform key (platform.kimi.ai"
          + " for Endpoint.GLOBAL, platform.kimi.com for Endpoint.CHINA)";
    }
    if (!kimiCodeKey && key.startsWith("sk-") && ep.isKimiCode()) {
      // an open platform key: sk- and 48 letters and digits
      return what
          + " is an open platform key (sk- without kimi-), which Kimi Code ("
          + ep.baseUrl()
          + ") rejects with 401. Use it with Endpoint.GLOBAL (platform.kimi.ai keys) or"
          + " Endpoint.CHINA (platform.kimi.com keys), or use a Kimi Code key (sk-kimi-, from"
          + " kimi.com/code/console)";
    }
    return null;
  }

  /**
   * Returns {@code text} with every run that has a secret key's shape replaced by {@link
   * ServerText#REDACTED}: {@code sk-} and at least 8 more letters, digits, {@code -} or {@code _}
   * (Moonshot's and Kimi Code's keys, OpenAI's and Anthropic's); for a text that may hold a key the
   * client never saw, such as the message of a key supplier that failed. One pass, linear.
   *
   * @param text the text
   * @return the text without anything shaped like a key
   */
  public static String masked(String text) {
    StringBuilder sb = null;
    int from = 0;
    int at = text.indexOf("sk-");
    while (at >= 0) {
      int end = at + 3;
      while (end < text.length() && isKeyChar(text.charAt(end))) {
        end++;
      }
      boolean standsAlone = at == 0 || !isKeyChar(text.charAt(at - 1));
      if (standsAlone && end - at - 3 >= 8) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, from, at).append(ServerText.REDACTED);
        from = end;
      }
      at = text.indexOf("sk-", Math.max(end, at + 1));
    }
    return sb == null ? text : sb.append(text, from, text.length()).toString();
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  /**
   * Names the vendor whose key format {@code key} plainly has ("an OpenAI" for {@code sk-proj-} and
   * {@code sk-svcacct-}, "an Anthropic" for {@code sk-ant-}), or null. Moonshot's keys are {@code
   * sk-} and letters and digits only ({@code sk-kimi-} on Kimi Code), so none starts so.
   */
  static String otherVendor(String key) {
    if (key.startsWith("sk-proj-") || key.startsWith("sk-svcacct-")) {
      return "an OpenAI";
    }
    if (key.startsWith("sk-ant-")) {
      return "an Anthropic";
    }
    return null;
  }

  /**
   * What {@code fromEnv} reads from the environment, or why it cannot.
   *
   * @param key the API key, or null
   * @param variable the variable holding the key, or null
   * @param protocol the protocol {@code KIMI_PROTOCOL} names, or null when it is not set
   * @param endpoint the endpoint: {@code KIMI_BASE_URL}, else by the key; null with a problem
   * @param problem why no key was found, or null
   */
  public record Env(
      ApiKey key, String variable, WireProtocol protocol, Endpoint endpoint, String problem) {}

  /**
   * Reads the key, protocol and endpoint from {@code env} as {@code KimiClient.fromEnv()} does: the
   * key from the first of {@link #VARIABLES} set, the protocol from {@code KIMI_PROTOCOL}, the
   * endpoint from {@code KIMI_BASE_URL}, else Kimi Code for {@code KIMI_CODING_API_KEY} and {@code
   * sk-kimi-} keys and the global platform for the rest.
   *
   * @param env the environment
   * @param protocols reads {@code KIMI_PROTOCOL}'s value; it throws if the value is malformed
   * @return what was found, or the problem
   * @throws io.github.kimisdk.errors.ConfigurationException if {@code KIMI_PROTOCOL} or {@code
   *     KIMI_BASE_URL} is malformed
   */
  public static Env fromEnv(Map<String, String> env, Function<String, WireProtocol> protocols) {
    Found found = find(env);
    if (found.problem() != null) {
      return new Env(null, null, null, null, found.problem());
    }
    String key = env.get(found.variable());
    String protocol = env.get("KIMI_PROTOCOL");
    WireProtocol wire = protocol != null && !protocol.isBlank() ? protocols.apply(protocol) : null;
    String base = env.get("KIMI_BASE_URL");
    Endpoint ep;
    if (base != null && !base.isBlank()) {
      ep = Endpoint.of(base);
    } else if (found.variable().equals("KIMI_CODING_API_KEY")
        || key.strip().startsWith("sk-kimi-")) {
      ep = Endpoint.KIMI_CODE;
    } else {
      ep = Endpoint.GLOBAL;
    }
    return new Env(ApiKey.of(key), found.variable(), wire, ep, null);
  }

  /**
   * The endpoint and protocol a client's settings resolve to, or why they are refused.
   *
   * @param endpoint the endpoint, switched to the protocol's surface; null with a problem
   * @param protocol the chat protocol; null with a problem
   * @param problem why the client cannot be built, or null
   */
  public record Resolved(Endpoint endpoint, WireProtocol protocol, String problem) {
    static Resolved refused(String problem) {
      return new Resolved(null, null, problem);
    }
  }

  /**
   * Checks the builder's settings and resolves its endpoint and protocol: a key is set and well
   * formed, fits the endpoint, plain {@code http} goes only to loopback hosts unless allowed, and a
   * caller's {@link HttpClient} neither follows redirects nor is combined with an executor or a
   * connect timeout of the builder's.
   *
   * @param key the API key, or null when none was set
   * @param supplied whether a supplier gives the key of each attempt instead: nothing to check now,
   *     and the endpoint defaults to the global platform
   * @param source {@code "apiKey"} or the variable it came from
   * @param endpoint the endpoint set, or null for the key's default
   * @param protocol the protocol set, or null for the endpoint's
   * @param allowPlainHttp whether plain {@code http} may go to any host
   * @param httpClient the caller's HTTP client, or null
   * @param executorSet whether the builder was given an executor
   * @param timeouts the builder's timeouts
   * @return the endpoint and protocol, or the problem
   */
  public static Resolved resolve(
      String key,
      boolean supplied,
      String source,
      Endpoint endpoint,
      WireProtocol protocol,
      boolean allowPlainHttp,
      HttpClient httpClient,
      boolean executorSet,
      Timeouts timeouts) {
    if (key == null && !supplied) {
      return Resolved.refused(
          "No API key: call apiKey(...) or use KimiClient.fromEnv() with MOONSHOT_API_KEY,"
              + " KIMI_API_KEY or KIMI_CODING_API_KEY set");
    }
    String problem = supplied ? null : problem(key, source);
    if (problem != null) {
      return Resolved.refused(problem);
    }
    Endpoint ep = endpoint;
    if (ep == null) {
      ep = !supplied && key.startsWith("sk-kimi-") ? Endpoint.KIMI_CODE : Endpoint.GLOBAL;
    }
    WireProtocol wire = protocol != null ? protocol : ep.defaultProtocol();
    ep = ep.forProtocol(wire);
    problem = supplied ? null : endpointProblem(key, source, ep);
    if (problem != null) {
      return Resolved.refused(problem);
    }
    String plain = endpointRule(ep, allowPlainHttp);
    if (plain != null) {
      return Resolved.refused(plain);
    }
    if (httpClient != null && httpClient.followRedirects() != HttpClient.Redirect.NEVER) {
      return Resolved.refused(
          "The HttpClient given to httpClient(...) follows redirects ("
              + httpClient.followRedirects()
              + "), and the JDK then sends the Authorization header, and with it the API key,"
              + " to whatever host a redirect names; build it with"
              + " followRedirects(HttpClient.Redirect.NEVER), the JDK's default");
    }
    if (httpClient != null && executorSet) {
      return Resolved.refused(
          "executor(...) cannot be combined with httpClient(...); set the executor on your"
              + " HttpClient");
    }
    if (httpClient != null && !timeouts.connect().equals(Timeouts.defaults().connect())) {
      return Resolved.refused(
          "a connect timeout (Timeouts.withConnect) cannot be combined with httpClient(...); set"
              + " it on your HttpClient");
    }
    return new Resolved(ep, wire, null);
  }

  /**
   * Says what is wrong with sending calls to {@code ep}, or returns null: plain {@code http} is
   * allowed only to loopback hosts unless {@code allowPlainHttp}, so that a key is never sent
   * unencrypted.
   *
   * @param ep the endpoint
   * @param allowPlainHttp whether the caller allowed plain http to any host
   * @return the problem, or null
   */
  public static String endpointRule(Endpoint ep, boolean allowPlainHttp) {
    if (ep.needsPlainHttpAllowed() && !allowPlainHttp) {
      return "Plain http:// is allowed only to loopback hosts (localhost, 127.0.0.1, ::1) so the"
          + " API key is never sent unencrypted; use https:// for "
          + ep.uri().getHost()
          + ", or, for a test setup only, KimiClient.builder().allowPlainHttp(true)";
    }
    return null;
  }

  /**
   * Names the key in a message: {@code "apiKey"} is the builder's, a name without spaces an
   * environment variable's, and a phrase (such as "from the key supplier") follows "The API key".
   */
  private static String what(String source) {
    if (source.equals("apiKey")) {
      return "The API key";
    }
    return source.indexOf(' ') >= 0 ? "The API key " + source : "The API key in " + source;
  }
}
