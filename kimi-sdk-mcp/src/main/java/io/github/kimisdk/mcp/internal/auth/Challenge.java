package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The challenge step: what a server's 401 or 403 asks for, read from its {@code WWW-Authenticate}
 * (RFC 9110 11.6.1, RFC 6750 3, RFC 9728 5.1, RFC 9449 7.1): the scopes it names, whether it
 * refuses for want of scope, where its protected resource metadata is, and whether it takes
 * DPoP-bound tokens (or asks for a fresh DPoP nonce).
 *
 * @param status 401 or 403
 * @param parameters the parameters of the first {@code Bearer} (else {@code DPoP}) challenge
 * @param grant the grant the refused request carried (0 for none)
 * @param schemes the parameters of the first challenge of each scheme, by lower-cased scheme
 * @param dpopNonce the server's {@code DPoP-Nonce}; null when none
 */
record Challenge(
    int status,
    Map<String, String> parameters,
    long grant,
    Map<String, Map<String, String>> schemes,
    String dpopNonce) {

  /** Reads what a transport saw. */
  static Challenge read(Unauthorized refusal) {
    Map<String, Map<String, String>> schemes = challenges(refusal.wwwAuthenticate());
    return new Challenge(
        refusal.status(), preferred(schemes), refusal.grant(), schemes, refusal.dpopNonce());
  }

  /** Whether the server offers the authentication scheme {@code scheme} (lower case). */
  boolean offers(String scheme) {
    return schemes.containsKey(scheme);
  }

  /**
   * Whether the server refuses a DPoP proof for want of its fresh nonce, and gave one (RFC 9449 9).
   */
  boolean dpopNonceAsked() {
    Map<String, String> dpop = schemes.get("dpop");
    return dpopNonce != null && dpop != null && "use_dpop_nonce".equals(dpop.get("error"));
  }

  /** Whether the server refuses for want of scope: a 403, or {@code insufficient_scope}. */
  boolean insufficientScope() {
    return status == 403 || "insufficient_scope".equals(parameters.get("error"));
  }

  /** The scopes the challenge names; empty when none. */
  List<String> scopes() {
    return Forms.words(parameters.get("scope"));
  }

  /** The URL of the protected resource metadata the challenge names, or null. */
  String resourceMetadata() {
    return parameters.get("resource_metadata");
  }

  /**
   * The parameters of the first {@code Bearer} (else {@code DPoP}) challenge of {@code
   * WWW-Authenticate} values (RFC 9110 11.6.1): names lower-cased, quoted values unquoted.
   */
  static Map<String, String> parameters(List<String> values) {
    return preferred(challenges(values));
  }

  private static Map<String, String> preferred(Map<String, Map<String, String>> schemes) {
    Map<String, String> bearer = schemes.get("bearer");
    Map<String, String> dpop = schemes.get("dpop");
    return bearer != null ? bearer : dpop != null ? dpop : Map.of();
  }

  /** The parameters of the first challenge of each scheme, by lower-cased scheme (at most 16). */
  static Map<String, Map<String, String>> challenges(List<String> values) {
    Map<String, Map<String, String>> schemes = new LinkedHashMap<>();
    for (String v : values) {
      Map<String, String> params = null;
      int i = 0;
      int n = v.length();
      while (i < n) {
        while (i < n && (v.charAt(i) == ' ' || v.charAt(i) == ',' || v.charAt(i) == '\t')) {
          i++;
        }
        int start = i;
        while (i < n && tchar(v.charAt(i))) {
          i++;
        }
        if (start == i) {
          i++; // a stray character: skipped
          continue;
        }
        String token = v.substring(start, i);
        int j = i;
        while (j < n && (v.charAt(j) == ' ' || v.charAt(j) == '\t')) {
          j++;
        }
        if (j < n
            && v.charAt(j) == '='
            && params != null
            && (j + 1 >= n || v.charAt(j + 1) != '=')) {
          // name = value
          j++;
          while (j < n && (v.charAt(j) == ' ' || v.charAt(j) == '\t')) {
            j++;
          }
          StringBuilder value = new StringBuilder();
          if (j < n && v.charAt(j) == '"') {
            j++;
            while (j < n && v.charAt(j) != '"') {
              if (v.charAt(j) == '\\' && j + 1 < n) {
                j++;
              }
              value.append(v.charAt(j++));
            }
            j++;
          } else {
            while (j < n && v.charAt(j) != ',' && v.charAt(j) != ' ') {
              value.append(v.charAt(j++));
            }
          }
          params.putIfAbsent(token.toLowerCase(Locale.ROOT), value.toString());
          i = j;
        } else if (j < n && v.charAt(j) == '=' && params != null) {
          // a token68 (base64 with padding): not a parameter
          while (j < n && v.charAt(j) != ',') {
            j++;
          }
          i = j;
        } else {
          // a new challenge's scheme; a scheme seen before keeps its first challenge
          String scheme = token.toLowerCase(Locale.ROOT);
          params = new LinkedHashMap<>();
          if (schemes.size() < 16) {
            schemes.putIfAbsent(scheme, params);
          }
          i = j;
        }
      }
    }
    return schemes;
  }

  private static boolean tchar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
