/**
 * The loops above the client: {@link io.github.kimisdk.agent.ToolRunner} calls the model, runs the
 * tools it asks for and sends the results back; Kimi's official tools (formulas, Kimi Code search
 * and fetch) and the tools of MCP servers ({@link io.github.kimisdk.agent.McpToolset}) join the
 * local ones.
 */
package io.github.kimisdk.agent;
