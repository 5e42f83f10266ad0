/**
 * Model Context Protocol, the artifact {@code kimi-sdk-mcp}: {@link
 * io.github.kimisdk.mcp.McpClient} connects to an MCP server over stdio or Streamable HTTP, lists
 * its tools and calls them, in MCP's own terms, and knows nothing of Kimi. {@link
 * io.github.kimisdk.mcp.McpToolset} turns a server's tools into declarations Kimi accepts, and a
 * {@link io.github.kimisdk.agent.ToolRunner} offers them to the model beside its own tools.
 * Failures are {@link io.github.kimisdk.mcp.McpException}s.
 */
package io.github.kimisdk.mcp;
