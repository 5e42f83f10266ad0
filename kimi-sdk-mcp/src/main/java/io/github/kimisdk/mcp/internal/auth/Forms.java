package io.github.kimisdk.mcp.internal.auth;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OAuth's encodings: forms and queries, base64url, the PKCE digest, random values, scope words. */
final class Forms {

  private Forms() {}

  /**
   * The parameters of a query (the first of each name), at most 64; a malformed one is left out.
   */
  static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&", 64)) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.putIfAbsent(
            URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a malformed escape: the parameter is left out
      }
    }
    return out;
  }

  /** The fields as {@code application/x-www-form-urlencoded}. */
  static String form(Map<String, String> fields) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (s.length() > 0) {
        s.append('&');
      }
      s.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
    }
    return s.toString();
  }

  /** {@code Authorization: Basic} of a client id and secret (RFC 6749 2.3.1: each form-encoded). */
  static String basic(String clientId, String clientSecret) {
    String pair = encode(clientId) + ":" + encode(clientSecret);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The words of a space-separated list (a scope), at most 256. */
  static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    if (s != null) {
      for (String w : s.trim().split("\\s+")) {
        if (!w.isEmpty() && out.size() < 256) {
          out.add(w);
        }
      }
    }
    return out;
  }

  /** {@code bytes} random bytes, base64url-encoded. */
  static String randomText(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return base64Url(b);
  }

  static String base64Url(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
