package io.github.kimisdk;

import io.github.kimisdk.base.flow.PublisherTck;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.concurrent.Flow;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against {@link EventStream} as returned by {@link
 * KimiClient#requestEvents}, over loopback: each publisher is a real HTTP call to {@link
 * FakeKimiServer}, as {@code ChatStreamTckTest} runs it against chat streams.
 */
class RequestEventsTckTest extends PublisherTck<ServerSentEvent> {

  private FakeKimiServer server;
  private KimiClient kimi;

  public RequestEventsTckTest() {
    super(loaded(200), 5000);
  }

  @BeforeClass
  public void startServer() {
    // each request says how many events it wants ({"n": 5}) or asks to fail ({"fail": true})
    server =
        new FakeKimiServer()
            .respondWith(
                r -> {
                  String body = r.bodyText();
                  if (body.contains("\"fail\"")) {
                    return FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\"}}");
                  }
                  long n = Long.parseLong(body.replaceAll("[^0-9]", ""));
                  StringBuilder events = new StringBuilder();
                  for (long i = 0; i < n; i++) {
                    events.append("event: e\ndata: ").append(i).append("\n\n");
                  }
                  return FakeResponse.rawSse(events.toString());
                })
            .start();
    kimi =
        KimiClient.builder()
            .apiKey("tck")
            .baseUrl(server.baseUrl())
            .retryPolicy(RetryPolicy.none())
            .build();
  }

  @AfterClass
  public void stopServer() {
    kimi.close();
    server.close();
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
  public long maxElementsFromPublisher() {
    return 1024;
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a EventStream is one HTTP call: one subscriber only, by design");
  }
}
