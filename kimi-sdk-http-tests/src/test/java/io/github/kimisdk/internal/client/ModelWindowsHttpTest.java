package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.kimisdk.CapturingLogger;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.token.ContextBudget;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model the client's table lacks is sent as it is and never refused on a window the table only
 * assumed (131,072 tokens): the preflight learns its window from {@code GET /models}, once per
 * client, or says in one log line that it could not check.
 */
@ExtendWith(FakeKimiExtension.class)
class ModelWindowsHttpTest {

  /** About 200,000 estimated tokens: over the assumed 131,072, well within a 1,048,576 window. */
  static final String LONG = "word ".repeat(200_000);

  final CapturingLogger log = new CapturingLogger(System.Logger.Level.WARNING);
  final List<String> warnings = log.lines;
  System.Logger before;

  @BeforeEach
  void hear() {
    before = ModelWindows.log;
    ModelWindows.log = log;
  }

  @AfterEach
  void restore() {
    ModelWindows.log = before;
  }

  static KimiClient checking(FakeKimiExtension.Clients clients) {
    return clients.build(b -> b.preflight(ContextBudget.defaults()));
  }

  static long modelListings(FakeKimiServer server) {
    return server.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().equals("/v1/models"))
        .count();
  }

  @Test
  void anUnknownModelIsCheckedAgainstTheWindowTheServerLists(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.addModel(ModelInfo.builder("my-proxy-1m").contextWindow(1_048_576).build());
    server.addModel(ModelInfo.builder("my-proxy-small").contextWindow(1_000).build());
    KimiClient kimi = checking(clients);
    assertThat(kimi.catalog().find("my-proxy-1m")).isEmpty();

    // 200,000 tokens: over the assumed window, within the listed one, so it is sent
    assertThat(kimi.chat(ChatRequest.of("my-proxy-1m", LONG)).model()).isEqualTo("my-proxy-1m");
    // the listed window is checked: 1,000 tokens refuses a long prompt before sending
    ContextBudgetExceededException e =
        catchThrowableOfType(
            ContextBudgetExceededException.class,
            () -> kimi.chat(ChatRequest.of("my-proxy-small", "word ".repeat(2_000))));
    assertThat(e.contextWindow()).isEqualTo(1_000);
    assertThat(e.model()).isEqualTo("my-proxy-small");
    // the list was asked for once, for both models
    assertThat(modelListings(server)).isEqualTo(1);
    assertThat(warnings).isEmpty();
  }

  @Test
  void aModelTheListLacksIsSentUncheckedAndSaysSoOnce(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.lenient(); // answers a model it does not list, as a proxy might
    KimiClient kimi = checking(clients);
    ChatRequest request = ChatRequest.of("my-fine-tune", LONG);
    assertThat(kimi.chat(request).model()).isEqualTo("my-fine-tune");
    kimi.chat(request);
    assertThat(warnings)
        .singleElement()
        .isEqualTo(
            "Preflight could not check the context window of my-fine-tune: the client's model"
                + " table does not know it and GET /models does not list it with a"
                + " context_length; the request is sent unchecked (add the model with"
                + " KimiClient.Builder.catalog(ModelCatalog.defaults().with(...)) to check it)");
    assertThat(modelListings(server)).isEqualTo(1);
  }

  @Test
  void aFailedListingLeavesTheRequestUncheckedAndSaysWhy(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.lenient();
    server.respondWith(
        r ->
            r.path().equals("/v1/models")
                ? FakeResponse.error(
                    403,
                    "{\"error\":{\"type\":\"permission_denied_error\",\"message\":\"no models\"}}")
                : null);
    KimiClient kimi = checking(clients);
    assertThat(kimi.chat(ChatRequest.of("my-fine-tune", LONG)).model()).isEqualTo("my-fine-tune");
    assertThat(warnings)
        .singleElement()
        .asString()
        .startsWith(
            "Preflight could not check the context window of my-fine-tune: the client's model"
                + " table does not know it and GET /models failed (")
        .contains("no models")
        .doesNotContain(FakeKimiExtension.KEY + "-");
    List<RecordedRequest> sent = server.requests();
    assertThat(sent).extracting(RecordedRequest::path).contains("/v1/chat/completions");
  }

  @Test
  void aKnownModelAsksNothingAndTheOneArgumentBudgetRefusesNoUnknownModel(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi = checking(clients);
    kimi.chat(ChatRequest.of("kimi-k3", "hi"));
    assertThat(modelListings(server)).isZero();
    // no client: the budget alone, on the default table, sends an unknown model as it is
    ChatRequest unknown = ChatRequest.of("my-fine-tune", LONG);
    assertThat(ContextBudget.defaults().preflight(unknown)).isSameAs(unknown);
    assertThat(ContextBudget.defaults().trim(unknown)).isSameAs(unknown);
    assertThat(ModelCatalog.defaults().lookup("my-fine-tune").known()).isFalse();
    // ... and still refuses a known model on its known window
    assertThat(
            catchThrowableOfType(
                ContextBudgetExceededException.class,
                () -> ContextBudget.defaults().preflight(ChatRequest.of("moonshot-v1-8k", LONG))))
        .isNotNull();
  }
}
