/**
 * kimi-sdk-testing: {@link io.github.kimisdk.testing.FakeKimiServer}, a scriptable Kimi API server
 * on loopback for tests and offline runs, built on the JDK's HTTP server ({@code jdk.httpserver})
 * and the SDK's exported packages alone.
 *
 * <p>Its public API hands out the SDK's types ({@code FakeResponse.toolCalls(ToolCall...)}), so a
 * module that requires this one reads {@code io.github.kimisdk} too. {@link
 * io.github.kimisdk.testing.FakeKimiExtension}, the JUnit 5 extension, needs JUnit Jupiter's API,
 * which is an optional ({@code static}) dependency: a test that uses the extension has JUnit
 * already, and a program that only starts the server needs nothing of it.
 */
module io.github.kimisdk.testing {
  requires transitive io.github.kimisdk;
  requires jdk.httpserver;
  requires static org.junit.jupiter.api;

  exports io.github.kimisdk.testing;
}
