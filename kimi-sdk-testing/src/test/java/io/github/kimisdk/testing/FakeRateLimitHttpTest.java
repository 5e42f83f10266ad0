package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link FakeKimiServer#maxConcurrency(int)}: the fake refuses what Kimi would refuse. */
@ExtendWith(FakeKimiExtension.class)
class FakeRateLimitHttpTest {

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpRequest chat(FakeKimiServer server, boolean stream) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
        .header("Authorization", "Bearer " + FakeKimiExtension.KEY)
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"kimi-k2.6\",\"stream\":"
                    + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .build();
  }

  @Test
  void aRequestOverTheConcurrencyLimitGetsKimisConcurrency429UntilTheOpenOneEnds(
      FakeKimiServer server) throws Exception {
    server.maxConcurrency(1);
    server.enqueue(FakeResponse.sse().data("{}").build().holdingOpen());

    HttpResponse<InputStream> open =
        http.send(chat(server, true), HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<String> refused =
        http.send(chat(server, false), HttpResponse.BodyHandlers.ofString());

    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(refused.body())
        .contains("rate_limit_reached_error")
        .contains("request reached organization max concurrency: 1, please try again after 1");
    assertThat(server.rateLimitedCount()).isEqualTo(1);
    assertThat(server.peakConcurrency()).isEqualTo(2); // the refused arrival counts

    open.body().close();
    assertThat(server.awaitConnections(() -> server.activeExchanges() == 0, Duration.ofSeconds(10)))
        .isTrue();
    HttpResponse<String> after =
        http.send(chat(server, false), HttpResponse.BodyHandlers.ofString());
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(server.peakConcurrency()).isEqualTo(2);
  }

  @Test
  void withoutALimitThePeakStillCountsAndNothingIsRefused(FakeKimiServer server) throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(http.send(chat(server, false), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
    assertThat(server.peakConcurrency()).isEqualTo(1);
    assertThat(server.rateLimitedCount()).isZero();
  }
}
