package io.github.kimisdk.benchmarks;

import io.github.kimisdk.token.KimiTokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes texts with {@link KimiTokenizer}'s ids for them, one per line ({@code <UTF-8 hex>
 * <id>,<id>,...}), for {@code benchmarks/tokenizer-check/reference.py} to compare with an
 * independent implementation. The texts are random ones (a fixed seed; characters that hit every
 * class boundary of Kimi's pre-tokenization pattern, ASCII, and any code point the running JDK
 * knows) and the files under the directories given, or, with {@code --texts FILE}, the texts of an
 * earlier output, so that texts made on JDK 25 (Unicode 16.0) can be counted on JDK 17. See {@code
 * benchmarks/tokenizer-check/README.md}.
 */
public final class TokenizerCheck {
  private TokenizerCheck() {}

  /** Characters that sit on the pattern's class boundaries: spaces, contractions, marks, Han. */
  private static final int[] BOUNDARIES = {
    ' ', ' ', ' ', '\n', '\r', '\t', 0x0B, 0x0C, 0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029,
    0x202F, 0x205F, 0x3000, 0xFEFF, 0x200B, 0x200D, 0x1C, 0x1F, '\'', '\'', 's', 'S', 't', 'T', 'r',
    'e', 'v', 'm', 'l', 'L', 'd', 'D', 0x17F, 0x2019, 0x212A, 0x300, 0x301, 0x93F, 0x94D, 0xFE0F,
    0x20E3, 0x1F3FB, 0x4E00, 0x4E2D, 0x9FA5, 0x9FFD, 0x3400, 0x20000, 0x31350, 0xF900, 0x3005,
    0x3007, 0x2E80, 0x2F00, 0x16FE2, 0x16FE3, 0x3042, 0x30A2, 0x30FC, 0xFF71, 0xAC00, 0x1100,
    0x01C5, 0x02B0, 0xAA, 0x2160, 0xB2, 0xBD, 0x663, 0xFF11, 0x11F50, 0xA7C0, 0xA7C1, 0x1F600,
    0x1F468, 0x2764, 0x3002, 0xFF0C, 0x1F1FA, 0xDF, 0x130, 0x131, 0x10400, 0x10428, 0x1D400, 'A',
    'z', '0', '9', '.', ',', '-', '_', '(', '<', '|', '/', '"', '#'
  };

  /**
   * Writes the texts and their ids.
   *
   * @param args the output file; then either {@code --texts FILE}, or a count of random texts, a
   *     seed, and directories of documents to add
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args[1].equals("--texts") && args.length != 3) {
      System.err.println("usage: TokenizerCheck OUT (--texts FILE | COUNT SEED [DIRECTORY...])");
      System.exit(2);
    }
    List<String> texts =
        args[1].equals("--texts")
            ? readTexts(Path.of(args[2]))
            : makeTexts(Integer.parseInt(args[1]), Long.parseLong(args[2]), args);
    KimiTokenizer tokenizer = TokenizerBenchmark.loadTokenizer();
    HexFormat hex = HexFormat.of();
    long tokens = 0;
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[0]))) {
      for (String text : texts) {
        int[] ids = tokenizer.encode(text);
        tokens += ids.length;
        out.write(hex.formatHex(text.getBytes(StandardCharsets.UTF_8)));
        out.write(' ');
        StringBuilder line = new StringBuilder();
        for (int id : ids) {
          line.append(id).append(',');
        }
        out.write(line.toString());
        out.newLine();
      }
    }
    System.out.printf(
        "%d texts, %d tokens, on JDK %d%n", texts.size(), tokens, Runtime.version().feature());
  }

  private static List<String> readTexts(Path file) throws IOException {
    HexFormat hex = HexFormat.of();
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String hexText = line.substring(0, line.indexOf(' '));
      texts.add(new String(hex.parseHex(hexText), StandardCharsets.UTF_8));
    }
    return texts;
  }

  private static List<String> makeTexts(int count, long seed, String[] args) throws IOException {
    int[] known =
        Stream.iterate(0, c -> c <= Character.MAX_CODE_POINT, c -> c + 1)
            .filter(
                c ->
                    Character.isDefined(c)
                        && Character.getType(c) != Character.SURROGATE
                        && Character.getType(c) != Character.PRIVATE_USE)
            .mapToInt(Integer::intValue)
            .toArray();
    Random random = new Random(seed);
    List<String> texts = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      int length = 1 + random.nextInt(t % 5 == 0 ? 200 : 30);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < length; k++) {
        int pick = random.nextInt(10);
        if (t % 4 == 0 || pick < 5) {
          sb.appendCodePoint(BOUNDARIES[random.nextInt(BOUNDARIES.length)]);
        } else if (pick < 8) {
          sb.append((char) (' ' + random.nextInt(95)));
        } else {
          sb.appendCodePoint(known[random.nextInt(known.length)]);
        }
      }
      texts.add(sb.toString());
    }
    for (int k = 3; k < args.length; k++) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(Path.of(args[k]))) {
        files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
      }
      for (Path file : files) {
        texts.add(Files.readString(file));
      }
    }
    return texts;
  }
}
