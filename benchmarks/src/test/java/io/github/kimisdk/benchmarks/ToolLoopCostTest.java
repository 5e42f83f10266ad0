package io.github.kimisdk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolLoopCostTest {

  @TempDir static Path dir;

  static ToolLoopServer server;

  static Path drivers;

  @BeforeAll
  static void start() throws Exception {
    server = new ToolLoopServer();
    drivers = dir.resolve("drivers");
    ToolLoopCost.compile(classPath(), Set.of("LoopDriver"), drivers);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** Opens one of ToolLoopCost's loops of this build, in a class loader of its own. */
  private static Callable<long[]> open(String loop, String settings) throws Exception {
    String config =
        "url="
            + server.baseUrl()
            + ";task="
            + ToolLoopServer.TASK
            + ";answer="
            + ToolLoopServer.ANSWER
            + ";"
            + ToolLoopCost.LOOPS.get(loop).split("\\|")[1]
            + settings;
    return ToolLoopCostClient.open(
            String.join("|", loop, "LoopDriver", classPath(), drivers.toString(), config))
        .loop();
  }

  @Test
  void eachLoopOfThisBuildRunsTheTaskAndTheServerSeesEveryTurnAnswered() throws Exception {
    long refused = server.refused(); // another test refuses a half turn on purpose
    for (String loop : new String[] {"chat", "agent", "agentNoCompaction", "agentMemory"}) {
      Callable<long[]> driver = open(loop, "");
      long before = server.requests();
      for (int i = 0; i < 3; i++) {
        assertThat(driver.call()).as(loop).containsExactly(11, 20);
      }
      assertThat(server.requests() - before).as(loop).isEqualTo(33);
      ((AutoCloseable) driver).close();
    }
    assertThat(server.refused()).isEqualTo(refused);
  }

  @Test
  void theAgentOnAFileStoreRunsTheTaskDurably() throws Exception {
    Callable<long[]> driver = open("agentFile", ";files=" + dir.resolve("runs"));
    assertThat(driver.call()).containsExactly(11, 20);
    assertThat(driver.call()).containsExactly(11, 20);
    ((AutoCloseable) driver).close();
    try (var runs = java.nio.file.Files.list(dir.resolve("runs"))) {
      assertThat(runs.count()).isGreaterThanOrEqualTo(2); // each loop's run saved
    }
  }

  @Test
  void theServerRefusesToolResultsThatAreNotWholeTurns() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String half =
        "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"notify:0\",\"content\":\"told\"}]}";
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(half))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    String whole =
        half.replace(
            "]}", ",{\"role\":\"tool\",\"tool_call_id\":\"notify:1\",\"content\":\"t\"}]}");
    HttpResponse<String> second =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(whole))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).contains("\"id\":\"notify:2\"", "\"id\":\"notify:3\"");
  }

  @Test
  void theToolRunnerLoopCompilesOnlyAgainstABuildThatHasToolRunner() {
    // what runs as toolRunner is a build's own io.github.kimisdk.agent.ToolRunner, never a copy:
    // this build has none
    assertThatThrownBy(
            () ->
                ToolLoopCost.compile(
                    classPath(), Set.of("ToolRunnerDriver"), dir.resolve("no-runner")))
        .hasMessageContaining("io.github.kimisdk.agent");
  }

  @Test
  void theBodiesAreTheTurnsOfTheTask() {
    assertThat(ToolLoopServer.body(0)).contains("acct-1", "acct-2", "\"tool_calls\"");
    assertThat(ToolLoopServer.body(9)).contains("acct-19", "acct-20");
    assertThat(ToolLoopServer.body(10))
        .contains(ToolLoopServer.ANSWER, "\"finish_reason\":\"stop\"")
        .doesNotContain("tool_calls");
    assertThat(
            ToolLoopServer.count(
                "a\"tool_call_id\"b\"tool_call_id\""
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                TOOL))
        .isEqualTo(2);
  }

  private static final byte[] TOOL =
      "\"tool_call_id\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
}
