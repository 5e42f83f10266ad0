package io.github.kimisdk.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounded line reading: one case per rule. */
class LinesTest {

  @TempDir Path dir;

  List<String> read(String content, int max, long[] tooLong) throws IOException {
    Path f = dir.resolve("f");
    Files.writeString(f, content);
    List<String> out = new ArrayList<>();
    try (Lines lines = new Lines(f, max)) {
      for (String l = lines.next(); l != null; l = lines.next()) {
        out.add(l);
      }
      tooLong[0] = lines.tooLong();
    }
    return out;
  }

  @Test
  void readsEachLineWithoutItsLineFeed() throws IOException {
    long[] skipped = {0};
    assertThat(read("a\nbb\n", 10, skipped)).containsExactly("a", "bb");
    assertThat(skipped[0]).isZero();
  }

  @Test
  void aLastLineWithoutALineFeedIsALine() throws IOException {
    assertThat(read("a\nbb", 10, new long[1])).containsExactly("a", "bb");
  }

  @Test
  void blankLinesAreSkipped() throws IOException {
    assertThat(read("\n \r\na\n\t\n", 10, new long[1])).containsExactly("a");
  }

  @Test
  void aLineOverTheBoundIsSkippedToItsEndAndCounted() throws IOException {
    long[] skipped = {0};
    assertThat(read("ok\n" + "x".repeat(11) + "\nfine\n" + "y".repeat(50), 10, skipped))
        .containsExactly("ok", "fine");
    assertThat(skipped[0]).isEqualTo(2);
  }

  @Test
  void aLineOfExactlyTheBoundIsKept() throws IOException {
    assertThat(read("x".repeat(10) + "\n", 10, new long[1])).containsExactly("x".repeat(10));
  }

  @Test
  void readsUtf8() throws IOException {
    assertThat(read("héllo 你好\n", 100, new long[1])).containsExactly("héllo 你好");
  }
}
