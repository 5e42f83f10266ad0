package io.github.kimisdk.examples;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.KimiException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a thinking model and prints its reasoning apart from its answer, as both stream in.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.Thinking
 * </pre>
 */
public final class Thinking {

  static final String DEFAULT_PROMPT = "Which is larger, 9.11 or 9.9? Answer in one line.";

  private Thinking() {}

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
      ChatRequest request =
          ChatRequest.builder(session.model())
              .addUser(prompt)
              .thinking(io.github.kimisdk.chat.Thinking.enabled())
              .includeUsage(true)
              .build();
      AtomicBoolean inReasoning = new AtomicBoolean();
      AtomicBoolean inAnswer = new AtomicBoolean();
      try (ChatStream stream = session.kimi().stream(request)) {
        ChatCompletion done =
            stream.forEachText(
                reasoning -> {
                  if (inReasoning.compareAndSet(false, true)) {
                    out.println("--- reasoning ---");
                  }
                  out.print(reasoning);
                  out.flush();
                },
                text -> {
                  if (inAnswer.compareAndSet(false, true)) {
                    out.println(inReasoning.get() ? "\n--- answer ---" : "--- answer ---");
                  }
                  out.print(text);
                  out.flush();
                });
        out.println();
        if (!inReasoning.get()) {
          out.println(
              "(the model sent no reasoning: is " + session.model() + " a thinking model?)");
        }
        out.println(
            ExampleSession.usageLine(done.usage())
                + "; finish reason "
                + ExampleSession.finish(done));
        out.println(
            "[lengths] reasoning "
                + (done.reasoning() == null ? 0 : done.reasoning().length())
                + " chars, answer "
                + (done.text() == null ? 0 : done.text().length())
                + " chars");
        return 0;
      } catch (KimiException e) {
        out.println();
        out.println("Kimi call failed: " + e.getMessage());
        return 1;
      }
    }
  }
}
