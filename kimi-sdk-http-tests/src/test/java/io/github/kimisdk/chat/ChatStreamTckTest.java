package io.github.kimisdk.chat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.concurrent.Flow;

/**
 * The Reactive Streams TCK against {@link ChatStream} as returned by {@link KimiClient#stream},
 * over loopback: each publisher is a real HTTP call to {@link FakeKimiServer}.
 */
class ChatStreamTckTest extends ChatStreamTck {

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
}
