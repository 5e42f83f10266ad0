package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model id the client's table does not hold is warned about before its first call, with the
 * nearest ids the table knows, and sent all the same; one Kimi does not know fails with the closest
 * id the table knows.
 */
@ExtendWith(FakeKimiExtension.class)
class UnknownModelHttpTest {

  @Test
  void aMistypedModelIdIsAnsweredWithTheClosestKnownId(KimiClient kimi) {
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("kimi-k2.6x", "hi")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Not found the model kimi-k2.6x")
        .hasMessageContaining("did you mean kimi-k2.6?");
  }

  @Test
  void theSuggestionComesFromTheClientsOwnTable(FakeKimiExtension.Clients clients) {
    ModelCatalog mine = ModelCatalog.defaults().with(ModelInfo.unknown("my-fine-tune-2026"));
    KimiClient kimi = clients.build(b -> b.catalog(mine));
    // a typo in the name; another version number (my-fine-tune-2062) is another family: no guess
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("my-fine-tnue-2026", "hi")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("did you mean my-fine-tune-2026?");
  }

  @Test
  void anIdFarFromEveryKnownOneGetsNoGuess(KimiClient kimi) {
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("definitely-not-a-real-model", "hi")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageNotContaining("did you mean")
        .hasMessageContaining("list the models this key can use");
  }

  @Test
  void anIdTheTableDoesNotHoldIsWarnedAboutOnceWithTheNearestKnownIdsAndStillSent(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    // the server serves an id the table does not hold (the table lags, or a proxy names its own)
    server.addModel(ModelInfo.builder("kimi-k2.6x").build());
    CapturingLogger log = new CapturingLogger(Level.WARNING);
    KimiClient kimi = clients.build(b -> b.logger(log));
    ChatRequest newer = ChatRequest.of("kimi-k2.6x", "hi");
    assertThat(kimi.chat(newer).text()).isEqualTo("You said: hi");
    assertThat(kimi.chatAsync(newer).join().text()).isEqualTo("You said: hi");
    assertThat(kimi.stream(newer).toCompletion().text()).isEqualTo("You said: hi");
    assertThat(log.lines)
        .singleElement()
        .asString()
        .contains("Model kimi-k2.6x is not in this client's model table")
        .contains("did you mean kimi-k2.6?")
        .contains("It is sent as asked");

    // an id of no family the table knows still gets the nearest ids it knows, none retired
    catchThrowable(() -> kimi.chat(ChatRequest.of("kimi-k9-pro", "hi")));
    assertThat(log.lines).hasSize(2);
    assertThat(log.lines.get(1))
        .contains("Model kimi-k9-pro is not in this client's model table")
        .contains("the nearest it knows are kimi-k3.1-pro, kimi-k3, kimi-k2.6")
        .doesNotContain("kimi-k2.5");
  }

  @Test
  void idsTheTableHoldsAreNotWarnedAbout(FakeKimiExtension.Clients clients) {
    CapturingLogger log = new CapturingLogger(Level.DEBUG);
    ModelCatalog mine = ModelCatalog.defaults().with(ModelInfo.unknown("my-fine-tune-2026"));
    KimiClient kimi = clients.build(b -> b.logger(log).catalog(mine));
    kimi.chat(ChatRequest.of("kimi-k3", "hi"));
    catchThrowable(() -> kimi.chat(ChatRequest.of("my-fine-tune-2026", "hi")));
    assertThat(log.lines).noneMatch(l -> l.contains("model table") || l.contains("retired"));
  }
}
