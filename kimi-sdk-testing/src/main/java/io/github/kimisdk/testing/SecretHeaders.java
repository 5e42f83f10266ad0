package io.github.kimisdk.testing;

import java.util.Locale;

/**
 * Which request headers hold a secret, and so are never shown or recorded with their value: {@code
 * Authorization}, and any header whose name says key, token, secret, auth, cookie, password or
 * credential ({@code x-api-key}, {@code api-key}, {@code x-auth-token}, {@code Cookie}, ...). The
 * fake's {@code --verbose} lines and its recordings show such a header as its name, the scheme of
 * an {@code Authorization} value, and a mark in place of the rest.
 */
final class SecretHeaders {

  private static final String[] WORDS = {
    "key", "token", "secret", "auth", "cookie", "password", "credential"
  };

  private SecretHeaders() {}

  /** Whether a header of this name holds a secret. */
  static boolean named(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String w : WORDS) {
      if (n.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What is shown of a secret header's {@code value}: {@code mark}, after the value's scheme when
   * it has one of the usual ones ({@code Bearer }, {@code Basic }), so a reader sees how the key
   * was sent.
   */
  static String shown(String value, String mark) {
    for (String scheme : new String[] {"Bearer ", "Basic "}) {
      if (value.regionMatches(true, 0, scheme, 0, scheme.length())) {
        return value.substring(0, scheme.length()) + mark;
      }
    }
    return mark;
  }
}
