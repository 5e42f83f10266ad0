package io.github.kimisdk.internal.wire;

import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records what a wire's event handler sends: its chunks, its completion and its failure. */
public class ChunkRecorder implements SseEventHandler.Emitter<ChatCompletionChunk> {
  /** The chunks sent, in order. */
  public final List<ChatCompletionChunk> items = new ArrayList<>();

  /** Whether the handler completed. */
  public boolean complete;

  /** The failure the handler sent, or null. */
  public Throwable failure;

  @Override
  public void emit(ChatCompletionChunk item) {
    items.add(item);
  }

  @Override
  public void complete() {
    complete = true;
  }

  @Override
  public void fail(Throwable error) {
    failure = error;
  }

  /**
   * Feeds {@code handler} one event whose payload sits between {@code before} and {@code after} in
   * the buffer, as the SSE parser hands it over, and records what the handler sends here.
   */
  public void feed(
      SseEventHandler<ChatCompletionChunk> handler,
      String type,
      String before,
      String payload,
      String after)
      throws Exception {
    byte[] b = (before + payload + after).getBytes(StandardCharsets.UTF_8);
    int start = before.getBytes(StandardCharsets.UTF_8).length;
    int length = payload.getBytes(StandardCharsets.UTF_8).length;
    handler.onEvent(type, b, start, length, "", this);
  }

  /** The chunks sent, folded into one completion. */
  public ChatCompletion folded() {
    ChatAccumulator acc = new ChatAccumulator();
    items.forEach(acc::add);
    return acc.toCompletion();
  }
}
