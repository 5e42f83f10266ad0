/**
 * JSON-RPC 2.0 over a transport ({@link io.github.kimisdk.mcp.internal.rpc.Rpc}, {@link
 * io.github.kimisdk.mcp.internal.rpc.Transport}): numbered requests, bounded in number and time,
 * answers matched by id, what the server sends unasked handed on; and how the client reads what a
 * server sends (its JSON's members, its texts where they enter a message, a tool result as text).
 * Not exported.
 */
package io.github.kimisdk.mcp.internal.rpc;
