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
import org.junit.jupiter.api.Test;

/**
 * CONTRIBUTING's {@code .ci/under-load}: the command's outcome decides the script's, a failed run
 * stops the runs after it and names the failed tests' reports, bad options are refused, and the
 * busy loops are gone once it ends, whichever way it ends. (ReadmeShellCommandsTest runs
 * CONTRIBUTING's block with a short Maven build.)
 */
class UnderLoadScriptTest {

  static final Path SCRIPT = ReadmeInStepTest.ROOT.resolve(".ci/under-load");
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final Pattern PIDS = Pattern.compile("\\(pids ([0-9 ]+)\\)");

  static ChildProcess underLoad(String... args) throws IOException, InterruptedException {
    List<String> command =
        Stream.concat(
                Stream.of("bash", SCRIPT.toAbsolutePath().normalize().toString()), Stream.of(args))
            .toList();
    return ChildProcess.run(Path.of("").toAbsolutePath(), TIMEOUT, Map.of(), command);
  }

  /** The busy loops the run started, none of them still running. */
  static void loopsEnded(ChildProcess run, int loops) {
    Matcher m = PIDS.matcher(run.stdout());
    assertThat(m.find()).as(run.describe()).isTrue();
    long[] pids = Arrays.stream(m.group(1).trim().split(" ")).mapToLong(Long::parseLong).toArray();
    assertThat(pids).as(run.describe()).hasSize(loops);
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("busy loop " + pid + " after the script ended\n" + run.describe())
          .isFalse();
    }
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
  void refusesWhatItCannotRead() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"--loops", "two"},
            new String[] {"--times", "0"},
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
