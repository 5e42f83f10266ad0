package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.foreign.ForeignProcess;
import io.github.kimisdk.foreign.Npm;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.kimi.McpToolset;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs {@link McpClient} against the reference server
 * {@code @modelcontextprotocol/server-everything} from npm, over stdio and over Streamable HTTP (an
 * agent's durable run that calls its tools: kimi-sdk-agents' AgentServerEverythingTest). Skipped,
 * saying why, when npm or the registry is not available (see {@link Npm}).
 */
@Tag("slow") // installs npm packages: mvn -B -P slow verify
class ServerEverythingConformanceTest {

  static final String PACKAGE = "@modelcontextprotocol/server-everything@2026.8.31";

  private ForeignProcess httpServer;

  @AfterEach
  void stopServer() {
    if (httpServer != null) {
      httpServer.close();
    }
  }

  private McpClient connect(String transport, McpListener listener) {
    Path dir = Npm.install(PACKAGE);
    Npm.node();
    Path bin = Npm.bin(dir, "mcp-server-everything");
    if (transport.equals("stdio")) {
      return McpClient.stdioBuilder(List.of(bin.toString(), "stdio"))
          .initializeTimeout(Duration.ofSeconds(60))
          .listener(listener)
          .build();
    }
    int port = ForeignProcess.freePort();
    httpServer =
        ForeignProcess.start(
            dir, List.of(bin.toString(), "streamableHttp"), Map.of("PORT", String.valueOf(port)));
    httpServer.await(Pattern.compile("listening on port " + port), Duration.ofSeconds(60));
    return McpClient.httpBuilder("http://127.0.0.1:" + port + "/mcp").listener(listener).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"stdio", "http"})
  void everyToolIsOfferedToKimiWithANameAndSchemaKimiAccepts(String transport) {
    try (McpClient mcp = connect(transport, new McpListener() {})) {
      assertThat(mcp.serverInfo().name()).isEqualTo("mcp-servers/everything");
      // 2026.8.31 speaks up to 2025-11-25: it refused server/discover, and the client initialized.
      assertThat(mcp.protocolVersion()).isEqualTo("2025-11-25");
      List<McpTool> tools = mcp.listTools();
      McpToolset toolset = McpToolset.of(mcp);
      List<FunctionTool> declared = toolset.tools();
      assertThat(tools)
          .extracting(McpTool::name)
          .contains("echo", "get-sum", "get-tiny-image", "trigger-long-running-operation");
      for (McpTool t : tools) {
        boolean taskOnly =
            t.definition().get("execution") instanceof JsonObject e
                && JsonString.of("required").equals(e.get("taskSupport"));
        assertThat(t.taskOnly()).as(t.name()).isEqualTo(taskOnly);
        FunctionTool f =
            declared.stream()
                .filter(d -> toolset.serverTool(d.name()).orElseThrow().equals(t))
                .findFirst()
                .orElse(null);
        if (taskOnly) {
          assertThat(f).as(t.name()).isNull();
          continue;
        }
        assertThat(f).as(t.name()).isNotNull();
        assertThat(f.name()).as(t.name()).matches(FunctionTool.NAME_PATTERN);
        JsonSchema.validate(f.parameters());
        // Every argument the server describes is still described to Kimi.
        if (t.inputSchema().get("properties") instanceof JsonObject props) {
          assertThat(f.parameters().get("properties").asObject().names())
              .as(t.name())
              .isEqualTo(props.names());
        }
        assertThat(f.parameters().get("required"))
            .as(t.name())
            .isEqualTo(t.inputSchema().get("required"));
      }
      assertThat(declared).hasSize((int) tools.stream().filter(t -> !t.taskOnly()).count());
      mcp.ping();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"stdio", "http"})
  void callsToolsAndReadsEveryKindOfContent(String transport) {
    try (McpClient mcp = connect(transport, new McpListener() {})) {
      assertThat(mcp.call("echo", JsonObject.of("message", JsonString.of("hi"))).text())
          .isEqualTo("Echo: hi");
      assertThat(
              mcp.call("get-sum", JsonObject.of("a", JsonNumber.of(2), "b", JsonNumber.of(3)))
                  .text())
          .isEqualTo("The sum of 2 and 3 is 5.");
      McpToolResult weather =
          mcp.call("get-structured-content", JsonObject.of("location", JsonString.of("Chicago")));
      assertThat(weather.structuredContent()).isInstanceOf(JsonObject.class);
      assertThat(weather.structuredContent().get("temperature")).isInstanceOf(JsonNumber.class);
      assertThat(weather.text()).contains("\"temperature\"");
      assertThat(mcp.call("get-tiny-image", null).text())
          .startsWith("Here's the image you requested:\n[image image/png, ")
          .contains(" bytes, not shown]\nThe image above is the MCP logo.");
      assertThat(mcp.call("get-resource-links", JsonObject.of("count", JsonNumber.of(2))).text())
          .contains("[resource link: ");
      assertThat(mcp.call("get-resource-reference", null).text())
          .contains("Returning resource reference for Resource 1:\n[resource ");
      McpToolResult unknown = mcp.call("no-such-tool", null);
      assertThat(unknown.isError()).isTrue();
      assertThat(unknown.text()).isEqualTo("MCP error -32602: Tool no-such-tool not found");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"stdio", "http"})
  void progressOfALongOperationReachesTheListener(String transport) {
    List<McpProgress> progress = new CopyOnWriteArrayList<>();
    McpListener listener = Listeners.progressTo(progress);
    try (McpClient mcp = connect(transport, listener)) {
      JsonValue args = JsonObject.of("duration", JsonNumber.of(1), "steps", JsonNumber.of(2));
      assertThat(mcp.call("trigger-long-running-operation", args).text())
          .isEqualTo("Long running operation completed. Duration: 1 seconds, Steps: 2.");
      assertThat(progress).extracting(McpProgress::progress).containsExactly(1.0, 2.0);
      assertThat(progress).allMatch(p -> p.operation().equals("trigger-long-running-operation"));
      assertThat(progress).allMatch(p -> Double.valueOf(2).equals(p.total()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"stdio", "http"})
  void closeEndsTheServerOrItsSession(String transport) throws Exception {
    McpClient mcp = connect(transport, new McpListener() {});
    List<ProcessHandle> children = ProcessHandle.current().children().toList();
    mcp.close();
    if (transport.equals("http")) {
      httpServer.await(
          Pattern.compile("Received session termination request for session"),
          Duration.ofSeconds(10));
    } else {
      for (ProcessHandle c : children) {
        if (c.info().commandLine().orElse("").contains("server-everything")) {
          assertThat(c.isAlive()).as("the server process").isFalse();
        }
      }
    }
  }
}
