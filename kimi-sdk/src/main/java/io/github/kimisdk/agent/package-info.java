/**
 * The loops above the client: {@link io.github.kimisdk.agent.ToolRunner} calls the model, runs the
 * tools it asks for and sends the results back; Kimi's official tools (formulas, Kimi Code search
 * and fetch) and tools from elsewhere ({@link io.github.kimisdk.agent.ToolRunner.ToolSource}, such
 * as an MCP server's through {@code kimi-sdk-mcp}) join the local ones.
 */
package io.github.kimisdk.agent;
