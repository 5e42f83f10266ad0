package io.github.kimisdk.chat;

import io.github.kimisdk.LoopbackTck;
import java.util.concurrent.Flow;
import org.testng.SkipException;

/**
 * The Reactive Streams TCK against {@link ChatStream} over loopback: the failed publisher is a
 * stream whose request asks to fail, and a stream takes one subscriber only.
 */
abstract class ChatStreamTck extends LoopbackTck<ChatCompletionChunk> {

  /** The TCK waiting 200 ms to be sure that no signal comes. */
  ChatStreamTck() {}

  /**
   * The TCK waiting {@code noSignalsMillis} to be sure that no signal comes.
   *
   * @param noSignalsMillis how long the TCK waits to be sure that no signal comes
   */
  ChatStreamTck(long noSignalsMillis) {
    super(noSignalsMillis);
  }

  @Override
  public Flow.Publisher<ChatCompletionChunk> createFailedFlowPublisher() {
    return kimi.stream(ChatRequest.of("m", "fail"));
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a ChatStream is one HTTP call: one subscriber only, by design");
  }
}
