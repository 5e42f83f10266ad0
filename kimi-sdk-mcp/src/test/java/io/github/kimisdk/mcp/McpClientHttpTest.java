package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.mcp.kimi.McpToolset;
import io.github.kimisdk.tool.FunctionTool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class McpClientHttpTest {

  private static JsonObject text(String value) {
    return JsonObject.of("text", JsonString.of(value));
  }

  private static void await(WatchedLog log, Predicate<String> entry) throws InterruptedException {
    if (!log.await(entry, Duration.ofSeconds(10))) {
      throw new AssertionError("no such entry in " + log);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"events", "json"})
  void callsToolsWithAnswersAsEventStreamsOrJson(String mode) throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start(mode);
        McpClient mcp = McpClient.http(server.url())) {
      assertThat(mcp.serverInfo().name()).isEqualTo("test-server");
      assertThat(mcp.protocolVersion()).isEqualTo("2025-11-25");
      assertThat(McpToolset.of(mcp).tools()).hasSize(19);
      assertThat(mcp.call("echo", text("hi")).text()).isEqualTo("echo: hi");
      assertThat(mcp.call("fail", null).isError()).isTrue();
      assertThat(mcp.toString())
          .isEqualTo("McpClient[test-server, streamable HTTP, protocol 2025-11-25]");
    }
  }

  @Test
  void sessionIdAndProtocolVersionGoOnEveryRequestAfterTheHandshake() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start()) {
      try (McpClient mcp = McpClient.http(server.url())) {
        mcp.call("echo", text("hi"));
        await(server.requests, r -> r.startsWith("GET "));
      }
      await(server.requests, r -> r.startsWith("DELETE"));
      assertThat(server.requests)
          .containsSubsequence(
              "POST initialize session=null version=null accept=application/json, text/event-stream",
              "POST notifications/initialized session=s1 version=2025-11-25 accept=application/json,"
                  + " text/event-stream",
              "POST tools/call session=s1 version=2025-11-25 accept=application/json,"
                  + " text/event-stream",
              "DELETE session=s1")
          .contains("GET session=s1 version=2025-11-25 last-event-id=null");
    }
  }

  @Test
  void progressArrivesOnTheRequestsEventStream() throws Exception {
    List<McpProgress> progress = new CopyOnWriteArrayList<>();
    try (McpHttpTestServer server = McpHttpTestServer.start();
        McpClient mcp =
            McpClient.httpBuilder(server.url()).listener(Listeners.progressTo(progress)).build()) {
      assertThat(mcp.call("slow", JsonObject.of("steps", JsonNumber.of(2))).text())
          .isEqualTo("done after 2 steps");
      assertThat(progress)
          .containsExactly(
              new McpProgress("slow", 1, 2.0, "step 1"), new McpProgress("slow", 2, 2.0, "step 2"));
    }
  }

  @Test
  void aStreamTheServerEndsEarlyIsResumedWithLastEventId() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start("poll");
        McpClient mcp = McpClient.http(server.url())) {
      assertThat(mcp.call("echo", text("resumed")).text()).isEqualTo("echo: resumed");
      assertThat(server.requests)
          .anyMatch(r -> r.matches("GET session=s1 version=2025-11-25 last-event-id=s1-\\d+"));
    }
  }

  @Test
  void requestsFromTheServerAreAnsweredByPost() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start();
        McpClient mcp = McpClient.http(server.url())) {
      assertThat(mcp.call("ask_client", null).text()).isEqualTo("ping: {}; sampling: -32601");
      assertThat(server.requests).filteredOn(r -> r.startsWith("POST response")).hasSize(2);
    }
  }

  @Test
  void aToolListChangeArrivesOnTheListeningStream() throws Exception {
    CountDownLatch changed = new CountDownLatch(1);
    try (McpHttpTestServer server = McpHttpTestServer.start();
        McpClient mcp =
            McpClient.httpBuilder(server.url()).listener(Listeners.toolsChanged(changed)).build()) {
      assertThat(server.listening.await(10, TimeUnit.SECONDS)).as("listening").isTrue();
      assertThat(McpToolset.of(mcp).tools())
          .extracting(FunctionTool::name)
          .doesNotContain("added_tool");
      mcp.call("add_tool", null);
      assertThat(changed.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(McpToolset.of(mcp).tools()).extracting(FunctionTool::name).contains("added_tool");
    }
  }

  @Test
  void theListeningStreamIsOpenWhenBuildReturns() throws Exception {
    // Else the first call could reach the server before it: an answer sent there would go unheard,
    // and a server may take the late GET for the reconnection of the call's own stream.
    try (McpHttpTestServer server = McpHttpTestServer.start("slow-get");
        McpClient mcp = McpClient.http(server.url())) {
      // (the server counts down before its answer's headers leave: build() cannot see them first)
      assertThat(server.listenAnswered.getCount()).as("listening GETs still to answer").isZero();
      assertThat(mcp.call("echo", text("one")).text()).isEqualTo("echo: one");
    }
  }

  @Test
  void anEndedSessionIsStartedAgainAndTheCallRetried() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start();
        McpClient mcp = McpClient.http(server.url())) {
      assertThat(mcp.call("echo", text("one")).text()).isEqualTo("echo: one");
      server.endSessions();
      assertThat(mcp.call("echo", text("two")).text()).isEqualTo("echo: two");
      assertThat(server.requests)
          .containsSubsequence(
              "POST tools/call session=s1 version=2025-11-25 accept=application/json,"
                  + " text/event-stream",
              "POST initialize session=null version=null accept=application/json,"
                  + " text/event-stream",
              "POST tools/call session=s2 version=2025-11-25 accept=application/json,"
                  + " text/event-stream");
    }
  }

  @Test
  void theBearerTokenIsSentAndNeverPrinted() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start("token=s3cret-token")) {
      try (McpClient mcp =
          McpClient.httpBuilder(server.url()).bearerToken("s3cret-token").build()) {
        assertThat(mcp.call("echo", text("authorized")).text()).isEqualTo("echo: authorized");
        assertThat(mcp.toString()).doesNotContain("s3cret");
      }
      assertThatThrownBy(
              () -> McpClient.httpBuilder(server.url()).bearerToken("wrong-token").build())
          .isInstanceOf(McpException.class)
          .hasMessage(
              "MCP server \"http://127.0.0.1:"
                  + server.url().split(":")[2].replace("/mcp", "")
                  + "/mcp\": POST initialize was answered with HTTP 401 (not authorized: set"
                  + " McpClient.HttpBuilder.authorization(...) for a server that uses OAuth, or check"
                  + " the bearer token or headers): unauthorized")
          .satisfies(
              e -> {
                assertThat(((McpException) e).kind()).isEqualTo(McpException.Kind.HTTP_STATUS);
                assertThat(((McpException) e).httpStatus()).hasValue(401);
              });
    }
  }

  @Test
  void aServerThatDiesMidCallFailsTheCall() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start();
        McpClient mcp = McpClient.http(server.url())) {
      assertThatThrownBy(() -> mcp.call("crash", null))
          .isInstanceOf(McpException.class)
          .hasMessageStartingWith("MCP server \"test-server\": POST tools/call: ")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.CONNECTION);
      assertThatThrownBy(mcp::ping)
          .isInstanceOf(McpException.class)
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.CONNECTION);
    }
  }

  @Test
  void anEventThatIsNotJsonIsSkippedAndTheEndedStreamFailsTheCall() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start();
        McpClient mcp = McpClient.http(server.url())) {
      assertThatThrownBy(() -> mcp.call("garbage", null))
          .isInstanceOf(McpException.class)
          .hasMessage(
              "MCP server \"test-server\": GET resuming request 3: the event stream ended before"
                  + " the answer (resumed 3 times in vain)");
      assertThat(mcp.call("echo", text("ok")).text()).isEqualTo("echo: ok");
    }
  }

  @Test
  void aTimedOutCallIsCancelledWithANotification() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start();
        McpClient mcp =
            McpClient.httpBuilder(server.url()).callTimeout(Duration.ofMillis(300)).build()) {
      assertThatThrownBy(() -> mcp.call("hang", null))
          .isInstanceOf(McpException.class)
          .hasMessage(
              "MCP server \"test-server\": tools/call \"hang\" got no answer within 300 ms; it was"
                  + " cancelled on the server")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.TIMEOUT);
      await(server.core.events, e -> e.equals("cancelled 3: timed out after 300 ms"));
      assertThat(mcp.call("echo", text("after")).text()).isEqualTo("echo: after");
    }
  }

  @Test
  void anAnswerLargerThanTheLimitFailsOnlyItsCall() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start("json");
        McpClient mcp = McpClient.httpBuilder(server.url()).maxMessageBytes(64 * 1024).build()) {
      assertThatThrownBy(() -> mcp.call("huge", JsonObject.of("bytes", JsonNumber.of(200_000))))
          .isInstanceOf(McpException.class)
          .hasMessage(
              "MCP server \"test-server\": POST tools/call: answered with more than 65536 bytes"
                  + " (maxMessageBytes)")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.LIMIT);
      assertThat(mcp.call("echo", text("ok")).text()).isEqualTo("echo: ok");
    }
  }

  @Test
  void anEventLargerThanTheLimitFailsOnlyItsCall() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start();
        McpClient mcp = McpClient.httpBuilder(server.url()).maxMessageBytes(64 * 1024).build()) {
      assertThatThrownBy(() -> mcp.call("huge", JsonObject.of("bytes", JsonNumber.of(200_000))))
          .isInstanceOf(McpException.class)
          .hasMessageStartingWith("MCP server \"test-server\": POST tools/call: ")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.LIMIT);
      assertThat(mcp.call("echo", text("ok")).text()).isEqualTo("echo: ok");
    }
  }

  @Test
  void aServerWithoutAListeningStreamIsAskedOnce() throws Exception {
    try (McpHttpTestServer server = McpHttpTestServer.start("no-get");
        McpClient mcp = McpClient.http(server.url())) {
      await(server.requests, r -> r.startsWith("GET "));
      assertThat(mcp.call("echo", text("ok")).text()).isEqualTo("echo: ok");
      Thread.sleep(1500);
      assertThat(server.requests).filteredOn(r -> r.startsWith("GET ")).hasSize(1);
    }
  }

  @Test
  void nothingListensAtTheUrl() throws Exception {
    int port = io.github.kimisdk.foreign.ForeignProcess.freePort();
    String url = "http://127.0.0.1:" + port + "/mcp";
    assertThatThrownBy(() -> McpClient.http(url))
        .isInstanceOf(McpException.class)
        .hasMessageStartingWith(
            "MCP server \"" + url + "\": POST server/discover: cannot reach " + url + " (")
        .extracting(e -> ((McpException) e).kind())
        .isEqualTo(McpException.Kind.CONNECTION);
  }

  @Test
  void plainHttpIsOnlyForLoopbackAndManagedHeadersCannotBeSet() throws Exception {
    assertThatThrownBy(() -> McpClient.httpBuilder("http://example.com/mcp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "plain http is allowed only to a loopback host (localhost, 127.0.0.1, [::1]); use"
                + " https: http://example.com");
    assertThatThrownBy(() -> McpClient.httpBuilder("ftp://example.com/mcp"))
        .isInstanceOf(IllegalArgumentException.class);
    McpClient.HttpBuilder b = McpClient.httpBuilder("https://example.com/mcp");
    assertThatThrownBy(() -> b.header("Mcp-Session-Id", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the Mcp-Session-Id header is set by the MCP client");
    assertThatThrownBy(() -> b.header("X-Key", "a\r\nb: c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid or restricted HTTP header: X-Key");
    assertThatThrownBy(() -> b.bearerToken(" ")).isInstanceOf(IllegalArgumentException.class);
    McpClient.httpBuilder("http://localhost:1/mcp");
    McpClient.httpBuilder("http://[::1]:1/mcp");
  }
}
