package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test's {@code main} class in a fresh JVM on this test's class and module path. */
public final class ChildJvm {

  private ChildJvm() {}

  /**
   * Runs {@code main} in a new JVM with {@code jvmArgs}, asserts it exits with 0 within a minute
   * and returns what it printed (standard output and error).
   */
  public static String run(Class<?> main, String... jvmArgs)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> path = new ArrayList<>();
    for (String p : new String[] {"jdk.module.path", "java.class.path"}) {
      String v = System.getProperty(p);
      if (v != null && !v.isBlank()) {
        path.add(v);
      }
    }
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(List.of(jvmArgs));
    command.addAll(List.of("-cp", String.join(File.pathSeparator, path), main.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }
}
