package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.mcp.McpTokenStore;
import io.github.kimisdk.mcp.McpUserAgent;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.function.Function;

/**
 * How a client authorizes itself, as {@code McpAuthorization} holds it (its factories and builder
 * check every value): the grant, who the client is, where its tokens are kept, and the bounds.
 *
 * @param grant the grant
 * @param userAgent the person's part, for the authorization-code grant; null otherwise
 * @param clientId a pre-registered client id, or the client credentials' or JWT bearer's; null when
 *     the client is to be identified otherwise
 * @param clientSecret the client secret; null for none
 * @param signingKey the key of {@code private_key_jwt}; null for none
 * @param assertion gives the JWT bearer grant's assertion for an issuer; null for other grants
 * @param issuer the authorization server the credentials belong to; null for the first one used
 * @param clientMetadataDocument the URL of the client's ID metadata document; null for none
 * @param dynamicRegistration whether the client may register itself
 * @param clientName the client's name in a registration
 * @param tokenStore keeps registrations and tokens
 * @param timeout bounds each exchange with an authorization server
 * @param userTimeout bounds the person's part
 * @param allowPrivateAddresses whether a server may name private and loopback addresses although
 *     the MCP server is not on one (development)
 * @param dpop true to bind every token to the client's key (DPoP), false never, null as the server
 *     asks
 * @param dpopKey the key tokens are bound to, one per {@code McpAuthorization}
 * @param identityProvider the enterprise's identity provider, for an enterprise-managed
 *     authorization; null otherwise
 */
public record AuthSettings(
    GrantType grant,
    McpUserAgent userAgent,
    String clientId,
    String clientSecret,
    PrivateKey signingKey,
    Function<String, String> assertion,
    String issuer,
    String clientMetadataDocument,
    boolean dynamicRegistration,
    String clientName,
    McpTokenStore tokenStore,
    Duration timeout,
    Duration userTimeout,
    boolean allowPrivateAddresses,
    Boolean dpop,
    DpopKey dpopKey,
    IdentityProvider identityProvider) {

  /** Returns the grant and the client's identity, never a secret or key. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("McpAuthorization[");
    s.append(grant.label());
    if (clientId != null) {
      s.append(", client ").append(clientId);
    } else if (clientMetadataDocument != null) {
      s.append(", client ").append(clientMetadataDocument);
    }
    if (issuer != null) {
      s.append(", issuer ").append(issuer);
    }
    if (identityProvider != null) {
      s.append(", identity provider ").append(identityProvider.tokenEndpoint());
    }
    return s.append(']').toString();
  }
}
