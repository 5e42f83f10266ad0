/**
 * Model Context Protocol: {@link io.github.kimisdk.mcp.McpClient} connects to an MCP server over
 * stdio or Streamable HTTP, lists its tools and calls them, in MCP's own terms. It knows nothing of
 * Kimi's tool declarations: {@code io.github.kimisdk.agent.McpToolset} turns a server's tools into
 * tools Kimi accepts, and {@code ToolRunner} offers them to the model. Failures are {@link
 * io.github.kimisdk.errors.McpException}s.
 */
package io.github.kimisdk.mcp;
