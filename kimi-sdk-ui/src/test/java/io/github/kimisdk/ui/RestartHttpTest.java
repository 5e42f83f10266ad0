package io.github.kimisdk.ui;

import static io.github.kimisdk.ui.ChatRig.first;
import static io.github.kimisdk.ui.ChatRig.text;
import static io.github.kimisdk.ui.ChatRig.types;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.foreign.ForeignProcess;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server restart during a run: a server in a JVM of its own streams a run (its store a folder),
 * and is killed with SIGKILL mid-answer; a new server on the same folder, asked by the page's
 * resume, finds the run its dead worker left, drives it on from the store and streams it whole.
 */
@Tag("slow") // starts a JVM of its own: mvn -B -P slow verify
@ExtendWith(FakeKimiExtension.class)
class RestartHttpTest {

  @TempDir Path runs;

  /** The server of the first JVM: an agent's chat on a file store, until it is killed. */
  public static void main(String[] args) throws Exception {
    KimiClient kimi = KimiClient.builder().apiKey(FakeKimiExtension.KEY).baseUrl(args[0]).build();
    ChatRig rig = new ChatRig(kimi, FileRunStore.of(Path.of(args[1])), b -> b);
    System.out.println("LISTENING " + rig.base());
    new CountDownLatch(1).await(); // until killed
  }

  @Test
  void aServerRestartedMidRunResumesTheStreamFromTheStore(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    fake.enqueue(
        ResumeHttpTest.slowReply(
            "kimi-k3",
            List.of("This ", "answer ", "is ", "cut ", "short ", "by ", "a ", "kill."),
            Duration.ofMillis(500)));
    fake.enqueue(FakeResponse.reply("Answered after the restart."));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (ForeignProcess first =
        ForeignProcess.start(
            Path.of("."),
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                RestartHttpTest.class.getName(),
                fake.baseUrl(),
                runs.toString()),
            Map.of())) {
      Matcher m = first.await(Pattern.compile("LISTENING (\\S+)"), Duration.ofMinutes(2));
      HttpResponse<InputStream> streaming =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(m.group(1)))
                      .header("X-User", "alice@example.com")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              ChatRig.ask("chat-x", JsonArray.of(), "Tell me something")))
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      List<JsonObject> before =
          ChatRig.Sse.read(streaming.body(), ps -> types(ps).contains("text-delta"));
      assertThat(text(before, "text")).isNotEmpty();
      first.process().destroyForcibly(); // SIGKILL, mid-answer
      first.process().waitFor();
    }

    try (ChatRig restarted = new ChatRig(kimi, FileRunStore.of(runs), b -> b)) {
      assertThat(restarted.chat.agent().load("chat-x.1").orElseThrow().status())
          .isEqualTo(RunState.Status.RUNNING);
      ChatRig.Reply resumed = restarted.get("/chat-x/stream", "alice@example.com");
      assertThat(resumed.status()).isEqualTo(200);
      List<JsonObject> parts = resumed.parts();
      assertThat(types(parts)).startsWith("start").endsWith("finish", "[DONE]");
      assertThat(text(parts, "text")).isEqualTo("Answered after the restart.");
      assertThat(first(parts, "finish").get("finishReason").asString()).isEqualTo("stop");
      assertThat(restarted.chat.agent().load("chat-x.1").orElseThrow().status())
          .isEqualTo(RunState.Status.ANSWERED);
      assertThat(fake.requestCount()).isEqualTo(2);
    }
  }
}
