package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Quickstart runs, offline, in a fresh JVM both as a named module on the module path and as
 * plain classes on the class path, with nothing but {@code java.base}, {@code java.net.http} and
 * {@code jdk.httpserver} from the JDK, and kimi-sdk-testing for the fake.
 */
@Tag("multiprocess") // runs the program as a process: mvn -B -P slow verify
class LaunchModesTest {

  static final Duration TIMEOUT = Duration.ofMinutes(3);
  static final String MAIN = "io.github.kimisdk.examples.Quickstart";
  static final String JDK_MODULES = "java.base,java.net.http,jdk.httpserver";

  @Test
  void quickstartRunsAsANamedModuleOnTheModulePath() throws Exception {
    ChildProcess run =
        ChildProcess.run(
            TIMEOUT,
            ChildProcess.jdkTool("java").toString(),
            "-XX:+UseSerialGC",
            "--show-module-resolution",
            "--limit-modules",
            JDK_MODULES + ",io.github.kimisdk,io.github.kimisdk.testing,io.github.kimisdk.examples",
            "--module-path",
            ChildProcess.path(
                ChildProcess.sdkLocation(),
                ChildProcess.testingLocation(),
                ChildProcess.examplesLocation()),
            "--module",
            "io.github.kimisdk.examples/" + MAIN,
            "Hello from the module path");

    assertThat(run.status()).as(run.describe()).isZero();
    assertStreamedOfflineReply(run, "Hello from the module path");
    assertThat(run.stdout())
        .as(run.describe())
        .contains("root io.github.kimisdk.examples file:")
        .contains("io.github.kimisdk.examples requires io.github.kimisdk file:")
        .contains("io.github.kimisdk.examples requires io.github.kimisdk.testing file:");
  }

  @Test
  void quickstartRunsFromThePlainClassPath() throws Exception {
    ChildProcess run =
        ChildProcess.run(
            TIMEOUT,
            ChildProcess.jdkTool("java").toString(),
            "-XX:+UseSerialGC",
            "--limit-modules",
            JDK_MODULES,
            "--class-path",
            ChildProcess.path(
                ChildProcess.sdkLocation(),
                ChildProcess.testingLocation(),
                ChildProcess.examplesLocation()),
            MAIN,
            "Hello from the class path");

    assertThat(run.status()).as(run.describe()).isZero();
    assertStreamedOfflineReply(run, "Hello from the class path");
  }

  /** What the Quickstart prints against FakeKimiServer: the prompt echoed back, then usage. */
  static void assertStreamedOfflineReply(ChildProcess run, String prompt) {
    assertThat(run.stdout())
        .as(run.describe())
        .contains(
            "No API key in MOONSHOT_API_KEY, KIMI_API_KEY, KIMI_CODING_API_KEY: using"
                + " FakeKimiServer at http://127.0.0.1:")
        .contains("> " + prompt + "\nYou said: " + prompt + "\n")
        .containsPattern("\\[usage\\] prompt \\d+, completion \\d+ .*finish reason stop")
        .contains("[request id] fake-");
  }
}
