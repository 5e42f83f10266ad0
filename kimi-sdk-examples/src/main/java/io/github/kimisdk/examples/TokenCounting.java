package io.github.kimisdk.examples;

import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.TokenEstimator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts tokens before sending: {@link TokenEstimator} (fast, no vocabulary, a few percent off)
 * next to the naive {@code length / 4}, and the exact count from {@link KimiTokenizer} when you
 * give it Kimi's {@code tiktoken.model} vocabulary, which the SDK does not bundle: pass its path in
 * {@code KIMI_TOKENIZER_VOCAB} or as {@code --vocab PATH}. Further arguments are files to count
 * instead of the built-in samples. It makes no API call.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.TokenCounting
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.TokenCounting -Dexec.args="--vocab /path/to/tiktoken.model README.md"
 * </pre>
 */
public final class TokenCounting {

  static final String VOCAB_VARIABLE = "KIMI_TOKENIZER_VOCAB";

  static final Map<String, String> SAMPLES = samples();

  private TokenCounting() {}

  private static Map<String, String> samples() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "English", "The quick brown fox jumps over the lazy dog, then naps in the afternoon sun.");
    m.put(
        "Java",
        "record Point(int x, int y) {\n  double length() { return Math.hypot(x, y); }\n}\n");
    m.put(
        "JSON", "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    m.put("Chinese", "月之暗面的 Kimi 模型支持很长的上下文，可以一次读完一本书。");
    m.put("Emoji", "Ship it 🚀🚀 — tests are green ✅ and the build is fast ⚡");
    return m;
  }

  /**
   * Runs the example.
   *
   * @param args {@code --vocab PATH} (optional), then files to count (optional)
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(args, System.getenv(), System.out));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out) {
    String vocab = env.getOrDefault(VOCAB_VARIABLE, "");
    Map<String, String> texts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--vocab") && i + 1 < args.length) {
        vocab = args[++i];
      } else {
        String problem = ExampleSession.unreadable(Path.of(args[i]));
        if (problem != null) {
          out.println(problem);
          return 2;
        }
        texts.put(args[i], read(Path.of(args[i])));
      }
    }
    if (!vocab.isBlank() && ExampleSession.unreadable(Path.of(vocab)) != null) {
      out.println(ExampleSession.unreadable(Path.of(vocab)));
      return 2;
    }
    if (texts.isEmpty()) {
      texts.putAll(SAMPLES);
    }
    KimiTokenizer exact = null;
    if (vocab.isBlank()) {
      out.println(
          "No vocabulary: set "
              + VOCAB_VARIABLE
              + " or pass --vocab PATH (Kimi's tiktoken.model) to see exact counts.");
    } else {
      long start = System.nanoTime();
      exact = KimiTokenizer.load(Path.of(vocab));
      out.printf(
          "Loaded %,d tokens from %s in %d ms.%n",
          exact.vocabularySize(), vocab, (System.nanoTime() - start) / 1_000_000);
    }
    TokenEstimator estimator = TokenEstimator.forKimi();
    out.printf("%-12s %7s %9s %9s  %s%n", "text", "chars", "estimate", "length/4", "exact");
    for (Map.Entry<String, String> e : texts.entrySet()) {
      String text = e.getValue();
      int estimate = estimator.estimate(text);
      int naive = (text.length() + 3) / 4;
      String exactColumn = "-";
      if (exact != null) {
        int n = exact.count(text);
        exactColumn = n + " (" + (estimate >= n ? "+" : "") + percent(estimate - n, n) + ")";
      }
      out.printf(
          "%-12s %7d %9d %9d  %s%n",
          shorten(e.getKey()), text.length(), estimate, naive, exactColumn);
    }
    return 0;
  }

  private static String percent(int diff, int of) {
    return of == 0 ? "0%" : Math.round(100.0 * diff / of) + "%";
  }

  private static String shorten(String name) {
    return name.length() <= 12 ? name : "..." + name.substring(name.length() - 9);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
