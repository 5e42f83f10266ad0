package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkRunTest {

  @TempDir Path dir;

  @Test
  void redrawsAProgressLineThenCountsTheRowsAndNamesEachFailedOne() {
    Captured c = new Captured();
    assertThat(BulkRun.run(new String[0], Map.of(), c.out)).isZero();
    String text = c.text();
    assertThat(text).contains("2,000 rows into batches of at most 500, state in ");
    // the line is redrawn as the batches advance, and ends full
    Matcher line = Pattern.compile("\r\\[[#.]{20}\\] ([0-9,]+)/2,000 rows done").matcher(text);
    int redraws = 0;
    long last = -1;
    while (line.find()) {
      long done = Long.parseLong(line.group(1).replace(",", ""));
      assertThat(done).isGreaterThanOrEqualTo(last);
      last = done;
      redraws++;
    }
    assertThat(redraws).isGreaterThan(2);
    assertThat(text)
        .containsPattern(
            "\r\\[####################\\] 2,000/2,000 rows done \\(8 failed\\), 4/4 batches,"
                + " [0-9.]+ s \n")
        .containsPattern("2,000 rows: 1,992 answered, 8 failed, in 4 batches, [0-9.]+ s\n")
        .contains("review-0000  You said: " + BulkRun.review(0) + "\n")
        .contains(
            "failed: review-0249 HTTP 500 server_error: The server had an error while processing"
                + " your request\n")
        .contains("failed: review-1999 HTTP 500 server_error");
  }

  @Test
  void aKeptDirectoryOfAFinishedRunIsReadAgainWithoutSending() {
    Path state = dir.resolve("run");
    Captured first = new Captured();
    assertThat(BulkRun.run(new String[] {state.toString()}, Map.of(), first.out)).isZero();
    assertThat(Files.exists(state.resolve("journal.jsonl"))).isTrue();
    Captured again = new Captured();
    assertThat(BulkRun.run(new String[] {state.toString()}, Map.of(), again.out)).isZero();
    assertThat(again.text())
        .containsPattern("2,000 rows: 1,992 answered, 8 failed, in 4 batches, [0-9.]+ s\n")
        .contains("failed: review-0249 HTTP 500");
  }
}
