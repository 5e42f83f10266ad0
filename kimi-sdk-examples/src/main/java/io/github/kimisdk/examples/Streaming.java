package io.github.kimisdk.examples;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.KimiException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams a reply: prints each piece of text as it arrives, then the usage, the time to the first
 * token and the completion tokens per second.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.Streaming
 * </pre>
 */
public final class Streaming {

  static final String DEFAULT_PROMPT = "Write three short lines about rivers.";

  private Streaming() {}

  /**
   * Runs the example.
   *
   * @param args the prompt words (optional)
   */
  public static void main(String[] args) {
    String prompt = args.length == 0 ? DEFAULT_PROMPT : String.join(" ", args);
    ExampleSession.exit(run(prompt, System.getenv(), System.out));
  }

  static int run(String prompt, Map<String, String> env, PrintStream out) {
    try (ExampleSession session = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      out.println("> " + prompt);
      // Thinking off: this example is about the answer's tokens (see Thinking for reasoning).
      ChatRequest request =
          ChatRequest.builder(session.model())
              .addUser(prompt)
              .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
              .includeUsage(true)
              .build();
      long start = System.nanoTime();
      AtomicLong firstToken = new AtomicLong();
      AtomicInteger pieces = new AtomicInteger();
      try (ChatStream stream = session.kimi().stream(request)) {
        ChatCompletion done =
            stream.forEachText(
                text -> {
                  firstToken.compareAndSet(0, System.nanoTime());
                  pieces.incrementAndGet();
                  // Pieces are separated by '|' offline so the chunking is visible.
                  out.print(session.isOffline() && pieces.get() > 1 ? "|" + text : text);
                  out.flush();
                });
        long end = System.nanoTime();
        out.println();
        Usage usage = done.usage();
        out.println(
            ExampleSession.usageLine(usage) + "; finish reason " + ExampleSession.finish(done));
        double seconds = Math.max(1, end - start) / 1e9;
        double ttft = firstToken.get() == 0 ? 0 : (firstToken.get() - start) / 1e6;
        int tokens = usage == null ? pieces.get() : usage.completionTokens();
        out.printf(
            "[speed] %d text pieces, first after %.1f ms, %.1f completion tokens/s over %.3f s%n",
            pieces.get(), ttft, tokens / seconds, seconds);
        return 0;
      } catch (KimiException e) {
        out.println();
        out.println("Kimi call failed: " + e.getMessage());
        return 1;
      }
    }
  }
}
