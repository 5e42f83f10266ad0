package io.github.kimisdk;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.concurrent.Flow;
import org.testng.SkipException;

/**
 * The Reactive Streams TCK against {@link EventStream} as returned by {@link
 * KimiClient#requestEvents}, over loopback: each publisher is a real HTTP call to {@link
 * FakeKimiServer}, as {@code ChatStreamTckTest} runs it against chat streams.
 */
class RequestEventsTckTest extends LoopbackTck<ServerSentEvent> {

  /** Each request says how many events it wants ({"n": 5}). */
  @Override
  protected FakeResponse answer(String body) {
    long n = Long.parseLong(body.replaceAll("[^0-9]", ""));
    StringBuilder events = new StringBuilder();
    for (long i = 0; i < n; i++) {
      events.append("event: e\ndata: ").append(i).append("\n\n");
    }
    return FakeResponse.rawSse(events.toString());
  }

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder client) {
    return client.retryPolicy(RetryPolicy.none());
  }

  @Override
  public Flow.Publisher<ServerSentEvent> createFlowPublisher(long elements) {
    return kimi.requestEvents("POST", "events", Json.parse("{\"n\":" + elements + "}"));
  }

  @Override
  public Flow.Publisher<ServerSentEvent> createFailedFlowPublisher() {
    return kimi.requestEvents("POST", "events", Json.parse("{\"fail\":true}"));
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a EventStream is one HTTP call: one subscriber only, by design");
  }
}
