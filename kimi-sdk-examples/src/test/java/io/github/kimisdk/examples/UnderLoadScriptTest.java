package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTRIBUTING's {@code .ci/under-load}: the command's outcome decides the script's, a failed run
 * stops the runs after it and names the failed tests' reports, a second build runs beside each run
 * in a clone of its own and stops with it, bad options are refused, and the busy loops are gone
 * once it ends, whichever way it ends. (ReadmeShellCommandsTest runs CONTRIBUTING's block with a
 * short Maven build.) The commands wait for what they check by polling a file, never by a fixed
 * sleep.
 */
@Tag("multiprocess") // runs the script and its builds: mvn -B -P slow verify
class UnderLoadScriptTest {

  static final Path SCRIPT = ReadmeInStepTest.ROOT.resolve(".ci/under-load");
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final Pattern PIDS = Pattern.compile("\\(pids ([0-9 ]+)\\)");

  static ChildProcess underLoad(String... args) throws IOException, InterruptedException {
    return underLoad(Map.of(), args);
  }

  static ChildProcess underLoad(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        Stream.concat(
                Stream.of("bash", SCRIPT.toAbsolutePath().normalize().toString()), Stream.of(args))
            .toList();
    return ChildProcess.run(Path.of("").toAbsolutePath(), TIMEOUT, env, command);
  }

  /** A shell command that waits until {@code file} has at least {@code lines} lines. */
  static String awaitLines(Path file, int lines) {
    return "until [ -f '"
        + file
        + "' ] && [ \"$(wc -l < '"
        + file
        + "')\" -ge "
        + lines
        + " ]; do sleep 0.1; done";
  }

  /** Each process of {@code pids} (one a line) no longer running. */
  static void ended(Path pids, ChildProcess run) throws IOException, InterruptedException {
    for (String pid : Files.readAllLines(pids)) {
      assertThat(stopped(Long.parseLong(pid.trim())))
          .as("the second build's process " + pid + " after its run\n" + run.describe())
          .isTrue();
    }
  }

  /** The busy loops the run started, none of them still running. */
  static void loopsEnded(ChildProcess run, int loops) throws InterruptedException {
    Matcher m = PIDS.matcher(run.stdout());
    assertThat(m.find()).as(run.describe()).isTrue();
    long[] pids = Arrays.stream(m.group(1).trim().split(" ")).mapToLong(Long::parseLong).toArray();
    assertThat(pids).as(run.describe()).hasSize(loops);
    for (long pid : pids) {
      assertThat(stopped(pid))
          .as("busy loop " + pid + " after the script ended\n" + run.describe())
          .isTrue();
    }
  }

  /**
   * Whether a process the script killed has stopped running, within {@link #REAPED}. A process
   * whose parent died before it is reaped by the machine's init, which may take its time (on a
   * loaded machine, or a container's init that reaps on its own schedule): until then it is a
   * zombie, which runs nothing but which {@link ProcessHandle#isAlive} still calls alive. So a
   * zombie counts as stopped, and anything else is looked at again until the bound.
   */
  static boolean stopped(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + REAPED.toNanos();
    while (true) {
      if (!running(pid)) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(50); // polls a process this test does not own: nothing to wait on
    }
  }

  /** How long a killed process may take to be seen stopped. */
  static final Duration REAPED = Duration.ofSeconds(10);

