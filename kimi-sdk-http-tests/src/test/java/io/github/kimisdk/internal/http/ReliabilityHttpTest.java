package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.CapturingLogger;
import io.github.kimisdk.ClientInternals;
import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The transport's reliability settings over loopback: plain-HTTP rule and its opt-out, HTTP
 * version, JSON depth limit, body idle timeout, and per-attempt debug logging.
 */
class ReliabilityHttpTest extends FakeSuite {

  static final String KEY = "sk-test-0123456789abcdefghijklmnop";
  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello there");

  KimiClient.Builder client() {
    return client(server);
  }

  /** A client of {@code s} that does not retry. */
  static KimiClient.Builder client(FakeKimiServer s) {
    return KimiClient.builder().apiKey(KEY).baseUrl(s.baseUrl()).retryPolicy(RetryPolicy.none());
  }

  static String chunk(String text) {
    return ClientInternals.content("c1", "m", text);
  }

  static String completion(String extraField) {
    return "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
        + extraField
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"deep\"},"
        + "\"finish_reason\":\"stop\"}]}";
  }

  static String nested(int depth) {
    return "\"extra\":" + "[".repeat(depth) + "]".repeat(depth) + ",";
  }

  // ------------------------------------------------------------------ closing

  @Test
  void finishedStreamsLeaveTheirConnectionForTheNextCall() throws Exception {
    try (FakeKimiServer tracked = new FakeKimiServer().trackConnections().start();
        KimiClient kimi = client(tracked).build()) {
      for (int i = 0; i < 5; i++) {
        assertThat(kimi.stream(HELLO).toCompletion().text()).isNotEmpty();
        try (var s = kimi.stream(HELLO)) {
          for (var c : s) {
            assertThat(c).isNotNull(); // read to [DONE] by iterating
          }
        }
      }
      kimi.chat(HELLO);
      // [DONE] ends each stream at once, and the end of the body that follows it is still read,
      // so the connection goes back to the pool instead of being closed (a new TLS handshake).
      // A call made the moment a stream ends may find that connection still finishing and open
      // a second one (how many depends on how the machine schedules the pool): what the server
      // recorded is that no connection was closed, by the client or by itself, so every one it
      // served went back to the pool (before, the client closed one per stream).
      assertThat(tracked.awaitNoBusyConnections(Duration.ofSeconds(10))).isTrue();
      assertThat(tracked.clientClosedConnections()).isZero();
      assertThat(tracked.serverClosedConnections()).isZero();
      assertThat(tracked.openConnections()).isEqualTo(tracked.connectionCount()).isPositive();
    }
  }

  @Test
  void closeClosesTheIdlePooledConnectionOnJdk21AndLater() throws Exception {
    Assumptions.assumeTrue(
        Runtime.version().feature() >= 21, "HttpClient can be closed from JDK 21 only");
    try (FakeKimiServer tracked = new FakeKimiServer().trackConnections().start()) {
      KimiClient kimi = client(tracked).build();
      kimi.chat(HELLO);
      kimi.stream(HELLO).toCompletion();
      assertThat(tracked.awaitNoBusyConnections(Duration.ofSeconds(10))).isTrue();
      int kept = tracked.openConnections(); // idle in the pool, kept alive
      assertThat(kept).isPositive();
      assertThat(tracked.clientClosedConnections()).isZero();
      kimi.close();
      assertThat(
              tracked.awaitConnections(
                  () -> tracked.openConnections() == 0, Duration.ofSeconds(10)))
          .as("the pooled connections closed")
          .isTrue();
      assertThat(tracked.clientClosedConnections()).isEqualTo(kept);
    }
  }

