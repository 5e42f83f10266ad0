package io.github.kimisdk.base.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CapturingLogger;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stream dropped without {@code close()} while its answer is still coming (issue 47, defect 5):
 * once it is unreachable, its connection and its rate-limit permit are released and one warning
 * names the line that consumed it. It used to hold both until the server finished its answer.
 */
class AbandonedStreamsHttpTest {

  static final String CHUNK =
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k2.6\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}";

  final CapturingLogger log = new CapturingLogger(System.Logger.Level.WARNING);
  final List<String> warnings = log.lines;
  System.Logger before;
  FakeKimiServer server;

  @BeforeEach
  void hear() {
    before = AbandonedStreams.log;
    AbandonedStreams.log = log;
    server = new FakeKimiServer().trackConnections().start();
  }

  @AfterEach
  void restore() {
    AbandonedStreams.log = before;
    server.close();
  }

  /** A slow answer: one chunk, then a long wait before the rest. */
  static FakeResponse slowAnswer() {
    return FakeResponse.sse().data(CHUNK).pause(Duration.ofSeconds(60)).data(CHUNK).done().build();
  }

  /** Reads one chunk of a stream and forgets it, as a careless caller would. */
  static void readOneChunkAndForget(KimiClient kimi) {
    ChatStream s = kimi.stream(ChatRequest.of("kimi-k2.6", "Tell me a long story"));
    Iterator<?> it = s.iterator();
    assertThat(it.next()).isNotNull();
  }

  @Test
  void forgottenStreamsGiveBackTheirConnectionsAndPermitsWithOneWarningEach()
      throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      server.enqueue(slowAnswer());
    }
    server.enqueue(FakeResponse.reply("the fourth call got a permit"));
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .rateLimit(
                RateLimit.builder().maxConcurrency(3).maxQueueWait(Duration.ofSeconds(30)).build())
            .build()) {
      for (int i = 0; i < 3; i++) {
        readOneChunkAndForget(kimi);
      }
      assertThat(server.busyConnections()).as("three half-read streams").isEqualTo(3);

      // Collect until the streams are found unreachable: each sweep runs within a second.
      for (int i = 0; i < 60 && server.busyConnections() > 0; i++) {
        System.gc();
        server.awaitConnections(() -> server.busyConnections() == 0, Duration.ofMillis(500));
      }

      assertThat(server.busyConnections()).as("connections released").isZero();
      assertThat(kimi.chat(ChatRequest.of("kimi-k2.6", "Hello")).text())
          .as("the permits are back")
          .isEqualTo("the fourth call got a permit");
    }
    // the sweeper warns just after it released each stream
    assertThat(log.await(3, Duration.ofSeconds(30))).as("three warnings").isTrue();
    assertThat(warnings).hasSize(3);
    assertThat(warnings)
        .allSatisfy(
            w ->
                assertThat(w)
                    .contains("ChatStream was dropped without close()")
                    .contains("readOneChunkAndForget(AbandonedStreamsHttpTest.java:"));
    assertThat(AbandonedStreams.tracked()).isZero();
  }

  @Test
  void aClosedOrFinishedStreamIsUntrackedAndNeverWarnedAbout() {
    server.enqueue(FakeResponse.reply("one"));
    server.enqueue(slowAnswer());
    try (KimiClient kimi =
        KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build()) {
      int before = AbandonedStreams.tracked();
      try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k2.6", "Hello"))) {
        s.forEach(c -> {});
      }
      ChatStream open = kimi.stream(ChatRequest.of("kimi-k2.6", "Hello"));
      open.iterator().next();
      assertThat(AbandonedStreams.tracked()).isEqualTo(before + 1);
      open.close();
      assertThat(AbandonedStreams.tracked()).isEqualTo(before);
    }
    System.gc();
    AbandonedStreams.sweep();
    assertThat(warnings).isEmpty();
  }
}
