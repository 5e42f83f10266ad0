package io.github.kimisdk.chat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.base.flow.PublisherTck;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against {@link ChatStream} from a client with a rate limiter and the
 * default retries, where every stream's first attempt is refused with a {@code 503} and {@code
 * Retry-After: 0}: each publisher takes a permit, fails, gives it back and attaches its second
 * attempt to the same subscription.
 */
class RetriedChatStreamTckTest extends PublisherTck<ChatCompletionChunk> {

  private final AtomicLong ids = new AtomicLong();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private FakeKimiServer server;
  private KimiClient kimi;

  public RetriedChatStreamTckTest() {
    super(loaded(300), 5000);
  }

  @BeforeClass
  public void startServer() {
    server =
        new FakeKimiServer()
            .respondWith(
                r -> {
                  String body = r.bodyText();
                  if (body.contains("\"bad\"")) {
                    return FakeResponse.error(
                        400, "{\"error\":{\"type\":\"invalid_request_error\"}}");
                  }
                  int at = body.indexOf("n=");
                  String prompt = body.substring(at, body.indexOf('"', at));
                  if (refused.add(prompt)) {
                    return FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\"}}")
                        .withHeader("Retry-After", "0");
                  }
                  long n = Long.parseLong(prompt.substring(2, prompt.indexOf(' ')));
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
    kimi =
        KimiClient.builder()
            .apiKey("tck")
            .baseUrl(server.baseUrl())
            .rateLimit(RateLimit.builder().maxConcurrency(8).build())
            .build();
  }

  @AfterClass
  public void stopServer() {
    kimi.close();
    server.close();
  }

  @Override
  public Flow.Publisher<ChatCompletionChunk> createFlowPublisher(long elements) {
    return kimi.stream(ChatRequest.of("m", "n=" + elements + " id=" + ids.incrementAndGet()));
  }

  @Override
  public Flow.Publisher<ChatCompletionChunk> createFailedFlowPublisher() {
    return kimi.stream(ChatRequest.of("m", "bad"));
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
