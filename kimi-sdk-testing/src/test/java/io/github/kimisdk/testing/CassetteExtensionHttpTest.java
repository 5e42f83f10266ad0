package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JUnit workflow docs/testing.md shows: the extension's server and client (whose key is {@value
 * FakeKimiExtension#KEY}) record through {@link Cassette#fromEnv} when {@code KIMI_RECORD} and a
 * key are set, and replay the same test without them.
 */
@ExtendWith(FakeKimiExtension.class)
class CassetteExtensionHttpTest {

  static final String SECRET = "sk-from-the-environment-0123456789";

  @Test
  void aTestRecordsWithTheEnvironmentsKeyAndReplaysWithoutIt(
      FakeKimiServer server, KimiClient kimi, @TempDir Path dir) throws Exception {
    ChatRequest ask = ChatRequest.of("kimi-k3", "Plan a day in Paris");
    String live;
    try (FakeKimiServer upstream = new FakeKimiServer().requireApiKey(SECRET).start()) {
      Map<String, String> recording =
          Map.of("KIMI_RECORD", upstream.baseUrl(), "MOONSHOT_API_KEY", SECRET);
      server.cassette(Cassette.fromEnv(dir, recording::get));
      live = kimi.chat(ask).text();
      assertThat(upstream.takeRequest().header("Authorization")).contains("Bearer " + SECRET);

      server.cassette(Cassette.fromEnv(dir, Map.<String, String>of()::get)); // a CI: no variables
      assertThat(kimi.chat(ask).text()).isEqualTo(live).isEqualTo("You said: Plan a day in Paris");
      assertThat(upstream.requestCount()).isEqualTo(1);
    }
    assertThat(server.requests()).extracting(RecordedRequest::status).containsOnly(200);
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        assertThat(Files.readString(f)).doesNotContain(SECRET, FakeKimiExtension.KEY);
      }
    }
  }
}
