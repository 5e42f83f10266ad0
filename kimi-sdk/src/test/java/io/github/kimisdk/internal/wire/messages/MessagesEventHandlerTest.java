package io.github.kimisdk.internal.wire.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.internal.wire.ChunkRecorder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Messages event handler on its own, event by event: the exact chunk each event gives, where
 * the role rides, tool-call indexes, blank and malformed payloads, errors, and where a stream ends.
 * Each payload sits inside a larger buffer, as the SSE parser hands it over.
 */
class MessagesEventHandlerTest {

  static final ResponseMetadata METADATA = new ResponseMetadata(200, Map.of());

  /** Records what the handler sends; a throw from the handler is recorded as {@code thrown}. */
  static final class Recorder extends ChunkRecorder {
    Throwable thrown;
  }

  final MessagesEventHandler handler = new MessagesEventHandler(METADATA, TestErrors.factory(), 64);
  final Recorder out = new Recorder();

  /** Feeds one event whose payload sits between other bytes, as the parser's buffer holds it. */
  void feed(String type, String payload) {
    try {
      out.feed(handler, type, "x{:", payload, "}y\"");
    } catch (Exception e) {
      out.thrown = e;
    }
  }

  void event(String type, String json) {
    feed(type, json);
  }

  static final String START =
      "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"kimi-k3\","
          + "\"content\":[],\"usage\":{\"input_tokens\":21,\"output_tokens\":1}}}";

  static String blockStart(int index, String block) {
    return "{\"type\":\"content_block_start\",\"index\":"
        + index
        + ",\"content_block\":"
        + block
        + "}";
  }

