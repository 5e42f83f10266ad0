package io.github.kimisdk.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run that crashes at each of its steps, then is opened again on its state directory as a new
 * process would: every row comes back once, no batch is created twice, no upload is left behind.
 * The crash is thrown at the step, between an action and the journal line that records it, so the
 * run stops with the server changed and its journal not; closing it releases the directory as a
 * dead process's lock is released.
 */
class BatchRunCrashHttpTest {

  static final int ROWS = 7; // three batches: 3, 3 and 1 rows

  @TempDir Path dir;

  final BatchRunTime time = new BatchRunTime();
  final FakeKimiServer server =
      new FakeKimiServer(time.clock).batchDuration(Duration.ofHours(2)).start();
  final KimiClient kimi = KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();

  @AfterEach
  void close() {
    kimi.close();
    server.close();
  }

  static Stream<BatchRun.Row> rows() {
    return IntStream.range(0, ROWS)
        .mapToObj(i -> BatchRun.Row.of("row-" + i, ChatRequest.of("kimi-k2.6", "question " + i)));
  }

  BatchRun open(Stream<BatchRun.Row> rows, BatchRunTime hooks) {
    BatchRun.Options options =
        BatchRun.Options.builder(dir)
            .maxRowsPerBatch(3)
            .pollInterval(Duration.ofMinutes(30))
            .build();
    return BatchRun.open(kimi, rows, options, hooks);
  }

  /** Resumes the run as another process would, and checks what it gives. */
  void resumeAndCheck() {
    BatchRunTime later = new BatchRunTime(time.clock);
    Map<String, BatchRun.Result> results = new LinkedHashMap<>();
    try (BatchRun run = open(rows(), later)) {
      BatchProgress p = run.await(Duration.ofHours(10));
      assertThat(p.finished()).isTrue();
      assertThat(p.rows()).isEqualTo(ROWS);
      try (Stream<BatchRun.Result> all = run.results()) {
        all.forEach(r -> assertThat(results.put(r.customId(), r)).as(r.toString()).isNull());
      }
    }
    assertThat(results).hasSize(ROWS);
    for (int i = 0; i < ROWS; i++) {
      BatchRun.Result r = results.get("row-" + i);
      assertThat(r.isSuccess()).as(r.toString()).isTrue();
      assertThat(r.completion().text()).isEqualTo("You said: question " + i);
      assertThat(r.index()).isEqualTo(i);
    }
    assertThat(server.batchesCreated()).as("batches created").isEqualTo(3);
    assertThat(kimi.files().list()).as("files left on the server").isEmpty();
  }

  @ParameterizedTest(name = "crash at {0} of part {1}")
  @CsvSource({
    "spooling, -1",
    "spooled, -1",
    "uploading, 0",
    "uploaded, 0",
    "uploaded, 2",
    "creating, 0",
    "creating, 1",
    "created, 0",
    "created, 2",
    "finished, 0",
    "finished, 2",
    "downloading, 0",
    "downloading, 2",
    "downloaded, 1",
  })
  void aRunCrashedAtAnyStepResumesWithEveryRowOnceAndNoBatchCreatedTwice(String step, int part) {
    time.crashAt(step, part, 1);
    try (BatchRun run = open(rows(), time)) {
      assertThatThrownBy(() -> run.await(Duration.ofHours(10)))
          .isInstanceOf(BatchRunTime.Crash.class);
    }
    assertThat(time.steps).contains(step + ":" + part);
    resumeAndCheck();
  }

  @Test
  void aRunWhoseRowsFailMidwayWritesThemAgainFromTheFirst() {
    Stream<BatchRun.Row> failing =
        rows()
            .peek(
                r -> {
                  if (r.customId().equals("row-4")) {
                    throw new BatchRunTime.Crash("reading rows", 4);
                  }
                });
    try (BatchRun run = open(failing, time)) {
      assertThatThrownBy(() -> run.await(Duration.ofHours(10)))
          .isInstanceOf(BatchRunTime.Crash.class);
    }
    assertThat(server.requestCount()).isZero();
    resumeAndCheck();
  }

  /**
   * A crash after a batch was created but before the journal named it, then a cancel: the resumed
   * run finds the batch and cancels it, rather than skipping its part and leaving it running on the
   * server with its input file, and says that its rows were sent.
   */
  @Test
  void aBatchACrashLeftUnjournalledIsCancelledWhenTheRunIsCancelledMeanwhile() {
    time.crashAt("created", 0, 1);
    try (BatchRun run = open(rows(), time)) {
      assertThatThrownBy(() -> run.await(Duration.ofHours(10)))
          .isInstanceOf(BatchRunTime.Crash.class);
    }
    try (BatchRun run = open(rows(), new BatchRunTime(time.clock))) {
      run.cancel(); // nothing the journal names is running: no cancel is sent yet
    }
    assertThat(server.requests()).filteredOn(r -> r.path().endsWith("/cancel")).isEmpty();
    Map<String, BatchRun.Result> results = new LinkedHashMap<>();
    try (BatchRun run = open(rows(), new BatchRunTime(time.clock))) {
      BatchProgress p = run.await(Duration.ofHours(10));
      assertThat(p.finished()).isTrue();
      assertThat(p.cancelled()).isTrue();
      assertThat(p.batchesDone()).isEqualTo(3);
      try (Stream<BatchRun.Result> all = run.results()) {
        all.forEach(r -> results.put(r.customId(), r));
      }
    }
    assertThat(server.batchesCreated()).isEqualTo(1);
    assertThat(server.requests()).filteredOn(r -> r.path().endsWith("/cancel")).hasSize(1);
    assertThat(kimi.batches().list(null, 10))
        .singleElement()
        .satisfies(b -> assertThat(b.status()).isEqualTo("cancelled"));
    assertThat(kimi.files().list()).as("files left on the server").isEmpty();
    assertThat(results).hasSize(ROWS);
    assertThat(results.get("row-0").error().message())
        .matches("No result for this row: batch batch_\\d+ ended cancelled");
    assertThat(results.get("row-3").error().message())
        .isEqualTo("Not sent: the run was cancelled before this row's batch was created");
  }

  @Test
  void aRunCrashedTwiceInARowStillCreatesEachBatchOnce() {
    time.crashAt("created", 1, 1);
    try (BatchRun run = open(rows(), time)) {
      assertThatThrownBy(() -> run.await(Duration.ofHours(10)))
          .isInstanceOf(BatchRunTime.Crash.class);
    }
    BatchRunTime second = new BatchRunTime(time.clock).crashAt("uploaded", 2, 1);
    try (BatchRun run = open(rows(), second)) {
      assertThatThrownBy(() -> run.await(Duration.ofHours(10)))
          .isInstanceOf(BatchRunTime.Crash.class);
    }
    resumeAndCheck();
  }
}
