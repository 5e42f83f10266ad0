package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.testing.Cassette;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Java client is told when a replaying FakeKimiServer's cassette holds no matching exchange
 * (issue 75): the cassette's own words and what to do, never that its base URL or model is wrong.
 */
class CassetteMissHttpTest {

  @Test
  void aCassetteMissIsToldAsOneNotAsAWrongBaseUrl(@TempDir Path tape) {
    try (FakeKimiServer replay = new FakeKimiServer().cassette(Cassette.replay(tape)).start();
        KimiClient kimi =
            KimiClient.builder().apiKey("sk-test").baseUrl(replay.baseUrl()).build()) {
      Throwable e = catchThrowable(() -> kimi.chat(ChatRequest.of("kimi-k3", "Hello")));

      assertThat(e).isInstanceOf(NotFoundException.class);
      assertThat(e.getMessage())
          .contains("holds no recorded exchange that matches POST /v1/chat/completions")
          .contains(ErrorMaker.CASSETTE_MISS_HINT)
          .doesNotContain("check the base URL")
          .doesNotContain("Check the model id");
    }
  }
}
