package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A model id Kimi does not know fails with the closest id the client's table knows. */
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
}
