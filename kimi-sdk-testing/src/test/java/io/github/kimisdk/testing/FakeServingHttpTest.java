package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.host.Host;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replicas and how they serve ({@link FakeKimiServer#replicas}, {@link FakeKimiServer#serviceTime},
 * {@link FakeKimiServer#slowFirstToken}, {@link FakeKimiServer#cutStreams}): what routing is judged
 * against, one rule per case.
 */
class FakeServingHttpTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String TEN_WORDS = "one two three four five six seven eight nine ten";

  @RegisterExtension final DialectFakes fakes = new DialectFakes();

  static KimiClient vllm(FakeKimiServer server) {
    return KimiClient.builder().host(Host.vllm(server.baseUrl())).build();
  }

  static ChatRequest ask(String words) {
    return ChatRequest.builder("kimi-k3").addUser(words).thinking(Thinking.disabled()).build();
  }

  @Test
  void everySecondStreamIsCutAfterItsChunksAndItsContinuationFinishesItEachWordOnce() {
    FakeKimiServer server = fakes.start("vllm").cutStreams(2, 5);
    List<String> texts = new ArrayList<>();
    int cut = 0;
    try (KimiClient kimi = vllm(server)) {
      for (int i = 0; i < 4; i++) {
        ChatRequest request = ask(TEN_WORDS + " call" + i);
        try (ChatStream s = kimi.stream(request)) {
          texts.add(s.toCompletion().text());
        } catch (TruncatedStreamException e) {
          cut++;
          assertThat(e.partial().text()).isEqualTo("You said: one two three");
          try (ChatStream rest = kimi.stream(e.resumeRequest().orElseThrow())) {
            texts.add(e.partial().text() + rest.toCompletion().text());
          }
        }
      }
    }

    for (int i = 0; i < 4; i++) {
      assertThat(texts.get(i)).isEqualTo("You said: " + TEN_WORDS + " call" + i);
    }
    // every second stream the server sends is cut: one whose chunks all arrived before the caller
    // read the first is sent again by the client itself (a stream is retried until its first event
    // reaches the caller), which a loaded machine makes happen now and then; the others the caller
    // finished with its continuation, which is never cut
    assertThat(cut).isPositive().isLessThanOrEqualTo(server.cutStreamCount());
    assertThat(server.requestCount())
        .as("each cut stream, retried or continued, is one more request")
        .isEqualTo(4 + server.cutStreamCount());
  }

  @Test
  void aCutStreamSendsNoDoneAndEndsTheConnection() throws Exception {
    FakeKimiServer server = fakes.start("moonshot").cutStreams(1, 2);
    String body =
        "{\"model\":\"kimi-k3\",\"stream\":true,\"thinking\":{\"type\":\"disabled\"},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\""
            + TEN_WORDS
            + "\"}]}";
    // each piece as it arrived, in order, then the failure: what a stream's reader sees
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    CompletableFuture<HttpResponse<Void>> r =
        HTTP.sendAsync(
            post(server, body),
            info ->
                HttpResponse.BodySubscribers.ofByteArrayConsumer(
                    piece -> piece.ifPresent(bytes -> got.write(bytes, 0, bytes.length))));
    Throwable end = catchThrowable(r::join);
    List<String> lines = got.toString(StandardCharsets.UTF_8).lines().toList();

    assertThat(end).as("the chunked body ends before its last chunk").isInstanceOf(Exception.class);
    assertThat(lines).noneMatch(l -> l.contains("[DONE]"));
    assertThat(
            lines.stream()
                .filter(l -> l.contains("\"content\":\"") && !l.contains("\"content\":\"\"")))
        .hasSize(2);
  }

  @Test
  void anAnswerTakesItsServiceTimeHoldingItsSlotWhileARefusalComesAtOnce() throws Exception {
    FakeKimiServer server =
        fakes.start("vllm").maxConcurrency(1).serviceTime(Duration.ofMillis(1_500));
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(server.baseUrl()))
            .retryPolicy(io.github.kimisdk.RetryPolicy.none())
            .build()) {
      long start = System.nanoTime();
      CompletableFuture<ChatCompletion> admitted = kimi.chatAsync(ask("first"));
      assertThat(
              server.awaitConnections(() -> server.activeExchanges() == 1, Duration.ofSeconds(10)))
          .isTrue();
      // admitted, not only connected (which the server tells no waiter of): it then holds its
      // place under the limit for its service time
      long admittedBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.peakConcurrency() < 1 && System.nanoTime() < admittedBy) {
        Thread.onSpinWait();
      }
      HttpResponse<String> refused =
          HTTP.send(
              post(
                  server,
                  "{\"model\":\"moonshotai/Kimi-K3\",\"messages\":[{\"role\":\"user\","
                      + "\"content\":\"second\"}]}"),
              HttpResponse.BodyHandlers.ofString());

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains(FakeDialect.VLLM_BUSY);
      assertThat(admitted).as("still in its service time").isNotDone();
      assertThat(admitted.join().text()).isEqualTo("You said: first");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
    }
  }

  @Test
  void everySecondStreamIsSlowToItsFirstChunkWithItsHeadersAtOnce() throws Exception {
    Duration slow = Duration.ofSeconds(2);
    FakeKimiServer server = fakes.start("moonshot").slowFirstToken(2, slow);
    String body =
        "{\"model\":\"kimi-k3\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    List<Duration> firstData = new ArrayList<>();
    List<Duration> headers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long start = System.nanoTime();
      HttpResponse<InputStream> r =
          HTTP.send(post(server, body), HttpResponse.BodyHandlers.ofInputStream());
      headers.add(Duration.ofNanos(System.nanoTime() - start));
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("data:")) {
          // comments and blank lines before the first chunk
        }
        firstData.add(Duration.ofNanos(System.nanoTime() - start));
        while (in.readLine() != null) {
          // the rest of the stream
        }
      }
    }

    assertThat(firstData.get(1)).isGreaterThanOrEqualTo(slow);
    assertThat(firstData.get(3)).isGreaterThanOrEqualTo(slow);
    assertThat(firstData.get(1).minus(headers.get(1)))
        .as("the headers come at once, the wait is before the first chunk")
        .isGreaterThanOrEqualTo(slow.minusMillis(200));
    assertThat(firstData.get(0)).as("the first is not slow").isLessThan(firstData.get(1));
    assertThat(firstData.get(2)).as("the third is not slow").isLessThan(firstData.get(3));
  }

  @Test
  void eachReplicaKeepsItsOwnPrefixCache() {
    List<FakeKimiServer> replicas =
        FakeKimiServer.replicas(2, s -> s.dialect("vllm").maxConcurrency(2));
    replicas.forEach(fakes::track);
    Conversation chat =
        Conversation.create().addSystem(FakePromptCacheHttpTest.LONG_SYSTEM).addUser("Lisbon?");
    try (KimiClient a = vllm(replicas.get(0));
        KimiClient b = vllm(replicas.get(1))) {
      ChatRequest first = chat.request("kimi-k3").thinking(Thinking.disabled()).build();
      chat.addReply(a.chat(first));
      chat.addUser("And Porto?");
      ChatRequest second = chat.request("kimi-k3").thinking(Thinking.disabled()).build();

      Integer other = b.chat(second).usage().cachedTokens();
      assertThat(other == null ? 0 : other)
          .as("the other replica never saw the conversation")
          .isZero();
      assertThat(a.chat(second).usage().cachedTokens())
          .as("the replica that served its first turn")
          .isPositive();
    }
    assertThat(replicas.get(0).requestCount()).isEqualTo(2);
    assertThat(replicas.get(1).requestCount()).isEqualTo(1);
    assertThat(replicas.get(0).baseUrl()).isNotEqualTo(replicas.get(1).baseUrl());
  }

  @Test
  void aServingSettingIsCheckedWhereItIsMade() {
    FakeKimiServer server = new FakeKimiServer();
    assertThatThrownBy(() -> server.serviceTime(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.slowFirstToken(-1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.cutStreams(2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("afterChunks at least 1");
    assertThatThrownBy(() -> FakeKimiServer.replicas(0, s -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    server.cutStreams(0, 0); // none
  }

  static HttpRequest post(FakeKimiServer server, String body) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer sk-test")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
