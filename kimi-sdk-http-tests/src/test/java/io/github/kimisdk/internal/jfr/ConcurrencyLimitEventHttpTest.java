package io.github.kimisdk.internal.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CapturingLogger;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A move of a host's concurrency limit is visible: a Flight Recorder event and a line at DEBUG,
 * each naming the host and its address, the limits before and after and why, never the key.
 */
class ConcurrencyLimitEventHttpTest {

  static final String KEY = "sk-test-limit-key-0123456789abcdefghij";

  @TempDir Path dir;

  @Test
  void aLimitTheHostStatesIsRecordedAndLoggedWithItsTarget() throws Exception {
    CapturingLogger log = new CapturingLogger(System.Logger.Level.DEBUG);
    List<RecordedEvent> events;
    String address;
    try (FakeKimiServer server =
            new FakeKimiServer().maxConcurrency(1).latency(Duration.ofMillis(100)).start();
        KimiClient kimi =
            KimiClient.builder()
                .apiKey(KEY)
                .baseUrl(server.baseUrl())
                .retryPolicy(RetryPolicy.defaults().withMaxRetries(0))
                .logger(log)
                .build();
        Recording recording = new Recording()) {
      URI base = URI.create(server.baseUrl());
      address = base.getHost() + ":" + base.getPort();
      recording.enable(ConcurrencyLimitEvent.NAME);
      recording.start();
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(kimi.chatAsync(ChatRequest.of("kimi-k2.6", "Hi " + i)));
      }
      CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).join();
      recording.stop();
      Path file = dir.resolve("limit.jfr");
      recording.dump(file);
      events =
          RecordingFile.readAllEvents(file).stream()
              .filter(e -> e.getEventType().getName().equals(ConcurrencyLimitEvent.NAME))
              .collect(Collectors.toList());
    }
    assertThat(events).isNotEmpty();
    RecordedEvent stated = events.get(0);
    assertThat(stated.getEventType().getCategoryNames()).containsExactly("Kimi SDK");
    assertThat(stated.getString("reason")).isEqualTo("stated");
    assertThat(stated.getInt("from")).isEqualTo(-1);
    assertThat(stated.getInt("limit")).isEqualTo(1);
    assertThat(stated.getString("target")).endsWith(" at " + address);
    assertThat(events)
        .allSatisfy(e -> assertThat(e.toString()).doesNotContain(KEY).doesNotContain("sk-"));
    assertThat(log.lines)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("concurrency limit of ")
                    .contains(" at " + address + ": none -> 1 (stated: the host stated it)"));
    assertThat(log.all()).doesNotContain(KEY);
  }
}