  @Test
  void closeLeavesACallerSuppliedHttpClientAndItsConnectionsAlone() throws Exception {
    try (FakeKimiServer tracked = new FakeKimiServer().trackConnections().start()) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      KimiClient kimi = client(tracked).httpClient(http).build();
      kimi.chat(HELLO);
      kimi.close();
      KimiClient again = client(tracked).httpClient(http).build();
      // the caller's client still works, on the same connection: the close left it open
      again.chat(HELLO);
      assertThat(tracked.connectionCount()).isEqualTo(1);
      assertThat(tracked.clientClosedConnections()).isZero();
      again.close();
    }
  }

  // ------------------------------------------------------------------ plain HTTP

  @Test
  void plainHttpToANonLoopbackHostIsRefusedNamingTheOptOut() {
    assertThatThrownBy(
            () -> KimiClient.builder().apiKey(KEY).baseUrl("http://kimi.example.com/v1").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("https://")
        .hasMessageContaining("allowPlainHttp(true)")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void allowPlainHttpAcceptsANonLoopbackHost() {
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl("http://kimi.example.com/v1")
            .allowPlainHttp(true)
            .build()) {
      assertThat(kimi.endpoint().baseUrl()).isEqualTo("http://kimi.example.com/v1");
    }
  }

  @Test
  void plainHttpToLoopbackNeedsNoOptOut() {
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).baseUrl(server.baseUrl()).build()) {
      assertThat(kimi.chat(HELLO).text()).isEqualTo("You said: Hello there");
    }
  }

  // ------------------------------------------------------------------ HTTP version

  @Test
  void cleartextRequestsAreHttp11WithoutAnH2cUpgrade() {
    try (KimiClient kimi = client().build()) {
      kimi.chat(HELLO);
      kimi.stream(HELLO).toCompletion();
      kimi.models().list(); // a GET, which the JDK would offer to upgrade (see below)
    }
    for (RecordedRequest r : server.requests()) {
      assertThat(r.header("Upgrade")).as("Upgrade").isEmpty();
      assertThat(r.header("HTTP2-Settings")).as("HTTP2-Settings").isEmpty();
      assertThat(r.header("Connection").orElse("")).doesNotContainIgnoringCase("upgrade");
    }
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void forcingHttp2OnCleartextMakesTheJdkOfferTheUpgrade() {
    try (KimiClient kimi = client().httpVersion(HttpClient.Version.HTTP_2).build()) {
      assertThat(kimi.models().list()).isNotEmpty();
    }
    assertThat(server.takeRequest().header("Upgrade")).hasValue("h2c");
  }

  // ------------------------------------------------------------------ JSON depth

  @Test
  void maxJsonDepthMustBeInRange() {
    assertThatThrownBy(() -> KimiClient.builder().maxJsonDepth(7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxJsonDepth");
    assertThatThrownBy(() -> KimiClient.builder().maxJsonDepth(100_001))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCompletionDeeperThanTheLimitFailsNamingTheSetting() {
    server.enqueue(FakeResponse.json(completion(nested(20))));
    server.enqueue(FakeResponse.json(completion(nested(20))));
    try (KimiClient strict = client().maxJsonDepth(16).build();
        KimiClient lenient = client().maxJsonDepth(32).build()) {
      Throwable t = catchThrowable(() -> strict.chat(HELLO));
      assertThat(t)
          .isInstanceOf(DecodingException.class)
          .hasMessageContaining("limit of 16")
          .hasMessageContaining("maxJsonDepth");
      assertThat(lenient.chat(HELLO).text()).isEqualTo("deep");
    }
  }

  @Test
  void theDefaultDepthLimitStopsAHostileCompletion() {
    server.enqueue(FakeResponse.json(completion(nested(KimiClient.DEFAULT_MAX_JSON_DEPTH + 10))));
    try (KimiClient kimi = client().build()) {
      assertThat(catchThrowable(() -> kimi.chat(HELLO)))
          .isInstanceOf(DecodingException.class)
          .hasMessageContaining("limit of " + KimiClient.DEFAULT_MAX_JSON_DEPTH);
    }
  }

  @Test
  void aChunkDeeperThanTheLimitFailsTheStreamWithWhatArrived() {
    String deep =
        "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + nested(20)
            + "\"choices\":[]}";
    server.enqueue(FakeResponse.sse().data(chunk("Hi")).data(deep).done().build());
    try (KimiClient kimi = client().maxJsonDepth(16).build()) {
      Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
      assertThat(t)
          .isInstanceOf(MalformedChunkException.class)
          .hasMessageContaining("maxJsonDepth");
      assertThat(((StreamException) t).partial().text()).isEqualTo("Hi");
    }
  }

  // ------------------------------------------------------------------ body idle timeout

  @Test
  void aNonStreamedBodyThatStallsAfterTheHeadersTimesOutAndClosesTheConnection() {
    server.enqueue(
        FakeResponse.sse()
            .raw("{\"id\":\"x\",\"choices\":[")
            .pause(Duration.ofSeconds(5))
            .raw("]") // the first write after the client left may still succeed
            .raw(",\"x\":1")
            .raw("}")
            .build()
            .withHeader("Content-Type", "application/json"));
    try (KimiClient kimi =
        client().timeouts(Timeouts.defaults().withStreamIdle(Duration.ofMillis(300))).build()) {
      long started = System.nanoTime();
      Throwable t = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(t)
          .isInstanceOf(KimiTimeoutException.class)
          .hasMessageContaining("no bytes of the body")
          .hasMessageContaining("Timeouts.withStreamIdle");
      assertThat(((KimiException) t).metadata()).isPresent();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(server.awaitDisconnect(Duration.ofSeconds(15))).as("connection closed").isTrue();
  }

  @Test
  void aSlowButSteadyBodyIsNotCutOff() {
    FakeResponse.SseBuilder slow = FakeResponse.sse();
    String body = completion("");
    for (int i = 0; i < body.length(); i += 40) {
      slow.raw(body.substring(i, Math.min(body.length(), i + 40))).pause(Duration.ofMillis(100));
    }
    server.enqueue(slow.build().withHeader("Content-Type", "application/json"));
    try (KimiClient kimi =
        client().timeouts(Timeouts.defaults().withStreamIdle(Duration.ofMillis(400))).build()) {
      assertThat(kimi.chat(HELLO).text()).isEqualTo("deep");
    }
  }

  // ------------------------------------------------------------------ logging

  @Test
  void eachAttemptIsLoggedWithStatusTimingsRequestIdAndAttemptNumber() {
    CapturingLogger log = new CapturingLogger(System.Logger.Level.DEBUG);
    server.enqueue(
        FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\",\"message\":\"oops\"}}")
            .withHeader("x-request-id", "req-1"));
    server.enqueue(FakeResponse.json(completion("")).withHeader("x-request-id", "req-2"));
    try (KimiClient kimi =
        client()
            .retryPolicy(
                RetryPolicy.defaults().withBackoff(Duration.ofMillis(10), Duration.ofMillis(20)))
            .logger(log)
            .build()) {
      assertThat(kimi.chat(HELLO).text()).isEqualTo("deep");
    }
    String url = server.baseUrl() + "/chat/completions";
    assertThat(log.lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("POST " + url + " attempt 1 -> HTTP 500 request-id=req-1,")
                    .containsPattern("headers \\d+ ms, total \\d+ ms, failed: ServerException"))
        .anySatisfy(l -> assertThat(l).startsWith("attempt 1 failed (ServerException"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("POST " + url + " attempt 2 -> HTTP 200 request-id=req-2,")
                    .containsPattern("headers \\d+ ms, total \\d+ ms$"));
    assertThat(log.all()).doesNotContain(KEY).doesNotContain("Hello there");
  }

  @Test
  void aStreamIsLoggedWhenItEnds() {
    CapturingLogger log = new CapturingLogger(System.Logger.Level.DEBUG);
    server.enqueue(
        FakeResponse.sse().data(chunk("Hi")).done().build().withHeader("x-request-id", "req-s"));
    try (KimiClient kimi = client().logger(log).build()) {
      assertThat(kimi.stream(HELLO).toCompletion().text()).isEqualTo("Hi");
    }
    assertThat(log.lines)
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .startsWith(
                        "POST "
                            + server.baseUrl()
                            + "/chat/completions attempt 1 -> HTTP 200 request-id=req-s,")
                    .containsPattern("headers \\d+ ms, total \\d+ ms$"));
  }

  @Test
  void messageContentsAreLoggedOnlyWhenTurnedOnAndNeverTheKey() {
    CapturingLogger quiet = new CapturingLogger(System.Logger.Level.DEBUG);
    CapturingLogger verbose = new CapturingLogger(System.Logger.Level.DEBUG);
    try (KimiClient a = client().logger(quiet).build();
        KimiClient b = client().logger(verbose).logMessageContents(true).build()) {
      a.chat(HELLO);
      b.chat(HELLO);
      b.stream(HELLO).toCompletion();
    }
    assertThat(quiet.all()).doesNotContain("Hello there").doesNotContain("You said");
    assertThat(verbose.lines)
        .filteredOn(l -> l.contains("request body: {") && l.contains("Hello there"))
        .hasSize(2);
    assertThat(verbose.lines)
        .anySatisfy(l -> assertThat(l).contains("response body: ").contains("You said: Hello"));
    assertThat(verbose.all()).doesNotContain(KEY).doesNotContain("Bearer");
  }
}
