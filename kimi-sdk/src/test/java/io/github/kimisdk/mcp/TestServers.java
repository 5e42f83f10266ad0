package io.github.kimisdk.mcp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Commands that run {@link McpTestServer} as a child process with this build's classes. */
final class TestServers {

  private TestServers() {}

  /** The command that starts the stdio test server with {@code options}. */
  static List<String> stdio(String... options) {
    Path target = Path.of("target").toAbsolutePath();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(
        target.resolve("test-classes") + java.io.File.pathSeparator + target.resolve("classes"));
    cmd.add(McpTestServer.class.getName());
    cmd.addAll(List.of(options));
    return cmd;
  }

  /** Waits until {@code text} appears in what {@code client}'s server wrote to stderr. */
  static String awaitStderr(McpClient client, String text) throws InterruptedException {
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
