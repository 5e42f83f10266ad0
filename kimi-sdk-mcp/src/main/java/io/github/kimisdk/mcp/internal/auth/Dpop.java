package io.github.kimisdk.mcp.internal.auth;

/**
 * The DPoP step (RFC 9449, the MCP extension SEP-1932): where proofs of possession are to be made
 * for the token and resource requests, the server's {@code DPoP-Nonce} answered, and tokens bound
 * to the client's key. The client does not speak DPoP yet: a server that requires it refuses the
 * client's Bearer token, and the call fails with {@code McpException.Kind.AUTHORIZATION}. The nonce
 * a server sends is already carried to this package ({@code Unauthorized.dpopNonce}).
 */
final class Dpop {

  private Dpop() {}
}
