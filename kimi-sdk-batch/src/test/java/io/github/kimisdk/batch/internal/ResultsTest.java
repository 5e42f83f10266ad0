package io.github.kimisdk.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.platform.BatchResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a finished run's results from disk: every row of the spool once, whatever the server's
 * files hold (lines twice, lines of no row, lines that do not read, lines too long), its texts
 * bounded and its key redacted.
 */
class ResultsTest {

  static final String KEY = "sk-abcdefghijklmnopqrstuvwxyz0123456789";

  static final String COMPLETION =
      "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k2.6\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"%s\"},"
          + "\"finish_reason\":\"stop\"}]}";

  @TempDir Path dir;
  Part answered;
  Part skipped;

  static String ok(String customId, String text) {
    return "{\"custom_id\":\""
        + customId
        + "\",\"response\":{\"status_code\":200,\"body\":"
        + String.format(COMPLETION, text)
        + "},\"error\":null}";
  }

  void write(String name, String... lines) throws IOException {
    Files.write(dir.resolve(name), List.of(lines));
  }

  @BeforeEach
  void run() throws IOException {
    answered = new Part(0);
    answered.fileId = "in-1";
    answered.batchId = "batch_1";
    answered.status = "completed";
    answered.outputFileId = "out-1";
    answered.errorFileId = "err-1";
    for (Part.Stage s :
        List.of(
            Part.Stage.UPLOADED,
            Part.Stage.CREATING,
            Part.Stage.RUNNING,
            Part.Stage.FINISHED,
            Part.Stage.DOWNLOADED)) {
      answered.moveTo(s);
    }
    write(answered.file("ids"), "[0,\"a\"]", "[1,\"b\"]", "[2,\"c\"]", "[3,\"d\"]", "[4,\"long\"]");
    write(
        answered.file("output"),
        ok("a", "first"),
        ok("a", "a second line for a"),
        ok("zz", "a row of no part"),
        "not json at all",
        "{\"custom_id\":\"b\",\"response\":{\"status_code\":200,\"body\":{\"choices\":7}}}",
        ok("long", "x".repeat(30_000)));
    write(
        answered.file("errors"),
        "{\"custom_id\":\"c\",\"response\":{\"status_code\":400,\"body\":{\"error\":{\"type\":"
            + "\"invalid_request_error\",\"message\":\"key "
            + KEY
            + " "
            + "y".repeat(10_000)
            + "\"}}},\"error\":null}");
    skipped = new Part(1);
    skipped.moveTo(Part.Stage.SKIPPED);
    write(skipped.file("ids"), "[5,\"e\"]");
    write(Spool.REFUSED, "{\"custom_id\":\"f\",\"index\":6,\"message\":\"too large for a batch\"}");
  }

  List<Outcome> read() {
    List<Outcome> out = new ArrayList<>();
    // the lines are read as the client reads them: its key redacted from the server's texts
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).baseUrl("http://127.0.0.1:9").build();
        Results r =
            new Results(dir, List.of(answered, skipped), 20_000, kimi.batches()::readLine)) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void everyRowComesBackOnceInTheOrderOfItsFiles() {
    assertThat(read())
        .extracting(Outcome::customId)
        .containsExactly("a", "b", "c", "d", "long", "e", "f");
    assertThat(read()).extracting(Outcome::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void theFirstLineOfARowWinsAndALineOfNoRowIsIgnored() {
    Outcome a = read().get(0);
    assertThat(a.completion().text()).isEqualTo("first");
    assertThat(a.error()).isNull();
  }

  @Test
  void aLineWhoseBodyIsNotACompletionIsTheRowsFailure() {
    BatchResult.Error b = read().get(1).error();
    assertThat(b.httpStatus()).isZero();
    assertThat(b.message())
        .startsWith("The batch's result line for this row could not be read: ")
        .contains("Batch result b is not a completion");
  }

  @Test
  void aFailedLineKeepsItsStatusAndTypeWithItsMessageBoundedAndTheKeyRedacted() {
    BatchResult.Error c = read().get(2).error();
    assertThat(c.httpStatus()).isEqualTo(400);
    assertThat(c.type()).isEqualTo("invalid_request_error");
    assertThat(c.message())
        .doesNotContain(KEY)
        .contains("[API key redacted]")
        .hasSizeLessThan(4096 + 100);
  }

  @Test
  void aRowNoLineAnsweredSaysHowItsBatchEndedAndWhatCouldNotBeRead() {
    assertThat(read().get(3).error().message())
        .isEqualTo(
            "No result for this row: batch batch_1 ended completed (2 lines of its result files"
                + " could not be read)");
    // the line over the bound is one of the two: its row has no result either
    assertThat(read().get(4).error().message()).startsWith("No result for this row");
  }

  @Test
  void rowsOfABatchNeverCreatedAndRowsRefusedBeforeSendingSaySo() {
    List<Outcome> all = read();
    assertThat(all.get(5).error().message())
        .isEqualTo("Not sent: the run was cancelled before this row's batch was created");
    assertThat(all.get(6).error().message()).isEqualTo("Not sent: too large for a batch");
  }
}
