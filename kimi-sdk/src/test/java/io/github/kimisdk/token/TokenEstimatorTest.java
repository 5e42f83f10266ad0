package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {
  /** The per-category mean absolute error the Javadoc promises at most (the target). */
  private static final double MAX_CATEGORY_MEAN_ERROR = 0.10;

  /** Texts over 1,000 characters: the estimate must not undercount by more than this. */
  private static final double MAX_UNDERCOUNT_LONG_TEXT = 0.10;

  private final TokenEstimator estimator = TokenEstimator.forKimi();

  @Test
  void emptyTextIsZeroTokens() {
    assertThat(estimator.estimate("")).isZero();
  }

  @Test
  void rejectsNullText() {
    assertThatThrownBy(() -> estimator.estimate(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text");
  }

  @Test
  void forKimiReturnsOneSharedInstance() {
    assertThat(TokenEstimator.forKimi()).isSameAs(estimator);
  }

  @Test
  void acceptsAnyCharSequence() {
    String text = "The quick brown fox jumps over the lazy dog.";
    assertThat(estimator.estimate(new StringBuilder(text))).isEqualTo(estimator.estimate(text));
  }

  @Test
  void everyCharacterClassCostsSomething() {
    // Each of these is a class the estimator weighs; none may be free, or a text made of it alone
    // would be estimated at zero tokens.
    List<String> samples =
        List.of(
            "hello", "12345", "!!!", "你好", "龘龘", "，。！", "ひらがな", "한국어", "naïve", "Привет", "Γειά",
            "مرحبا", "नमस्ते", "வணக்கம்", "สวัสดี", "Բարեւ", "ქართ", "→★", "👋🏽🚀", "\n\n", "\t\t",
            "Ђорђе", "Việt", "„“", "—");
    for (String s : samples) {
      assertThat(estimator.estimate(s)).as("estimate of %s", s).isPositive();
    }
  }

  @Test
  void longerTextOfTheSameKindCostsMore() {
    String sentence = "Estimates grow with the text they measure. ";
    assertThat(estimator.estimate(sentence.repeat(10)))
        .isGreaterThan(estimator.estimate(sentence.repeat(9)));
  }

  @Test
  void countsDoNotDependOnWhereTheChunksFall() {
    // Runs of every kind, cut at every possible place by small chunks.
    String[] pieces = {
      "word",
      "casa",
      "uitvoer",
      "Gemeinschaftsgartens",
      "the",
      "ab",
      "Ciao",
      "camelCase",
      "dataSource",
      "QZXa",
      "ab12",
      "3f9a0b",
      "HTTPServer",
      "ABC",
      " ",
      "   ",
      "\t",
      "\n",
      "\r\n\n",
      "12345",
      "7",
      "();",
      "==",
      "->",
      "ä",
      "Straße",
      "Việt",
      "ơ",
      "Ђорђе",
      "мир",
      "ъ",
      "Γειά",
      "مرحبا",
      "नमस्ते",
      "你好",
      "龘",
      "，",
      "ひら",
      "한국",
      "\uD83D\uDE80",
      "„",
      "—",
      "★"
    };
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      StringBuilder text = new StringBuilder();
      int count = 1 + random.nextInt(40);
      for (int k = 0; k < count; k++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      int[] whole = new int[TokenEstimator.FEATURES];
      TokenEstimator.count(text, whole, 1 << 20);
      for (int chunk = 1; chunk <= 9; chunk++) {
        int[] chunked = new int[TokenEstimator.FEATURES];
        TokenEstimator.count(text, chunked, chunk);
        assertThat(chunked).as("features of %s in chunks of %d", text, chunk).isEqualTo(whole);
      }
    }
  }

  @Test
  void calibrationCheckRejectsABluntEstimator() throws IOException, URISyntaxException {
    // One token per Latin-script word and a little for punctuation: what a check that cannot fail
    // would let through. It must be caught on the sample (Chinese and other scripts cost nothing).
    double[] weights = new double[TokenEstimator.FEATURES];
    weights[TokenEstimator.WORDS] = 1;
    weights[TokenEstimator.PUNCT] = 0.5;
    assertThat(calibrationViolations(new TokenEstimator(weights))).isNotEmpty();
  }

  @Test
  void staysWithinTheDocumentedErrorOnTheHeldOutSample() throws IOException, URISyntaxException {
    List<String> violations = calibrationViolations(estimator);
    assertThat(violations).as("errors beyond the documented bounds").isEmpty();
  }

  /**
   * Checks both acceptance bounds on the committed held-out sample, for every category: the mean
   * absolute error, and the undercount of each text over 1,000 characters. Returns the violations,
   * each with the per-document report.
   */
  private static List<String> calibrationViolations(TokenEstimator estimator)
      throws IOException, URISyntaxException {
    KimiTokenizer tokenizer = Goldens.tokenizer();
    Path root = Path.of(TokenEstimatorTest.class.getResource("/token/estimator-sample").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().collect(Collectors.toList());
    }
    assertThat(files).hasSizeGreaterThan(30);
    Map<String, double[]> byCategory = new TreeMap<>(); // {sum of |error|, documents, long ones}
    StringBuilder report = new StringBuilder();
    List<String> violations = new ArrayList<>();
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int exact = tokenizer.count(text);
      int estimate = estimator.estimate(text);
      double error = (estimate - (double) exact) / exact;
      String category = file.getParent().getFileName().toString();
      double[] acc = byCategory.computeIfAbsent(category, k -> new double[3]);
      acc[0] += Math.abs(error);
      acc[1]++;
      report.append(
          String.format(
              "%s/%s chars=%d exact=%d estimate=%d error=%+.1f%%%n",
              category, file.getFileName(), text.length(), exact, estimate, 100 * error));
      if (text.length() > 1000) {
        acc[2]++;
        if (error < -MAX_UNDERCOUNT_LONG_TEXT) {
          violations.add(
              String.format(
                  "%s/%s undercounts by %.1f%%", category, file.getFileName(), -100 * error));
        }
      }
    }
    assertThat(byCategory).hasSizeGreaterThanOrEqualTo(8);
    byCategory.forEach(
        (category, acc) -> {
          if (acc[0] / acc[1] > MAX_CATEGORY_MEAN_ERROR) {
            violations.add(
                String.format("%s: mean absolute error %.1f%%", category, 100 * acc[0] / acc[1]));
          }
        });
    // The undercount bound must be exercised where it was hardest to meet.
    assertThat(byCategory.get("other-script")[2]).isGreaterThanOrEqualTo(3);
    if (!violations.isEmpty()) {
      violations.add(report.toString());
    }
    System.out.print(report);
    return violations;
  }
}
