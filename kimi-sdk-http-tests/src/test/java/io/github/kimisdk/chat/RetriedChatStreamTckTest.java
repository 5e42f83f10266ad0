package io.github.kimisdk.chat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.testing.FakeResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Reactive Streams TCK against {@link ChatStream} from a client with a rate limiter and the
 * default retries, where every stream's first attempt is refused with a {@code 503} and {@code
 * Retry-After: 0}: each publisher takes a permit, fails, gives it back and attaches its second
 * attempt to the same subscription.
 */
class RetriedChatStreamTckTest extends ChatStreamTck {

  private final AtomicLong ids = new AtomicLong();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  public RetriedChatStreamTckTest() {
    super(300);
  }

  /** A request's first attempt is refused (503, Retry-After: 0). */
  @Override
  protected FakeResponse answer(String body) {
    int at = body.indexOf("n=");
    String prompt = body.substring(at, body.indexOf('"', at));
    if (refused.add(prompt)) {
      return FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\"}}")
          .withHeader("Retry-After", "0");
    }
    return chunks(Long.parseLong(prompt.substring(2, prompt.indexOf(' '))));
  }

  /** A 400, which no retry sends again. */
  @Override
  protected FakeResponse failure() {
    return FakeResponse.error(400, "{\"error\":{\"type\":\"invalid_request_error\"}}");
  }

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder client) {
    return client.rateLimit(RateLimit.builder().maxConcurrency(8).build());
  }

  @Override
  public Flow.Publisher<ChatCompletionChunk> createFlowPublisher(long elements) {
    return kimi.stream(ChatRequest.of("m", "n=" + elements + " id=" + ids.incrementAndGet()));
  }
}
