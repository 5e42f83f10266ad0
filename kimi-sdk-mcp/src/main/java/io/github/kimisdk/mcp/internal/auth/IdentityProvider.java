package io.github.kimisdk.mcp.internal.auth;

import java.net.URI;
import java.util.function.Supplier;

/**
 * The enterprise identity provider of an enterprise-managed authorization (SEP-990), as {@code
 * McpAuthorization} holds it: where it exchanges an identity assertion, who the client is there,
 * and the person's identity assertion (an OpenID Connect ID token from single sign-on).
 *
 * @param tokenEndpoint the provider's token endpoint ({@code https}, or {@code http} on loopback)
 * @param clientId the client's id at the provider; null to send none
 * @param clientSecret the client's secret there; null for none
 * @param idToken gives the person's ID token, asked each time an assertion is exchanged
 */
public record IdentityProvider(
    URI tokenEndpoint, String clientId, String clientSecret, Supplier<String> idToken) {

  /** Returns the token endpoint and the client id, never a secret or token. */
  @Override
  public String toString() {
    return "IdentityProvider["
        + tokenEndpoint
        + (clientId == null ? "" : ", client " + clientId)
        + "]";
  }
}
