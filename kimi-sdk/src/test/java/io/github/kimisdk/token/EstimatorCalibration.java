package io.github.kimisdk.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Dumps, for every {@code CATEGORY/NAME.txt} under a corpus folder, the exact Kimi token count, the
 * estimator's features and the two blunt baselines as CSV, for fitting {@link TokenEstimator}'s
 * weights offline. Not a test: run it by hand with the test class path.
 */
final class EstimatorCalibration {
  private EstimatorCalibration() {}

  public static void main(String[] args) throws IOException {
    KimiTokenizer tokenizer = KimiTokenizer.load(Path.of(args[0]));
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of(args[1]))) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().collect(Collectors.toList());
    }
    StringBuilder out = new StringBuilder("category,file,chars,exact,len4,cli");
    for (int k = 0; k < TokenEstimator.FEATURES; k++) {
      out.append(",f").append(k);
    }
    System.out.println(out);
    for (Path p : files) {
      String text = Files.readString(p, StandardCharsets.UTF_8);
      out.setLength(0);
      out.append(p.getParent().getFileName())
          .append(',')
          .append(p.getFileName())
          .append(',')
          .append(text.length())
          .append(',')
          .append(tokenizer.count(text))
          .append(',')
          .append(Baselines.lengthOver4(text))
          .append(',')
          .append(Baselines.moonshotCli(text));
      int[] features = new int[TokenEstimator.FEATURES];
      TokenEstimator.count(text, features);
      for (int f : features) {
        out.append(',').append(f);
      }
      System.out.println(out);
    }
  }
}
