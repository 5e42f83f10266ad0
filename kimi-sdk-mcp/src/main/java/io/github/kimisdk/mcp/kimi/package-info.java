/**
 * The Kimi adapters of {@code kimi-sdk-mcp}: {@link io.github.kimisdk.mcp.kimi.McpToolset} offers
 * an MCP server's tools to Kimi (names and schemas Kimi accepts, calls routed back to the server)
 * as a {@link io.github.kimisdk.tool.ToolSource} (which an agent of {@code kimi-sdk-agents} takes),
 * and {@link io.github.kimisdk.mcp.kimi.KimiSampling} answers a server's requests for completions
 * with Kimi. They use the MCP client's public API ({@link io.github.kimisdk.mcp}) and the core's
 * client; the MCP client knows nothing of them.
 */
package io.github.kimisdk.mcp.kimi;
