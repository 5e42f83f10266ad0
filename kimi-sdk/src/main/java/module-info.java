/**
 * kimi-sdk: a Java SDK for Moonshot's Kimi models, built on the JDK alone.
 *
 * <p>Start with {@link io.github.kimisdk.KimiClient}. The JSON codec ({@link
 * io.github.kimisdk.json}), the Server-Sent Events parser ({@link io.github.kimisdk.sse}) and the
 * tokenizer ({@link io.github.kimisdk.token}) are usable on their own. {@code jdk.jfr} is an
 * optional ({@code static}) dependency: with it, every call records a Flight Recorder event ({@code
 * io.github.kimisdk.Call}); without it, nothing is recorded. {@code FakeKimiServer}, a Kimi server
 * on loopback for tests, is the module {@code io.github.kimisdk.testing} of the artifact {@code
 * kimi-sdk-testing}.
 */
@SuppressWarnings("module") // the satellite modules are built after this one
module io.github.kimisdk {
  requires transitive java.net.http;
  requires static jdk.jfr;

  exports io.github.kimisdk;
  exports io.github.kimisdk.platform;
  exports io.github.kimisdk.host;
  exports io.github.kimisdk.errors;
  exports io.github.kimisdk.chat;
  exports io.github.kimisdk.tool;
  exports io.github.kimisdk.model;
  exports io.github.kimisdk.token;
  exports io.github.kimisdk.json;
  exports io.github.kimisdk.sse;
  // The base floor, to the satellites only (as OkHttp exports okhttp3.internal to its own modules):
  // the MCP client reads a server's bodies through the core's bounded reader, schedules on the
  // SDK's one timer, prints as every value does, escapes a server's text as the core does, tells
  // loopback by the core's one rule and names the SDK's version in its handshake.
  exports io.github.kimisdk.base.body to
      io.github.kimisdk.mcp;
  exports io.github.kimisdk.base.flow to
      io.github.kimisdk.mcp;
  exports io.github.kimisdk.base.net to
      io.github.kimisdk.mcp;
  exports io.github.kimisdk.base.text to
      io.github.kimisdk.mcp,
      io.github.kimisdk.batch,
      io.github.kimisdk.hostcheck;
  exports io.github.kimisdk.base.version to
      io.github.kimisdk.mcp;
  // The exceptions' one door (errors.Errors.exceptions()), to the satellites whose work fails as
  // the client's own: a budget's refusal and its store's failure, a batch run's timeout, as the
  // engine makes them.
  exports io.github.kimisdk.errors.access to
      io.github.kimisdk.budget,
      io.github.kimisdk.batch;
  // The host check's door (host.access.Probes): each target's machinery as the client sends to it,
  // for kimi-sdk-hostcheck's few cheap requests.
  exports io.github.kimisdk.host.access to
      io.github.kimisdk.hostcheck;
}
