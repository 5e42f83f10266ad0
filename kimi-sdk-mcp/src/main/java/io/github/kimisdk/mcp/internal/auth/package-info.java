/**
 * OAuth for an HTTP MCP server, as the MCP specification's authorization section describes, in
 * named steps: {@code Challenge} (what a 401 or 403 asks for), {@code Discovery} (protected
 * resource metadata, then the authorization server's metadata), {@code Registration} (who the
 * client is there), {@code Grant} (authorization code with PKCE, client credentials, JWT bearer),
 * {@code TokenEndpoint} (token requests, refresh, client authentication) and {@code Dpop} (proofs
 * of possession); {@link io.github.kimisdk.mcp.internal.auth.Authorizer} runs them in order and
 * puts the token on every request. Also the library's user agents (a loopback listener, a headless
 * redirect). Not exported.
 */
package io.github.kimisdk.mcp.internal.auth;
