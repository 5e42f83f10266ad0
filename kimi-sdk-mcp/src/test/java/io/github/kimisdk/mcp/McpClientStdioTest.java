package io.github.kimisdk.mcp;

import static io.github.kimisdk.mcp.TestServers.awaitStderr;
import static io.github.kimisdk.mcp.TestServers.stdio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.kimi.McpToolset;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("multiprocess") // MCP servers as child processes: mvn -B -P slow verify
class McpClientStdioTest {

  private static JsonObject args(String name, String value) {
    return JsonObject.of(name, JsonString.of(value));
  }

  private static JsonObject args(String name, long value) {
    return JsonObject.of(name, JsonNumber.of(value));
  }

  @Test
  void handshakeOffersTheLatestVersionAndNamesTheServer() throws Exception {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      assertThat(mcp.serverInfo().name()).isEqualTo("test-server");
      assertThat(mcp.serverInfo().version()).isEqualTo("1.0");
      assertThat(mcp.serverInfo().instructions()).isEqualTo("Call echo first.");
      assertThat(mcp.serverInfo().hasTools()).isTrue();
      assertThat(mcp.protocolVersion()).isEqualTo("2025-11-25");
      assertThat(mcp.name()).isEqualTo("test-server");
      assertThat(mcp.isOpen()).isTrue();
      assertThat(mcp.toString()).isEqualTo("McpClient[test-server, stdio, protocol 2025-11-25]");
      String stderr = awaitStderr(mcp, "event initialized");
      assertThat(stderr).contains("event initialize 2025-11-25 {}");
      mcp.ping();
      awaitStderr(mcp, "event ping");
    }
  }

  @Test
  void aNameSetOnTheBuilderWins() {
    try (McpClient mcp = McpClient.stdioBuilder(stdio()).name("local").build()) {
      assertThat(mcp.name()).isEqualTo("local");
    }
  }

  @Test
  void listsEveryPageAsToolsKimiAccepts() throws Exception {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      McpToolset toolset = McpToolset.of(mcp);
      List<FunctionTool> tools = toolset.tools();
      assertThat(tools)
          .extracting(FunctionTool::name)
          .containsExactly(
              "echo",
              "add",
              "slow",
              "fail",
              "media",
              "ranged",
              "dotted_name",
              "hang",
              "crash",
              "garbage",
              "noresult",
              "flood",
              "huge",
              "ask_client",
              "sample",
              "elicit",
              "roots",
              "add_tool",
              "env");
      for (FunctionTool t : tools) {
        assertThat(t.name()).matches(FunctionTool.NAME_PATTERN);
        JsonSchema.validate(t.parameters());
      }
      assertThat(tools.get(0).description()).isEqualTo("Echoes the text");
      FunctionTool ranged = tools.get(5);
      assertThat(ranged.parameters().get("properties").asObject().names())
          .containsExactlyInAnyOrder("n", "when");
      assertThat(ranged.parameters().get("required").asArray().values())
          .containsExactly(JsonString.of("n"));
      List<McpTool> all = mcp.listTools();
      assertThat(all).hasSize(20);
      McpTool research = all.get(19);
      assertThat(research.name()).isEqualTo("research");
      assertThat(research.taskOnly()).as("a task-only tool is not offered to Kimi").isTrue();
      assertThat(tools).extracting(FunctionTool::name).doesNotContain("research");
      assertThat(all.get(6).name()).isEqualTo("dotted.name");
      assertThat(toolset.serverTool("dotted_name")).contains(all.get(6));
      String stderr = awaitStderr(mcp, "event tools/list 18");
      assertThat(stderr)
          .contains("event tools/list 0", "event tools/list 3", "event tools/list 12");
      assertThat(toolset.tools()).as("kept until the server says it changed").isEqualTo(tools);
      Thread.sleep(100);
      assertThat(mcp.stderr().split("event tools/list 0", -1)).hasSize(2);
    }
  }

  @Test
  void callsToolsAndRendersTheirResultsForTheModel() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      McpToolResult echo = mcp.call("echo", args("text", "hi"));
      assertThat(echo.isError()).isFalse();
      assertThat(echo.text()).isEqualTo("echo: hi");

      McpToolResult add =
          mcp.call("add", JsonObject.of("a", JsonNumber.of(2), "b", JsonNumber.of(3)));
      assertThat(add.structuredContent()).isEqualTo(JsonObject.of("sum", JsonNumber.of(5)));
      assertThat(add.text()).as("the JSON once, not twice").isEqualTo("{\"sum\":5}");

      McpToolResult fail = mcp.call("fail", null);
      assertThat(fail.isError()).isTrue();
      assertThat(fail.text()).isEqualTo("the tool failed on purpose");

      assertThat(mcp.call("media", JsonObject.of()).text())
          .isEqualTo(
              "here is a picture\n"
                  + "[image image/png, 8 bytes, not shown]\n"
                  + "[resource link: a.txt file:///tmp/a.txt (text/plain)] A file\n"
                  + "[resource mem://note (text/plain)]\n"
                  + "note body\n"
                  + "[resource mem://bin (application/octet-stream), 4 bytes, not shown]");
    }
  }

  @Test
  void callsTakeKimisNameOrTheServersName() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      assertThat(McpToolset.of(mcp).call("dotted_name", null).text()).isEqualTo("dotted.name ok");
      assertThat(mcp.call("dotted.name", null).text()).isEqualTo("dotted.name ok");
      assertThat(mcp.call(mcp.listTools().get(6), null).text()).isEqualTo("dotted.name ok");
    }
  }

  @Test
  void unknownToolIsAJsonRpcErrorNamingTheServer() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      assertThatThrownBy(() -> mcp.call("nope", null))
          .isInstanceOf(McpException.class)
          .isNotInstanceOf(KimiException.class) // MCP's own failure, not a call to Kimi's
          .hasMessage(
              "MCP server \"test-server\": tools/call \"nope\" failed: Unknown tool: nope"
                  + " (JSON-RPC error -32602)")
          .satisfies(
              e -> {
                McpException m = (McpException) e;
                assertThat(m.kind()).isEqualTo(McpException.Kind.ERROR_RESPONSE);
                assertThat(m.errorCode()).hasValue(-32602);
                assertThat(m.server()).isEqualTo("test-server");
              });
    }
  }

  @Test
  void argumentsMustBeAnObject() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      assertThatThrownBy(() -> mcp.call("echo", JsonString.of("hi")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the arguments of echo must be a JSON object: \"hi\"");
    }
  }

  @Test
  void progressReachesTheListener() {
    List<McpProgress> progress = new CopyOnWriteArrayList<>();
    McpListener listener = Listeners.progressTo(progress);
    try (McpClient mcp = McpClient.stdioBuilder(stdio()).listener(listener).build()) {
      assertThat(mcp.call("slow", args("steps", 3)).text()).isEqualTo("done after 3 steps");
      assertThat(progress)
          .containsExactly(
              new McpProgress("slow", 1, 3.0, "step 1"),
              new McpProgress("slow", 2, 3.0, "step 2"),
              new McpProgress("slow", 3, 3.0, "step 3"));
    }
  }

  @Test
  void aCallThatTakesTooLongIsCancelledOnTheServer() throws Exception {
    try (McpClient mcp =
        McpClient.stdioBuilder(stdio()).callTimeout(Duration.ofMillis(300)).build()) {
      assertThatThrownBy(() -> mcp.call("hang", null))
          .isInstanceOf(McpException.class)
          .hasMessageStartingWith(
              "MCP server \"test-server\": tools/call \"hang\" got no answer within 300 ms; it was"
                  + " cancelled on the server; its standard error ends with:")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.TIMEOUT);
      awaitStderr(mcp, "event cancelled 3: timed out after 300 ms");
      assertThat(mcp.call("echo", args("text", "still here")).text()).isEqualTo("echo: still here");
    }
  }

  @Test
  void interruptingTheCallerCancelsTheCall() throws Exception {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicReference<Boolean> interrupted = new AtomicReference<>();
      Thread t =
          new Thread(
              () -> {
                try {
                  mcp.call("hang", null);
                } catch (RuntimeException e) {
                  thrown.set(e);
                  interrupted.set(Thread.currentThread().isInterrupted());
                }
              });
      t.start();
      awaitStderr(mcp, "event call hang");
      t.interrupt();
      t.join(5000);
      assertThat(thrown.get())
          .isInstanceOf(McpException.class)
          .hasMessageContaining("interrupted while waiting for an answer");
      assertThat(((McpException) thrown.get()).kind()).isEqualTo(McpException.Kind.CLOSED);
      assertThat(interrupted.get()).isTrue();
      awaitStderr(mcp, "event cancelled 3: the client cancelled the request");
    }
  }

  @Test
  void aServerThatDiesMidCallFailsTheCallWithItsStatusAndStderr() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      assertThatThrownBy(() -> mcp.call("crash", null))
          .isInstanceOf(McpException.class)
          .hasMessageStartingWith(
              "MCP server \"test-server\": the server closed its output and exited with status 3;"
                  + " its standard error ends with:")
          .hasMessageContaining("crashing on purpose")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.CONNECTION);
      assertThat(mcp.isOpen()).isFalse();
      assertThatThrownBy(() -> mcp.call("echo", args("text", "x")))
          .isInstanceOf(McpException.class)
          .hasMessage(
              "MCP server \"test-server\": tools/call \"echo\" not sent: the connection is closed");
    }
  }

  @Test
  void aLineThatIsNotJsonIsSkippedAndQuotedWhenTheCallTimesOut() {
    try (McpClient mcp =
        McpClient.stdioBuilder(stdio()).callTimeout(Duration.ofMillis(500)).build()) {
      assertThatThrownBy(() -> mcp.call("garbage", null))
          .isInstanceOf(McpException.class)
          .hasMessageContaining("tools/call \"garbage\" got no answer within 500 ms")
          .hasMessageContaining(
              "meanwhile the server wrote 1 message that is not JSON-RPC, the last: this is not"
                  + " json {");
      assertThat(mcp.call("echo", args("text", "ok")).text()).isEqualTo("echo: ok");
    }
  }

  @Test
  void aBannerOnStandardOutputIsSkipped() {
    try (McpClient mcp = McpClient.stdio(stdio("banner"))) {
      assertThat(mcp.call("echo", args("text", "ok")).text()).isEqualTo("echo: ok");
    }
  }

  @Test
  void anAnswerWithNeitherResultNorErrorIsAProtocolError() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      assertThatThrownBy(() -> mcp.call("noresult", null))
          .isInstanceOf(McpException.class)
          .hasMessageContaining(
              "tools/call \"noresult\" was answered with neither a result nor an error:")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.PROTOCOL);
    }
  }

  @Test
  void aFloodOfLogMessagesDoesNotHoldUpTheAnswer() {
    AtomicInteger logs = new AtomicInteger();
    McpListener listener =
        new McpListener() {
          @Override
          public void onLog(McpClient client, String level, String logger, JsonValue data) {
            logs.incrementAndGet();
          }
        };
    try (McpClient mcp = McpClient.stdioBuilder(stdio()).listener(listener).build()) {
      assertThat(mcp.call("flood", args("count", 20_000)).text()).isEqualTo("flooded 20000");
      assertThat(logs.get()).isEqualTo(20_000);
    }
  }

  @Test
  void aMessageLargerThanTheLimitClosesTheConnection() {
    try (McpClient mcp = McpClient.stdioBuilder(stdio()).maxMessageBytes(64 * 1024).build()) {
      assertThatThrownBy(() -> mcp.call("huge", args("bytes", 200_000)))
          .isInstanceOf(McpException.class)
          .hasMessage(
              "MCP server \"test-server\": the server sent a message of more than 65536 bytes"
                  + " (maxMessageBytes); the connection was closed")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.LIMIT);
      assertThat(mcp.isOpen()).isFalse();
    }
  }

  @Test
  void requestsWaitingForAnswersAreBounded() throws Exception {
    try (McpClient mcp = McpClient.stdioBuilder(stdio()).maxPendingRequests(2).build()) {
      CompletableFuture<McpToolResult> a = mcp.callAsync("hang", null);
      CompletableFuture<McpToolResult> b = mcp.callAsync("hang", null);
      CompletableFuture<McpToolResult> c = mcp.callAsync("echo", args("text", "x"));
      assertThatThrownBy(() -> c.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(McpException.class)
          .hasMessage(
              "MCP server \"test-server\": tools/call \"echo\" not sent: 2 requests already wait"
                  + " for answers; raise maxPendingRequests or send fewer at once");
      a.cancel(true);
      b.cancel(true);
      awaitStderr(mcp, "event cancelled 4: the client cancelled the request");
      awaitStderr(mcp, "event cancelled 3: the client cancelled the request");
      assertThat(mcp.call("echo", args("text", "y")).text()).isEqualTo("echo: y");
    }
  }

  @Test
  void answersTheServersPingAndRefusesWhatItDoesNotOffer() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      assertThat(mcp.call("ask_client", null).text()).isEqualTo("ping: {}; sampling: -32601");
    }
  }

  @Test
  void aToolListChangeIsSeenByTheNextListing() throws Exception {
    CountDownLatch changed = new CountDownLatch(1);
    McpListener listener = Listeners.toolsChanged(changed);
    try (McpClient mcp = McpClient.stdioBuilder(stdio()).listener(listener).build()) {
      assertThat(McpToolset.of(mcp).tools())
          .extracting(FunctionTool::name)
          .doesNotContain("added_tool");
      mcp.call("add_tool", null);
      assertThat(changed.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(McpToolset.of(mcp).tools()).extracting(FunctionTool::name).contains("added_tool");
    }
  }

  @Test
  void environmentAndDirectoryReachTheChild(@TempDir Path dir) throws Exception {
    try (McpClient mcp =
        McpClient.stdioBuilder(stdio())
            .environment("MCP_TEST_VALUE", "forty-two")
            .directory(dir)
            .build()) {
      assertThat(mcp.call("env", args("name", "MCP_TEST_VALUE")).text())
          .isEqualTo("forty-two in " + dir.toRealPath());
    }
    List<String> cmd = stdio();
    try (McpClient mcp =
        McpClient.stdioBuilder(cmd).inheritEnvironment(false).environment("ONLY", "me").build()) {
      assertThat(mcp.call("env", args("name", "PATH")).text()).startsWith("null in ");
    }
  }

  @Test
  void closeEndsTheChildProcess() throws Exception {
    List<ProcessHandle> before = servers();
    McpClient mcp = McpClient.stdio(stdio());
    List<ProcessHandle> started = new ArrayList<>(servers());
    started.removeAll(before);
    assertThat(started).hasSize(1);
    mcp.close();
    assertThat(started.get(0).isAlive()).isFalse();
    assertThat(mcp.isOpen()).isFalse();
    assertThatThrownBy(() -> mcp.call("echo", args("text", "x")))
        .isInstanceOf(McpException.class)
        .extracting(e -> ((McpException) e).kind())
        .isEqualTo(McpException.Kind.CLOSED);
    mcp.close(); // idempotent
  }

  private static List<ProcessHandle> servers() {
    return ProcessHandle.current()
        .children()
        .filter(p -> p.info().commandLine().orElse("").contains(McpTestServer.class.getName()))
        .toList();
  }

  @Test
  void aServerThatExitsAtStartFailsWithItsStatusAndStderr() {
    assertThatThrownBy(() -> McpClient.stdio(stdio("exit-at-start")))
        .isInstanceOf(McpException.class)
        .hasMessageContaining("exited with status 7")
        .hasMessageContaining("cannot start: missing configuration")
        .extracting(e -> ((McpException) e).kind())
        .isEqualTo(McpException.Kind.CONNECTION);
  }

  @Test
  void aProgramThatDoesNotExistFailsNamingIt() {
    assertThatThrownBy(() -> McpClient.stdio(List.of("no-such-mcp-server-program", "--stdio")))
        .isInstanceOf(McpException.class)
        .hasMessageStartingWith(
            "MCP server \"no-such-mcp-server-program --stdio\": cannot start"
                + " `no-such-mcp-server-program --stdio`: ")
        .hasMessageEndingWith(
            "(is the program installed, and on the PATH or given with its full path?)");
  }

  @Test
  void anUnsupportedProtocolVersionFailsTheHandshakeAndEndsTheServer() {
    List<ProcessHandle> before = servers();
    assertThatThrownBy(() -> McpClient.stdio(stdio("version=2099-01-01")))
        .isInstanceOf(McpException.class)
        .hasMessage(
            "MCP server \""
                + String.join(" ", stdio("version=2099-01-01")).substring(0, 120)
                + "...\": speaks protocol version 2099-01-01, which this client does not; it speaks"
                + " 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05");
    List<ProcessHandle> after = new ArrayList<>(servers());
    after.removeAll(before);
    assertThat(after).allMatch(p -> !p.isAlive());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2025-06-18", "2025-03-26", "2024-11-05"})
  void anOlderVersionTheServerPicksIsUsed(String version) {
    try (McpClient mcp = McpClient.stdio(stdio("version=" + version))) {
      assertThat(mcp.protocolVersion()).isEqualTo(version);
      assertThat(mcp.call("echo", args("text", "old")).text()).isEqualTo("echo: old");
    }
  }

  @Test
  void builderRejectsBadSettings() {
    assertThatThrownBy(() -> McpClient.stdioBuilder(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command must name a program");
    assertThatThrownBy(() -> McpClient.stdioBuilder(stdio()).callTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callTimeout must be positive: PT0S");
    assertThatThrownBy(() -> McpClient.stdioBuilder(stdio()).maxMessageBytes(10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> McpClient.stdioBuilder(stdio()).maxPendingRequests(0))
        .isInstanceOf(IllegalArgumentException.class);
    try (McpClient mcp = McpClient.stdio(stdio())) {
      assertThatThrownBy(() -> McpToolset.builder(mcp).toolPrefix("a.b"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("toolPrefix must be up to 32 letters, digits, '_' or '-': a.b");
    }
  }

  @Test
  void aToolPrefixGoesBeforeEveryName() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      McpToolset toolset = McpToolset.builder(mcp).toolPrefix("t_").build();
      assertThat(toolset.tools().get(0).name()).isEqualTo("t_echo");
      assertThat(toolset.call("t_echo", args("text", "p")).text()).isEqualTo("echo: p");
    }
  }
}
