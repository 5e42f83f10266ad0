package io.github.kimisdk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.errors.TruncatedStreamException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules of the event loop every wire runs ({@link WireEvents}), one table row per wire: they
 * are written once, so each holds on all three.
 */
class WireEventsTest {

  static final ResponseMetadata EVENT_STREAM =
      new ResponseMetadata(200, Map.of("content-type", List.of("text/event-stream")));

  private static SseEventHandler<ChatCompletionChunk> handler(
      WireProtocol protocol, ResponseMetadata md) {
    return Wires.get(protocol, false)
        .events(md, TestErrors.factory(), 64, ChatRequest.of("kimi-k2.6", "hi"));
  }

  /**
   * Feeds events ({@code typeThenPayload}: a type, its payload, the next type...) to the handler of
   * an event stream of {@code protocol}, and returns what the handler signalled.
   */
  private static ChunkRecorder fed(WireProtocol protocol, String... typeThenPayload)
      throws Exception {
    SseEventHandler<ChatCompletionChunk> h = handler(protocol, EVENT_STREAM);
    ChunkRecorder out = new ChunkRecorder();
    for (int i = 0; i < typeThenPayload.length; i += 2) {
      out.feed(h, typeThenPayload[i], "<", typeThenPayload[i + 1], ">");
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aBlankPayloadCarriesNothing(WireProtocol protocol) throws Exception {
    ChunkRecorder out = fed(protocol, "message", " \r\n\t ", "ping", "");
    assertThat(out.items).isEmpty();
    assertThat(out.complete).isFalse();
    assertThat(out.failure).isNull();
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void anEventNamedErrorFailsWithTheErrorItCarries(WireProtocol protocol) throws Exception {
    ChunkRecorder out =
        fed(
            protocol,
            "error",
            "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"no\"}}");
    assertThat(out.failure).isInstanceOf(ApiException.class).hasMessageContaining("no");
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void doneEndsAChatStreamAndIsSkippedByTheOthers(WireProtocol protocol) throws Exception {
    ChunkRecorder out = fed(protocol, "message", " [DONE]\n");
    assertThat(out.failure).isNull();
    assertThat(out.complete).isEqualTo(protocol == WireProtocol.CHAT_COMPLETIONS);
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void anEndBeforeTheAnswerIsWholeIsATruncatedStream(WireProtocol protocol) {
    SseEventHandler<ChatCompletionChunk> h = handler(protocol, EVENT_STREAM);
    ChunkRecorder out = new ChunkRecorder();
    h.onEndOfInput(out);
    assertThat(out.complete).isFalse();
    assertThat(out.failure).isInstanceOf(TruncatedStreamException.class);
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aBodyReadOnTrustWithNoEventIsADecodingError(WireProtocol protocol) {
    SseEventHandler<ChatCompletionChunk> h =
        handler(protocol, new ResponseMetadata(200, Map.of("content-type", List.of("text/plain"))));
    ChunkRecorder out = new ChunkRecorder();
    h.onEndOfInput(out);
    assertThat(out.failure)
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("text/plain with no event in it");
  }
}
