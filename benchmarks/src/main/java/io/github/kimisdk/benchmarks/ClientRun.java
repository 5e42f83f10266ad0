package io.github.kimisdk.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A measuring client JVM that a driver ({@link CpuPerCall}, {@link SteadyCallCpu}, {@link
 * ToolLoopCost}) ran to its end: what it printed, read whole, and its exit status.
 *
 * @param stdout the standard output
 * @param status the exit status
 */
record ClientRun(String stdout, int status) {

  /**
   * Runs {@code command}, its standard error appended to {@code err}, and waits for it to end.
   *
   * @param command the command line
   * @param err the file its standard error is appended to
   * @return what it printed and its status
   * @throws IOException when it cannot start or its output cannot be read
   * @throws InterruptedException when interrupted while waiting
   */
  static ClientRun of(List<String> command, Path err) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new ClientRun(text, p.waitFor());
  }
}
