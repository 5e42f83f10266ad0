package io.github.kimisdk.mcp.internal.rpc;

import java.util.List;

/**
 * What a transport saw when a server refused a request for want of authorization (HTTP 401 or 403):
 * the status, its {@code WWW-Authenticate} values and {@code DPoP-Nonce} (bounded), and the number
 * of the grant the request was sent with (0 for none), so that an authorization can tell a refusal
 * of the grant in use from one of a grant already replaced.
 *
 * @param status 401 or 403
 * @param wwwAuthenticate the {@code WWW-Authenticate} values, as sent
 * @param dpopNonce the {@code DPoP-Nonce}; null when none
 * @param grant the grant the refused request carried
 */
public record Unauthorized(int status, List<String> wwwAuthenticate, String dpopNonce, long grant) {

  /**
   * Copies the values.
   *
   * @param status the status
   * @param wwwAuthenticate the values
   * @param dpopNonce the nonce; may be null
   * @param grant the grant
   */
  public Unauthorized {
    wwwAuthenticate = List.copyOf(wwwAuthenticate);
  }
}
