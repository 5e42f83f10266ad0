/**
 * kimi-sdk-mcp: a Model Context Protocol client, and the toolset that offers an MCP server's tools
 * to Kimi. Start with {@link io.github.kimisdk.mcp.McpClient}.
 */
module io.github.kimisdk.mcp {
  requires transitive io.github.kimisdk;

  exports io.github.kimisdk.mcp;
}
