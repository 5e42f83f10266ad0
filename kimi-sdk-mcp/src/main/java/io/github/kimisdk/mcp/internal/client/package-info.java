/**
 * The MCP client's engine, behind {@code McpClient}: one {@link
 * io.github.kimisdk.mcp.internal.client.Connection} per client, which finds the protocol both sides
 * speak (the handshake), sends each request as the protocol and the server's answers ask
 * (authorized again, at another version, in a new session), keeps the server's tools, calls them,
 * answers the rounds of input a 2026-07-28 result asks for and the server's own requests. Not
 * exported.
 */
package io.github.kimisdk.mcp.internal.client;
