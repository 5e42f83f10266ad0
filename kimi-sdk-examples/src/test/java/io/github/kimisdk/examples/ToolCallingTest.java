package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolCallingTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-09-01T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void runsOfflineAndPrintsEachStep(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "one\ntwo\nthree\n");
    String prompt =
        "Use calculator with expression=\"(17+25)*3\" and current_time with zone=Asia/Tokyo,"
            + " then count_lines with path=\""
            + file
            + "\".";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = ToolCalling.run(prompt, Map.of(), out, CLOCK);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(status).isZero();
    assertThat(text)
        .contains("No API key: using FakeKimiServer at http://127.0.0.1:")
        .containsPattern("\\[step 1\\] \\[cache\\] none of \\d+ prompt tokens cached yet\n")
        .containsPattern(
            "\\[step 2\\] \\[cache\\] \\d+ of \\d+ prompt tokens from Kimi's prefix cache"
                + " \\(\\d+% hit\\)\n\\[step 2\\] model calls count_lines")
        .contains(
            "[step 1] model calls calculator {\"expression\":\"(17+25)*3\"}\n"
                + "[step 1] model calls current_time {\"zone\":\"Asia/Tokyo\"}\n"
                + "[step 1] calculator -> 126\n"
                + "[step 1] current_time -> 2026-09-01T21:00:00+09:00\n")
        .contains(
            "[step 2] model calls count_lines {\"path\":\""
                + file
                + "\"}\n"
                + "[step 2] count_lines -> 3 lines in "
                + file
                + "\n"
                + "[step 3] From the tools: calculator says 126; current_time says"
                + " 2026-09-01T21:00:00+09:00; count_lines says 3 lines in "
                + file
                + ".\n")
        .containsPattern(
            "\\[done\\] answered in 3 steps; tokens: prompt \\d+, completion \\d+, total \\d+;"
                + " spent [\\d,]+ tokens \\([\\d,]+ cached\\), USD 0\\.\\d+\n");
  }

  @Test
  void toolErrorsAreShownAndTheModelStillAnswers() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = ToolCalling.run("calculator expression=1/0", Map.of(), out, CLOCK);
    assertThat(status).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains(
            "[step 1] calculator -> Error: calculator failed: ArithmeticException: division by zero");
  }

  @Test
  void calculatorEvaluatesArithmetic() {
    assertThat(ToolCalling.Calculator.evaluate(" 2 + 3 * (4 - 1) / 2 ")).isEqualTo(6.5);
    assertThat(ToolCalling.Calculator.evaluate("-(2)*-3")).isEqualTo(6);
    assertThat(ToolCalling.Calculator.format(126.0)).isEqualTo("126");
    assertThat(ToolCalling.Calculator.format(0.5)).isEqualTo("0.5");
    assertThatThrownBy(() -> ToolCalling.Calculator.evaluate("2 +"))
        .hasMessageContaining("expected a number");
    assertThatThrownBy(() -> ToolCalling.Calculator.evaluate("(2"))
        .hasMessageContaining("missing ')'");
    assertThatThrownBy(() -> ToolCalling.Calculator.evaluate("2 x"))
        .hasMessageContaining("unexpected 'x'");
  }
}
