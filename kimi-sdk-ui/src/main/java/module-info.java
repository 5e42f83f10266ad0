/**
 * kimi-sdk-ui: Kimi chat streams and agent runs in the chat pages teams build with Vercel's AI SDK
 * UI ({@code useChat}). {@link io.github.kimisdk.ui.UiResponse} writes a chat stream as the AI
 * SDK's UI message stream; {@link io.github.kimisdk.ui.AgentChat} serves a durable agent run to a
 * page, the run (not the page) the truth for its tool results and approvals, and a stream that
 * survives a reload; {@link io.github.kimisdk.ui.UiHttpHandler} serves both from the JDK's own HTTP
 * server. {@code jdk.httpserver} is optional ({@code static}): only that handler uses it, and a
 * program that serves with the JDK's server requires it already.
 */
module io.github.kimisdk.ui {
  requires transitive io.github.kimisdk.agents;
  requires static transitive jdk.httpserver;

  exports io.github.kimisdk.ui;
}
