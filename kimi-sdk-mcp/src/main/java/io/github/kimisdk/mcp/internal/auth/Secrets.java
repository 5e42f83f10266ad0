package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.mcp.McpCredentials;
import io.github.kimisdk.mcp.McpException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret one authorization has seen (tokens, client secrets, codes, verifiers, assertions),
 * so that no text it puts into a message holds one: {@link #fail} blanks them in its detail.
 * Thread-safe.
 */
final class Secrets {

  private static final int MAX_KEPT = 1024;

  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

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

  /** Blanks every secret this authorization has seen in {@code text}. */
  String safe(String text) {
    String s = text;
    for (String secret : secrets) {
      if (s.contains(secret)) {
        s = s.replace(secret, "[redacted]");
      }
    }
    return s;
  }

  /** An {@link McpException.Kind#AUTHORIZATION} failure, its detail without a secret. */
  McpException fail(String server, String detail, Throwable cause) {
    return new McpException(server, McpException.Kind.AUTHORIZATION, safe(detail), cause);
  }
}
