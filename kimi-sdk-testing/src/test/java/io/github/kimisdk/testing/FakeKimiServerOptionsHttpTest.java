package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.AuthenticationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a server run as a process is set up with ({@code --port}, {@code --host}, {@code --latency},
 * {@code --api-key}), through the methods behind those options.
 */
class FakeKimiServerOptionsHttpTest {

  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static final String CHAT =
      "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";

  /** POSTs a chat request to {@code baseUrl} with a bearer key (none when null). */
  static HttpResponse<String> chat(String baseUrl, String key)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(CHAT));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Starts a server on a port that was free a moment ago, trying another if something took it in
   * between, so the test never depends on one port being free.
   */
  static FakeKimiServer startOnAFreePort() throws IOException {
    for (int attempt = 1; ; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      FakeKimiServer server = new FakeKimiServer();
      try {
        server.start(port);
        assertThat(server.port()).isEqualTo(port);
        return server;
      } catch (UncheckedIOException taken) {
        server.close();
        if (attempt == 5) {
          throw taken;
        }
      }
    }
  }

  @Test
  void startsOnThePortItIsGiven() throws Exception {
    try (FakeKimiServer server = startOnAFreePort()) {
      assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
      HttpResponse<String> r = chat(server.baseUrl(), "k");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("You said: ping");
    }
  }

  @Test
  void aPortInUseFailsToStartSayingWhere() {
    try (FakeKimiServer first = new FakeKimiServer().start();
        FakeKimiServer second = new FakeKimiServer()) {
      assertThatThrownBy(() -> second.start(first.port()))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessage("FakeKimiServer cannot listen on 127.0.0.1 port " + first.port());
    }
  }

  @Test
  void refusesAPortOutOfRange() {
    try (FakeKimiServer server = new FakeKimiServer()) {
      assertThatThrownBy(() -> server.start(65536))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("port must be in [0, 65535]: 65536");
      assertThatThrownBy(() -> server.start(-1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void onTheWildcardAddressTheBaseUrlNamesLoopback() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().start(InetAddress.getByName("0.0.0.0"), 0)) {
      assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
      assertThat(chat(server.baseUrl(), "k").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void onAnIpv6AddressTheBaseUrlBracketsIt() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().start(InetAddress.getByName("::1"), 0)) {
      assertThat(server.baseUrl()).isEqualTo("http://[0:0:0:0:0:0:0:1]:" + server.port() + "/v1");
      assertThat(chat(server.baseUrl(), "k").statusCode()).isEqualTo(200);
    } catch (UncheckedIOException noIpv6) {
      // a machine without IPv6 loopback: nothing to check here
      assertThat(noIpv6).hasMessageContaining("cannot listen on 0:0:0:0:0:0:0:1");
    }
  }

  @Test
  void connectionTrackingListensOnThePortAsked() throws Exception {
    int port;
    try (FakeKimiServer taken = startOnAFreePort()) {
      port = taken.port();
    }
    try (FakeKimiServer server = new FakeKimiServer().trackConnections()) {
      server.start(port);
      assertThat(server.port()).isEqualTo(port);
      assertThat(chat(server.baseUrl(), "k").statusCode()).isEqualTo(200);
      assertThat(server.connectionCount()).isEqualTo(1);
    } catch (UncheckedIOException takenMeanwhile) {
      // another process took the port between the two servers: rare, and not this test's subject
      assertThat(takenMeanwhile).hasMessageContaining("cannot listen on");
    }
  }

  @Test
  void latencyDelaysEveryAnswer() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().latency(Duration.ofMillis(300)).start()) {
      long start = System.nanoTime();
      HttpResponse<String> r = chat(server.baseUrl(), "k");
      long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(tookMillis).isGreaterThanOrEqualTo(300);
      start = System.nanoTime();
      HttpResponse<String> models =
          send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models"))
                  .header("Authorization", "Bearer k"));
      assertThat(models.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis())
          .isGreaterThanOrEqualTo(300);
    }
  }

  @Test
  void latencyIsNotNegative() {
    try (FakeKimiServer server = new FakeKimiServer()) {
      assertThatThrownBy(() -> server.latency(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("latency must not be negative: PT-0.001S");
    }
  }

  @Test
  void aRequiredKeyRefusesOtherKeysAsKimiDoes() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().requireApiKey("sk-right").start()) {
      HttpResponse<String> wrong = chat(server.baseUrl(), "sk-wrong");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body())
          .isEqualTo(
              "{\"error\":{\"message\":\"Invalid Authentication\","
                  + "\"type\":\"invalid_authentication_error\"}}");
      assertThat(chat(server.baseUrl(), null).statusCode()).isEqualTo(401);
      assertThat(chat(server.baseUrl(), "sk-right").statusCode()).isEqualTo(200);
      HttpResponse<String> models =
          send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models"))
                  .header("Authorization", "Bearer sk-wrong"));
      assertThat(models.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aRequiredKeyIsWhatTheSdkSeesAsAnAuthenticationFailure() {
    try (FakeKimiServer server = new FakeKimiServer().requireApiKey("sk-right").start();
        KimiClient wrong =
            KimiClient.builder().apiKey("sk-wrong").baseUrl(server.baseUrl()).build();
        KimiClient right =
            KimiClient.builder().apiKey("sk-right").baseUrl(server.baseUrl()).build()) {
      assertThatThrownBy(() -> wrong.chat(ChatRequest.of("kimi-k3", "ping")))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageNotContaining("sk-wrong")
          .hasMessageNotContaining("sk-right");
      assertThat(right.chat(ChatRequest.of("kimi-k3", "ping")).text()).isEqualTo("You said: ping");
    }
  }

  @Test
  void aRequiredKeyHoldsOnTheAnthropicAndResponsesSurfaces() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().requireApiKey("sk-right").start()) {
      String messages =
          "{\"model\":\"kimi-k3\",\"max_tokens\":100,"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
      HttpRequest.Builder anthropic =
          HttpRequest.newBuilder(URI.create(server.anthropicBaseUrl() + "/v1/messages"))
              .header("anthropic-version", "2023-06-01")
              .header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(messages));
      HttpResponse<String> wrong = send(anthropic.copy().header("x-api-key", "sk-wrong"));
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("\"type\":\"authentication_error\"");
      assertThat(send(anthropic.copy().header("x-api-key", "sk-right")).statusCode())
          .isEqualTo(200);
      HttpRequest.Builder responses =
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/responses"))
              .header("content-type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"kimi-k3\",\"input\":\"ping\"}"));
      HttpResponse<String> refused =
          send(responses.copy().header("Authorization", "Bearer sk-wrong"));
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("invalid_authentication_error");
      assertThat(send(responses.copy().header("Authorization", "Bearer sk-right")).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aRequiredKeyIsRefusedBeforeAScriptedResponseIsSpent() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().requireApiKey("sk-right").start()) {
      server.enqueue(FakeResponse.reply("scripted"));
      assertThat(chat(server.baseUrl(), "sk-wrong").statusCode()).isEqualTo(401);
      assertThat(chat(server.baseUrl(), "sk-right").body()).contains("scripted");
    }
  }

  @Test
  void aBlankRequiredKeyIsRefusedAndNullTakesAnyKeyAgain() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().requireApiKey("sk-right").start()) {
      assertThatThrownBy(() -> server.requireApiKey(" "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("key must not be blank");
      server.requireApiKey(null);
      assertThat(chat(server.baseUrl(), "anything").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theKeyIsNotInTheServersDescription() {
    try (FakeKimiServer server = new FakeKimiServer().requireApiKey("sk-secret-42").start()) {
      assertThat(server.toString()).doesNotContain("sk-secret-42");
    }
  }
}
