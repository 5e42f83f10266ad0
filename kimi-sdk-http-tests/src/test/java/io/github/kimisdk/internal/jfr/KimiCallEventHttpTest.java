package io.github.kimisdk.internal.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every call records one Flight Recorder event with what the call did, never the key. */
class KimiCallEventHttpTest {

  static final String KEY = "sk-test-jfr-key-0123456789abcdefghij";

  @TempDir Path dir;

  @Test
  void aChatAStreamAndARetriedCallEachRecordAnEventWithTheirFields() throws Exception {
    assertThat(Jfr.isPresent()).isTrue(); // the tests run with --add-modules jdk.jfr
    List<RecordedEvent> events;
    ChatCompletion chat;
    ChatCompletion streamed;
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder()
                .apiKey(KEY)
                .baseUrl(server.baseUrl())
                .retryPolicy(FakeSuite.fastRetries())
                .build();
        Recording recording = new Recording()) {
      recording.enable(KimiCallEvent.NAME);
      recording.start();
      chat = kimi.chat(ChatRequest.of("kimi-k3", "Name a river"));
      try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k2.6", "Name a sea"))) {
        streamed = s.toCompletion();
      }
      server.enqueue(
          FakeResponse.error(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
      kimi.chat(ChatRequest.of("kimi-k3", "Name a lake"));
      recording.stop();
      Path file = dir.resolve("calls.jfr");
      recording.dump(file);
      events =
          RecordingFile.readAllEvents(file).stream()
              .filter(e -> e.getEventType().getName().equals(KimiCallEvent.NAME))
              .sorted(java.util.Comparator.comparingLong((RecordedEvent e) -> e.getLong("callId")))
              .collect(Collectors.toList());
    }
    assertThat(events).hasSize(3);

    RecordedEvent c = events.get(0);
    assertThat(c.getEventType().getCategoryNames()).containsExactly("Kimi SDK");
    assertThat(c.getString("operation")).isEqualTo("CHAT");
    assertThat(c.getString("model")).isEqualTo("kimi-k3");
    assertThat(c.getString("endpoint")).isEqualTo("chat/completions");
    assertThat(c.getInt("attempts")).isEqualTo(1);
    assertThat(c.getInt("status")).isEqualTo(200);
    assertThat(c.getString("requestId")).isEqualTo(chat.metadata().requestId().orElseThrow());
    assertThat(c.getString("outcome")).isEqualTo("ok");
    assertThat(c.getLong("inputTokens")).isEqualTo(chat.usage().promptTokens());
    assertThat(c.getLong("outputTokens")).isEqualTo(chat.usage().completionTokens());
    assertThat(c.getLong("cachedTokens"))
        .isEqualTo(chat.usage().cachedTokens() == null ? 0 : chat.usage().cachedTokens());
    assertThat(c.getString("cost"))
        .isEqualTo(
            PriceTable.defaults()
                    .cost("kimi-k3", chat.usage())
                    .orElseThrow()
                    .total()
                    .toPlainString()
                + " USD");
    assertThat(c.getDuration("callDuration")).isPositive();
    assertThat(c.getDuration("timeToFirstChunk")).isZero();

    RecordedEvent s = events.get(1);
    assertThat(s.getString("operation")).isEqualTo("CHAT_STREAM");
    assertThat(s.getString("model")).isEqualTo("kimi-k2.6");
    assertThat(s.getString("finishReason")).isEqualTo(streamed.finishReason().toString());
    assertThat(s.getLong("outputTokens")).isEqualTo(streamed.usage().completionTokens());
    assertThat(s.getDuration("timeToFirstChunk"))
        .isPositive()
        .isLessThanOrEqualTo(s.getDuration("callDuration"));

    RecordedEvent r = events.get(2);
    assertThat(r.getInt("attempts")).isEqualTo(2);
    assertThat(r.getInt("status")).isEqualTo(200);
    assertThat(r.getString("outcome")).isEqualTo("ok");

    for (RecordedEvent e : events) {
      assertThat(e.toString()).doesNotContain(KEY).doesNotContain("Name a");
    }
  }

  /**
   * A cold stream's clock starts when its request is sent, not when the stream was made: a stream
   * consumed a second after it was built reports the exchange's own time, in its listener and in
   * its Flight Recorder event.
   */
  @Test
  void aColdStreamConsumedLaterIsTimedFromItsRequestNotFromWhenItWasBuilt() throws Exception {
    CompletableFuture<CallEvent.End> heard = new CompletableFuture<>();
    long[] requestAt = {0};
    long[] endAt = {0};
    List<RecordedEvent> events;
    long exchangeNanos;
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder()
                .apiKey(KEY)
                .baseUrl(server.baseUrl())
                .listener(
                    new CallListener() {
                      @Override
                      public void onRequest(CallEvent.Request e) {
                        requestAt[0] = System.nanoTime();
                      }

                      @Override
                      public void onEnd(CallEvent.End e) {
                        endAt[0] = System.nanoTime();
                        heard.complete(e);
                      }
                    })
                .build();
        Recording recording = new Recording()) {
      recording.enable(KimiCallEvent.NAME);
      recording.start();
      try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k2.6", "Name a sea"))) {
        // Deliberate, not a synchronisation: a web framework that subscribes a second after the
        // handler built the stream. Nothing runs meanwhile; nothing was sent.
        Thread.sleep(1_000);
        long before = System.nanoTime();
        s.toCompletion();
        exchangeNanos = System.nanoTime() - before;
      }
      recording.stop();
      Path file = dir.resolve("cold.jfr");
      recording.dump(file);
      events =
          RecordingFile.readAllEvents(file).stream()
              .filter(e -> e.getEventType().getName().equals(KimiCallEvent.NAME))
              .collect(Collectors.toList());
    }
    Duration exchange = Duration.ofNanos(exchangeNanos);
    CallEvent.End end = heard.get(10, TimeUnit.SECONDS);
    // The exchange as the listener saw it, from its request to its end: the call's clock agrees
    // with it (a clock started at build would add the second before it), and the whole exchange
    // ran inside the window the consumer measured.
    Duration heardExchange = Duration.ofNanos(endAt[0] - requestAt[0]);
    assertThat(end.duration())
        .isLessThanOrEqualTo(exchange)
        .isBetween(heardExchange.minusMillis(200), heardExchange.plusMillis(200));
    assertThat(end.timeToFirstChunk()).isPositive().isLessThanOrEqualTo(end.duration());
    assertThat(events).hasSize(1);
    RecordedEvent e = events.get(0);
    assertThat(e.getDuration("callDuration")).isEqualTo(end.duration());
    assertThat(e.getDuration("timeToFirstChunk")).isEqualTo(end.timeToFirstChunk());
  }
}
