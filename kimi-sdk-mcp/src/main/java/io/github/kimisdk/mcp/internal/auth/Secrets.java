package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.mcp.McpCredentials;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.internal.rpc.Failures;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret one authorization has seen (tokens, client secrets, codes, verifiers, assertions),
 * so that no text it puts into a message holds one: {@link #fail} blanks them in its detail, and
 * the authorization's failures are made here. Thread-safe.
 */
final class Secrets {

  private static final int MAX_KEPT = 1024;

  private final Failures<McpException> failures;
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private volatile String jwtHeader;

  /**
   * Creates the secrets of one authorization.
   *
   * @param failures makes its failures
   */
  Secrets(Failures<McpException> failures) {
    this.failures = failures;
  }

  /** Remembers {@code secret} (one of four characters or more), to blank it wherever it appears. */
  void remember(String secret) {
    if (secret != null && secret.length() >= 4 && secrets.size() < MAX_KEPT) {
      secrets.add(secret);
    }
  }

  /** Remembers the secret and tokens of {@code c}. */
  void rememberAll(McpCredentials c) {
    remember(c.clientSecret());
    remember(c.accessToken());
    remember(c.refreshToken());
  }

  /**
   * Remembers that every JWT that begins with {@code segment} (the header of the client's DPoP
   * proofs, made anew for every request) is a secret: each is blanked where it appears.
   */
  void rememberJwtsStartingWith(String segment) {
    jwtHeader = segment;
  }

  /** Blanks every secret this authorization has seen in {@code text}. */
  String safe(String text) {
    String s = text;
    for (String secret : secrets) {
      if (s.contains(secret)) {
        s = s.replace(secret, "[redacted]");
      }
    }
    String header = jwtHeader;
    return header == null || !s.contains(header) ? s : blankJwts(s, header);
  }

  /** {@code s} with every JWT that begins with {@code header} blanked, in one pass. */
  private static String blankJwts(String s, String header) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    for (int at = s.indexOf(header); at >= 0; at = s.indexOf(header, i)) {
      out.append(s, i, at).append("[redacted]");
      i = at + header.length();
      while (i < s.length() && jwtChar(s.charAt(i))) {
        i++;
      }
    }
    return out.append(s, i, s.length()).toString();
  }

  private static boolean jwtChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.';
  }

  /** An {@link McpException.Kind#AUTHORIZATION} failure, its detail without a secret. */
  McpException fail(String server, String detail, Throwable cause) {
    return failures.authorization(server, safe(detail), cause);
  }

  /** An interrupt while authorizing: a {@link McpException.Kind#CLOSED} failure. */
  McpException interrupted(String server, String detail) {
    return failures.closed(server, detail, null);
  }
}
