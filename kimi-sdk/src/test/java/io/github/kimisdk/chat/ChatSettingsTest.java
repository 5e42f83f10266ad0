package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolChoice;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ChatSettings} is the framework modules' one mapping onto {@link ChatRequest}: every
 * component of the request is either a setting it carries, under the same name and type, or one
 * each call sets itself ({@link #PER_CALL}, with the reason). A component added to {@code
 * ChatRequest} fails here until it is decided: carried (a component of {@code ChatSettings}, set by
 * its builder and written by {@code applyTo}) or set per call. Each framework module's own {@code
 * ChatRequestParityTest} then holds the module to what its users can set.
 */
class ChatSettingsTest {

  /** The components a call sets itself, not a framework's options, and why. */
  static final Map<String, String> PER_CALL =
      Map.of(
          "model", "each framework names the model its own way (a default, a request's override)",
          "messages", "the call's conversation, mapped from the framework's messages",
          "stream", "set by which of the framework's calls is made (a stream or a call)",
          "includeUsage", "a streamed call's own choice (whether its last chunk is the usage)",
          "tools",
              "declared through the framework's own tools (callbacks, specifications), converted"
                  + " per call");

  private static Map<String, Type> components(Class<? extends Record> type) {
    Map<String, Type> out = new LinkedHashMap<>();
    for (RecordComponent c : type.getRecordComponents()) {
      out.put(c.getName(), c.getGenericType());
    }
    return out;
  }

  @Test
  void everyComponentOfTheRequestIsCarriedOrSetByEachCall() {
    Map<String, Type> request = components(ChatRequest.class);
    Map<String, Type> settings = components(ChatSettings.class);
    List<String> undecided = new ArrayList<>();
    for (Map.Entry<String, Type> c : request.entrySet()) {
      if (PER_CALL.containsKey(c.getKey())) {
        assertThat(settings)
            .as("a component set per call is not a setting")
            .doesNotContainKey(c.getKey());
      } else if (!c.getValue().equals(settings.get(c.getKey()))) {
        undecided.add(c.getKey() + " (" + c.getValue().getTypeName() + ")");
      }
    }
    assertThat(undecided)
        .as(
            "ChatRequest components neither carried by ChatSettings (a component of the same name"
                + " and type, set by its builder, written by applyTo) nor set per call"
                + " (ChatSettingsTest.PER_CALL, with why): decide each")
        .isEmpty();
    assertThat(request.keySet())
        .as("every setting is a request's component")
        .containsAll(settings.keySet());
  }

  /** Every setting set, as a framework whose options name them all would set them. */
  static ChatSettings everySetting() {
    return ChatSettings.builder()
        .maxCompletionTokens(100)
        .temperature(0.6)
        .topP(0.9)
        .n(2)
        .presencePenalty(0.1)
        .frequencyPenalty(0.2)
        .stop(List.of("END"))
        .responseFormat(ResponseFormat.jsonObject())
        .toolChoice(ToolChoice.auto())
        .thinking(Thinking.disabled())
        .reasoningEffort("low")
        .promptCacheKey("session-1")
        .safetyIdentifier("user-4f1c")
        .extraBody("seed", JsonNumber.of(42))
        .logprobs(true)
        .topLogprobs(2)
        .prediction(Prediction.of("predicted"))
        .promptCacheTtl(CacheTtl.ONE_HOUR)
        .build();
  }

  @Test
  void everySettingReachesTheRequestUnderItsName() throws Exception {
    ChatSettings settings = everySetting();
    ChatRequest request = settings.applyTo(ChatRequest.builder("kimi-k2.6").addUser("Hi")).build();
    for (RecordComponent c : ChatSettings.class.getRecordComponents()) {
      Object value = c.getAccessor().invoke(settings);
      assertThat(value)
          .as("%s: everySetting() sets it (set each new setting there)", c.getName())
          .isNotNull()
          .matches(v -> !(v instanceof Collection<?> l && l.isEmpty()), "not empty")
          .matches(v -> !(v instanceof Map<?, ?> m && m.isEmpty()), "not empty");
      Object sent = ChatRequest.class.getMethod(c.getName()).invoke(request);
      assertThat(sent).as("%s on the request", c.getName()).isEqualTo(value);
    }
  }

  @Test
  void anUnsetSettingLeavesTheRequestsValueAndExtraFieldsAreAdded() {
    ChatRequest.Builder b =
        ChatRequest.builder("kimi-k3")
            .addUser("Hi")
            .maxCompletionTokens(50)
            .extraBody("seed", JsonNumber.of(1));

    ChatRequest request =
        ChatSettings.builder()
            .reasoningEffort("high")
            .extraBody("tag", JsonString.of("t"))
            .build()
            .applyTo(b)
            .build();

    assertThat(request.maxCompletionTokens()).isEqualTo(50);
    assertThat(request.reasoningEffort()).isEqualTo("high");
    assertThat(request.extraBody()).containsOnlyKeys("seed", "tag");
    assertThat(
            ChatSettings.builder()
                .build()
                .applyTo(ChatRequest.builder("kimi-k3").addUser("x"))
                .build())
        .isEqualTo(ChatRequest.of("kimi-k3", "x"));
  }

  @Test
  void theSettingsAreAValueWhoseCollectionsAreTheirOwn() {
    List<String> stop = new ArrayList<>(List.of("END"));
    Map<String, JsonValue> extra = new HashMap<>(Map.of("seed", JsonNumber.of(1)));
    ChatSettings settings =
        new ChatSettings(
            null, null, null, null, null, null, stop, null, null, null, null, null, null, extra,
            null, null, null, null);
    stop.add("STOP");
    extra.clear();

    assertThat(settings.stop()).containsExactly("END");
    assertThat(settings.extraBody()).containsOnlyKeys("seed");
    assertThat(ChatSettings.builder().build().extraBody()).isEmpty();
    assertThat(ChatSettings.builder().build().stop()).isNull();
    assertThat(everySetting()).isEqualTo(everySetting()).hasSameHashCodeAs(everySetting());
    assertThatThrownBy(() -> ChatSettings.builder().extraBody(null, JsonNumber.of(1)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("extraBody name");
    assertThat(
            ChatSettings.builder()
                .extraBody("seed", JsonNumber.of(1))
                .extraBody("seed", null)
                .build()
                .extraBody())
        .isEmpty();
  }

  @Test
  void itsTextNamesTheEndUsersIdAndThePredictionWithoutShowingThem() {
    String text = everySetting().toString();

    assertThat(text)
        .startsWith("ChatSettings[maxCompletionTokens=100, temperature=0.6")
        .contains("reasoningEffort=low", "safetyIdentifier=(set)", "prediction=(set)", "[seed]")
        .doesNotContain("user-4f1c", "predicted");
    assertThat(ChatSettings.builder().build()).hasToString("ChatSettings[]");
  }
}
