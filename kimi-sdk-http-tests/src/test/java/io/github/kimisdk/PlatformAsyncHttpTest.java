package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.internal.client.ManualScheduler;
import io.github.kimisdk.internal.http.CountingHttpClient;
import io.github.kimisdk.platform.Balance;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import io.github.kimisdk.testing.FakeResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The asynchronous platform calls (files, batches, balance) and batch polling on virtual time. */
class PlatformAsyncHttpTest extends FakeSuite {

  @TempDir Path dir;

  private final ManualScheduler time = new ManualScheduler();
  private final CountingHttpClient http = new CountingHttpClient();

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.httpClient(http).scheduler(time);
  }

  private static <T> T done(CompletableFuture<T> f) {
    return f.orTimeout(30, TimeUnit.SECONDS).join();
  }

  /** Returns the exception the future completed with, as a caller's handler sees it. */
  private static Throwable failure(CompletableFuture<?> f) {
    return done(f.handle((r, e) -> e));
  }

  @Test
  void fileCallsHaveAsyncVariants() throws IOException {
    Path a = dir.resolve("a.txt");
    Files.writeString(a, "alpha", StandardCharsets.UTF_8);

    FileObject f = done(kimi.files().uploadAsync(a, FilePurpose.FILE_EXTRACT));
    assertThat(f.filename()).isEqualTo("a.txt");
    assertThat(done(kimi.files().listAsync())).extracting(FileObject::id).containsExactly(f.id());
    assertThat(done(kimi.files().getAsync(f.id()))).isEqualTo(f);
    assertThat(done(kimi.files().contentAsync(f.id())).text()).contains("alpha");
    assertThat(done(kimi.files().deleteAsync(f.id()))).isTrue();
    assertThat(done(kimi.files().listAsync())).isEmpty();
  }

  @Test
  void asyncFailuresAreTheKimiExceptionItselfNotAWrapper() {
    assertThat(failure(kimi.files().getAsync("missing"))).isInstanceOf(NotFoundException.class);
    assertThat(failure(kimi.batches().getAsync("missing"))).isInstanceOf(NotFoundException.class);
    server.enqueue(FakeResponse.json("[1]"));
    assertThat(failure(kimi.account().balanceAsync()))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("not a balance");
    assertThatThrownBy(() -> kimi.files().uploadAsync(dir.resolve("nope"), FilePurpose.IMAGE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void balanceAsync() {
    Balance b = done(kimi.account().balanceAsync());
    assertThat(b.available()).isEqualByComparingTo(new BigDecimal("49.58894"));
  }

  @Test
  void batchCallsHaveAsyncVariants() {
    List<ChatRequest> requests =
        List.of(ChatRequest.of("kimi-k2.6", "one"), ChatRequest.of("kimi-k2.6", "two"));
    Batch b = done(kimi.batches().createAsync(requests, "24h", Map.of("k", "v")));
    assertThat(b.isFinished()).isTrue();
    assertThat(done(kimi.batches().getAsync(b.id()))).isEqualTo(b);
    assertThat(done(kimi.batches().listAsync(null, 5))).extracting(Batch::id).contains(b.id());
    assertThat(done(kimi.batches().cancelAsync(b.id())).id()).isEqualTo(b.id());
    List<BatchResult> results = done(kimi.batches().resultsAsync(b, requests));
    assertThat(results)
        .extracting(r -> r.completion().text())
        .containsExactly("You said: one", "You said: two");
  }

  private static String batchJson(String status, String output) {
    return "{\"id\":\"b1\",\"object\":\"batch\",\"status\":\""
        + status
        + "\",\"input_file_id\":\"in\","
        + (output == null ? "" : "\"output_file_id\":\"" + output + "\",")
        + "\"completion_window\":\"24h\",\"created_at\":1,"
        + "\"request_counts\":{\"total\":1,\"completed\":0,\"failed\":0}}";
  }

  /** The server answers each poll of batch b1 with its status in_progress. */
  private void batchB1StaysInProgress() {
    server.respondWith(
        r ->
            r.path().equals("/v1/batches/b1")
                ? FakeResponse.json(batchJson("in_progress", null))
                : null);
  }

  private void runUntilDone(CompletableFuture<?> f) {
    while (true) {
      http.awaitSettled();
      if (f.isDone() || !time.advanceToNext()) {
        return;
      }
    }
  }

  @Test
  void awaitFinishedPollsAtTheIntervalUntilAFinalStatus() {
    server.enqueue(FakeResponse.json(batchJson("validating", null)));
    server.enqueue(FakeResponse.json(batchJson("in_progress", null)));
    server.enqueue(FakeResponse.json(batchJson("finalizing", null)));
    server.enqueue(FakeResponse.json(batchJson("completed", "out")));

    CompletableFuture<Batch> f =
        kimi.batches().awaitFinishedAsync("b1", Duration.ofSeconds(30), Duration.ofHours(1));
    runUntilDone(f);

    assertThat(f.join().status()).isEqualTo("completed");
    assertThat(server.requestCount()).isEqualTo(4);
    assertThat(server.requests()).allMatch(r -> r.path().equals("/v1/batches/b1"));
    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void awaitResultsFetchesTheOutputOnceFinished() {
    List<ChatRequest> requests = List.of(ChatRequest.of("kimi-k2.6", "x"));
    Batch real = done(kimi.batches().createAsync(requests, "24h", Map.of()));
    int before = server.requestCount();
    CompletableFuture<List<BatchResult>> f =
        kimi.batches()
            .awaitResultsAsync(real.id(), requests, Duration.ofSeconds(5), Duration.ofMinutes(1));
    runUntilDone(f);
    assertThat(f.join())
        .singleElement()
        .satisfies(r -> assertThat(r.completion().text()).isEqualTo("You said: x"));
    assertThat(server.requestCount() - before).isEqualTo(2); // one poll, one download
  }

  @Test
  void awaitFinishedTimesOutSayingTheBatchKeepsRunning() {
    batchB1StaysInProgress();

    CompletableFuture<Batch> f =
        kimi.batches().awaitFinishedAsync("b1", Duration.ofSeconds(30), Duration.ofSeconds(100));
    runUntilDone(f);

    assertThat(failure(f))
        .isInstanceOf(KimiTimeoutException.class)
        .hasMessageContaining("Batch b1 is still in_progress after")
        .hasMessageContaining("batches().cancel(id)");
    assertThat(server.requestCount()).isEqualTo(4); // at 0, 30, 60 and 90 s
  }

  @Test
  void cancellingTheWaitStopsPolling() {
    batchB1StaysInProgress();
    CompletableFuture<Batch> f =
        kimi.batches().awaitFinishedAsync("b1", Duration.ofSeconds(10), Duration.ofHours(1));
    http.awaitSettled();
    time.advance(Duration.ofSeconds(10));
    http.awaitSettled();
    assertThat(server.requestCount()).isEqualTo(2);

    f.cancel(true);
    time.advance(Duration.ofMinutes(5));
    http.awaitSettled();
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void aFailedPollEndsTheWaitWithThatError() {
    server.enqueue(FakeResponse.json(batchJson("in_progress", null)));
    server.enqueue(
        FakeResponse.error(
            404, "{\"error\":{\"type\":\"resource_not_found_error\",\"message\":\"gone\"}}"));
    CompletableFuture<Batch> f =
        kimi.batches().awaitFinishedAsync("b1", Duration.ofSeconds(10), Duration.ofHours(1));
    runUntilDone(f);
    assertThat(failure(f)).isInstanceOf(NotFoundException.class);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 s   | 1 h | pollInterval must be at least 1 second",
        "500 ms| 1 h | pollInterval must be at least 1 second",
        "1 s   | 0 s | timeout must be positive",
      })
  void pollingSettingsAreChecked(String interval, String timeout, String message) {
    assertThatThrownBy(
            () -> kimi.batches().awaitFinishedAsync("b1", duration(interval), duration(timeout)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
    assertThatThrownBy(
            () ->
                kimi.batches().awaitFinishedAsync(" ", Duration.ofSeconds(1), Duration.ofHours(1)))
        .hasMessageContaining("batchId must not be blank");
  }

  private static Duration duration(String s) {
    String[] p = s.trim().split("\\s+");
    long n = Long.parseLong(p[0]);
    return switch (p[1]) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofHours(n);
    };
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "11h | completionWindow must be from \"12h\" to \"7d\"",
        "8d  | completionWindow must be from \"12h\" to \"7d\"",
        "24  | completionWindow must be from \"12h\" to \"7d\"",
        "1w  | completionWindow must be from \"12h\" to \"7d\"",
      })
  void completionWindowOutsideKimisRangeIsRefusedBeforeSending(String window, String message) {
    assertThatThrownBy(
            () ->
                kimi.batches().create(List.of(ChatRequest.of("kimi-k2.6", "a")), window, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
    assertThat(server.requestCount()).isZero();
  }

  @ParameterizedTest
  @CsvSource({"12h", "24h", "3d", "7d", "168h"})
  void completionWindowsKimiDocumentsAreAccepted(String window) {
    KimiBatches.checkWindow(window);
  }

  @Test
  void metadataBeyondKimisLimitsIsRefusedBeforeSending() {
    Map<String, String> seventeen = new HashMap<>();
    for (int i = 0; i < 17; i++) {
      seventeen.put("k" + i, "v");
    }
    List<ChatRequest> one = List.of(ChatRequest.of("kimi-k2.6", "a"));
    assertThatThrownBy(() -> kimi.batches().create(one, "24h", seventeen))
        .hasMessage("metadata holds at most 16 pairs; remove 1 of them");
    assertThatThrownBy(() -> kimi.batches().create(one, "24h", Map.of("k".repeat(65), "v")))
        .hasMessageContaining("metadata keys must be 1 to 64 characters")
        .hasMessageContaining("has 65");
    assertThatThrownBy(() -> kimi.batches().create(one, "24h", Map.of("k", "v".repeat(513))))
        .hasMessage("metadata values must be at most 512 characters: the value of 'k' has 513");
    Map<String, String> sixteen = new HashMap<>(seventeen);
    sixteen.remove("k0");
    KimiBatches.checkMetadata(sixteen);
    KimiBatches.checkMetadata(Map.of("k".repeat(64), "v".repeat(512)));
    assertThat(server.requestCount()).isZero();
  }
}
