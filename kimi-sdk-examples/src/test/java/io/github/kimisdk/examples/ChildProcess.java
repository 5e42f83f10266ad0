package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command (a child JVM, a JDK tool, Maven) with no Kimi settings in its environment. */
record ChildProcess(List<String> command, int status, String stdout, String stderr) {

  /** The JDK running the tests: its {@code bin/java}, {@code bin/jlink}, ... */
  static Path jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name);
  }

  /** The SDK as the tests see it: the kimi-sdk jar after {@code package}, else its classes. */
  static Path sdkLocation() throws URISyntaxException {
    return Path.of(KimiClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * The jar, or the classes, that hold {@code type}: a module of the reactor as the tests see it.
   */
  static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** kimi-sdk-testing (FakeKimiServer) as the tests see it: its jar, or its classes. */
  static Path testingLocation() {
    return location(FakeKimiServer.class);
  }

  /** kimi-sdk-agents' jar or classes. */
  static Path agentsLocation() {
    return location(io.github.kimisdk.agents.Agent.class);
  }

  /** kimi-sdk-mcp's jar or classes. */
  static Path mcpLocation() {
    return location(io.github.kimisdk.mcp.McpClient.class);
  }

  /** The examples' compiled classes (an exploded named module: it has module-info.class). */
  static Path examplesLocation() throws URISyntaxException {
    return Path.of(Quickstart.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  static String path(Path... entries) {
    List<String> parts = new ArrayList<>();
    for (Path p : entries) {
      parts.add(p.toString());
    }
    return String.join(File.pathSeparator, parts);
  }

  /**
   * Runs {@code command} in {@code dir}, with every {@code MOONSHOT_*} and {@code KIMI_*} variable
   * removed so that the examples run offline, plus {@code extraEnv}; kills it after {@code
   * timeout}.
   */
  static ChildProcess run(
      Path dir, Duration timeout, Map<String, String> extraEnv, List<String> command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("child", ".out");
    Path err = Files.createTempFile("child", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(k -> k.startsWith("MOONSHOT_") || k.startsWith("KIMI_"));
      env.putAll(extraEnv);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            "timed out after "
                + timeout
                + ": "
                + String.join(" ", command)
                + "\n"
                + read(out)
                + read(err));
      }
      return new ChildProcess(command, process.exitValue(), read(out), read(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static ChildProcess run(Duration timeout, String... command)
      throws IOException, InterruptedException {
    return run(Path.of("").toAbsolutePath(), timeout, Map.of(), List.of(command));
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** The whole run, for assertion messages. */
  String describe() {
    return String.join(" ", command)
        + "\nexit status "
        + status
        + "\n--- stdout ---\n"
        + stdout
        + "--- stderr ---\n"
        + stderr;
  }
}
