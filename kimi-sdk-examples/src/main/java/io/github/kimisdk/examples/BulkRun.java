package io.github.kimisdk.examples;

import io.github.kimisdk.batch.BatchProgress;
import io.github.kimisdk.batch.BatchRun;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Classifies many rows through Kimi's batch API with {@code kimi.batches().run(rows, options)}: the
 * rows (product reviews made up in code: 2,000 offline, 20 against the real API) are written to a
 * state directory and split into batches of at most 500, which are uploaded and created; a progress
 * line is redrawn as Kimi reports each batch's counts; then the results stream back from disk by
 * {@code custom_id}, each failed row as a value.
 *
 * <p>Offline, {@code FakeKimiServer} runs each batch over 2 seconds and fails every 250th line (a
 * {@code server_error}), so the progress line has something to show and failures are seen. The
 * state directory is a temporary one, deleted at the end; name one to keep it ({@code
 * -Dexec.args=target/bulk-run}): run again on it, the program reads the finished run's results from
 * disk and sends nothing. Against the real API (a key in the environment) a run killed midway goes
 * on where it stopped when started again on the same directory; offline the fake lives and dies
 * with the program, so only a finished run's directory is read again. The batch API exists on the
 * chat-completions surface only: with {@code KIMI_PROTOCOL=anthropic} it says so at start.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.BulkRun
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.BulkRun -Dexec.args=target/bulk-run
 * </pre>
 */
public final class BulkRun {

  static final int OFFLINE_ROWS = 2_000;
  static final int ONLINE_ROWS = 20;
  static final int PER_BATCH = 500;
  static final int BAR = 20;

  static final List<String> PRODUCTS =
      List.of("kettle", "lamp", "backpack", "headphones", "blender", "umbrella", "desk chair");
  static final List<String> VERDICTS =
      List.of(
          "works exactly as described",
          "broke after two days",
          "is fine but the box arrived crushed",
          "is the best I have owned",
          "is too loud to use at night");

  private BulkRun() {}

  /**
   * Runs the example.
   *
   * @param args the state directory to keep (optional; a temporary one otherwise)
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(args, System.getenv(), System.out));
  }

  /** The review of row {@code i}, the same on every run. */
  static String review(int i) {
    return "The "
        + PRODUCTS.get(i % PRODUCTS.size())
        + " "
        + VERDICTS.get((i / PRODUCTS.size()) % VERDICTS.size())
        + " (order "
        + (1000 + i)
        + ").";
  }

  static String customId(int i) {
    return String.format(Locale.ROOT, "review-%04d", i);
  }

  static int run(String[] args, Map<String, String> env, PrintStream out) {
    Path kept = args.length == 0 ? null : Path.of(args[0]);
    if (kept != null && Files.exists(kept) && !Files.isDirectory(kept)) {
      out.println("Cannot use " + kept + ": it is a file, not a directory.");
      return 2;
    }
    Path state = null;
    try {
      state = kept != null ? kept : Files.createTempDirectory("kimi-bulk-run");
      try (ExampleSession session =
          ExampleSession.openChatCompletions(
              env,
              out,
              ExampleSession.DEFAULT_MODEL,
              "the batch API (files and batches) exists only on the chat-completions surface")) {
        if (session.isOffline()) {
          session.server().batchDuration(Duration.ofSeconds(2)).batchLineFailures(250);
        }
        int rows = session.isOffline() ? OFFLINE_ROWS : ONLINE_ROWS;
        return classify(session, rows, state, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (kept == null) {
        ExampleSession.deleteTree(state);
      }
    }
  }

  private static int classify(ExampleSession session, int rows, Path state, PrintStream out) {
    Stream<BatchRun.Row> source =
        IntStream.range(0, rows)
            .mapToObj(
                i ->
                    BatchRun.Row.of(
                        customId(i),
                        ChatRequest.builder(session.model())
                            .addSystem(
                                "Classify the sentiment of the product review: answer positive,"
                                    + " negative or mixed, in one word.")
                            .addUser(review(i))
                            .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
                            .build()));
    long start = System.nanoTime();
    BatchRun.Options options =
        BatchRun.Options.builder(state)
            .maxRowsPerBatch(PER_BATCH)
            .pollInterval(session.isOffline() ? Duration.ofSeconds(1) : Duration.ofMinutes(1))
            .metadata(Map.of("example", "BulkRun"))
            .onProgress(p -> progressLine(out, p, (System.nanoTime() - start) / 1e9))
            .build();
    out.printf("%,d rows into batches of at most %d, state in %s%n", rows, PER_BATCH, state);
    try (BatchRun run = BatchRun.open(session.kimi(), source, options)) {
      BatchProgress done;
      try {
        done = run.await(Duration.ofHours(24));
      } catch (KimiException e) {
        out.println();
        out.println("The run stopped: " + e.getMessage());
        out.println("Run again on " + state + " to go on where it stopped.");
        return 1;
      }
      out.println();
      List<BatchRun.Result> failed = new ArrayList<>();
      List<BatchRun.Result> first = new ArrayList<>();
      long answered = 0;
      try (Stream<BatchRun.Result> results = run.results()) {
        for (BatchRun.Result r : (Iterable<BatchRun.Result>) results::iterator) {
          if (r.isSuccess()) {
            answered++;
            if (r.index() < 3) {
              first.add(r);
            }
          } else {
            failed.add(r); // a few in a sound run; a real one would write them to a file
          }
        }
      }
      out.printf(
          Locale.ROOT,
          "%,d rows: %,d answered, %,d failed, in %d batches, %.1f s%n",
          done.rows(),
          answered,
          failed.size(),
          done.batches(),
          (System.nanoTime() - start) / 1e9);
      first.sort(Comparator.comparingLong(BatchRun.Result::index));
      for (BatchRun.Result r : first) {
        out.println(r.customId() + "  " + r.completion().text().strip());
      }
      failed.sort(Comparator.comparingLong(BatchRun.Result::index));
      for (BatchRun.Result r : failed) {
        out.printf(
            "failed: %s HTTP %d %s: %s%n",
            r.customId(), r.error().httpStatus(), r.error().type(), r.error().message());
      }
      return 0;
    }
  }

  /** Redraws the progress line: a carriage return, no line feed. */
  private static void progressLine(PrintStream out, BatchProgress p, double seconds) {
    if (p.rows() == 0) {
      return; // the rows are still being written to disk
    }
    int filled = (int) (p.done() * BAR / p.rows());
    out.printf(
        Locale.ROOT,
        "\r[%s%s] %,d/%,d rows done (%d failed), %d/%d batches, %.1f s ",
        "#".repeat(filled),
        ".".repeat(BAR - filled),
        p.done(),
        p.rows(),
        p.failed(),
        p.batchesDone(),
        p.batches(),
        seconds);
    out.flush();
  }
}
