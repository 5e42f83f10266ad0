package io.github.kimisdk.mcp;

import io.github.kimisdk.json.JsonValue;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Commands that run {@link McpTestServer} as a child process with this build's classes. */
public final class TestServers {

  private TestServers() {}

  /** The command that starts the stdio test server with {@code options}. */
  public static List<String> stdio(String... options) {
    // This module's classes and tests, and the core's, wherever they were loaded from.
    Path target = Path.of("target").toAbsolutePath();
    Set<String> classPath = new LinkedHashSet<>();
    classPath.add(target.resolve("test-classes").toString());
    classPath.add(target.resolve("classes").toString());
    classPath.add(location(McpTestServer.class));
    classPath.add(location(McpClient.class));
    classPath.add(location(JsonValue.class));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, classPath));
    cmd.add(McpTestServer.class.getName());
    cmd.addAll(List.of(options));
    return cmd;
  }

  /** The directory or jar {@code type} was loaded from. */
  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until {@code text} appears in what {@code client}'s server wrote to stderr. */
  public static String awaitStderr(McpClient client, String text) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      String s = client.stderr();
      if (s.contains(text)) {
        return s;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no \"" + text + "\" in the server's stderr:\n" + client.stderr());
  }
}
