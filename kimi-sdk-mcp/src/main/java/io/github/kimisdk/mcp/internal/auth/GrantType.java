package io.github.kimisdk.mcp.internal.auth;

/** The grant a client uses to obtain its tokens. */
public enum GrantType {
  /** On behalf of a person, who approves in a browser (with PKCE). */
  AUTHORIZATION_CODE,
  /** On the program's own behalf, with a client secret or a signed assertion. */
  CLIENT_CREDENTIALS,
  /** On the program's own behalf, with an assertion its platform issued (RFC 7523). */
  JWT_BEARER;

  /**
   * Returns the grant's name in messages.
   *
   * @return such as {@code "authorization code"}
   */
  public String label() {
    switch (this) {
      case AUTHORIZATION_CODE:
        return "authorization code";
      case CLIENT_CREDENTIALS:
        return "client credentials";
      default:
        return "JWT bearer";
    }
  }
}
