package io.github.kimisdk.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BatchRun} against {@link FakeKimiServer} over loopback, in virtual time: the run's waits
 * move the clock the fake's batches run on.
 */
class BatchRunHttpTest {

  @TempDir Path dir;

  final BatchRunTime time = new BatchRunTime();
  final FakeKimiServer server = new FakeKimiServer(time.clock).start();
  final KimiClient kimi = KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();

  @AfterEach
  void close() {
    kimi.close();
    server.close();
  }

  static Stream<BatchRun.Row> rows(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> BatchRun.Row.of("row-" + i, ChatRequest.of("kimi-k2.6", "question " + i)));
  }

  BatchRun.Options.Builder options() {
    return BatchRun.Options.builder(dir.resolve("state")).pollInterval(Duration.ofMinutes(1));
  }

  BatchRun open(Stream<BatchRun.Row> rows, BatchRun.Options options) {
    return BatchRun.open(kimi, rows, options, time);
  }

  /** The results by custom_id, each row once. */
  static Map<String, BatchRun.Result> results(BatchRun run) {
    Map<String, BatchRun.Result> byId = new LinkedHashMap<>();
    try (Stream<BatchRun.Result> results = run.results()) {
      results.forEach(
          r -> assertThat(byId.put(r.customId(), r)).as("a second result of " + r).isNull());
    }
    return byId;
  }

  List<RecordedRequest> requests(String method, String path) {
    return server.requests().stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .toList();
  }

  @Test
  void splitsTheRowsIntoBatchesOfAtMostTheRowsAndBytesGiven() {
    try (BatchRun run = open(rows(25), options().maxRowsPerBatch(10).build())) {
      BatchProgress p = run.await(Duration.ofHours(1));
      assertThat(p.rows()).isEqualTo(25);
      assertThat(p.batches()).isEqualTo(3);
      assertThat(p.finished()).isTrue();
    }
    assertThat(server.batchesCreated()).isEqualTo(3);
    List<Long> lines =
        requests("POST", "/v1/files").stream()
            .map(r -> r.bodyText().lines().filter(l -> l.startsWith("{\"custom_id\"")).count())
            .toList();
    assertThat(lines).containsExactly(10L, 10L, 5L);

    // 25 rows of one length with a byte limit that holds four lines a batch
    int line =
        kimi.batches().inputLine("row-00", ChatRequest.of("kimi-k2.6", "question 00")).length;
    BatchRun.Options small =
        BatchRun.Options.builder(dir.resolve("bytes"))
            .maxBytesPerBatch(4L * line + 3)
            .pollInterval(Duration.ofMinutes(1))
            .build();
    Stream<BatchRun.Row> padded =
        IntStream.range(0, 25)
            .mapToObj(
                i ->
                    BatchRun.Row.of(
                        String.format("row-%02d", i),
                        ChatRequest.of("kimi-k2.6", String.format("question %02d", i))));
    try (BatchRun run = open(padded, small)) {
      assertThat(run.await(Duration.ofHours(1)).batches()).isEqualTo(7);
      assertThat(results(run)).hasSize(25);
    }
  }

  @Test
  void resultsComeBackKeyedByCustomIdWithEachFailedRowAsAValue() {
    server.batchLineFailures(4);
    server.respondWith(
        r ->
            r.path().equals("/v1/chat/completions") && r.bodyText().contains("question 7\"")
                ? FakeResponse.error(
                    400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad row\"}}")
                : null);
    Map<String, BatchRun.Result> results;
    try (BatchRun run = open(rows(12), options().maxRowsPerBatch(5).build())) {
      run.await(Duration.ofHours(1));
      results = results(run);
    }
    assertThat(results).hasSize(12);
    for (int i = 0; i < 12; i++) {
      BatchRun.Result r = results.get("row-" + i);
      assertThat(r.index()).isEqualTo(i);
      int line = i % 5 + 1; // the line of its batch, from 1
      if (line % 4 == 0) {
        assertThat(r.error())
            .isEqualTo(
                new BatchResult.Error(
                    500, "server_error", "The server had an error while processing your request"));
      } else if (i == 7) {
        assertThat(r.error())
            .isEqualTo(new BatchResult.Error(400, "invalid_request_error", "bad row"));
      } else {
        assertThat(r.isSuccess()).as(r.toString()).isTrue();
        assertThat(r.completion().text()).isEqualTo("You said: question " + i);
      }
    }
  }

  @Test
  void reportsProgressAsDoneOfTotalWhileTheBatchesRun() {
    server.batchDuration(Duration.ofHours(4));
    List<BatchProgress> seen = new ArrayList<>();
    try (BatchRun run =
        open(rows(40), options().maxRowsPerBatch(20).onProgress(seen::add).build())) {
      BatchProgress last = run.await(Duration.ofHours(10));
      assertThat(last.finished()).isTrue();
      assertThat(last.done()).isEqualTo(40);
      assertThat(run.progress()).isEqualTo(last);
    }
    assertThat(seen.get(0).rows()).isEqualTo(40);
    assertThat(seen).extracting(BatchProgress::done).isSorted();
    // one poll an hour over four hours: a quarter of each batch a poll
    assertThat(seen).extracting(BatchProgress::done).contains(10L, 20L, 30L, 40L);
    assertThat(seen.get(seen.size() - 1).batchesDone()).isEqualTo(2);
  }

  @Test
  void aTimeoutLeavesTheBatchesRunningAndAwaitGoesOnLater() {
    server.batchDuration(Duration.ofHours(3));
    try (BatchRun run = open(rows(10), options().build())) {
      assertThatThrownBy(() -> run.await(Duration.ofHours(1)))
          .isInstanceOf(KimiTimeoutException.class)
          .hasMessageContaining("1 of its 1 batches still running after 60 min")
          .hasMessageContaining("call await again");
      assertThat(run.progress().finished()).isFalse();
      assertThatThrownBy(run::results)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has not finished");
      assertThat(run.await(Duration.ofHours(3)).finished()).isTrue();
      assertThat(results(run)).hasSize(10);
    }
    assertThat(server.batchesCreated()).isEqualTo(1);
  }

  @Test
  void aRowItsModelRejectsIsNotSentAndComesBackRefused() {
    Stream<BatchRun.Row> rows =
        Stream.of(
            BatchRun.Row.of("ok", ChatRequest.of("kimi-k2.6", "fine")),
            BatchRun.Row.of(
                "hot",
                ChatRequest.builder("kimi-k3").addUser("too warm").temperature(0.3).build()));
    Map<String, BatchRun.Result> results;
    try (BatchRun run = open(rows, options().build())) {
      BatchProgress p = run.await(Duration.ofHours(1));
      assertThat(p.rows()).isEqualTo(2);
      assertThat(p.failed()).isEqualTo(1);
      results = results(run);
    }
    assertThat(results.get("ok").isSuccess()).isTrue();
    BatchRun.Result hot = results.get("hot");
    assertThat(hot.index()).isEqualTo(1);
    assertThat(hot.error().httpStatus()).isZero();
    assertThat(hot.error().message()).startsWith("Not sent: ").contains("temperature");
    assertThat(requests("POST", "/v1/files").get(0).bodyText()).doesNotContain("too warm");
  }

  @Test
  void aCustomIdGivenTwiceInABatchIsRefused() {
    Stream<BatchRun.Row> rows =
        Stream.of(
            BatchRun.Row.of("same", ChatRequest.of("kimi-k2.6", "a")),
            BatchRun.Row.of("same", ChatRequest.of("kimi-k2.6", "b")));
    try (BatchRun run = open(rows, options().build())) {
      assertThatThrownBy(() -> run.await(Duration.ofHours(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("custom_id \"same\" is given twice in batch 0 (row 1)");
    }
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aStateDirectoryHeldByAnOpenRunIsRefused() {
    try (BatchRun run = open(rows(1), options().build())) {
      assertThatThrownBy(() -> open(rows(1), options().build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another open run");
      assertThat(run.id()).isNotBlank();
    }
    try (BatchRun again = open(rows(1), options().build())) {
      assertThat(again.await(Duration.ofHours(1)).finished()).isTrue();
    }
  }

  @Test
  void aFinishedRunOpenedAgainSendsNothingAndReadsTheSameResults() {
    Map<String, BatchRun.Result> first;
    try (BatchRun run = open(rows(7), options().maxRowsPerBatch(3).build())) {
      run.await(Duration.ofHours(1));
      first = results(run);
      assertThat(results(run)).isEqualTo(first); // read again
    }
    int sent = server.requestCount();
    try (BatchRun run = open(Stream.empty(), options().maxRowsPerBatch(3).build())) {
      assertThat(run.await(Duration.ofHours(1)).finished()).isTrue();
      assertThat(results(run)).isEqualTo(first);
    }
    assertThat(server.requestCount()).isEqualTo(sent);
  }

  @Test
  void eachBatchCarriesTheRunAndItsNumberInItsMetadataAndItsFilesAreDeletedOnceFetched() {
    String id;
    try (BatchRun run =
        open(rows(4), options().maxRowsPerBatch(2).metadata(Map.of("job", "nightly")).build())) {
      id = run.id();
      run.await(Duration.ofHours(1));
    }
    List<Batch> batches = kimi.batches().list(null, 10);
    assertThat(batches).hasSize(2);
    for (Batch b : batches) {
      assertThat(b.metadata()).containsEntry("job", "nightly").containsEntry("kimi_sdk_run", id);
    }
    assertThat(batches)
        .extracting(b -> b.metadata().get("kimi_sdk_part"))
        .containsExactlyInAnyOrder("0", "1");
    JsonObject create = (JsonObject) requests("POST", "/v1/batches").get(0).json();
    assertThat(Json.write(create.get("completion_window"))).isEqualTo("\"24h\"");
    assertThat(kimi.files().list()).isEmpty();
  }

  @Test
  void cancelStopsTheRunningBatchesAndEachRowTheyDidNotAnswerGetsAFailure() {
    server.batchDuration(Duration.ofHours(4));
    BatchRun[] running = {null};
    int[] pauses = {0};
    time.atPause(
        () -> {
          if (++pauses[0] == 2) { // an hour in: a quarter of each batch answered
            running[0].cancel();
          }
        });
    Map<String, BatchRun.Result> results;
    BatchProgress last;
    try (BatchRun run =
        open(rows(40), options().maxRowsPerBatch(20).pollInterval(Duration.ofHours(1)).build())) {
      running[0] = run;
      last = run.await(Duration.ofHours(10));
      results = results(run);
    }
    assertThat(last.cancelled()).isTrue();
    assertThat(last.finished()).isTrue();
    assertThat(last.done()).isEqualTo(10);
    assertThat(requests("POST", "/v1/batches").size()).isEqualTo(2);
    assertThat(server.requests()).filteredOn(r -> r.path().endsWith("/cancel")).hasSize(2);
    assertThat(results).hasSize(40);
    assertThat(results.values()).filteredOn(BatchRun.Result::isSuccess).hasSize(10);
    assertThat(results.get("row-19").error().message())
        .matches("No result for this row: batch batch_\\d+ ended cancelled");
    for (Batch b : kimi.batches().list(null, 10)) {
      assertThat(b.status()).isEqualTo("cancelled");
    }
  }

  @Test
  void cancelWhileTheBatchesAreCreatedCreatesNoMore() {
    BatchRun[] running = {null};
    time.atStep(
        (step, part) -> {
          if (step.equals("created") && part == 0) {
            running[0].cancel();
          }
        });
    Map<String, BatchRun.Result> results;
    try (BatchRun run = open(rows(9), options().maxRowsPerBatch(3).build())) {
      running[0] = run;
      assertThat(run.await(Duration.ofHours(1)).cancelled()).isTrue();
      results = results(run);
    }
    assertThat(server.batchesCreated()).isEqualTo(1);
    assertThat(results).hasSize(9);
    // the first batch was answered when created, before the cancel reached it
    assertThat(results.get("row-2").isSuccess()).isTrue();
    assertThat(results.get("row-3").error())
        .isEqualTo(
            new BatchResult.Error(
                0, null, "Not sent: the run was cancelled before this row's batch was created"));
    try (BatchRun again = open(rows(9), options().maxRowsPerBatch(3).build())) {
      assertThat(again.await(Duration.ofHours(1)).cancelled()).isTrue();
    }
    assertThat(server.batchesCreated()).isEqualTo(1);
  }

  @Test
  void aRunCancelledBeforeItStartedReadsNoRowAndSendsNothing() {
    try (BatchRun run = open(rows(5), options().build())) {
      run.cancel();
      BatchProgress p = run.await(Duration.ofHours(1));
      assertThat(p.cancelled()).isTrue();
      assertThat(p.finished()).isTrue();
      assertThat(p.rows()).isZero();
      assertThat(results(run)).isEmpty();
    }
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aBatchPastItsCompletionWindowExpiresAndItsUnansweredRowsSaySo() {
    server.batchDuration(Duration.ofHours(24));
    Map<String, BatchRun.Result> results;
    try (BatchRun run =
        open(
            rows(8), options().completionWindow("12h").pollInterval(Duration.ofHours(5)).build())) {
      assertThat(run.await(Duration.ofDays(2)).done()).isEqualTo(4);
      results = results(run);
    }
    assertThat(results.values()).filteredOn(BatchRun.Result::isSuccess).hasSize(4);
    assertThat(results.get("row-7").error().message()).endsWith(" ended expired");
  }

  @Test
  void anIdKimiAnswersThatTheJournalCannotKeepFailsTheCallSayingSo() {
    server.respondWith(
        r ->
            r.method().equals("POST") && r.path().equals("/v1/batches")
                ? FakeResponse.json(
                    "{\"id\":\"batch\\u0007" + "x".repeat(300) + "\",\"status\":\"validating\"}")
                : null);
    try (BatchRun run = open(rows(2), options().build())) {
      assertThatThrownBy(() -> run.await(Duration.ofHours(1)))
          .isInstanceOf(DecodingException.class)
          .hasMessageContaining(
              "Kimi answered a batch id the batch run cannot keep: \"batch\\u0007xxx");
    }
  }
}
