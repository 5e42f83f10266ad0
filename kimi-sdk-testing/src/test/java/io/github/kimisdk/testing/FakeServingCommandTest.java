package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.testing.FakeKimiCommand.Options;
import io.github.kimisdk.testing.FakeKimiCommand.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line's replicas and serving ({@code --replicas}, {@code --service-time}, {@code
 * --slow-first-token}, {@code --cut-streams}), read in process: one case per rule.
 */
class FakeServingCommandTest {

  @Test
  void readsTheServingOfEachAnswer() throws Exception {
    Options o =
        FakeKimiCommand.parse(
            "--service-time",
            "250",
            "--slow-first-token=5:3000",
            "--cut-streams",
            "2:5",
            "--replicas",
            "2");
    assertThat(o.serving())
        .isEqualTo(
            new FakeServing.Settings(Duration.ofMillis(250), 5, Duration.ofSeconds(3), 2, 5));
    assertThat(o.replicas()).isEqualTo(2);
    assertThat(FakeKimiCommand.parse().serving()).isEqualTo(FakeServing.Settings.NONE);
    assertThat(FakeKimiCommand.parse().replicas()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--service-time | -1 | --service-time takes a whole number",
        "--slow-first-token | 5 | --slow-first-token takes EVERY:MS",
        "--slow-first-token | x:3000 | --slow-first-token takes a whole number",
        "--cut-streams | 2:0 | cuts after at least one chunk",
        "--cut-streams | 2 | --cut-streams takes EVERY:AFTER",
        "--replicas | 0 | --replicas takes a number from 1 to 64",
        "--replicas | 65 | --replicas takes a whole number from 0 to 64",
      })
  void refusesAWrongServingSayingWhatIsWrong(String name, String value, String message) {
    assertThatThrownBy(() -> FakeKimiCommand.parse(name, value))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void replicasServeTheBuiltInModelOverPlainHttpOnly() {
    assertThatThrownBy(() -> FakeKimiCommand.parse("--replicas", "2", "--tls"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--replicas serves the built-in model over HTTP");
    assertThatThrownBy(() -> FakeKimiCommand.parse("--replicas", "2", "--replay", "tapes"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("no --tls, --record or --replay");
  }

  @Test
  void eachReplicaIsAServerOfItsOwnNamedOnALineOfItsOwn() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        FakeKimiCommand.run(
            new String[] {"--replicas", "2", "--dialect", "vllm", "--max-concurrency", "2"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(FakeKimiCommand.SERVING);
    String printed = out.toString(StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("FakeKimiServer at (http://127\\.0\\.0\\.1:\\d+/v1) \\(replica (\\d) of 2;")
            .matcher(printed);
    List<String> urls = new java.util.ArrayList<>();
    while (m.find()) {
      assertThat(m.group(2)).isEqualTo(Integer.toString(urls.size() + 1));
      urls.add(m.group(1));
    }
    assertThat(urls).hasSize(2).doesNotHaveDuplicates();
    assertThat(printed.lines().findFirst().orElseThrow())
        .as("the first line still names a base URL, as scripts read it")
        .startsWith("FakeKimiServer at " + urls.get(0));
    for (String url : urls) {
      HttpResponse<String> r = FakeKimiServerOptionsHttpTest.chat(url, "k");
      assertThat(r.statusCode())
          .as("no key needed by vLLM; the model id is its own")
          .isEqualTo(404);
      assertThat(r.body()).contains("NotFoundError");
    }
    // the servers close when the JVM ends (their shutdown hooks); nothing else holds them
  }

  @Test
  void theServingOfTheCommandLineReachesTheServer() throws Exception {
    try (FakeKimiServer server =
        FakeKimiCommand.start(
            FakeKimiCommand.parse("--cut-streams", "1:1", "--service-time", "10"), System.err)) {
      assertThat(server.serviceTime(Duration.ofMillis(10))).isSameAs(server);
      try (io.github.kimisdk.KimiClient kimi =
          io.github.kimisdk.KimiClient.builder().apiKey("k").baseUrl(server.baseUrl()).build()) {
        assertThatThrownBy(
                () -> {
                  try (io.github.kimisdk.chat.ChatStream s =
                      kimi.stream(
                          io.github.kimisdk.chat.ChatRequest.builder("kimi-k3")
                              .addUser("one two three")
                              .thinking(io.github.kimisdk.chat.Thinking.disabled())
                              .build())) {
                    s.toCompletion();
                  }
                })
            .isInstanceOf(io.github.kimisdk.errors.TruncatedStreamException.class);
      }
      assertThat(server.cutStreamCount()).isEqualTo(1);
    }
  }
}
