package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

  @Test
  void theRepeatedQuestionAndItsStreamAreAnsweredFromTheCacheWithOneRequestSent() {
    Captured c = new Captured();

    int status = ResponseCache.run(Map.of(), c.out);

    assertThat(status).as(c.text()).isZero();
    assertThat(c.text())
        .contains("(cache hits 0)")
        .contains("[call 2]")
        .contains("(cache hits 1)")
        .contains("[stream]")
        .contains("(cache hits 2)")
        .contains("[server] 1 request received");
  }

  /**
   * What decides the answer keys it, one direction per row: a stream served from a whole reply's
   * entry and a whole reply from a stream's, a stream that asks for its usage chunk too; one
   * request reaches the server either way.
   */
  @Test
  void aStreamIsAnsweredFromAWholeRepliesEntryAndTheReverse() {
    ChatRequest question = ChatRequest.of("kimi-k2.6", "What is the capital of France?");
    ChatRequest withUsage = question.toBuilder().includeUsage(true).build();
    record Row(String name, boolean streamFirst, ChatRequest second) {}
    for (Row row :
        new Row[] {
          new Row("whole, then stream", false, question),
          new Row("stream, then whole", true, question),
          new Row("whole, then stream with usage", false, withUsage),
          new Row("stream with usage, then whole", true, withUsage),
        }) {
      try (FakeKimiServer server = new FakeKimiServer().start();
          KimiClient kimi =
              KimiClient.builder()
                  .apiKey("test")
                  .baseUrl(server.baseUrl())
                  .interceptor(new ResponseCache())
                  .build()) {
        ChatRequest first = row.streamFirst() ? row.second() : question;
        ChatRequest then = row.streamFirst() ? question : row.second();
        ChatCompletion a = row.streamFirst() ? kimi.stream(first).toCompletion() : kimi.chat(first);
        ChatCompletion b = row.streamFirst() ? kimi.chat(then) : kimi.stream(then).toCompletion();

        assertThat(server.requestCount()).as(row.name()).isEqualTo(1);
        assertThat(b.text()).as(row.name()).isEqualTo(a.text());
      }
    }
    assertThat(ResponseCache.key(question.toBuilder().temperature(0.5).build()))
        .as("what decides the answer stays in the key")
        .isNotEqualTo(ResponseCache.key(question));
  }
}
