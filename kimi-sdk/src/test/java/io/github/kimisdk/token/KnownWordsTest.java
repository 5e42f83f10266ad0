package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KnownWordsTest {
  private static boolean mayBeKnown(String run) {
    return KnownWords.bit(
            run.charAt(0),
            run.charAt(1),
            run.charAt(run.length() - 2),
            run.charAt(run.length() - 1),
            run.length())
        == 1;
  }

  /** Every run of four or more lower-case letters in the held-out sample, once each. */
  private static TreeSet<String> sampleRuns() throws IOException, URISyntaxException {
    Path root = Path.of(KnownWordsTest.class.getResource("/token/estimator-sample").toURI());
    TreeSet<String> runs = new TreeSet<>();
    Pattern run = Pattern.compile("[a-z]{4,}");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".txt"))::iterator) {
        Matcher m = run.matcher(Files.readString(p, StandardCharsets.UTF_8));
        while (m.find()) {
          runs.add(m.group());
        }
      }
    }
    return runs;
  }

  @Test
  void aWordThatIsOneTokenIsNeverReportedUnknown() throws IOException, URISyntaxException {
    KimiTokenizer tokenizer = Goldens.tokenizer();
    List<String> missed = new ArrayList<>();
    int single = 0;
    for (String w : sampleRuns()) {
      if (tokenizer.count(w) == 1 || tokenizer.count(" " + w) == 1) {
        single++;
        if (!mayBeKnown(w)) {
          missed.add(w);
        }
      }
    }
    assertThat(single).isGreaterThan(500);
    assertThat(missed).as("single-token words whose signature is unset").isEmpty();
  }

  @Test
  void manyWordsOfSeveralTokensAreReportedUnknown() throws IOException, URISyntaxException {
    // The bitmap must tell something: a table of all ones would pass the test above.
    KimiTokenizer tokenizer = Goldens.tokenizer();
    int several = 0;
    int caught = 0;
    for (String w : sampleRuns()) {
      if (tokenizer.count(w) > 1 && tokenizer.count(" " + w) > 1) {
        several++;
        caught += mayBeKnown(w) ? 0 : 1;
      }
    }
    assertThat(several).isGreaterThan(200);
    // 207 of 437 when written; a table of all ones would catch none.
    assertThat((double) caught / several).isGreaterThan(0.4);
  }

  @Test
  void commonEnglishWordsMayBeKnown() {
    for (String w : List.of("with", "which", "between", "information", "function", "return")) {
      assertThat(mayBeKnown(w)).as(w).isTrue();
    }
  }
}
