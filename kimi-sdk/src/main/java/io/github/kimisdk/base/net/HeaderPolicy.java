package io.github.kimisdk.base.net;

import java.util.Locale;
import java.util.Set;

/**
 * The one header policy: which headers a client ({@code KimiClient.Builder.header}) and a call
 * ({@code RequestOptions.Builder.header}) may set, and what a header name and value must look like.
 * The key's headers are the key's; the framing headers are the HTTP client's. Each check returns
 * why a header is refused, or null; the caller throws.
 */
public final class HeaderPolicy {

  /** Headers that carry the key: set from {@code apiKey(...)} only. */
  private static final Set<String> KEY = Set.of("authorization", "x-api-key");

  /** Headers the client (or the JDK's HTTP client) writes itself. */
  private static final Set<String> MANAGED =
      Set.of("content-length", "host", "connection", "expect", "upgrade", "content-type");

  private HeaderPolicy() {}

  /**
   * Returns why {@code name: value} cannot be added, or null when it can.
   *
   * @param name the header name
   * @param value the value
   * @param perCall true for a call's header ({@code RequestOptions}), false for the client's
   * @return the problem, naming the header and the fix, or null
   */
  public static String problem(String name, String value, boolean perCall) {
    if (name.isEmpty() || !name.chars().allMatch(HeaderPolicy::isTokenChar)) {
      return "Header name '" + name + "' is not a valid HTTP token";
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (KEY.contains(lower)) {
      return "The key is set with KimiClient.builder().apiKey(...); the "
          + name
          + " header cannot be set "
          + (perCall ? "per call" : "directly");
    }
    if (MANAGED.contains(lower)) {
      return "Header '" + name + "' is managed by the client";
    }
    return valueProblem("Header '" + name + "'", value);
  }

  /**
   * Returns why {@code value} cannot go into a header or a query parameter (CR, LF or another
   * control character), or null.
   *
   * @param what names the header or parameter, for the message
   * @param value the value
   * @return the problem, or null
   */
  public static String valueProblem(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') {
        return what + " contains CR or LF, which could inject headers; remove it";
      }
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return what + " contains a control character at index " + i;
      }
    }
    return null;
  }

  private static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }
}
