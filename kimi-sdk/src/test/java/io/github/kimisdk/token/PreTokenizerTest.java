package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hand-written matcher must split exactly as Moonshot's pattern does in java.util.regex, on
 * every character this JDK's Unicode tables know as Unicode 16.0 does.
 */
class PreTokenizerTest {
  /** Code points chosen to hit every class boundary of the pattern. */
  private static final int[] ALPHABET = {
    'a', 'b', 'z', 'A', 'B', 'Z', 's', 'S', 't', 'T', 'r', 'R', 'e', 'E', 'v', 'V', 'm', 'M', 'l',
    'L', 'd', 'D', '0', '7', ' ', ' ', ' ', '\t', '\n', '\r', 0x0B, 0x0C, '\'', '\'', '.', ',', '!',
    '?', '-', '_', '(', ')', '{', '"', '#', '$', 0x00, 0x1C, 0x85, 0xA0, 0x2028, 0x3000, 0x200B,
    0x200D, 0xFE0F, 0x017F, 0x0301, 0x0903, 0x20DD, 0x01C5, 0x02B0, 0x05D0, 0x0E01, 0x3042, 0x30A2,
    0x3005, 0x3007, 0x2E80, 0x4E2D, 0x6587, 0xF900, 0x216B, 0x00B2, 0x0663, 0x00E9, 0x00C9, 0x0436,
    0x0416, 0x1F600, 0x1F3FD, 0x20000, 0x1D400, 0x1D41A, 0x1D7CE, 0xD800, 0xDC00, 0x2014, 0x00AD
  };

  private static List<String> byRegex(String text, int from, int to) {
    List<String> out = new ArrayList<>();
    Matcher m = KimiTokenizer.PRE_TOKENIZE.matcher(text);
    m.region(from, to);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The pieces of {@code text[from, to)} by {@link PreTokenizer#next}. */
  static List<String> byHand(String text, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int pos = from; pos < to; ) {
      int end = PreTokenizer.next(text, pos, to);
      out.add(text.substring(pos, end));
      pos = end;
    }
    return out;
  }

  @Test
  void agreesWithTheRegexOnRandomText() {
    Random random = new Random(2026);
    for (int round = 0; round < 20_000; round++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(round % 10 == 0 ? 200 : 24);
      for (int i = 0; i < n; i++) {
        sb.appendCodePoint(ALPHABET[random.nextInt(ALPHABET.length)]);
      }
      String text = sb.toString();
      assertThat(byHand(text, 0, text.length()))
          .as("pieces of %s", escape(text))
          .isEqualTo(byRegex(text, 0, text.length()));
    }
  }

  @Test
  void agreesWithTheRegexInsideARegion() {
    Random random = new Random(99);
    for (int round = 0; round < 5_000; round++) {
      StringBuilder sb = new StringBuilder();
      int n = 2 + random.nextInt(30);
      for (int i = 0; i < n; i++) {
        sb.append((char) ALPHABET[random.nextInt(40)]); // BMP only, so any cut is a boundary
      }
      String text = sb.toString();
      int from = random.nextInt(text.length());
      int to = from + 1 + random.nextInt(text.length() - from);
      assertThat(byHand(text, from, to))
          .as("pieces of %s in [%d, %d)", escape(text), from, to)
          .isEqualTo(byRegex(text, from, to));
    }
  }

  @Test
  void agreesWithTheRegexOnEveryBmpCharacterBetweenLetters() {
    for (int c = 0; c < 0x10000; c++) {
      int listed = PreTokenizer.unicode16(c);
      if (listed >= 0 && listed != PreTokenizer.jdkClass(c)) {
        // A character this JDK's tables predate: the matcher follows Unicode 16.0, java.util.regex
        // does not (PreTokenizerUnicodeTest covers these).
        continue;
      }
      String text = "a" + (char) c + "b " + (char) c + (char) c + "'s\n";
      assertThat(byHand(text, 0, text.length()))
          .as("U+%04X", c)
          .isEqualTo(byRegex(text, 0, text.length()));
    }
  }

  @Test
  void agreesWithTheRegexOnTheSampleDocuments() throws IOException, URISyntaxException {
    Path root = Path.of(getClass().getResource("/token/estimator-sample").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().endsWith(".txt")).collect(Collectors.toList());
    }
    for (Path file : files) {
      String text = Files.readString(file);
      assertThat(byHand(text, 0, text.length()))
          .as(file.toString())
          .isEqualTo(byRegex(text, 0, text.length()));
    }
    for (Goldens.Case c : Goldens.cases()) {
      assertThat(byHand(c.text(), 0, c.text().length()))
          .isEqualTo(byRegex(c.text(), 0, c.text().length()));
    }
  }

  private static String escape(String text) {
    StringBuilder sb = new StringBuilder();
    text.codePoints().forEach(cp -> sb.append(String.format("\\u{%X}", cp)));
    return sb.toString();
  }
}
