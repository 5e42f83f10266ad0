package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fake knows K3.1 Pro (kimi-api.md, Changes of 2026-11-25 and the fourth look): it lists both
 * ids with their window and efforts, answers them as always reasoning, takes a {@code thinking}
 * field and ignores it, and the catalog learned from its list is the built-in one.
 */
@ExtendWith(FakeKimiExtension.class)
class FakeModelK31HttpTest {

  @ParameterizedTest
  @ValueSource(strings = {"kimi-k3.1-pro", "kimi-k3.1-pro-highspeed"})
  void answersAndListsK31(String id, FakeKimiServer server, KimiClient kimi) {
    ChatCompletion reply =
        kimi.chat(ChatRequest.builder(id).addUser("Say hi").reasoningEffort("low").build());
    assertThat(reply.model()).isEqualTo(id);
    assertThat(reply.choices().get(0).message().reasoningContent()).isNotEmpty();
    assertThat(((JsonObject) server.takeRequest().json()).get("reasoning_effort"))
        .isEqualTo(JsonString.of("low"));

    ListedModel listed =
        kimi.models().list().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    assertThat(listed.contextLength()).isEqualTo(1_048_576);
    assertThat(listed.efforts()).containsExactly("low", "high", "max");
    ModelInfo builtIn = ModelCatalog.defaults().lookup(id);
    assertThat(ModelCatalog.defaults().updated(List.of(listed)).lookup(id)).isEqualTo(builtIn);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kimi-k3.1-pro", "kimi-k3.1-pro-highspeed"})
  void takesNoThinkingFieldAndAlwaysReasons(
      String id, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    // sent deliberately, as a client that marks it does: Moonshot takes it and ignores it, so the
    // model reasons all the same
    KimiClient deliberate = clients.build(b -> b.deliberateFields("thinking"));
    ChatCompletion off =
        deliberate.chat(
            ChatRequest.builder(id).addUser("Say hi").thinking(Thinking.disabled()).build());
    assertThat(off.choices().get(0).message().reasoningContent()).isNotEmpty();
    RecordedRequest sent = server.takeRequest();
    assertThat(((JsonObject) sent.json()).get("thinking").toString())
        .isEqualTo("{\"type\":\"disabled\"}");
    assertThat(sent.ignoredFields()).containsExactly("thinking");

    // so K3's temperature with thinking off, 0.6, is refused: the model thinks
    KimiClient unchecked = clients.build(b -> b.modelChecks(false));
    assertThatThrownBy(
            () ->
                unchecked.chat(
                    ChatRequest.builder(id)
                        .addUser("Say hi")
                        .thinking(Thinking.disabled())
                        .temperature(0.6)
                        .build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("invalid temperature: only 1 is allowed for this model");
  }
}
