package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core stays close to its design card: {@code scripts/card-lines.sh} places every source file
 * of the core under a concern of the card (the client and its transport, the sealed records, the
 * JSON codec, the SSE parser, tool calling, tokens and context, retry and backoff) or outside it,
 * and the share of lines outside may not grow past {@link #HELD}. A new file that no rule of the
 * script places fails the build until it is placed; a change that adds to what lies outside the
 * card raises {@link #HELD} in the same commit, where a reviewer sees it. The goal (issue 104), at
 * most 25%, is met since the host check left for kimi-sdk-hostcheck (23.4%).
 */
@Tag("multiprocess") // it runs scripts/card-lines.sh: mvn -B -P slow verify
class CardLinesTest {

  /** The share of the core's lines outside the card it holds, in tenths of a percent. */
  static final int HELD = 234;

  @Test
  void everyFileIsPlacedAndTheShareOutsideTheCardDoesNotGrow() throws Exception {
    Path root = Compat.root();
    Process p =
        new ProcessBuilder("bash", root.resolve("scripts/card-lines.sh").toString(), "--share")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script ended").isTrue();
    assertThat(p.exitValue()).as("scripts/card-lines.sh --share said: %s", out).isZero();
    assertThat(Integer.parseInt(out))
        .as(
            "tenths of a percent of the core's lines outside the design card (scripts/card-lines.sh"
                + " lists them by concern); it was %d",
            HELD)
        .isLessThanOrEqualTo(HELD);
  }

  @Test
  void theScriptNamesAFileNoRulePlaces(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("kimi-sdk/src/main/java/io/github/kimisdk/attic");
    Files.createDirectories(src);
    Files.writeString(src.resolve("Box.java"), "class Box {}\n");
    Path script = Compat.root().resolve("scripts/card-lines.sh");
    ProcessBuilder b = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
    b.environment().put("CARD_LINES_ROOT", dir.toString());
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("no rule places attic/Box.java");
  }
}
