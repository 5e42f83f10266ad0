/**
 * kimi-sdk-mcp: a Model Context Protocol client ({@link io.github.kimisdk.mcp}), and the adapters
 * that offer an MCP server's tools to Kimi and answer its requests for completions with Kimi
 * ({@link io.github.kimisdk.mcp.kimi}). Start with {@link io.github.kimisdk.mcp.McpClient}. It
 * needs nothing but {@code io.github.kimisdk} (and so {@code java.net.http}).
 */
module io.github.kimisdk.mcp {
  requires transitive io.github.kimisdk;

  exports io.github.kimisdk.mcp;
  exports io.github.kimisdk.mcp.kimi;
}
