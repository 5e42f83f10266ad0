package io.github.kimisdk.foreign;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server or client program we did not write (a Node package, a script), run as a child process
 * for a test: its combined output is kept (the last 64 KiB) so a test can wait for a line such as
 * "listening on port N" and show the output when something goes wrong; {@link #close()} ends it and
 * every process it started.
 */
public final class ForeignProcess implements AutoCloseable {

  private static final int KEEP = 64 * 1024;

  private final Process process;
  private final String name;
  private final StringBuilder output = new StringBuilder();
  private final Thread reader;

  private ForeignProcess(Process process, String name) {
    this.process = process;
    this.name = name;
    this.reader = new Thread(this::pump, "foreign-output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code command} in {@code dir} with {@code env} added to this JVM's environment; its
   * standard input is closed at once.
   */
  public static ForeignProcess start(Path dir, List<String> command, Map<String, String> env) {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return new ForeignProcess(p, Path.of(command.get(0)).getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the output has a match for {@code pattern} and returns the match; fails with the
   * output so far when the process exits first or {@code timeout} passes.
   */
  public Matcher await(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (output) {
      while (true) {
        Matcher m = pattern.matcher(output);
        if (m.find()) {
          return m;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          throw new AssertionError(
              name
                  + (process.isAlive() ? " printed no " : " exited before printing ")
                  + pattern
                  + "; its output:\n"
                  + output);
        }
        try {
          output.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + name, e);
        }
      }
    }
  }

  /** Returns the output kept so far. */
  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  /** Returns the process. */
  public Process process() {
    return process;
  }

  private void pump() {
    byte[] buf = new byte[8192];
    try (InputStream in = process.getInputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        String s = new String(buf, 0, n, StandardCharsets.UTF_8);
        synchronized (output) {
          output.append(s);
          if (output.length() > KEEP) {
            output.delete(0, output.length() - KEEP);
          }
          output.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended; what it printed stays
    } finally {
      synchronized (output) {
        output.notifyAll();
      }
    }
  }

  /** Ends the process and its descendants, waiting up to 5 s for them to go. */
  @Override
  public void close() {
    List<ProcessHandle> all = process.descendants().toList();
    process.destroy();
    all.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
