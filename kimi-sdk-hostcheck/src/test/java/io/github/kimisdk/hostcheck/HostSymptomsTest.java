package io.github.kimisdk.hostcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link HostSymptoms}: what a host's answer shows, one case per marker and per place a host puts
 * reasoning, tool calls and usage; and what each fault's fix says, per kind of server.
 */
class HostSymptomsTest {

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "<|open|>think<|sep|>Let me see<|close|>think<|sep|>OK => <|open|>think<|sep|>",
        "Let me see<|close|>think<|sep|><|open|>response<|sep|>OK => <|close|>think<|sep|>",
        "<think>Let me see</think>OK => <think>",
        "Let me see</think>OK => </think>",
        "<|open|>response<|sep|>OK<|close|>response<|sep|> => <|open|>response<|sep|>",
        "OK<|close|>response<|sep|> => <|close|>response<|sep|>",
        "OK<|close|>message<|sep|> => <|close|>message<|sep|>",
        "OK, <think about it> => ",
        "OK => ",
      })
  void contentMarkersAreThoseAMissingReasoningParserLeaves(String content, String marker) {
    assertThat(HostSymptoms.marker(content, HostSymptoms.CONTENT_MARKERS)).isEqualTo(marker);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "thinking<|close|>think<|sep|><|open|>response<|sep|>OK => <|close|>think<|sep|>",
        "thinking<|open|>tools<|sep|><|open|>call tool=\"x\" => <|open|>tools<|sep|>",
        "I think <think> is a tag => ",
        "thinking => ",
      })
  void k3ChannelMarkersInTheReasoningAreK2sParserOnK3(String reasoning, String marker) {
    assertThat(HostSymptoms.marker(reasoning, HostSymptoms.K3_CHANNEL_MARKERS)).isEqualTo(marker);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "<|open|>tools<|sep|><|open|>call tool=\"get_weather\" index=\"1\"<|sep|>"
            + " => <|open|>tools<|sep|>",
        "<|open|>call tool=\"get_weather\" => <|open|>call tool=",
        "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0"
            + " => <|tool_calls_section_begin|>",
        "<|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{}"
            + " => <|tool_call_begin|>",
        "{\"city\":\"Paris\"}<|tool_call_argument_begin|> => <|tool_call_argument_begin|>",
        "I would call get_weather => ",
      })
  void toolMarkersAreThoseAMissingToolParserLeaves(String content, String marker) {
    assertThat(HostSymptoms.marker(content, HostSymptoms.TOOL_MARKERS)).isEqualTo(marker);
  }

  @Test
  void noTextHoldsNoMarker() {
    assertThat(HostSymptoms.marker(null, HostSymptoms.CONTENT_MARKERS)).isNull();
    assertThat(HostSymptoms.marker("", HostSymptoms.TOOL_MARKERS)).isNull();
  }

  @Test
  void aWholeReplyIsReadAsTheHostWroteIt() {
    HostSymptoms.Reply r =
        HostSymptoms.whole(
            Json.parse(
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                    + "\"reasoning\":\"think\",\"tool_calls\":[{\"id\":\"functions.f:0\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
                    + "\"{\\\"a\\\":1}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}"));
    assertThat(r.content()).isNull();
    assertThat(r.reasoning()).isEqualTo("think");
    assertThat(r.reasoningContent()).isNull();
    assertThat(r.keyUsed("reasoning_content")).isEqualTo("reasoning");
    assertThat(r.keyUsed("reasoning")).isEqualTo("reasoning");
    assertThat(r.calls()).containsExactly(new HostSymptoms.Call("f", "{\"a\":1}"));
    assertThat(r.finish()).isEqualTo("tool_calls");
    assertThat(r.usage()).isTrue();
    assertThat(r.tokens()).as("prompt plus completion without a total").isEqualTo(15);
  }

  @Test
  void aReplyWithoutChoicesOrUsageIsEmpty() {
    HostSymptoms.Reply r = HostSymptoms.whole(Json.parse("{\"object\":\"error\"}"));
    assertThat(r.content()).isNull();
    assertThat(r.anyReasoning()).isNull();
    assertThat(r.keyUsed("reasoning")).isNull();
    assertThat(r.calls()).isEmpty();
    assertThat(r.usage()).isFalse();
    assertThat(r.tokens()).isZero();
    assertThat(HostSymptoms.whole(null).usage()).isFalse();
  }

  private static HostSymptoms.Stream stream(String... chunks) {
    HostSymptoms.Stream s = new HostSymptoms.Stream();
    for (String c : chunks) {
      s.event(Json.parse(c));
    }
    return s;
  }

  @Test
  void aStreamsDeltasAreJoinedAndItsToolCallsJoinedByIndex() {
    HostSymptoms.Reply r =
        stream(
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"th\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"ink\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                    + "\"function\":{\"arguments\":\":1}\"}}]}}]}",
                "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"another choice\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}")
            .reply();
    assertThat(r.content()).isEmpty();
    assertThat(r.reasoningContent()).isEqualTo("think");
    assertThat(r.calls()).containsExactly(new HostSymptoms.Call("f", "{\"a\":1}"));
    assertThat(r.finish()).isEqualTo("tool_calls");
    assertThat(r.usage()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // a usage-only chunk (vLLM, SGLang, OpenRouter)
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,"
            + "\"total_tokens\":12}}|12",
        // Moonshot's: inside the finishing choice
        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"usage\":"
            + "{\"total_tokens\":7}}]}|7",
        // a chunk's top-level usage beside its choices
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}],\"usage\":"
            + "{\"total_tokens\":4}}|4",
      })
  void aStreamsUsageIsFoundWhereverTheHostPutsIt(String chunk, long tokens) {
    HostSymptoms.Reply r = stream(chunk).reply();
    assertThat(r.usage()).isTrue();
    assertThat(r.tokens()).isEqualTo(tokens);
  }

  @Test
  void anErrorEventIsKept() {
    HostSymptoms.Stream s =
        stream(
            "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}",
            "{\"error\":{\"message\":\"The request queue is full.\",\"code\":503}}");
    assertThat(s.error().toString()).contains("queue is full");
    assertThat(s.events()).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "The model `moonshotai/Kimi-K3` does not exist.|true",
        "Not found the model kimi-k3 or Permission denied|true",
        "moonshotai/kimi-k3 is not a valid model ID|true",
        "Model not found, inaccessible, and/or not deployed|true",
        "Unable to access model moonshotai/kimi-k3. Please visit ...|true",
        "invalid temperature: only 1 is allowed for this model|false",
        "Extra inputs are not permitted|false",
      })
  void aRefusalNamingAnUnknownModelIsToldInEachHostsWords(String message, boolean unknown) {
    assertThat(HostSymptoms.namesUnknownModel(message)).isEqualTo(unknown);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "invalid temperature: only 1 is allowed for this model|true",
        "invalid top_p: only 0.95 is allowed for this model|true",
        "invalid presence_penalty: only 0 is allowed for this model|true",
        "The model `x` does not exist.|false",
      })
  void aRefusalOfASamplingValueIsTold(String message, boolean sampling) {
    assertThat(HostSymptoms.aboutSampling(message)).isEqualTo(sampling);
  }

  @Test
  void eachFixNamesWhatTheKindOfServerChanges() {
    Host vllm = Host.vllm("http://127.0.0.1:8000/v1");
    Host sglang = Host.sglang("http://127.0.0.1:30000/v1");
    Host other = Host.compatible("tgi", "http://127.0.0.1:9000/v1");
    assertThat(HostSymptoms.reasoningParserFix(vllm, true))
        .isEqualTo("start vLLM with --reasoning-parser kimi_k3");
    assertThat(HostSymptoms.reasoningParserFix(sglang, false))
        .isEqualTo("start SGLang with --reasoning-parser kimi_k2");
    assertThat(HostSymptoms.reasoningParserFix(other, true))
        .contains("--reasoning-parser kimi_k3 on vLLM and SGLang");
    assertThat(HostSymptoms.reasoningParserFix(Host.OPENROUTER, true))
        .startsWith("openrouter serves the model without Kimi's kimi_k3 reasoning parser");
    assertThat(HostSymptoms.toolParserFix(vllm, true))
        .isEqualTo("start vLLM with --enable-auto-tool-choice --tool-call-parser kimi_k3");
    assertThat(HostSymptoms.toolParserFix(sglang, true))
        .isEqualTo("start SGLang with --tool-call-parser kimi_k3");
    assertThat(HostSymptoms.toolParserFix(Host.MOONSHOT, true)).contains("report it to moonshot");
    assertThat(HostSymptoms.streamUsageFix(vllm)).contains("--enable-force-include-usage");
    assertThat(HostSymptoms.streamUsageFix(Host.MOONSHOT)).contains("finishing chunk");
    assertThat(HostSymptoms.streamUsageFix(Host.TOGETHER)).contains("together ignores");
    assertThat(HostSymptoms.reasoningKeyFix("reasoning"))
        .startsWith("withReasoningKey(\"reasoning\")");
  }

  @Test
  void anIgnoredSwitchIsFixedByTheSwitchTheHostReads() {
    assertThat(HostSymptoms.thinkingSwitchFix(Host.compatible("mine", "http://127.0.0.1:1/v1")))
        .contains("withThinkingSwitch(Host.ThinkingSwitch.CHAT_TEMPLATE_KWARGS)");
    assertThat(HostSymptoms.thinkingSwitchFix(Host.MOONSHOT)).contains("report it to Moonshot");
    assertThat(HostSymptoms.thinkingSwitchFix(Host.vllm("http://127.0.0.1:1/v1")))
        .contains("chat template ignores chat_template_kwargs.thinking");
    assertThat(
            HostSymptoms.thinkingSwitchFix(
                Host.FIREWORKS.withThinkingSwitch(Host.ThinkingSwitch.CHAT_TEMPLATE_KWARGS)))
        .contains("choose the switch its docs name");
    assertThat(HostSymptoms.thinkingSwitchFix(Host.OPENROUTER))
        .contains("withThinkingSwitch(Host.ThinkingSwitch.REASONING_EFFORT)");
    assertThat(
            HostSymptoms.thinkingSwitchFix(
                Host.OPENROUTER.withThinkingSwitch(Host.ThinkingSwitch.REASONING_EFFORT)))
        .contains("withThinkingSwitch(Host.ThinkingSwitch.REASONING_OBJECT)");
  }

  @Test
  void eachPresetIsItsKindOfServer() {
    assertThat(
            List.of(
                HostSymptoms.server(Host.vllm("http://127.0.0.1:1/v1")),
                HostSymptoms.server(Host.sglang("http://127.0.0.1:1/v1")),
                HostSymptoms.server(Host.KIMI_CODE),
                HostSymptoms.server(Host.FIREWORKS),
                HostSymptoms.server(Host.compatible("tgi", "http://127.0.0.1:1/v1"))))
        .containsExactly(
            HostSymptoms.Server.VLLM,
            HostSymptoms.Server.SGLANG,
            HostSymptoms.Server.MOONSHOT,
            HostSymptoms.Server.VENDOR,
            HostSymptoms.Server.OTHER);
  }
}
