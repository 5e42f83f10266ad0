package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatAccumulatorTest {

  private static ChatCompletionChunk chunk(ChunkChoice... choices) {
    return new ChatCompletionChunk("c1", 7, "m", List.of(choices), null, null);
  }

  private static ChunkChoice content(int index, String content) {
    return new ChunkChoice(index, new Delta(null, content, null, List.of()), null, null);
  }

  private static ChunkChoice reasoning(int index, String reasoning) {
    return new ChunkChoice(index, new Delta(null, null, reasoning, List.of()), null, null);
  }

  private static ChunkChoice calls(int index, ToolCallDelta... fragments) {
    return new ChunkChoice(index, new Delta(null, null, null, List.of(fragments)), null, null);
  }

  private static ToolCallDelta start(Integer index, String id, String name) {
    return new ToolCallDelta(index, id, "function", name, "");
  }

  private static ToolCallDelta args(Integer index, String arguments) {
    return new ToolCallDelta(index, null, null, null, arguments);
  }

  @Test
  void blankOrMissingStreamedIdsGetOneEachAndRealOnesStay() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(calls(0, start(0, "", "get_weather"), start(1, null, "get_time"))));
    acc.add(chunk(calls(0, args(0, "{}"), args(1, "{}"))));
    acc.add(chunk(calls(0, start(2, "get_weather:2", "get_weather"))));
    assertThat(acc.toCompletion().choices().get(0).message().toolCalls())
        .extracting(ToolCall::id)
        .containsExactly("get_weather:0", "get_time:1", "get_weather:2");
    ChatAccumulator later = new ChatAccumulator();
    later.add(chunk(calls(0, start(0, "", "get_weather"))));
    later.add(chunk(calls(0, start(0, "get_weather:0", null))));
    assertThat(later.toCompletion().choices().get(0).message().toolCalls())
        .as("an id that arrives after a blank one is kept")
        .extracting(ToolCall::id)
        .containsExactly("get_weather:0");
  }

  @Test
  void refusalLogprobsAreJoinedPerChoiceInOrderBesideContents() {
    Logprobs.Token i = new Logprobs.Token("I", -0.01, List.of(73), null);
    Logprobs.Token cant = new Logprobs.Token(" can't", -0.5, null, null);
    Logprobs.Token ok = new Logprobs.Token("Ok", -0.2, null, null);
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(new ChunkChoice(0, null, null, null, new Logprobs(null, List.of(i), null))));
    acc.add(chunk(new ChunkChoice(0, null, null, null, new Logprobs(List.of(ok), null, null))));
    acc.add(chunk(new ChunkChoice(0, null, null, null, new Logprobs(null, List.of(cant), null))));
    Logprobs joined = acc.toCompletion().choices().get(0).logprobs();
    assertThat(joined.refusal()).containsExactly(i, cant);
    assertThat(joined.content()).containsExactly(ok);
    assertThat(joined.additionalFields().isEmpty()).isTrue();
  }

  @Test
  void logprobsAreJoinedPerChoiceInOrder() {
    Logprobs.Token a = new Logprobs.Token("A", -0.1, null, null);
    Logprobs.Token b = new Logprobs.Token("B", -0.2, null, null);
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(new ChunkChoice(0, null, null, null, new Logprobs(List.of(a)))));
    acc.add(chunk(new ChunkChoice(0, null, null, null, null)));
    acc.add(chunk(new ChunkChoice(0, null, null, null, new Logprobs(List.of(b)))));
    assertThat(acc.toCompletion().choices().get(0).logprobs().content()).containsExactly(a, b);
    ChatAccumulator none = new ChatAccumulator();
    none.add(chunk(content(0, "x")));
    assertThat(none.toCompletion().choices().get(0).logprobs()).isNull();
  }

  @Test
  void emptyAccumulatorGivesEmptyCompletion() {
    ChatAccumulator acc = new ChatAccumulator();
    ChatCompletion c = acc.toCompletion();
    assertThat(c.choices()).isEmpty();
    assertThat(c.text()).isEmpty();
    assertThat(c.reasoning()).isEmpty();
    assertThat(c.usage()).isNull();
    assertThat(acc.text()).isEmpty();
    assertThat(acc.reasoning()).isEmpty();
    assertThat(acc.chunkCount()).isZero();
  }

  @Test
  void joinsContentAndKeepsEmptyReasoningAsEmptyString() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(new ChunkChoice(0, new Delta("assistant", "", null, List.of()), null, null)));
    acc.add(chunk(reasoning(0, "")));
    acc.add(chunk(content(0, "Hel")));
    acc.add(chunk(content(0, "lo")));
    assertThat(acc.text()).isEqualTo("Hello");
    AssistantMessage m = acc.toCompletion().message();
    assertThat(m.content()).isEqualTo("Hello");
    assertThat(m.reasoningContent()).isEqualTo("");
  }

  @Test
  void reasoningThatNeverArrivedStaysNull() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(content(0, "x")));
    assertThat(acc.toCompletion().message().reasoningContent()).isNull();
  }

  @Test
  void contentThatNeverArrivedStaysNull() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(calls(0, start(0, "a", "ping"))));
    assertThat(acc.toCompletion().message().content()).isNull();
  }

  @Test
  void joinsToolCallArgumentsByIndexEvenWhenInterleaved() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(calls(0, start(0, "a_0", "alpha"), start(1, "b_1", "beta"))));
    acc.add(chunk(calls(0, args(1, "{\"y\":"), args(0, "{\"x\":"))));
    acc.add(chunk(calls(0, args(0, "1}"))));
    acc.add(chunk(calls(0, args(1, "2}"))));
    assertThat(acc.toCompletion().toolCalls())
        .containsExactly(
            new ToolCall("a_0", "function", "alpha", "{\"x\":1}"),
            new ToolCall("b_1", "function", "beta", "{\"y\":2}"));
  }

  @Test
  void indexlessFragmentsFollowPositionAndAnIdStartsANewCall() {
    ChatAccumulator acc = new ChatAccumulator();
    // Two calls start in one chunk, their arguments follow by position.
    acc.add(chunk(calls(0, start(null, "a", "alpha"), start(null, "b", "beta"))));
    acc.add(chunk(calls(0, args(null, "{\"x\""), args(null, "{\"y\""))));
    acc.add(chunk(calls(0, args(null, ":1}"), args(null, ":2}"))));
    // A third call starts alone; its index-less arguments go to it, not to the first call.
    acc.add(chunk(calls(0, start(null, "c", "gamma"))));
    acc.add(chunk(calls(0, args(null, "{}"))));
    assertThat(acc.toCompletion().toolCalls())
        .containsExactly(
            new ToolCall("a", "function", "alpha", "{\"x\":1}"),
            new ToolCall("b", "function", "beta", "{\"y\":2}"),
            new ToolCall("c", "function", "gamma", "{}"));
  }

  @Test
  void repeatedIdContinuesTheSameCall() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(calls(0, new ToolCallDelta(null, "a", "function", "alpha", "{\"x\""))));
    acc.add(chunk(calls(0, new ToolCallDelta(null, "a", "function", "alpha", ":1}"))));
    assertThat(acc.toCompletion().toolCalls())
        .containsExactly(new ToolCall("a", "function", "alpha", "{\"x\":1}"));
  }

  @Test
  void indexlessArgumentsBeforeAnyStartCreateACall() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(calls(0, args(null, "{}"))));
    acc.add(chunk(calls(0, args(null, " "), args(null, "x"))));
    assertThat(acc.toCompletion().toolCalls())
        .containsExactly(new ToolCall("call:0", "function", null, "{} x"));
  }

  @Test
  void foldsSeveralChoicesInIndexOrder() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(content(1, "B"), content(0, "A")));
    acc.add(chunk(content(1, "b")));
    acc.add(
        chunk(
            new ChunkChoice(0, Delta.EMPTY, FinishReason.STOP, Usage.of(1, 1, 2)),
            new ChunkChoice(1, Delta.EMPTY, FinishReason.LENGTH, Usage.of(1, 2, 3))));
    ChatCompletion c = acc.toCompletion();
    assertThat(c.choices()).extracting(Choice::index).containsExactly(0, 1);
    assertThat(c.choices()).extracting(Choice::text).containsExactly("A", "Bb");
    assertThat(c.choices())
        .extracting(Choice::finishReason)
        .containsExactly(FinishReason.STOP, FinishReason.LENGTH);
    assertThat(c.choices().get(1).usage()).isEqualTo(Usage.of(1, 2, 3));
    // The chunk's usage() is the first choice's when there is no top-level usage.
    assertThat(c.usage()).isEqualTo(Usage.of(1, 1, 2));
  }

  @Test
  void usageComesFromTopLevelOrChoiceAndTheLastWins() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(new ChunkChoice(0, Delta.EMPTY, FinishReason.STOP, Usage.of(1, 2, 3))));
    assertThat(acc.usage()).isEqualTo(Usage.of(1, 2, 3));
    Usage top = new Usage(10, 20, 30, 5, 4);
    acc.add(new ChatCompletionChunk("c1", 0, null, List.of(), top, null));
    assertThat(acc.usage()).isEqualTo(top);
    acc.add(chunk(content(0, "late")));
    ChatCompletion c = acc.toCompletion();
    assertThat(c.usage()).isEqualTo(top);
    assertThat(c.choices().get(0).usage()).isEqualTo(Usage.of(1, 2, 3));
    assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void metadataComesFromTheFirstChunkThatHasIt() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(new ChatCompletionChunk(null, 0, null, List.of(content(0, "a")), null, null));
    acc.add(new ChatCompletionChunk("id1", 11, "kimi-k3", List.of(), null, "fp1"));
    acc.add(new ChatCompletionChunk("id2", 12, "other", List.of(), null, "fp2"));
    ChatCompletion c = acc.toCompletion();
    assertThat(c.id()).isEqualTo("id1");
    assertThat(c.created()).isEqualTo(11);
    assertThat(c.model()).isEqualTo("kimi-k3");
    assertThat(c.systemFingerprint()).isEqualTo("fp1");
    assertThat(c.object()).isEqualTo("chat.completion");
    assertThat(acc.chunkCount()).isEqualTo(3);
  }

  @Test
  void completionCanBeTakenMidStream() {
    ChatAccumulator acc = new ChatAccumulator();
    acc.add(chunk(content(0, "par")));
    assertThat(acc.toCompletion().text()).isEqualTo("par");
    acc.add(chunk(content(0, "tial")));
    assertThat(acc.toCompletion().text()).isEqualTo("partial");
    assertThat(acc.toCompletion().finishReason()).isNull();
  }
}
