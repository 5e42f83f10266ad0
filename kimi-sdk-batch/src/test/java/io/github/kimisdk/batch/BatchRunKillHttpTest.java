package io.github.kimisdk.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch run in a JVM of its own with a 64 MB heap ({@link BatchRunChild}), killed with {@code
 * kill -9} (SIGKILL) while the fake creates one of its batches, midway through them, then run again
 * in a new JVM on the same state directory: every row comes back once, no batch is created twice,
 * nothing is left on the server. The kill comes from the fake's responder when that batch's create
 * arrives, so it lands in the same place however busy the machine is.
 */
class BatchRunKillHttpTest {

  /** The heap the child runs in: the bound the issue sets for a million rows. */
  static final String HEAP = "-Xmx64m";

  @TempDir Path dir;

  @Test
  @Tag("multiprocess") // kills a child JVM: mvn -B -P slow verify
  void aRunKilledMidwayResumesInAnotherJvmWithEveryRowOnceAndNoBatchCreatedTwice()
      throws Exception {
    killAndResume(20_000, 2_000, 5);
  }

  /**
   * The "done when": a million rows in a 64 MB heap, killed midway, resumed. Some minutes
   * on two cores, and some 2 GB of disk: {@code mvn -B -P slow verify}, or alone with {@code -P
   * slow -Dtest=BatchRunKillHttpTest}.
   */
  @Test
  @Tag("slow")
  void aMillionRowsRunInA64MbHeapAndSurviveAKillMidway() throws Exception {
    killAndResume(1_000_000, 10_000, 50);
  }

  void killAndResume(int rows, int perBatch, int killAtCreate) throws Exception {
    int batches = (rows + perBatch - 1) / perBatch;
    int failEvery = 997;
    AtomicReference<Process> child = new AtomicReference<>();
    AtomicInteger creates = new AtomicInteger();
    try (FakeKimiServer server =
            new FakeKimiServer().batchLineFailures(failEvery).trackConnections().start();
        KimiClient kimi =
            KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build()) {
      server.respondWith(
          r -> {
            if (r.method().equals("POST")
                && r.path().equals("/v1/batches")
                && creates.incrementAndGet() == killAtCreate) {
              child.get().destroyForcibly(); // SIGKILL: the create goes on without its caller
            }
            return null;
          });
      Path state = dir.resolve("state");
      String[] args = {
        server.baseUrl(), state.toString(), Integer.toString(rows), Integer.toString(perBatch)
      };
      Path firstOut = dir.resolve("first.out");
      child.set(start(args, firstOut));
      assertThat(child.get().waitFor(30, TimeUnit.MINUTES)).isTrue();
      assertThat(child.get().exitValue()).as(read(firstOut)).isEqualTo(137); // 128 + SIGKILL
      assertThat(creates.get()).isEqualTo(killAtCreate);
      // the create the kill interrupted goes on at the server: its exchange ends once it is made
      assertThat(
              server.awaitConnections(
                  () -> server.activeExchanges() == 0 && server.batchesCreated() >= killAtCreate,
                  Duration.ofMinutes(1)))
          .as("the interrupted create made")
          .isTrue();
      assertThat(server.batchesCreated()).isEqualTo(killAtCreate);

      Path secondOut = dir.resolve("second.out");
      Process again = start(args, secondOut);
      assertThat(again.waitFor(30, TimeUnit.MINUTES)).isTrue();
      String out = read(secondOut);
      assertThat(again.exitValue()).as(out).isZero();

      long failures = 0;
      for (int b = 0; b < batches; b++) {
        failures += Math.min(perBatch, rows - (long) b * perBatch) / failEvery;
      }
      assertThat(out)
          .contains(
              "results "
                  + rows
                  + " ok "
                  + (rows - failures)
                  + " failed "
                  + failures
                  + " duplicates 0 missing 0");
      assertThat(server.batchesCreated()).as("batches created").isEqualTo(batches);
      assertThat(creates.get()).as("creates sent").isEqualTo(batches);
      assertThat(kimi.files().list()).as("files left on the server").isEmpty();
      Matcher heap = Pattern.compile("heap live after GC .* s").matcher(out);
      assertThat(heap.find()).as(out).isTrue();
      System.out.println(
          "BatchRunKillHttpTest: " + rows + " rows, " + HEAP + ", resumed run: " + heap.group(0));
    }
  }

  static Process start(String[] args, Path out) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add(HEAP);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BatchRunChild.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
