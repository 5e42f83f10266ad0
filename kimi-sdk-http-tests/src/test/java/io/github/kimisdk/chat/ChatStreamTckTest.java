package io.github.kimisdk.chat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.LoopbackTck;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.concurrent.Flow;
import org.testng.SkipException;

/**
 * The Reactive Streams TCK against {@link ChatStream} as returned by {@link KimiClient#stream},
 * over loopback: each publisher is a real HTTP call to {@link FakeKimiServer}.
 */
class ChatStreamTckTest extends LoopbackTck<ChatCompletionChunk> {

  /** Each request says how many chunks it wants ("n=5"). */
  @Override
  protected FakeResponse answer(String body) {
    int at = body.indexOf("n=");
    return chunks(Long.parseLong(body.substring(at + 2, body.indexOf('"', at))));
  }

  @Override
  public Flow.Publisher<ChatCompletionChunk> createFlowPublisher(long elements) {
    return kimi.stream(ChatRequest.of("m", "n=" + elements));
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
