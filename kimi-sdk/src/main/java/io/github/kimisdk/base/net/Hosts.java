package io.github.kimisdk.base.net;

import java.util.Locale;

/**
 * The one loopback rule, shared by the core's {@code Endpoint} and the MCP client: a host is
 * loopback when it is {@code localhost}, an IPv4 literal in {@code 127.0.0.0/8} (four decimal
 * groups, each 0 to 255) or the IPv6 literal {@code ::1} (in any of its spellings); never a name
 * that merely starts with {@code 127.}, a subdomain of {@code localhost}, or an IPv4 address mapped
 * into IPv6. No name is resolved: the rule reads the text. Also the IP literal parsers the rule
 * stands on, for the checks that classify an address.
 */
public final class Hosts {

  private static final byte[] IPV6_LOOPBACK = new byte[16];

  static {
    IPV6_LOOPBACK[15] = 1;
  }

  private Hosts() {}

  /**
   * Tells whether {@code host} is loopback by the one rule.
   *
   * @param host a host as {@link java.net.URI#getHost()} gives it (an IPv6 literal in brackets or
   *     not); null is not loopback
   * @return true for {@code localhost}, {@code 127.x.y.z} and {@code ::1}
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    byte[] v4 = ipv4(host);
    if (v4 != null) {
      return v4[0] == 127;
    }
    byte[] v6 = ipv6(host);
    return v6 != null && java.util.Arrays.equals(v6, IPV6_LOOPBACK);
  }

  /**
   * Returns the address of an IP literal: 4 bytes for IPv4 (four decimal groups of 1 to 3 digits,
   * each 0 to 255), 16 for IPv6 (in brackets or not, without a zone); null for anything else, a
   * name included.
   *
   * @param host the host
   * @return the address, or null
   */
  public static byte[] ipLiteral(String host) {
    if (host == null) {
      return null;
    }
    byte[] v4 = ipv4(host);
    return v4 != null ? v4 : ipv6(host);
  }

  /** The four bytes of a strict dotted-quad IPv4 literal, or null. */
  static byte[] ipv4(String s) {
    byte[] out = new byte[4];
    int i = 0;
    for (int group = 0; group < 4; group++) {
      if (group > 0) {
        if (i == s.length() || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
      int start = i;
      int value = 0;
      while (i < s.length() && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      if (i == start || value > 255) {
        return null;
      }
      out[group] = (byte) value;
    }
    return i == s.length() ? out : null;
  }

  /**
   * The sixteen bytes of an IPv6 literal (RFC 4291 2.2: groups of 1 to 4 hex digits, one {@code ::}
   * at most, a dotted IPv4 tail), in brackets or not; null for anything else (a zone, a name).
   */
  static byte[] ipv6(String host) {
    String s = host;
    if (s.startsWith("[") && s.endsWith("]") && s.length() > 2) {
      s = s.substring(1, s.length() - 1);
    }
    if (s.indexOf(':') < 0) {
      return null;
    }
    s = s.toLowerCase(Locale.ROOT);
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    int[] head = new int[8];
    int[] tail = new int[8];
    int heads;
    int tails = 0;
    byte[] v4 = null;
    if (gap < 0) {
      heads = groups(s, head, true);
      if (heads < 0) {
        return null;
      }
    } else {
      heads = gap == 0 ? 0 : groups(s.substring(0, gap), head, false);
      String rest = s.substring(gap + 2);
      tails = rest.isEmpty() ? 0 : groups(rest, tail, true);
      if (heads < 0 || tails < 0) {
        return null;
      }
    }
    // a dotted IPv4 tail counts as two groups, marked by a negative count's complement
    int[] last = gap < 0 ? head : tail;
    int lastCount = gap < 0 ? heads : tails;
    if (lastCount > 0 && last[lastCount - 1] == V4) {
      String t = s.substring(s.lastIndexOf(':') + 1);
      v4 = ipv4(t);
      if (v4 == null) {
        return null;
      }
      last[lastCount - 1] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
      last[lastCount] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
      if (gap < 0) {
        heads++;
      } else {
        tails++;
      }
    }
    int total = heads + tails;
    if (gap < 0 ? total != 8 : total > 7) {
      return null;
    }
    byte[] out = new byte[16];
    for (int g = 0; g < heads; g++) {
      out[2 * g] = (byte) (head[g] >> 8);
      out[2 * g + 1] = (byte) head[g];
    }
    for (int g = 0; g < tails; g++) {
      int at = 8 - tails + g;
      out[2 * at] = (byte) (tail[g] >> 8);
      out[2 * at + 1] = (byte) tail[g];
    }
    return out;
  }

  /** Marks a group that is a dotted IPv4 tail. */
  private static final int V4 = -1;

  /**
   * Reads the colon-separated groups of {@code s} into {@code out}: each 1 to 4 hex digits; the
   * last may be a dotted IPv4 address when {@code last} (marked {@link #V4}). Returns how many, or
   * -1.
   */
  private static int groups(String s, int[] out, boolean last) {
    int n = 0;
    int i = 0;
    while (true) {
      if (n == 8) {
        return -1;
      }
      int start = i;
      int value = 0;
      while (i < s.length() && i - start < 5 && hex(s.charAt(i)) >= 0) {
        value = value * 16 + hex(s.charAt(i));
        i++;
      }
      if (last && i < s.length() && s.charAt(i) == '.' && n <= 6) {
        if (s.indexOf(':', start) >= 0) {
          return -1;
        }
        out[n] = V4;
        return n + 1; // the caller parses the dotted tail
      }
      if (i == start || i - start > 4) {
        return -1;
      }
      out[n++] = value;
      if (i == s.length()) {
        return n;
      }
      if (s.charAt(i) != ':') {
        return -1;
      }
      i++;
      if (i == s.length()) {
        return -1; // a trailing single colon
      }
    }
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}
