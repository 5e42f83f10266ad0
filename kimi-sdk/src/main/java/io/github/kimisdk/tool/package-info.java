/**
 * Tools the model may call: {@link io.github.kimisdk.tool.Tool} declarations sent with a request,
 * the {@link io.github.kimisdk.tool.ToolCall}s the model answers with, and the {@link
 * io.github.kimisdk.tool.ToolChoice} that steers it; {@link io.github.kimisdk.tool.JsonSchema}
 * builds and checks parameter schemas Kimi accepts; a {@link io.github.kimisdk.tool.ToolSource}
 * gives tools found at run time (an MCP server's). The loop that runs the tools is {@code Agent} of
 * the artifact {@code kimi-sdk-agents}, in memory or durable.
 *
 * <p>Example: declare a function.
 *
 * <pre>{@code
 * JsonValue params = Json.parse(
 *     "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
 * ChatRequest request = ChatRequest.builder("kimi-k2.6")
 *     .addUser("Weather in Paris?")
 *     .addTool(Tool.function("get_weather", "Current weather for a city", params))
 *     .build();
 * }</pre>
 */
package io.github.kimisdk.tool;
