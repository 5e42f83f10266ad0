package io.github.kimisdk.chat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.base.flow.PublisherTck;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against {@link ChatStream} as returned by {@link KimiClient#stream},
 * over loopback: each publisher is a real HTTP call to {@link FakeKimiServer}.
 */
class ChatStreamTckTest extends PublisherTck<ChatCompletionChunk> {

  private FakeKimiServer server;
  private KimiClient kimi;

  public ChatStreamTckTest() {
    super(loaded(200), 5000);
  }

  @BeforeClass
  public void startServer() {
    // each request says how many chunks it wants ("n=5") or asks to fail ("fail")
    server =
        new FakeKimiServer()
            .respondWith(
                r -> {
                  String body = r.bodyText();
                  if (body.contains("\"fail\"")) {
                    return FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\"}}");
                  }
                  int at = body.indexOf("n=");
                  long n = Long.parseLong(body.substring(at + 2, body.indexOf('"', at)));
                  List<String> chunks = new ArrayList<>();
                  for (long i = 0; i < n; i++) {
                    chunks.add(
                        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                            + i
                            + "\"},\"finish_reason\":null}]}");
                  }
                  return FakeResponse.stream(chunks);
                })
            .start();
    kimi = KimiClient.builder().apiKey("tck").baseUrl(server.baseUrl()).build();
  }

  @AfterClass
  public void stopServer() {
    kimi.close();
    server.close();
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
  public long maxElementsFromPublisher() {
    return 1024;
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a ChatStream is one HTTP call: one subscriber only, by design");
  }
}
