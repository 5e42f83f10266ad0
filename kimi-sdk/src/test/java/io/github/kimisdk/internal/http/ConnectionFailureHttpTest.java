package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ConnectionException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A connection that cannot be made says so before any answer: "refused", the URL, and the proxy
 * when the HttpClient goes through one, whichever call made it.
 */
class ConnectionFailureHttpTest {

  static final String KEY = "sk-test-0123456789abcdefghijklmnop";

  /** A loopback port nothing listens on (it was free a moment ago). */
  static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  record Row(String name, Function<Integer, KimiClient.Builder> client, List<String> says) {}

  @Test
  void aRefusedConnectionSaysRefusedAndNamesTheUrlAndTheProxy() throws IOException {
    int dead = deadPort();
    String url = "http://127.0.0.1:" + dead + "/v1";
    List<Row> table =
        List.of(
            new Row(
                "direct",
                port -> KimiClient.builder().apiKey(KEY).baseUrl(url),
                List.of(
                    "Connection refused by 127.0.0.1:" + dead + " (" + url + ")",
                    "Check the base URL (host and port) and that the server runs")),
            new Row(
                "through a proxy",
                port ->
                    KimiClient.builder()
                        .apiKey(KEY)
                        .baseUrl("http://127.0.0.1:9/v1")
                        .httpClient(
                            HttpClient.newBuilder()
                                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", dead)))
                                .build()),
                List.of(
                    "Connection refused by the proxy 127.0.0.1:" + dead,
                    "through which the client reaches http://127.0.0.1:9/v1",
                    "check that the proxy runs")));
    for (Row row : table) {
      try (KimiClient kimi = row.client().apply(dead).retryPolicy(RetryPolicy.none()).build()) {
        for (Function<KimiClient, Object> call :
            List.<Function<KimiClient, Object>>of(
                k -> k.chat(ChatRequest.of("kimi-k3", "Hi")),
                k -> k.stream(ChatRequest.of("kimi-k3", "Hi")).toCompletion(),
                k -> k.account().balance())) {
          Throwable t = catchThrowable(() -> call.apply(kimi));
          assertThat(t).as(row.name()).isInstanceOf(ConnectionException.class);
          assertThat(t.getMessage()).as(row.name()).contains(row.says()).doesNotContain(KEY);
        }
      }
    }
  }
}
