/**
 * kimi-sdk-mcp: a Model Context Protocol client ({@link io.github.kimisdk.mcp}), and the adapters
 * that offer an MCP server's tools to Kimi and answer its requests for completions with Kimi
 * ({@link io.github.kimisdk.mcp.kimi}). Start with {@link io.github.kimisdk.mcp.McpClient}. {@code
 * jdk.httpserver} is an optional ({@code static}) dependency: {@link
 * io.github.kimisdk.mcp.McpUserAgent#loopback} uses it to receive an authorization's redirect on a
 * loopback port; without it, everything else works.
 */
module io.github.kimisdk.mcp {
  requires transitive io.github.kimisdk;
  requires static jdk.httpserver;

  exports io.github.kimisdk.mcp;
  exports io.github.kimisdk.mcp.kimi;
}
