package io.github.kimisdk.mcp;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the {@link McpCredentials} an authorized client obtains, by MCP server (its resource
 * identifier) and authorization server (its issuer): credentials are never used with another
 * authorization server than the one that issued them. {@link #inMemory()} is the default; a store
 * of your own can keep them across restarts (encrypted: they are secrets). Implementations must be
 * thread-safe.
 */
public interface McpTokenStore {

  /**
   * Returns what was saved for an MCP server and an authorization server.
   *
   * @param resource the MCP server's resource identifier, such as {@code
   *     "https://mcp.example.com/mcp"}
   * @param issuer the authorization server's issuer, such as {@code "https://auth.example.com"}
   * @return the credentials, or null when none were saved
   */
  McpCredentials load(String resource, String issuer);

  /**
   * Saves credentials, replacing what was saved for the same pair.
   *
   * @param resource the MCP server's resource identifier
   * @param issuer the authorization server's issuer
   * @param credentials the credentials
   */
  void save(String resource, String issuer, McpCredentials credentials);

  /**
   * Forgets what was saved for the pair (the tokens were refused and cannot be refreshed).
   *
   * @param resource the MCP server's resource identifier
   * @param issuer the authorization server's issuer
   */
  void remove(String resource, String issuer);

  /**
   * Returns a store that keeps credentials in this JVM's memory, gone when it exits.
   *
   * @return a new, empty store
   */
  static McpTokenStore inMemory() {
    return new McpTokenStore() {
      private final ConcurrentHashMap<String, McpCredentials> saved = new ConcurrentHashMap<>();

      private String key(String resource, String issuer) {
        return Objects.requireNonNull(resource, "resource must not be null")
            + "\n"
            + Objects.requireNonNull(issuer, "issuer must not be null");
      }

      @Override
      public McpCredentials load(String resource, String issuer) {
        return saved.get(key(resource, issuer));
      }

      @Override
      public void save(String resource, String issuer, McpCredentials credentials) {
        saved.put(
            key(resource, issuer),
            Objects.requireNonNull(credentials, "credentials must not be null"));
      }

      @Override
      public void remove(String resource, String issuer) {
        saved.remove(key(resource, issuer));
      }

      @Override
      public String toString() {
        return "McpTokenStore.inMemory[" + saved.size() + " saved]";
      }
    };
  }
}
