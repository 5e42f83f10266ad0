package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Logprobs;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatCodecDecodeTest {

  private static ChatCompletionChunk chunk(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return ChatCodec.decodeChunk(b, 0, b.length);
  }

  private static ChatCompletion completion(String json) {
    return ChatCodec.decodeCompletion(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void chunkKeepsUnknownMembersAtEveryLevel() {
    ChatCompletionChunk c =
        chunk(
            "{\"future\":{\"a\":[1,{\"b\":null}]},\"id\":\"x\",\"choices\":[{\"logprobs\":{\"content\":[]},"
                + "\"index\":0,\"delta\":{\"audio\":[1,2],\"content\":\"hi\",\"tool_calls\":[{\"index\":0,"
                + "\"extra\":true,\"function\":{\"name\":\"f\",\"arguments\":\"{}\",\"x\":1}}]},"
                + "\"finish_reason\":null,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
                + "\"total_tokens\":3,\"tpm\":9,\"prompt_tokens_details\":{\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":1,\"other\":5}}}],"
                + "\"service_tier\":\"default\"}");
    assertThat(c.id()).isEqualTo("x");
    assertThat(c.text()).isEqualTo("hi");
    assertThat(c.choices().get(0).delta().toolCalls())
        .containsExactly(
            new ToolCallDelta(
                0, null, null, "f", "{}", (JsonObject) Json.parse("{\"extra\":true}")));
    assertThat(c.choices().get(0).delta().additionalFields())
        .isEqualTo(Json.parse("{\"audio\":[1,2]}"));
    assertThat(c.choices().get(0).additionalFields()).isEqualTo(Json.parse("{}"));
    assertThat(c.usage())
        .isEqualTo(new Usage(1, 2, 3, null, 1, (JsonObject) Json.parse("{\"tpm\":9}")));
    assertThat(c.additionalFields())
        .isEqualTo(
            Json.parse("{\"future\":{\"a\":[1,{\"b\":null}]},\"service_tier\":\"default\"}"));
  }

  @Test
  void logprobsAreDecodedInCompletionsAndChunksAndOddShapesAreLeftOut() {
    String lp =
        "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.25,\"bytes\":[72,105],"
            + "\"top_logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.25,\"bytes\":[72,105]},"
            + "{\"token\":\"Hey\",\"logprob\":-1.5,\"bytes\":null}]},"
            + "{\"token\":7,\"logprob\":\"x\"}],\"refusal\":null}";
    ChatCompletion c =
        completion(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hi\"},\"finish_reason\":\"stop\",\"logprobs\":"
                + lp
                + "}]}");
    Logprobs.Token hi = c.choices().get(0).logprobs().content().get(0);
    assertThat(c.choices().get(0).logprobs().content()).as("the odd entry is left out").hasSize(1);
    assertThat(hi.token()).isEqualTo("Hi");
    assertThat(hi.logprob()).isEqualTo(-0.25);
    assertThat(hi.bytes()).containsExactly(72, 105);
    assertThat(hi.topLogprobs())
        .containsExactly(
            new Logprobs.Alternative("Hi", -0.25, List.of(72, 105)),
            new Logprobs.Alternative("Hey", -1.5, null));
    assertThat(c.choices().get(0).additionalFields().members()).doesNotContainKey("logprobs");
    ChatCompletionChunk k =
        chunk(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
                + "\"logprobs\":"
                + lp
                + "}]}");
    assertThat(k.choices().get(0).logprobs().content()).containsExactly(hi);
    assertThat(
            chunk("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null}]}")
                .choices()
                .get(0)
                .logprobs())
        .isNull();
  }

  @Test
  void refusalLogprobsAreDecodedInCompletionsAndChunks() {
    // the shape of a refused answer asked for logprobs (OpenAI's clients test it): content null
    String lp =
        "{\"content\":null,\"refusal\":[{\"token\":\"I'm\",\"logprob\":-0.0012,"
            + "\"bytes\":[73,39,109],\"top_logprobs\":[{\"token\":\"I'm\",\"logprob\":-0.0012,"
            + "\"bytes\":[73,39,109]}]},{\"token\":\" sorry\",\"logprob\":-0.25,\"bytes\":null,"
            + "\"top_logprobs\":[]},{\"token\":1}],\"future\":1}";
    Logprobs.Token im =
        new Logprobs.Token(
            "I'm",
            -0.0012,
            List.of(73, 39, 109),
            List.of(new Logprobs.Alternative("I'm", -0.0012, List.of(73, 39, 109))));
    Logprobs.Token sorry = new Logprobs.Token(" sorry", -0.25, null, List.of());
    Logprobs expected =
        new Logprobs(List.of(), List.of(im, sorry), (JsonObject) Json.parse("{\"future\":1}"));
    ChatCompletion c =
        completion(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":null,\"refusal\":\"I'm sorry\"},\"finish_reason\":\"stop\","
                + "\"logprobs\":"
                + lp
                + "}]}");
    assertThat(c.choices().get(0).logprobs()).isEqualTo(expected);
    ChatCompletionChunk k =
        chunk(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I'm sorry\"},"
                + "\"logprobs\":"
                + lp
                + "}]}");
    assertThat(k.choices().get(0).logprobs()).isEqualTo(expected);
    assertThat(
            chunk(
                    "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},"
                        + "\"logprobs\":{\"content\":null,\"refusal\":null}}]}")
                .choices()
                .get(0)
                .logprobs())
        .as("no entries of either kind")
        .isNull();
  }

  @Test
  void aCompletionsBlankToolCallIdsAreFilledInPerTurn() {
    ChatCompletion c =
        completion(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"tool_calls\":[{\"id\":\"\",\"type\":\"function\",\"function\":{\"name\":"
                + "\"get_weather\",\"arguments\":\"{}\"}},{\"id\":\"get_weather:1\",\"type\":"
                + "\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                + "\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}");
    assertThat(c.choices().get(0).message().toolCalls())
        .extracting(ToolCall::id)
        .containsExactly("get_weather:0", "get_weather:1", "get_weather:2");
  }

  @Test
  void chunkToleratesNullForEveryField() {
    ChatCompletionChunk c =
        chunk(
            "{\"id\":null,\"object\":null,\"created\":null,\"model\":null,\"system_fingerprint\":null,"
                + "\"usage\":null,\"choices\":[null,{\"index\":null,\"delta\":{\"role\":null,"
                + "\"content\":null,\"reasoning_content\":null,\"tool_calls\":[null,{\"index\":null,"
                + "\"id\":null,\"type\":null,\"function\":null}]},\"finish_reason\":null,"
                + "\"usage\":{\"prompt_tokens\":null,\"completion_tokens\":null,\"total_tokens\":null,"
                + "\"cached_tokens\":null,\"prompt_tokens_details\":null,"
                + "\"completion_tokens_details\":null}}]}");
    assertThat(c)
        .isEqualTo(
            new ChatCompletionChunk(
                null,
                0,
                null,
                List.of(
                    new ChunkChoice(
                        0,
                        new Delta(
                            null,
                            null,
                            null,
                            List.of(new ToolCallDelta(null, null, null, null, null))),
                        null,
                        new Usage(0, 0, 0, null, null))),
                null,
                null));
    assertThat(chunk("{\"choices\":null}").choices()).isEmpty();
    assertThat(chunk("{\"choices\":[{\"delta\":null}]}").choices().get(0).delta())
        .isSameAs(Delta.EMPTY);
    assertThat(chunk("{\"choices\":[{\"delta\":{\"tool_calls\":null}}]}").choices().get(0).delta())
        .isSameAs(Delta.EMPTY);
  }

  @Test
  void chunkToleratesMissingFields() {
    ChatCompletionChunk c = chunk("{}");
    assertThat(c).isEqualTo(new ChatCompletionChunk(null, 0, null, List.of(), null, null));
    assertThat(c.text()).isEmpty();
    assertThat(c.usage()).isNull();
    ChatCompletionChunk noIndex = chunk("{\"choices\":[{\"delta\":{\"content\":\"a\"}},{}]}");
    assertThat(noIndex.choices()).extracting(ChunkChoice::index).containsExactly(0, 1);
    assertThat(noIndex.choices().get(1).delta()).isSameAs(Delta.EMPTY);
  }

  @Test
  void chunkWithEmptyChoicesCarriesTopLevelUsage() {
    ChatCompletionChunk c =
        chunk(
            "{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,"
                + "\"total_tokens\":11,\"cached_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":3}}}");
    assertThat(c.choices()).isEmpty();
    assertThat(c.usage()).isEqualTo(new Usage(5, 6, 11, 4, null));
  }

  @Test
  void cachedTokensFallBackToPromptTokensDetails() {
    ChatCompletionChunk c =
        chunk(
            "{\"usage\":{\"prompt_tokens_details\":{\"cached_tokens\":3},\"prompt_tokens\":5,"
                + "\"cached_tokens\":null}}");
    assertThat(c.usage()).isEqualTo(new Usage(5, 0, 0, 3, null));
    assertThat(chunk("{\"usage\":{\"prompt_tokens_details\":[1]}}").usage())
        .isEqualTo(new Usage(0, 0, 0, null, null));
  }

  @Test
  void leniencyAboutScalarTypes() {
    ChatCompletionChunk c =
        chunk(
            "{\"id\":12345,\"created\":\"1787762066\",\"model\":true,\"choices\":[{\"index\":\"1\","
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"a\",\"tool_calls\":[{\"index\":1.0,"
                + "\"id\":7,\"function\":{\"name\":\"f\",\"arguments\":{\"city\":\"Paris\"}}}]},"
                + "\"finish_reason\":\"repeat\",\"usage\":{\"prompt_tokens\":\"5\","
                + "\"total_tokens\":7.0,\"completion_tokens\":\"x\",\"cached_tokens\":[1]}}]}");
    assertThat(c.id()).isEqualTo("12345");
    assertThat(c.created()).isEqualTo(1787762066L);
    assertThat(c.model()).isEqualTo("true");
    ChunkChoice choice = c.choices().get(0);
    assertThat(choice.index()).isEqualTo(1);
    assertThat(choice.delta().role()).isEqualTo("assistant");
    assertThat(choice.delta().toolCalls())
        .containsExactly(new ToolCallDelta(1, "7", null, "f", "{\"city\":\"Paris\"}"));
    assertThat(choice.finishReason().value()).isEqualTo("repeat");
    assertThat(choice.finishReason().isKnown()).isFalse();
    assertThat(choice.usage()).isEqualTo(new Usage(5, 0, 7, null, null));
    assertThat(chunk("{\"created\":\"soon\",\"id\":{\"a\":1}}").created()).isZero();
    assertThat(chunk("{\"created\":[1],\"id\":[\"a\"]}").id()).isNull();
  }

  @Test
  void anAssistantMessageOfAReplyReadsLeniently() {
    AssistantMessage m =
        ChatCodec.readAssistantMessage(
            JsonReader.of(
                ("{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                        + "{\"type\":\"text\",\"text\":\"b\"},7],"
                        + "\"tool_calls\":[null,{\"index\":0,\"id\":5,\"function\":"
                        + "{\"name\":\"f\",\"arguments\":{\"x\":1}}}],\"partial\":\"yes\"}")
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(m.content()).as("parts joined").isEqualTo("ab");
    assertThat(m.partial()).as("a partial flag that is no boolean is false").isFalse();
    assertThat(m.toolCalls())
        .as("an id as a number, arguments as an object, index dropped")
        .containsExactly(new ToolCall("5", "function", "f", "{\"x\":1}"));
  }

  @Test
  void aReplysUsageReadsEitherSpellingOfItsCountsAndKeepsTheServersMembers() {
    Usage u =
        ChatCodec.readUsage(
            JsonReader.of(
                "{\"prompt_tokens\":\"12\",\"completion_tokens\":3.0,\"total_tokens\":null,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":4},"
                    + "\"cache_creation_input_tokens\":6,\"boost\":true}"));
    assertThat(u)
        .isEqualTo(new Usage(12, 3, 0, 4, null, Json.parse("{\"boost\":true}").asObject(), 6));
    assertThat(
            ChatCodec.readUsage(
                    JsonReader.of(
                        "{\"prompt_tokens_details\":{\"cache_write_tokens\":5},"
                            + "\"cache_creation_input_tokens\":6}"))
                .cacheWriteTokens())
        .as("never the sum")
        .isEqualTo(5);
  }

  @Test
  void completionReadsContentPartsArrayAsJoinedText() {
    ChatCompletion c =
        completion(
            "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Hel\"},\"junk\",{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}},"
                + "{\"type\":\"text\",\"text\":\"lo\"},{\"text\":null}]}}]}");
    assertThat(c.text()).isEqualTo("Hello");
  }

  @Test
  void completionToleratesNullsAndMissingMessage() {
    ChatCompletion c =
        completion(
            "{\"id\":\"a\",\"choices\":[null,{\"index\":0,\"message\":null,\"finish_reason\":\"stop\"},"
                + "{\"index\":1,\"message\":{\"content\":null,\"reasoning_content\":null,"
                + "\"tool_calls\":null,\"name\":null,\"partial\":null}}],\"usage\":null}");
    assertThat(c.choices()).hasSize(2);
    assertThat(c.choices().get(0).message())
        .isEqualTo(new AssistantMessage(null, null, List.of(), null, false));
    assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(c.choices().get(1).message().toolCalls()).isEmpty();
    assertThat(completion("{\"choices\":null}").choices()).isEmpty();
  }

  @Test
  void completionReadsNameToolCallsAndPartialFlag() {
    ChatCompletion c =
        completion(
            "{\"choices\":[{\"message\":{\"content\":\"Hi\",\"name\":\"Bot\",\"partial\":true,"
                + "\"tool_calls\":[null,{\"index\":0,\"id\":\"a\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"f\",\"arguments\":\"{}\"}},{\"id\":\"b\",\"function\":null}]}},"
                + "{\"message\":{\"partial\":true,\"content\":\"\"}},{\"message\":{\"partial\":\"yes\"}}]}");
    AssistantMessage m = c.message();
    assertThat(m.name()).isEqualTo("Bot");
    assertThat(m.partial()).isTrue();
    assertThat(m.toolCalls())
        .containsExactly(
            new ToolCall("a", "function", "f", "{}"), new ToolCall("b", "function", null, ""));
    // A partial flag without content cannot be a partial message: the flag is dropped.
    assertThat(c.choices().get(1).message().partial()).isFalse();
    assertThat(c.choices().get(2).message().partial()).isFalse();
  }

  @Test
  void decodesASliceOfALargerBuffer() {
    byte[] b = "xx{\"id\":\"s\",\"choices\":[]}yy".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatCodec.decodeChunk(b, 2, b.length - 4).id()).isEqualTo("s");
    assertThat(ChatCodec.decodeCompletion(b, 2, b.length - 4).id()).isEqualTo("s");
  }

  @Test
  void decodesEscapesAndNonAsciiText() {
    ChatCompletionChunk c =
        chunk(
            "{\"choices\":[{\"delta\":{\"content\":\"caf\\u00e9 \u4f60\u597d \\ud83d\\ude00 \\\"q\\\"\\n\"}}]}");
    assertThat(c.text()).isEqualTo("caf\u00e9 \u4f60\u597d \ud83d\ude00 \"q\"\n");
  }

  @Test
  void malformedJsonIsAJsonException() {
    assertThatThrownBy(() -> chunk("{\"id\":")).isInstanceOf(JsonException.class);
    assertThatThrownBy(() -> chunk("{\"id\":\"a\"} trailing")).isInstanceOf(JsonException.class);
    assertThatThrownBy(() -> chunk("[]")).isInstanceOf(JsonException.class);
    assertThatThrownBy(() -> chunk("")).isInstanceOf(JsonException.class);
    assertThatThrownBy(() -> completion("{\"choices\":[{\"message\":{\"content\":\"a}]}"))
        .isInstanceOf(JsonException.class);
    assertThatThrownBy(() -> completion("{\"choices\":{}}")).isInstanceOf(JsonException.class);
  }

  @Test
  void sharesTheAssistantRoleString() {
    ChatCompletionChunk c = chunk("{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}");
    assertThat(c.choices().get(0).delta().role()).isSameAs("assistant");
    assertThat(
            chunk("{\"choices\":[{\"delta\":{\"role\":\"tool\"}}]}")
                .choices()
                .get(0)
                .delta()
                .role())
        .isEqualTo("tool");
  }

  @Test
  void consecutiveChunksOfAStreamShareTheirIdString() {
    ChatCompletionChunk a = chunk("{\"id\":\"chatcmpl-1\",\"choices\":[]}");
    ChatCompletionChunk b = chunk("{\"id\":\"chatcmpl-1\",\"choices\":[]}");
    assertThat(b.id()).isEqualTo("chatcmpl-1").isSameAs(a.id());
  }

  @Test
  void idCacheNeverReturnsAStaleOrWrongId() {
    chunk("{\"id\":\"chatcmpl-1\"}");
    // A longer id that starts with the cached one.
    assertThat(chunk("{\"id\":\"chatcmpl-12\"}").id()).isEqualTo("chatcmpl-12");
    // The same characters written with an escape, and after whitespace.
    assertThat(chunk("{\"id\":\"chatcmpl-\\u0031\"}").id()).isEqualTo("chatcmpl-1");
    assertThat(chunk("{ \"id\":\"chatcmpl-1\"}").id()).isEqualTo("chatcmpl-1");
    // A later duplicate id member wins, as without the cache.
    chunk("{\"id\":\"x\"}");
    assertThat(chunk("{\"id\":\"x\",\"id\":\"y\"}").id()).isEqualTo("y");
    // Ids that need escapes are decoded every time.
    assertThat(chunk("{\"id\":\"q\\\"1\"}").id()).isEqualTo("q\"1");
    assertThat(chunk("{\"id\":\"q\\\"1\"}").id()).isEqualTo("q\"1");
    assertThat(chunk("{\"id\":\"\u00e9\"}").id()).isEqualTo("\u00e9");
    assertThat(chunk("{\"id\":\"\u00e9\"}").id()).isEqualTo("\u00e9");
    // A truncated buffer is still a JSON error.
    chunk("{\"id\":\"abc\"}");
    assertThatThrownBy(() -> chunk("{\"id\":\"abc\"")).isInstanceOf(JsonException.class);
    assertThat(chunk("{\"id\":null}").id()).isNull();
  }

  @Test
  void severalChoicesAndParallelToolCallFragmentsInOneChunkAccumulate() {
    String[] stream = {
      "{\"id\":\"p\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":["
          + "{\"index\":0,\"id\":\"a_0\",\"type\":\"function\",\"function\":{\"name\":\"alpha\","
          + "\"arguments\":\"\"}},{\"index\":1,\"id\":\"b_1\",\"type\":\"function\",\"function\":"
          + "{\"name\":\"beta\",\"arguments\":\"{\\\"y\\\"\"}}]}},{\"index\":1,\"delta\":"
          + "{\"content\":\"second\"}}]}",
      "{\"id\":\"p\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,"
          + "\"function\":{\"arguments\":\":2}\"}},{\"index\":0,\"function\":{\"arguments\":"
          + "\"{\\\"x\\\":1}\"}},null]}}]}",
      "{\"id\":\"p\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[null]},"
          + "\"finish_reason\":\"tool_calls\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
          + "\"total_tokens\":7}},{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}]}"
    };
    io.github.kimisdk.chat.ChatAccumulator acc = new io.github.kimisdk.chat.ChatAccumulator();
    for (String s : stream) {
      acc.add(chunk(s));
    }
    assertThat(chunk(stream[0]).choices()).hasSize(2);
    assertThat(chunk(stream[1]).choices().get(0).delta().toolCalls()).hasSize(2);
    assertThat(chunk(stream[2]).choices().get(0).delta().toolCalls()).isEmpty();
    ChatCompletion c = acc.toCompletion();
    assertThat(c.choices().get(0).message().toolCalls())
        .containsExactly(
            new ToolCall("a_0", "function", "alpha", "{\"x\":1}"),
            new ToolCall("b_1", "function", "beta", "{\"y\":2}"));
    assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(c.choices().get(1).text()).isEqualTo("second");
    assertThat(c.choices().get(1).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(c.usage()).isEqualTo(Usage.of(3, 4, 7));
  }

  @Test
  void completionReadsFingerprintChoiceUsageAndSeveralChoices() {
    ChatCompletion c =
        completion(
            "{\"id\":\"c\",\"object\":\"chat.completion\",\"system_fingerprint\":\"fp\","
                + "\"choices\":[{\"index\":0,\"message\":{\"content\":\"a\"},\"usage\":"
                + "{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},\"logprobs\":null},"
                + "{\"index\":1,\"message\":{\"content\":\"b\"}}]}");
    assertThat(c.systemFingerprint()).isEqualTo("fp");
    assertThat(c.choices().get(0).usage()).isEqualTo(Usage.of(1, 1, 2));
    assertThat(c.choices())
        .extracting(io.github.kimisdk.chat.Choice::text)
        .containsExactly("a", "b");
  }

  @Test
  void readsAChunkFromAReaderPositionedInsideALargerDocument() {
    io.github.kimisdk.json.JsonReader r =
        io.github.kimisdk.json.JsonReader.of("[{\"id\":\"r1\",\"choices\":[]},{\"id\":\"r2\"}]");
    r.beginArray();
    assertThat(ChatCodec.readChunk(r).id()).isEqualTo("r1");
    assertThat(ChatCodec.readCompletion(r).id()).isEqualTo("r2");
    r.endArray();
    r.endDocument();
  }
}
