package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitReadmeExamplesTest {

  @TempDir Path dir;

  @Test
  void readmeSnippetsRunAgainstTheFakeServer() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = RateLimitReadmeExamples.limited("test", server.baseUrl())) {
      assertThat(kimi.rateLimit())
          .hasValueSatisfying(r -> assertThat(r.requestsPerMinute()).hasValue(200));
      assertThat(RateLimitReadmeExamples.custom().maxConcurrency()).hasValue(8);

      List<ChatRequest> requests =
          IntStream.range(0, 60).mapToObj(i -> ChatRequest.of("kimi-k2.6", "q" + i)).toList();
      List<String> answers = RateLimitReadmeExamples.burst(kimi, requests);
      assertThat(answers).hasSize(60).startsWith("You said: q0").endsWith("You said: q59");

      Path photo = Files.write(dir.resolve("cat.png"), new byte[] {1, 2, 3});
      assertThat(
              RateLimitReadmeExamples.batchAsync(
                  kimi, List.of(ChatRequest.of("kimi-k2.6", "x")), photo))
          .extracting(r -> r.completion().text())
          .containsExactly("You said: x");
    }
  }
}
