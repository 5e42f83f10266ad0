package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.token.TokenEstimator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCountingTest {

  @Test
  void showsTheEstimateForEachSampleAndHowToGetExactCounts() {
    Captured c = new Captured();
    assertThat(TokenCounting.run(new String[0], Map.of(), c.out)).isZero();
    String text = c.text();
    assertThat(text).contains("No vocabulary: set KIMI_TOKENIZER_VOCAB or pass --vocab PATH");
    String english = TokenCounting.SAMPLES.get("English");
    int estimate = TokenEstimator.forKimi().estimate(english);
    assertThat(text)
        .containsPattern(
            "English\\s+"
                + english.length()
                + "\\s+"
                + estimate
                + "\\s+"
                + (english.length() + 3) / 4
                + "\\s+-");
    assertThat(text).contains("Chinese").contains("Emoji");
  }

  /** A byte-level vocabulary: the 256 single bytes, then the merges "ab" and "abc". */
  static Path tinyVocabulary(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    int rank = 0;
    for (int b = 0; b < 256; b++) {
      lines.add(Base64.getEncoder().encodeToString(new byte[] {(byte) b}) + " " + rank++);
    }
    lines.add(
        Base64.getEncoder().encodeToString("ab".getBytes(StandardCharsets.US_ASCII))
            + " "
            + rank++);
    lines.add(
        Base64.getEncoder().encodeToString("abc".getBytes(StandardCharsets.US_ASCII)) + " " + rank);
    return Files.write(dir.resolve("tiny.tiktoken"), lines);
  }

  @Test
  void countsExactlyWithAVocabularyFromTheArgumentsOrTheEnvironment(@TempDir Path dir)
      throws IOException {
    Path vocab = tinyVocabulary(dir);
    Path file = Files.writeString(dir.resolve("doc.txt"), "abcabc");
    Captured c = new Captured();
    int status =
        TokenCounting.run(
            new String[] {"--vocab", vocab.toString(), file.toString()}, Map.of(), c.out);
    assertThat(status).isZero();
    // "abcabc" is one pre-token that merges to abc + abc: 2 tokens.
    assertThat(c.text())
        .contains("Loaded 258 tokens from " + vocab)
        .containsPattern("doc.txt\\s+6\\s+\\d+\\s+2\\s+2 \\(");

    Captured fromEnv = new Captured();
    TokenCounting.run(
        new String[] {file.toString()},
        Map.of("KIMI_TOKENIZER_VOCAB", vocab.toString()),
        fromEnv.out);
    assertThat(fromEnv.text()).contains("Loaded 258 tokens").containsPattern("\\s+2 \\(");
  }
}
