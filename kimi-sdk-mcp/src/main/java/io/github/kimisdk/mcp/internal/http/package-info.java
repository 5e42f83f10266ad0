/**
 * The Streamable HTTP transport: each message POSTed, answered with JSON or an event stream, the
 * session and protocol headers, resumption with {@code Last-Event-ID}, the listening stream, and
 * the 2026-07-28 headers that carry a request's values ({@code Mcp-Name}, {@code Mcp-Param-*}). Not
 * exported.
 */
package io.github.kimisdk.mcp.internal.http;
