package io.github.kimisdk.internal.client;

import io.github.kimisdk.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the client builder checks about an API key, before any round trip: its form, that it fits
 * the endpoint, and where {@code fromEnv} finds it. Each check returns why the key is refused, or
 * null; the builder throws.
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
   * isolation"), or null: a Kimi Code key ({@code sk-kimi-}) on the open platform's hosts, an open
   * platform key ({@code sk-} but not {@code sk-kimi-}) on Kimi Code's. Other keys (a proxy's, an
   * OAuth token) and other hosts are left to the server.
   *
   * @param key the key
   * @param source {@code "apiKey"} or the variable it came from
   * @param ep the endpoint
   * @return the problem, or null
   */
  public static String endpointProblem(String key, String source, Endpoint ep) {
    String what = what(source);
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
      return what
          + " is an open platform key (sk- without kimi-), which Kimi Code ("
          + ep.baseUrl()
          + ") rejects with 401. Use it with Endpoint.GLOBAL (platform.kimi.ai keys) or"
          + " Endpoint.CHINA (platform.kimi.com keys), or use a Kimi Code key (sk-kimi-, from"
          + " kimi.com/code/console)";
    }
    return null;
  }

  private static String what(String source) {
    return source.equals("apiKey") ? "The API key" : "The API key in " + source;
  }
}
