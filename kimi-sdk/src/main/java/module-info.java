/**
 * kimi-sdk: a Java SDK for Moonshot's Kimi models, built on the JDK alone.
 *
 * <p>Start with {@link io.github.kimisdk.KimiClient}. The JSON codec ({@link
 * io.github.kimisdk.json}), the Server-Sent Events parser ({@link io.github.kimisdk.sse}) and the
 * tokenizer ({@link io.github.kimisdk.token}) are usable on their own. {@link
 * io.github.kimisdk.testing.FakeKimiServer} needs {@code jdk.httpserver}, which is an optional
 * ({@code static}) dependency: a runtime image without it runs everything else. So is {@code
 * jdk.jfr}: with it, every call records a Flight Recorder event ({@code io.github.kimisdk.Call});
 * without it, nothing is recorded.
 */
module io.github.kimisdk {
  requires transitive java.net.http;
  requires static jdk.httpserver;
  requires static jdk.jfr;

  exports io.github.kimisdk;
  exports io.github.kimisdk.errors;
  exports io.github.kimisdk.chat;
  exports io.github.kimisdk.tool;
  exports io.github.kimisdk.agent;
  exports io.github.kimisdk.model;
  exports io.github.kimisdk.token;
  exports io.github.kimisdk.json;
  exports io.github.kimisdk.sse;
  exports io.github.kimisdk.mcp;
  exports io.github.kimisdk.testing;
}
