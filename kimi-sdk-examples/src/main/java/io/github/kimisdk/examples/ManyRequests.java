package io.github.kimisdk.examples;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sends many requests at once with {@code chatAll}: at most N in flight (default 4, or the first
 * argument), a live progress line redrawn as each one finishes, then the results in input order.
 * One request names a model that does not exist, to show that a failure comes back as a result and
 * does not sink the others.
 *
 * <p>Offline, {@code FakeKimiServer} is scripted to take 200 to 700 ms per answer, so the progress
 * line has something to show, and to answer the unknown model with Kimi's 404.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ManyRequests
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ManyRequests -Dexec.args=8
 * </pre>
 */
public final class ManyRequests {

  static final List<String> CITIES =
      List.of(
          "Lisbon", "Kyoto", "Nairobi", "Oslo", "Lima", "Hanoi", "Tunis", "Quebec", "Perth",
          "Riga");
  static final String MISSING_MODEL = "no-such-model";
  static final int BAR = 20;

  private ManyRequests() {}

  /**
   * Runs the example.
   *
   * @param args the most requests in flight at once (optional, default 4)
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(args, System.getenv(), System.out));
  }

  /** Runs with the concurrency the arguments give, or says in one line that they give none. */
  static int run(String[] args, Map<String, String> env, PrintStream out) {
    int concurrency;
    try {
      concurrency = args.length == 0 ? 4 : Integer.parseInt(args[0].strip());
    } catch (NumberFormatException e) {
      concurrency = 0;
    }
    if (concurrency < 1) {
      out.println(
          "The argument is how many requests may be in flight at once, a whole number from 1: "
              + args[0]);
      return 2;
    }
    return run(concurrency, env, out);
  }

  static String question(String city) {
    return "In one short sentence: what is " + city + " best known for?";
  }

  static int run(int concurrency, Map<String, String> env, PrintStream out) {
    try (ExampleSession session = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      if (session.isOffline()) {
        session.server().respondWith(ManyRequests::slowAnswer);
      }
      List<ChatRequest> requests = new ArrayList<>();
      for (int i = 0; i < CITIES.size(); i++) {
        // the fifth request names a model that does not exist
        String model = i == 4 ? MISSING_MODEL : session.model();
        requests.add(
            ChatRequest.builder(model)
                .addUser(question(CITIES.get(i)))
                .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
                .build());
      }
      out.printf("%d requests, at most %d in flight:%n", requests.size(), concurrency);
      long start = System.nanoTime();
      progressLine(out, 0, 0, requests.size(), concurrency, 0);
      int[] doneAndFailed = new int[2]; // called one result at a time, never concurrently
      Consumer<ChatResult> progress =
          result -> {
            doneAndFailed[0]++;
            doneAndFailed[1] += result.isSuccess() ? 0 : 1;
            progressLine(
                out,
                doneAndFailed[0],
                doneAndFailed[1],
                requests.size(),
                concurrency,
                (System.nanoTime() - start) / 1e9);
          };
      List<ChatResult> results = session.kimi().chatAll(requests, concurrency, progress);
      double seconds = (System.nanoTime() - start) / 1e9;
      out.println();
      Usage total = null;
      for (ChatResult r : results) {
        String city = CITIES.get(r.index());
        if (r.isSuccess()) {
          out.printf("%2d. %-7s %s%n", r.index() + 1, city, r.completion().text().strip());
          Usage u = r.completion().usage();
          total = u == null ? total : total == null ? u : total.plus(u);
        } else {
          out.printf(
              "%2d. %-7s failed: %s: %s%n",
              r.index() + 1, city, r.error().getClass().getSimpleName(), r.error().getMessage());
        }
      }
      long failed = results.stream().filter(r -> !r.isSuccess()).count();
      out.printf(
          Locale.ROOT,
          "%d answered, %d failed, in %.1f s; %s%n",
          results.size() - failed,
          failed,
          seconds,
          total == null ? "no usage reported" : total.totalTokens() + " tokens in all");
      return 0;
    }
  }

  /** Redraws the progress line: a carriage return, no line feed. */
  private static void progressLine(
      PrintStream out, int done, int failed, int total, int concurrency, double seconds) {
    int filled = done * BAR / total;
    out.printf(
        Locale.ROOT,
        "\r[%s%s] %d/%d done, %d failed, %d in flight, %.1f s ",
        "#".repeat(filled),
        ".".repeat(BAR - filled),
        done,
        total,
        failed,
        Math.min(concurrency, total - done),
        seconds);
    out.flush();
  }

  /** The fake's answers: Kimi's 404 for the missing model, else an echo after a short wait. */
  private static FakeResponse slowAnswer(RecordedRequest r) {
    if (!r.path().endsWith("/chat/completions")) {
      return null;
    }
    JsonValue body = r.json();
    String model = body.get("model").asString();
    if (model.equals(MISSING_MODEL)) {
      return FakeResponse.error(
          404,
          "{\"error\":{\"type\":\"resource_not_found_error\",\"message\":\"Not found the model "
              + MISSING_MODEL
              + " or Permission denied\"}}");
    }
    JsonArray messages = body.get("messages").asArray();
    String question = messages.get(messages.size() - 1).get("content").asString();
    String answer = "You said: " + question;
    // 200 to 700 ms, varying by question, so answers finish out of order
    Duration wait = Duration.ofMillis(200 + Math.floorMod(question.hashCode(), 6) * 100L);
    return FakeResponse.json(
            ExampleSession.completionJson(model, answer, "stop", answer.split(" ").length))
        .withHeadersDelay(wait);
  }
}