  static String blockDelta(int index, String delta) {
    return "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":" + delta + "}";
  }

  static ChatCompletionChunk chunk(Delta delta, FinishReason finish, Usage usage) {
    return new ChatCompletionChunk(
        "msg_1", 0, "kimi-k3", List.of(new ChunkChoice(0, delta, finish, null)), usage, null);
  }

  static Delta content(String role, String text) {
    return new Delta(role, text, null, List.of(), null);
  }

  static Delta calls(ToolCallDelta call) {
    return new Delta(null, null, null, List.of(call), null);
  }

  @Test
  void everyEventGivesItsExactChunkAndTheRoleRidesOnTheFirst() {
    event("message_start", START);
    event("ping", "{\"type\":\"ping\"}");
    event("content_block_start", blockStart(0, "{\"type\":\"text\",\"text\":\"\"}"));
    event("content_block_start", blockStart(1, "{\"type\":\"thinking\",\"thinking\":\"\"}"));
    event(
        "content_block_start",
        blockStart(2, "{\"type\":\"thinking\",\"thinking\":\"pre\",\"signature\":\"s0\"}"));
    event("content_block_start", blockStart(3, "{\"type\":\"thinking\",\"signature\":\"\"}"));
    event("content_block_start", blockStart(4, "{\"type\":\"text\",\"text\":\"Hi\"}"));
    event("content_block_start", blockStart(5, "{\"type\":\"text\"}"));
    event("content_block_start", blockStart(6, "{\"type\":\"redacted_thinking\",\"data\":\"x\"}"));
    event(
        "content_block_start",
        blockStart(9, "{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"add\",\"input\":{}}"));
    event(
        "content_block_start",
        blockStart(7, "{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"mul\",\"input\":{}}"));
    event(
        "content_block_delta",
        blockDelta(7, "{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}"));
    event(
        "content_block_delta",
        blockDelta(9, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\"\"}"));
    event("content_block_delta", blockDelta(4, "{\"type\":\"text_delta\",\"text\":\" there\"}"));
    event(
        "content_block_delta", blockDelta(1, "{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}"));
    event(
        "content_block_delta",
        blockDelta(1, "{\"type\":\"signature_delta\",\"signature\":\"s1\"}"));
    event("content_block_delta", blockDelta(4, "{\"type\":\"citations_delta\",\"citation\":{}}"));
    event("content_block_delta", blockDelta(4, "{\"text\":\"untyped\"}"));
    event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":4}");
    event("message_delta", "{\"type\":\"message_delta\",\"delta\":{}}");
    event("message_delta", "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":30}}");
    event(
        "message_delta",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
            + "\"usage\":{\"output_tokens\":40}}");
    assertThat(out.complete).isFalse();
    event("message_stop", "{\"type\":\"message_stop\"}");

    assertThat(out.thrown).isNull();
    assertThat(out.failure).isNull();
    assertThat(out.complete).isTrue();
    assertThat(out.items)
        .containsExactly(
            chunk(new Delta("assistant", null, "", List.of(), null), null, null),
            chunk(new Delta(null, null, "pre", List.of(), "s0"), null, null),
            chunk(new Delta(null, null, "", List.of(), ""), null, null),
            chunk(content(null, "Hi"), null, null),
            chunk(calls(new ToolCallDelta(0, "toolu_a", "function", "add", "")), null, null),
            chunk(calls(new ToolCallDelta(1, "toolu_b", "function", "mul", "")), null, null),
            chunk(calls(new ToolCallDelta(1, null, null, null, "{}")), null, null),
            chunk(calls(new ToolCallDelta(0, null, null, null, "{\"a\"")), null, null),
            chunk(content(null, " there"), null, null),
            chunk(new Delta(null, null, "hm", List.of(), null), null, null),
            chunk(new Delta(null, null, null, List.of(), "s1"), null, null),
            chunk(Delta.EMPTY, null, new Usage(21, 30, 51, null, null)),
            chunk(Delta.EMPTY, FinishReason.STOP, new Usage(21, 40, 61, null, null)));
  }

  @Test
  void theRoleRidesOnAFinishWhenNothingElseCame() {
    event("message_start", START);
    event(
        "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"}}");
    assertThat(out.items)
        .containsExactly(chunk(content("assistant", null), FinishReason.LENGTH, null));
  }

  @Test
  void thePayloadsTypeWinsAndTheEventLineStandsInWhenItIsMissing() {
    event("message_start", START);
    feed(
        "content_block_start",
        "{\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"a\"}}");
    feed("ping", blockDelta(0, "{\"type\":\"text_delta\",\"text\":\"b\"}"));
    feed("message_delta", "{\"type\":\"ping\",\"delta\":{\"stop_reason\":\"end_turn\"}}");
    feed("message_stop", "{}");
    assertThat(out.items)
        .containsExactly(
            chunk(content("assistant", "a"), null, null), chunk(content(null, "b"), null, null));
    assertThat(out.complete).as("message_stop by its event line").isTrue();
  }

  @Test
  void aBlankPayloadCarriesNothingAndEndsNothing() {
    event("message_start", START);
    for (String blank : List.of("", " ", "\n", "\r", "\t", " \r\n\t ")) {
      feed("message_stop", blank);
      feed("error", blank);
      feed("content_block_delta", blank);
    }
    assertThat(out.thrown).isNull();
    assertThat(out.failure).isNull();
    assertThat(out.complete).isFalse();
    assertThat(out.items).isEmpty();
    for (String notBlank : List.of("x", " x", "x\t", "\n-")) {
      Recorder r = new Recorder();
      Throwable t =
          catchThrowable(
              () -> {
                byte[] b = notBlank.getBytes(StandardCharsets.UTF_8);
                handler.onEvent("message_stop", b, 0, b.length, "", r);
              });
      assertThat(t).as("%s", notBlank).isInstanceOf(MalformedChunkException.class);
      assertThat(r.complete).isFalse();
    }
  }

  @Test
  void anErrorEventFailsByItsLineOrByItsPayload() {
    String overloaded =
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Busy\"}}";
    event("error", overloaded);
    assertThat(out.failure).isInstanceOf(EngineOverloadedException.class);
    assertThat(((ApiException) out.failure).isInStream()).isTrue();
    assertThat(out.failure).hasMessageContaining("Busy");

    Recorder byPayload = new Recorder();
    MessagesEventHandler h = new MessagesEventHandler(METADATA, TestErrors.factory(), 64);
    byte[] b = overloaded.getBytes(StandardCharsets.UTF_8);
    Throwable t = catchThrowable(() -> h.onEvent("message", b, 0, b.length, "", byPayload));
    assertThat(t).isNull();
    assertThat(byPayload.failure).isInstanceOf(EngineOverloadedException.class);
    assertThat(byPayload.items).isEmpty();

    Recorder notJson = new Recorder();
    byte[] text = "upstream exploded".getBytes(StandardCharsets.UTF_8);
    assertThat(catchThrowable(() -> h.onEvent("error", text, 0, text.length, "", notJson)))
        .isNull();
    assertThat(notJson.failure).as("whatever the payload holds").isInstanceOf(ApiException.class);
  }

  @Test
  void whatDoesNotDecodeIsAMalformedChunkCarryingWhatArrived() {
    String[][] cases = {
      {"content_block_delta", "{\"type\":\"content_block_delta\","},
      {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0}"},
      {"content_block_start", "{\"type\":\"content_block_start\",\"index\":1}"},
      {"content_block_start", blockStart(1, "{\"type\":\"tool_use\"}").replace("\"index\":1,", "")},
      {
        "content_block_start",
        blockStart(1, "{\"type\":\"tool_use\"}").replace("\"index\":1", "\"index\":\"1\"")
      },
      {
        "content_block_delta",
        blockDelta(0, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}")
      },
      {"message_start", "{\"type\":\"message_start\"}"},
      {"message_delta", "[1,2]"},
      {"message_delta", "{\"type\":\"message_delta\"" + "]".repeat(3) + "}"},
    };
    for (String[] c : cases) {
      MessagesEventHandler h = new MessagesEventHandler(METADATA, TestErrors.factory(), 64);
      Recorder r = new Recorder();
      Throwable t =
          catchThrowable(
              () -> {
                byte[] s = START.getBytes(StandardCharsets.UTF_8);
                h.onEvent("message_start", s, 0, s.length, "", r);
                byte[] text =
                    blockStart(0, "{\"type\":\"text\",\"text\":\"ok\"}")
                        .getBytes(StandardCharsets.UTF_8);
                h.onEvent("content_block_start", text, 0, text.length, "", r);
                byte[] b = c[1].getBytes(StandardCharsets.UTF_8);
                h.onEvent(c[0], b, 0, b.length, "", r);
              });
      assertThat(t).as(c[1]).isInstanceOf(MalformedChunkException.class);
      assertThat(((MalformedChunkException) t).partial().text()).as(c[1]).isEqualTo("ok");
      assertThat(r.items).hasSize(1);
    }
  }

  @Test
  void anInputJsonDeltaForAnotherBlockSaysWhichBlock() {
    event("message_start", START);
    event("content_block_start", blockStart(3, "{\"type\":\"text\",\"text\":\"\"}"));
    event(
        "content_block_delta",
        blockDelta(3, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}"));
    assertThat(out.thrown)
        .isInstanceOf(MalformedChunkException.class)
        .hasMessageContaining("input_json_delta for block 3, which is not a tool_use block");
  }

  @Test
  void aPayloadDeeperThanTheLimitIsMalformed() {
    MessagesEventHandler shallow = new MessagesEventHandler(METADATA, TestErrors.factory(), 2);
    byte[] deep = START.getBytes(StandardCharsets.UTF_8);
    assertThat(
            catchThrowable(() -> shallow.onEvent("message_start", deep, 0, deep.length, "", out)))
        .isInstanceOf(MalformedChunkException.class);
  }

  @Test
  void theEndIsCompleteOnceAStopReasonArrivedAndATruncationBefore() {
    // no stop reason yet: a usage-only delta, a null stop reason
    event("message_start", START);
    event("content_block_start", blockStart(0, "{\"type\":\"text\",\"text\":\"Half\"}"));
    event("message_delta", "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":3}}");
    event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null}}");
    handler.onEndOfInput(out);
    assertThat(out.complete).isFalse();
    assertThat(out.failure).isInstanceOf(TruncatedStreamException.class);
    assertThat(((TruncatedStreamException) out.failure).partial().text()).isEqualTo("Half");
    assertThat(((TruncatedStreamException) out.failure).partial().usage().completionTokens())
        .isEqualTo(3);

    MessagesEventHandler finished = new MessagesEventHandler(METADATA, TestErrors.factory(), 64);
    Recorder r = new Recorder();
    for (String e :
        List.of(
            START,
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\"},"
                + "\"usage\":{\"output_tokens\":5}}")) {
      byte[] b = e.getBytes(StandardCharsets.UTF_8);
      assertThat(catchThrowable(() -> finished.onEvent("x", b, 0, b.length, "", r))).isNull();
    }
    assertThat(r.complete).as("not before the body ends").isFalse();
    finished.onEndOfInput(r);
    assertThat(r.failure).isNull();
    assertThat(r.complete).isTrue();
    assertThat(r.items)
        .containsExactly(
            chunk(
                content("assistant", null),
                FinishReason.CONTENT_FILTER,
                new Usage(21, 5, 26, null, null)));
  }

  @Test
  void aFailureCarriesWhatArrivedOnceAChunkDid() {
    ConnectionException reset = TestErrors.connection("connection reset");
    Throwable before = handler.mapError(reset);
    assertThat(before).isNotInstanceOf(StreamException.class);
    event("message_start", START);
    event("content_block_start", blockStart(0, "{\"type\":\"text\",\"text\":\"So far\"}"));
    Throwable after = handler.mapError(reset);
    assertThat(after).isInstanceOf(StreamException.class);
    assertThat(((StreamException) after).partial().text()).isEqualTo("So far");
    assertThat(((StreamException) after).partial().id()).isEqualTo("msg_1");
    StackOverflowError fatal = new StackOverflowError();
    assertThat(handler.mapError(fatal)).isSameAs(fatal);
  }

  /** Folds what the handler emitted into the assistant message a caller would send back. */
  AssistantMessage folded() {
    ChatAccumulator acc = new ChatAccumulator();
    out.items.forEach(acc::add);
    return acc.toCompletion().message();
  }

  @Test
  void anEmptySignatureKimiCodesK3SendsIsKeptEmpty() {
    // empty, and no signature_delta follows: the signature is "", and goes back as ""
    event("message_start", START);
    event(
        "content_block_start",
        blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"));
    event(
        "content_block_delta", blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"Hm.\"}"));
    event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
    assertThat(out.thrown).isNull();
    assertThat(folded().reasoningContent()).isEqualTo("Hm.");
    assertThat(folded().reasoningSignature()).isEqualTo("");
  }

  @Test
  void aThinkingBlockWithoutASignatureHasNone() {
    event("message_start", START);
    event("content_block_start", blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\"}"));
    event(
        "content_block_delta", blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"Hm.\"}"));
    // a signature_delta without a signature carries nothing, and fails nothing
    event("content_block_delta", blockDelta(0, "{\"type\":\"signature_delta\"}"));
    assertThat(out.thrown).isNull();
    assertThat(out.failure).isNull();
    assertThat(folded().reasoningContent()).isEqualTo("Hm.");
    assertThat(folded().reasoningSignature()).isNull();
  }

  @Test
  void aSignatureSplitOverSeveralDeltasIsJoinedInOrder() {
    event("message_start", START);
    event(
        "content_block_start",
        blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"));
    event(
        "content_block_delta",
        blockDelta(0, "{\"type\":\"signature_delta\",\"signature\":\"Eq\"}"));
    event(
        "content_block_delta", blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"Hm.\"}"));
    event(
        "content_block_delta", blockDelta(0, "{\"type\":\"signature_delta\",\"signature\":\"\"}"));
    event(
        "content_block_delta",
        blockDelta(0, "{\"type\":\"signature_delta\",\"signature\":\"Ui9\"}"));
    event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
    event("content_block_start", blockStart(1, "{\"type\":\"text\",\"text\":\"\"}"));
    event("content_block_delta", blockDelta(1, "{\"type\":\"text_delta\",\"text\":\"Hi\"}"));
    // a late fragment, after the text began, still belongs to the reasoning
    event(
        "content_block_delta",
        blockDelta(0, "{\"type\":\"signature_delta\",\"signature\":\"x==\"}"));
    assertThat(out.thrown).isNull();
    AssistantMessage m = folded();
    assertThat(m.reasoningSignature()).isEqualTo("EqUi9x==");
    assertThat(m.reasoningContent()).isEqualTo("Hm.");
    assertThat(m.content()).isEqualTo("Hi");
  }

  @Test
  void aPingOnlyKeepsTheConnectionOpenSoItIsNoProgressOfTheStream() {
    assertThat(handler.isKeepAlive("ping")).isTrue();
    for (String type :
        new String[] {"message_start", "content_block_delta", "message_delta", "message"}) {
      assertThat(handler.isKeepAlive(type)).as(type).isFalse();
    }
  }
}
