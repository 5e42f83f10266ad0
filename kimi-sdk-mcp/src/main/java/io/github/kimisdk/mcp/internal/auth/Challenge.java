package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The challenge step: what a server's 401 or 403 asks for, read from its {@code WWW-Authenticate}
 * (RFC 9110 11.6.1, RFC 6750 3, RFC 9728 5.1): the scopes it names, whether it refuses for want of
 * scope, and where its protected resource metadata is.
 *
 * @param status 401 or 403
 * @param parameters the parameters of the first {@code Bearer} (else {@code DPoP}) challenge
 * @param grant the grant the refused request carried (0 for none)
 */
record Challenge(int status, Map<String, String> parameters, long grant) {

  /** Reads what a transport saw. */
  static Challenge read(Unauthorized refusal) {
    return new Challenge(refusal.status(), parameters(refusal.wwwAuthenticate()), refusal.grant());
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
    Map<String, String> bearer = null;
    Map<String, String> other = null;
    for (String v : values) {
      String scheme = null;
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
          // a new challenge's scheme
          scheme = token.toLowerCase(Locale.ROOT);
          params = new LinkedHashMap<>();
          if (scheme.equals("bearer") && bearer == null) {
            bearer = params;
          } else if (scheme.equals("dpop") && other == null) {
            other = params;
          }
          i = j;
        }
      }
    }
    return bearer != null ? bearer : other != null ? other : Map.of();
  }

  private static boolean tchar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
