package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.foreign.ForeignProcess;
import io.github.kimisdk.foreign.Npm;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.kimi.McpToolset;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A durable run on a {@link FileRunStore} that takes the tools of an MCP server we did not write,
 * the reference server {@code @modelcontextprotocol/server-everything} from npm (over stdio and
 * over Streamable HTTP, as kimi-sdk-mcp's ServerEverythingConformanceTest starts it), against the
 * fake, whose model calls {@code get-sum}: the run answers with the server's sum, every request
 * keeps Kimi's rules, and the run read back from the store resumes answered, calling nothing again.
 * Skipped, saying why, when npm or the registry is not available (see {@link Npm}).
 */
@Tag("slow") // installs npm packages: mvn -B -P slow verify
class AgentServerEverythingTest {

  static final String PACKAGE = "@modelcontextprotocol/server-everything@2026.8.31";

  @TempDir Path dir;
  private ForeignProcess httpServer;

  @AfterEach
  void stopServer() {
    if (httpServer != null) {
      httpServer.close();
    }
  }

  private McpClient connect(String transport) {
    Path installed = Npm.install(PACKAGE);
    Npm.node();
    Path bin = Npm.bin(installed, "mcp-server-everything");
    if (transport.equals("stdio")) {
      return McpClient.stdioBuilder(List.of(bin.toString(), "stdio"))
          .initializeTimeout(Duration.ofSeconds(60))
          .build();
    }
    int port = ForeignProcess.freePort();
    httpServer =
        ForeignProcess.start(
            installed,
            List.of(bin.toString(), "streamableHttp"),
            Map.of("PORT", String.valueOf(port)));
    httpServer.await(Pattern.compile("listening on port " + port), Duration.ofSeconds(60));
    return McpClient.httpBuilder("http://127.0.0.1:" + port + "/mcp").build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"stdio", "http"})
  void aDurableRunCallsTheReferenceServersTool(String transport) {
    try (FakeKimiServer fake = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("test-key").baseUrl(fake.baseUrl()).build();
        McpClient mcp = connect(transport)) {
      Agent agent =
          Agent.builder(kimi, "kimi-k2.6")
              .name("everything", "1")
              .tools(McpToolset.of(mcp))
              .key(TestKeys.KEY)
              .store(FileRunStore.of(dir))
              .build();

      RunResult r = agent.run("sum-1", List.of(Message.user("Use get-sum with a=2 b=3")));

      assertThat(r)
          .as("%s", r instanceof RunResult.Failed f ? f.error() : r)
          .isInstanceOf(RunResult.Answered.class);
      RunState s = ((RunResult.Answered) r).state();
      assertThat(s.messages().subList(s.newMessageIndex(), s.messages().size()))
          .filteredOn(m -> m instanceof ToolMessage)
          .extracting(m -> ((ToolMessage) m).content())
          .containsExactly("The sum of 2 and 3 is 5.");
      assertThat(r.text()).isEqualTo("From the tools: get-sum says The sum of 2 and 3 is 5..");
      KimisRules.check(fake.requests());
      int sent = fake.requestCount();
      RunState saved = agent.load("sum-1").orElseThrow();
      assertThat(saved.status()).isEqualTo(RunState.Status.ANSWERED);
      assertThat(agent.resume(saved, List.of())).isInstanceOf(RunResult.Answered.class);
      assertThat(fake.requestCount()).isEqualTo(sent);
    }
  }
}
