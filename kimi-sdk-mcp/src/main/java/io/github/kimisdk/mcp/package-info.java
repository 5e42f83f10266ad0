/**
 * Model Context Protocol, the artifact {@code kimi-sdk-mcp}: {@link
 * io.github.kimisdk.mcp.McpClient} connects to an MCP server over stdio or Streamable HTTP, lists
 * its tools and calls them, answers the server's requests ({@link
 * io.github.kimisdk.mcp.McpSampling}, {@link io.github.kimisdk.mcp.McpElicitation}, {@link
 * io.github.kimisdk.mcp.McpRoot}) and authorizes itself where a server asks ({@link
 * io.github.kimisdk.mcp.McpAuthorization}), in MCP's own terms: it knows nothing of Kimi. Failures
 * are {@link io.github.kimisdk.mcp.McpException}s. The Kimi adapters ({@code McpToolset}, which
 * offers a server's tools to Kimi, and {@code KimiSampling}, which answers a server's requests for
 * completions with Kimi) are in {@link io.github.kimisdk.mcp.kimi}. The transports and the
 * authorization's steps are not exported.
 */
package io.github.kimisdk.mcp;
