package io.github.kimisdk.mcp;

import io.github.kimisdk.base.text.RecordText;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Holds what a client obtained from one authorization server for one MCP server: its registration
 * (the client id, and the secret and token-endpoint authentication method the server gave it) and
 * its tokens. An {@link McpTokenStore} keeps them; {@link #toString()} never shows a secret or a
 * token.
 *
 * @param clientId the client id: one the server issued, a pre-registered one, or the URL of a
 *     client ID metadata document
 * @param clientSecret the client secret; null for a public client
 * @param authMethod how the client authenticates at the token endpoint: {@code
 *     "client_secret_basic"}, {@code "client_secret_post"}, {@code "private_key_jwt"} or {@code
 *     "none"}
 * @param accessToken the access token; null before one was issued
 * @param refreshToken the refresh token; null when none was issued
 * @param expiresAt when the access token expires; null when unknown
 * @param scopes the scopes the access token was issued for (as the server said, else as requested);
 *     empty when none
 */
public record McpCredentials(
    String clientId,
    String clientSecret,
    String authMethod,
    String accessToken,
    String refreshToken,
    Instant expiresAt,
    List<String> scopes) {

  /**
   * Validates the components and copies the scopes.
   *
   * @param clientId the client id
   * @param clientSecret the client secret; may be null
   * @param authMethod the token-endpoint authentication method
   * @param accessToken the access token; may be null
   * @param refreshToken the refresh token; may be null
   * @param expiresAt when the access token expires; may be null
   * @param scopes the scopes
   * @throws NullPointerException if {@code clientId}, {@code authMethod}, {@code scopes} or a scope
   *     is null
   */
  public McpCredentials {
    Objects.requireNonNull(clientId, "clientId must not be null");
    Objects.requireNonNull(authMethod, "authMethod must not be null");
    scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes must not be null"));
  }

  /**
   * Returns the client id, the authentication method, when the token expires and its scopes; says
   * whether a secret and tokens are held, never what they are.
   */
  @Override
  public String toString() {
    return RecordText.of("McpCredentials")
        .add("clientId", clientId)
        .add("authMethod", authMethod)
        .flag("clientSecret", clientSecret != null)
        .flag("accessToken", accessToken != null)
        .flag("refreshToken", refreshToken != null)
        .add("expiresAt", expiresAt)
        .add("scopes", scopes.isEmpty() ? null : scopes)
        .toString();
  }
}
