/**
 * Model Context Protocol: {@link io.github.kimisdk.mcp.McpClient} connects to an MCP server over
 * stdio or Streamable HTTP and offers its tools to Kimi, for example through {@link
 * io.github.kimisdk.tool.ToolRunner.Builder#mcp(McpClient)}. Failures are {@link
 * io.github.kimisdk.McpException}s.
 */
package io.github.kimisdk.mcp;
