package io.github.kimisdk.mcp.internal.auth;

/** The grant a client uses to obtain its tokens. */
public enum GrantType {
  /** On behalf of a person, who approves in a browser (with PKCE). */
  AUTHORIZATION_CODE,
  /** On the program's own behalf, with a client secret or a signed assertion. */
  CLIENT_CREDENTIALS,
  /** On the program's own behalf, with an assertion its platform issued (RFC 7523). */
  JWT_BEARER,
  /**
   * On behalf of a person signed in to the enterprise (SEP-990): their ID token exchanged at the
   * identity provider for a grant (RFC 8693), presented as a JWT bearer grant (RFC 7523).
   */
  IDENTITY_ASSERTION;

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
      case IDENTITY_ASSERTION:
        return "enterprise-managed";
      default:
        return "JWT bearer";
    }
  }
}