  private static boolean running(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isReadable(stat)) {
      try {
        String s = Files.readString(stat);
        char state = s.charAt(s.lastIndexOf(')') + 2); // "pid (comm) S ..."
        return state != 'Z' && state != 'X';
      } catch (IOException | RuntimeException gone) {
        return false; // the process ended while its file was read
      }
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void runsTheCommandTheTimesAskedBesideTheLoops() throws Exception {
    ChildProcess run = underLoad("--loops", "2", "--times", "2", "--", "true");
    assertThat(run.status()).as(run.describe()).isZero();
    assertThat(run.stdout())
        .as(run.describe())
        .contains("under-load: 2 busy loop(s) on ")
        .contains("under-load: run 1 of 2 passed in ")
        .contains("under-load: run 2 of 2 passed in ")
        .contains("under-load: 2 of 2 passed beside 2 busy loop(s)");
    loopsEnded(run, 2);
  }

  @Test
  void aFailedRunStopsTheRestAndDecidesTheExit() throws Exception {
    ChildProcess run = underLoad("--loops", "1", "--times", "3", "--", "sh", "-c", "exit 3");
    assertThat(run.status()).as(run.describe()).isEqualTo(3);
    assertThat(run.stdout())
        .as(run.describe())
        .contains("under-load: run 1 of 3 FAILED (exit status 3) after ")
        .doesNotContain("run 2 of 3")
        .doesNotContain("passed beside");
    loopsEnded(run, 1);
  }

  @Test
  void aFailedRunInAFreshCloneNamesTheFailedTestsAndKeepsTheClone() throws Exception {
    assumeTrue(Files.exists(ReadmeInStepTest.ROOT.resolve(".git")), "a git checkout");
    String failing =
        "mkdir -p kimi-sdk/target/surefire-reports"
            + " && printf 'Tests run: 1, Failures: 1 <<< FAILURE!\\n'"
            + " > kimi-sdk/target/surefire-reports/io.example.FlakyTest.txt"
            + " && printf 'Tests run: 1, Failures: 0\\n'"
            + " > kimi-sdk/target/surefire-reports/io.example.SteadyTest.txt"
            + " && exit 1";
    ChildProcess run = underLoad("--loops", "1", "--clone", "--", "sh", "-c", failing);
    Matcher kept = Pattern.compile("the clone is kept at (\\S+)").matcher(run.stdout());
    try {
      assertThat(run.status()).as(run.describe()).isEqualTo(1);
      assertThat(run.stdout())
          .as(run.describe())
          .contains("under-load: run 1 in a fresh clone of ")
          .contains("under-load: the reports of the tests that failed:");
      String reports =
          run.stdout().substring(run.stdout().indexOf("the reports of the tests that failed:"));
      assertThat(reports)
          .as(run.describe())
          .contains("kimi-sdk/target/surefire-reports/io.example.FlakyTest.txt")
          .doesNotContain("SteadyTest");
      assertThat(kept.find()).as(run.describe()).isTrue();
      assertThat(Path.of(kept.group(1)).resolve("pom.xml")).isRegularFile();
      loopsEnded(run, 1);
    } finally {
      if (kept.find(0)) {
        deleteTree(Path.of(kept.group(1)).getParent());
      }
    }
  }

  @Test
  void aSecondBuildRunsBesideEachRunInAFreshCloneAndStopsWithIt(@TempDir Path dir)
      throws Exception {
    assumeTrue(Files.exists(ReadmeInStepTest.ROOT.resolve(".git")), "a git checkout");
    Path pids = dir.resolve("pids");
    Path where = dir.resolve("where");
    String second = "echo $$ >> '" + pids + "'; pwd >> '" + where + "'; exec sleep 600";
    ChildProcess run =
        underLoad(
            "--loops",
            "1",
            "--times",
            "2",
            "--beside",
            second,
            "--",
            "sh",
            "-c",
            // run n ends once the n-th second build started
            "echo run >> '"
                + dir.resolve("runs")
                + "'; n=$(wc -l < '"
                + dir.resolve("runs")
                + "'); until [ \"$(wc -l < '"
                + pids
                + "' 2>/dev/null || echo 0)\" -ge \"$n\" ]; do sleep 0.1; done");
    assertThat(run.status()).as(run.describe()).isZero();
    assertThat(run.stdout())
        .as(run.describe())
        .contains("under-load: a second build beside each run, in a fresh clone of ")
        .contains("under-load: the second build beside it (" + second + ") ended 0 time(s)")
        .contains("and was stopped with the run")
        .contains("under-load: 2 of 2 passed beside 1 busy loop(s) and a second build");
    assertThat(Files.readAllLines(pids)).as("a second build per run").hasSize(2);
    ended(pids, run);
    for (String clone : Files.readAllLines(where)) {
      assertThat(Path.of(clone)).as("its own clone, not this checkout").doesNotExist();
      assertThat(Path.of(clone).toAbsolutePath().normalize())
          .isNotEqualTo(ReadmeInStepTest.ROOT.toAbsolutePath().normalize());
    }
    loopsEnded(run, 1);
  }

  @Test
  void aSecondBuildThatEndsIsStartedAgainAndItsOutcomeIsPrintedNotDecisive(@TempDir Path dir)
      throws Exception {
    assumeTrue(Files.exists(ReadmeInStepTest.ROOT.resolve(".git")), "a git checkout");
    Path ran = dir.resolve("ran");
    ChildProcess run =
        underLoad(
            "--loops",
            "1",
            "--beside",
            "echo started >> '" + ran + "'; exit 3",
            "--",
            "sh",
            "-c",
            awaitLines(ran, 2));
    assertThat(run.status()).as("the second build's failures do not decide").isZero();
    assertThat(run.stdout())
        .as(run.describe())
        .contains("(exit statuses: 3 ")
        .contains("under-load: run 1 of 1 passed in ");
    loopsEnded(run, 1);
  }

  @Test
  void besideBuildIsReadmesTestCommandInAFreshClone(@TempDir Path dir) throws Exception {
    assumeTrue(Files.exists(ReadmeInStepTest.ROOT.resolve(".git")), "a git checkout");
    // a mvn of the test's own on the PATH: it says how it was called and where, then waits
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path called = dir.resolve("called");
    Path mvn = bin.resolve("mvn");
    Files.writeString(
        mvn, "#!/bin/sh\necho \"$$ $(pwd) $*\" >> '" + called + "'\nexec sleep 600\n");
    assertThat(mvn.toFile().setExecutable(true)).isTrue();
    ChildProcess run =
        underLoad(
            Map.of("PATH", bin + ":" + System.getenv("PATH")),
            "--loops",
            "1",
            "--beside-build",
            "--",
            "sh",
            "-c",
            awaitLines(called, 1));
    assertThat(run.status()).as(run.describe()).isZero();
    assertThat(run.stdout())
        .as(run.describe())
        .contains("a second build beside each run, in a")
        .contains(": mvn -B verify");
    List<String> line = List.of(Files.readAllLines(called).get(0).split(" "));
    assertThat(line.subList(2, line.size())).containsExactly("-B", "verify");
    assertThat(Path.of(line.get(1)).resolve("pom.xml")).as("in a clone").doesNotExist();
    assertThat(stopped(Long.parseLong(line.get(0)))).as("stopped with the run").isTrue();
    loopsEnded(run, 1);
  }

  @Test
  void refusesWhatItCannotRead() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"--loops", "two"},
            new String[] {"--times", "0"},
            new String[] {"--beside"},
            new String[] {"--fast"})) {
      ChildProcess run = underLoad(args);
      assertThat(run.status()).as(run.describe()).isEqualTo(2);
      assertThat(run.stderr()).as(run.describe()).startsWith("under-load: ");
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
