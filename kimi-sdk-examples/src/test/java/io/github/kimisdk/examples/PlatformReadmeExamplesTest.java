package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.PingResult;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformReadmeExamplesTest {

  @TempDir Path dir;

  @Test
  void readmeSnippetsRunAgainstTheFakeServer() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("test").baseUrl(server.baseUrl()).build()) {
      Path paper = Files.writeString(dir.resolve("paper.txt"), "Cats sleep a lot.");
      assertThat(PlatformReadmeExamples.document(kimi, paper)).isEqualTo("You said: Summarise it");

      Path photo = Files.write(dir.resolve("cat.png"), new byte[] {1, 2, 3});
      List<FileObject> files = PlatformReadmeExamples.files(kimi, photo);
      assertThat(files).extracting(FileObject::filename).containsExactly("cat.png");

      assertThat(PlatformReadmeExamples.health(kimi).status()).isEqualTo(PingResult.Status.OK);

      List<ChatResult> results =
          PlatformReadmeExamples.many(
              kimi, List.of(ChatRequest.of("kimi-k2.6", "a"), ChatRequest.of("kimi-k2.6", "b")));
      assertThat(results)
          .extracting(r -> r.completion().text())
          .containsExactly("You said: a", "You said: b");
      assertThat(
              PlatformReadmeExamples.batch(
                  kimi,
                  List.of(ChatRequest.of("kimi-k2.6", "x"), ChatRequest.of("kimi-k2.6", "y"))))
          .extracting(r -> r.completion().text())
          .containsExactly("You said: x", "You said: y");
    }
  }
}
