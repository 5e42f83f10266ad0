package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.completions.Fate;
import io.github.kimisdk.chat.completions.RequestFields;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host's rule of the fields it takes and ignores without a word ({@code ignored-field}), one
 * row per host and field: Moonshot's API, at its own URL or any other (a proxy, a relay, a fake),
 * ignores every top-level field but those it documents (kimi-api.md, "Changes of 2026-11-28, fourth
 * look"), so a field of the extra body is refused there unless marked deliberate; every other host
 * judges its own fields (Fireworks answers an unknown one with its own 400; vLLM, SGLang,
 * OpenRouter and Together take fields the SDK does not model), so nothing is refused for it. The
 * verdicts are written out here, not derived from the presets.
 */
class HostIgnoredFieldsTableTest {

  /** One host, and whether it ignores a field it does not document. */
  record Row(String name, Host host, boolean ignores) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> hosts() {
    return Stream.of(
        new Row("moonshot", Host.MOONSHOT, true),
        new Row("moonshot-cn", Host.MOONSHOT_CHINA, true),
        new Row("kimi-code", Host.KIMI_CODE, true),
        new Row(
            "moonshot at a relay's URL",
            Host.moonshot(Endpoint.of("https://kimi-relay.example.com/v1")),
            true),
        new Row("moonshot by name", Host.of("moonshot", "https://proxy.example.com/v1"), true),
        new Row("vllm", Host.vllm("http://127.0.0.1:8000/v1"), false),
        new Row("sglang", Host.sglang("http://127.0.0.1:30000/v1"), false),
        new Row("openrouter", Host.OPENROUTER, false),
        new Row("fireworks", Host.FIREWORKS, false),
        new Row("together", Host.TOGETHER, false),
        new Row("compatible", Host.compatible("gateway", "https://gw.example.com/v1"), false));
  }

  private static ChatRequest with(String field) {
    return ChatRequest.builder("kimi-k3").addUser("hi").extraBody(field, JsonNumber.of(7)).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hosts")
  void refusesAnExtraBodyFieldOnlyWhereTheHostIgnoresIt(Row row) {
    for (String field : List.of("seed", "user", "parallel_tool_calls", "Thinking", "top_k")) {
      assertThat(row.host().ignoresField(field)).as(field).isEqualTo(row.ignores());
      List<String> problems = row.host().problems(with(field), Set.of());
      if (!row.ignores()) {
        assertThat(problems).as(field).isEmpty();
        continue;
      }
      assertThat(problems)
          .as(field)
          .containsExactly(
              "Moonshot's API (host "
                  + row.host().name()
                  + ") takes no top-level field \""
                  + field
                  + "\" and ignores it, so kimi-k3 would answer, and bill, as if it were not sent"
                  + " (rule ignored-field); leave it out, or mark \""
                  + field
                  + "\" deliberate (KimiClient.Builder.deliberateFields) if a relay or a newer"
                  + " Kimi reads it");
      assertThat(row.host().problems(with(field), Set.of(field))).as("deliberate").isEmpty();
      assertThat(row.host().problems(with(field), Set.of("other"))).hasSize(1);
    }
  }

  /** The fields the host documents are the chat wire's declaration, and max_tokens. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("hosts")
  void ignoresNoFieldTheChatWireWrites(Row row) {
    for (Fate f : RequestFields.FATES) {
      for (String member : f.names()) {
        assertThat(row.host().ignoresField(member)).as(member).isFalse();
      }
    }
    assertThat(row.host().ignoresField("max_tokens")).isFalse();
    assertThat(row.host().problems(ChatRequest.of("kimi-k3", "hi"), Set.of())).isEmpty();
  }

  @Test
  void namesEveryIgnoredFieldOnceEachAndEscapesWhatTheCallerWrote() {
    ChatRequest r =
        ChatRequest.builder("kimi-k3.1-pro")
            .addUser("hi")
            .extraBody("seed", JsonNumber.of(1))
            .extraBody("metadata", JsonObject.of("team", JsonString.of("search")))
            .extraBody("evil\nline", JsonNumber.of(1))
            .build();
    List<String> problems = Host.MOONSHOT.problems(r, Set.of("metadata"));
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("\"seed\"").contains("kimi-k3.1-pro");
    assertThat(problems.get(1)).contains("\"evil\\nline\"").doesNotContain("\n");
  }

  @Test
  void aNameDoesNotMakeAHostMoonshots() {
    Host named = Host.compatible("moonshot", "https://kimi-relay.example.com/v1");
    assertThat(named.ignoresField("seed")).isFalse();
    assertThat(Host.moonshot(Endpoint.of("https://kimi-relay.example.com/v1"))).isNotEqualTo(named);
    assertThatThrownBy(() -> Host.MOONSHOT.ignoresField(null))
        .isInstanceOf(NullPointerException.class);
  }
}
