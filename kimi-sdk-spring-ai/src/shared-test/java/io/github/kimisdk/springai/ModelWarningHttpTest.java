package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;

/**
 * A chat model whose model the client's table does not hold is warned about once, when it is built
 * (on the client's logger), and not again by its first calls.
 */
class ModelWarningHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();
  private final Warnings warnings = new Warnings();
  private final KimiClient client =
      KimiClient.builder()
          .apiKey("sk-spring")
          .baseUrl(server.baseUrl())
          .retryPolicy(RetryPolicy.none())
          .logger(warnings)
          .build();

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  @Test
  void anUnknownModelIsWarnedAboutOnceWhenBuiltAndNotAgainByItsCalls() {
    server.addModel(ModelInfo.builder("kimi-k2.6x").build()); // served, so the calls succeed
    KimiChatModel model =
        KimiChatModel.builder()
            .kimiClient(client)
            .options(KimiChatOptions.builder().model("kimi-k2.6x").build())
            .build();
    assertThat(warnings.lines)
        .singleElement()
        .asString()
        .startsWith("Model kimi-k2.6x is not in this client's model table")
        .contains("did you mean kimi-k2.6?");

    ChatClient chat = ChatClient.create(model);
    assertThat(chat.prompt("hi").call().content()).isEqualTo("You said: hi");
    assertThat(chat.prompt("hi").stream().content().collectList().block()).isNotEmpty();
    assertThat(warnings.lines).hasSize(1);
  }

  @Test
  void theDefaultModelIsNotWarnedAbout() {
    KimiChatModel model = KimiChatModel.builder().kimiClient(client).build();
    assertThat(ChatClient.create(model).prompt("hi").call().content()).isEqualTo("You said: hi");
    assertThat(warnings.lines).isEmpty();
  }

  /** The client's warnings, as the application's log would show them. */
  static final class Warnings implements System.Logger {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
      return KimiClient.LOGGER_NAME;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= Level.WARNING.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        lines.add(msg);
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        lines.add(
            params == null || params.length == 0
                ? format
                : java.text.MessageFormat.format(format, params));
      }
    }
  }
}
