package io.github.kimisdk.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.InvalidRequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK against an OpenAI-compatible mock server nobody here wrote ({@code openai-mock-api} from
 * npm, pinned): its chat answers and event streams decode, and its error shapes (a 401 typed {@code
 * invalid_request_error}, a 400 for a conversation it has no answer for) are classified.
 */
@Tag("slow") // installs npm packages: mvn -B -P slow verify
class OpenAiMockApiHttpTest {

  static final String PACKAGE = "openai-mock-api@0.4.0";
  static final String KEY = "sk-mock-0123456789abcdefghijkl";

  static ForeignProcess server;
  static String baseUrl;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Path installed = Npm.install(PACKAGE);
    Path bin = Npm.bin(installed, "openai-mock-api");
    int port = ForeignProcess.freePort();
    Path config = dir.resolve("config.yaml");
    Files.writeString(
        config,
        "apiKey: '"
            + KEY
            + "'\n"
            + "port: "
            + port
            + "\n"
            + "responses:\n"
            + "  - id: 'greeting'\n"
            + "    messages:\n"
            + "      - role: 'user'\n"
            + "        content: 'Hello'\n"
            + "        matcher: 'contains'\n"
            + "      - role: 'assistant'\n"
            + "        content: 'Hello from a server we did not write.'\n");
    server =
        ForeignProcess.start(
            installed,
            List.of(Npm.node(), bin.toString(), "--config", config.toString(), "--port", "" + port),
            Map.of());
    server.await(Pattern.compile("started on port " + port), Duration.ofSeconds(60));
    baseUrl = "http://127.0.0.1:" + port + "/v1";
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static KimiClient client(String key) {
    return KimiClient.builder()
        .apiKey(key)
        .baseUrl(baseUrl)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  @Test
  void itsAnswersAndStreamsDecode() {
    try (KimiClient kimi = client(KEY)) {
      ChatRequest hello = ChatRequest.of("gpt-4o-mini", "Hello there");
      assertThat(kimi.chat(hello).text()).isEqualTo("Hello from a server we did not write.");
      assertThat(kimi.stream(hello).toCompletion().text())
          .isEqualTo("Hello from a server we did not write.");
    }
  }

  @Test
  void itsErrorsAreClassifiedAndNeverEchoTheKey() {
    String wrong = "sk-wrong-0123456789abcdefghijkl";
    try (KimiClient kimi = client(wrong)) {
      Throwable e = catchThrowable(() -> kimi.chat(ChatRequest.of("gpt-4o-mini", "Hello")));
      assertThat(e).isInstanceOf(AuthenticationException.class);
      assertThat(((ApiException) e).serverMessage()).isEqualTo("Invalid API key provided");
      assertThat(e.getMessage()).doesNotContain(wrong);
    }
    try (KimiClient kimi = client(KEY)) {
      Throwable e = catchThrowable(() -> kimi.chat(ChatRequest.of("gpt-4o-mini", "nothing known")));
      assertThat(e).isInstanceOf(InvalidRequestException.class);
      assertThat(((ApiException) e).status()).isEqualTo(400);
      assertThat(((ApiException) e).serverMessage()).isNotBlank();
    }
  }
}
