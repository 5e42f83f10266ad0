package io.github.kimisdk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' server sends the same bytes chunked or whole; whole, with the body's length, so
 * that the steady-state measure reads every call the same way; a whole completion as JSON.
 */
class LoopbackServerTest {

  private static final byte[] BODY =
      "data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER = "data: other\n\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void aWholeBodyCarriesItsLengthAndTheSameBytes() throws Exception {
    try (LoopbackServer server = new LoopbackServer(BODY, Map.of("/r/v1/x", OTHER), true)) {
      HttpResponse<byte[]> r = post(server.baseUrl() + "/chat/completions");
      assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(BODY.length));
      assertThat(r.headers().firstValue("Transfer-Encoding")).isEmpty();
      assertThat(r.body()).isEqualTo(BODY);
      HttpResponse<byte[]> other = post(server.baseUrl().replace("/v1", "/r/v1") + "/x");
      assertThat(other.headers().firstValue("Content-Length"))
          .hasValue(Integer.toString(OTHER.length));
      assertThat(other.body()).isEqualTo(OTHER);
      assertThat(server.requests()).isEqualTo(2);
    }
  }

  @Test
  void aWholeCompletionIsJsonAndAStreamAnEventStream() throws Exception {
    byte[] completion = ChatAnswer.body();
    try (LoopbackServer server =
        new LoopbackServer(
            BODY, Map.of(ChatAnswer.PREFIX + "/chat/completions", completion), true)) {
      HttpResponse<byte[]> json = post(ChatAnswer.baseUrl(server.baseUrl()) + "/chat/completions");
      assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(json.body()).isEqualTo(completion);
      assertThat(new String(completion, StandardCharsets.UTF_8))
          .contains("\"finish_reason\":\"stop\"");
      HttpResponse<byte[]> sse = post(server.baseUrl() + "/chat/completions");
      assertThat(sse.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    }
  }

  @Test
  void aChunkedBodyHasNoLengthAndTheSameBytes() throws Exception {
    try (LoopbackServer server = new LoopbackServer(BODY)) {
      HttpResponse<byte[]> r = post(server.baseUrl() + "/chat/completions");
      assertThat(r.headers().firstValue("Content-Length")).isEmpty();
      assertThat(r.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
      assertThat(r.body()).isEqualTo(BODY);
    }
  }

  private static HttpResponse<byte[]> post(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
