package io.github.kimisdk.mcp.internal.stdio;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import io.github.kimisdk.mcp.internal.rpc.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The stdio transport: the server is a child process that reads one JSON message per line on its
 * standard input and writes one per line on its standard output; its standard error is kept, the
 * last few KiB, for diagnostics.
 */
public final class StdioTransport implements Transport {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");
  private static final byte[] END = new byte[0];
  private static final int STDERR_LINE_CHARS = 4096;
  private static final int QUEUED_MESSAGES = 1024;

  private final List<String> command;
  private final Map<String, String> environment;
  private final boolean inheritEnvironment;
  private final Path directory;
  private final int maxMessageBytes;
  private final Duration shutdownTimeout;
  private final Consumer<String> stderrLines;
  private final Tail stderr;
  private final ArrayBlockingQueue<byte[]> outbox = new ArrayBlockingQueue<>(QUEUED_MESSAGES);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Process process;
  private volatile Transport.Sink sink;

  /**
   * Creates the transport of a child process, not yet started.
   *
   * @param command the program and its arguments
   * @param environment variables added to (or, without {@code inheritEnvironment}, making) the
   *     child's environment
   * @param inheritEnvironment whether the child starts with this JVM's environment
   * @param directory the child's working directory; null for this JVM's
   * @param maxMessageBytes the longest line read
   * @param stderrChars how much of the child's standard error is kept
   * @param shutdownTimeout how long the child has to exit once its input is closed
   * @param stderrLines hears each line of the child's standard error
   */
  public StdioTransport(
      List<String> command,
      Map<String, String> environment,
      boolean inheritEnvironment,
      Path directory,
      int maxMessageBytes,
      int stderrChars,
      Duration shutdownTimeout,
      Consumer<String> stderrLines) {
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.inheritEnvironment = inheritEnvironment;
    this.directory = directory;
    this.maxMessageBytes = maxMessageBytes;
    this.shutdownTimeout = shutdownTimeout;
    this.stderrLines = stderrLines;
    this.stderr = new Tail(stderrChars);
  }

  @Override
  public void start(Transport.Sink sink) {
    this.sink = sink;
    ProcessBuilder pb = new ProcessBuilder(command);
    if (directory != null) {
      pb.directory(directory.toFile());
    }
    if (!inheritEnvironment) {
      pb.environment().clear();
    }
    pb.environment().putAll(environment);
    try {
      process = pb.start();
    } catch (IOException | RuntimeException e) {
      throw sink.failures()
          .connection(
              sink.name(),
              "cannot start `"
                  + describe()
                  + "`: "
                  + e.getMessage()
                  + " (is the program installed, and on the PATH or given with its full path?)",
              e);
    }
    String id = "mcp-" + process.pid();
    thread(id + "-out", this::readOutput);
    thread(id + "-err", this::readStderr);
    thread(id + "-in", this::writeInput);
  }

  private static void thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void send(JsonObject message, long id) {
    if (closed.get()) {
      throw sink.failures().closed(sink.name(), "the client is closed", null);
    }
    if (!outbox.offer(Json.writeBytes(message))) {
      throw sink.failures()
          .limit(
              sink.name(),
              "the server does not read its input: "
                  + QUEUED_MESSAGES
                  + " messages wait to be written to it",
              null);
    }
  }

  private void writeInput() {
    OutputStream os = process.getOutputStream();
    try (os) {
      while (true) {
        byte[] b = outbox.take();
        if (b == END) {
          return;
        }
        os.write(b);
        os.write('\n');
        if (outbox.isEmpty()) {
          os.flush();
        }
      }
    } catch (IOException e) {
      if (!closed.get()) {
        sink.closed(
            sink.failures()
                .connection(
                    sink.name(),
                    "cannot write to the server (" + e.getMessage() + ")" + ended(),
                    e));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readOutput() {
    byte[] line = new byte[1024];
    int len = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = process.getInputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') {
            continue;
          }
          int seg = i - start;
          if (len + seg > maxMessageBytes) {
            tooLarge();
            return;
          }
          if (len == 0) {
            handle(buf, start, seg);
          } else {
            line = append(line, len, buf, start, seg);
            len += seg;
            handle(line, 0, len);
            len = 0;
          }
          start = i + 1;
        }
        int rest = n - start;
        if (rest > 0) {
          if (len + rest > maxMessageBytes) {
            tooLarge();
            return;
          }
          line = append(line, len, buf, start, rest);
          len += rest;
        }
      }
      if (len > 0) {
        handle(line, 0, len);
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "reading from " + sink.name() + " ended: " + e);
    }
    if (!closed.get()) {
      sink.closed(
          sink.failures().connection(sink.name(), "the server closed its output" + ended(), null));
    }
  }

  private static byte[] append(byte[] line, int len, byte[] src, int off, int n) {
    if (len + n > line.length) {
      line = Arrays.copyOf(line, Math.max(len + n, line.length * 2));
    }
    System.arraycopy(src, off, line, len, n);
    return line;
  }

  private void handle(byte[] b, int off, int len) {
    int end = off + len;
    while (end > off && (b[end - 1] == '\r' || b[end - 1] == ' ' || b[end - 1] == '\t')) {
      end--;
    }
    if (end == off) {
      return;
    }
    try {
      sink.message(Json.parse(b, off, end - off));
    } catch (JsonException e) {
      sink.malformed(excerpt(b, off, end - off), e.getMessage());
    }
  }

  private static String excerpt(byte[] b, int off, int len) {
    int n = Math.min(len, 200);
    return new String(b, off, n, StandardCharsets.UTF_8) + (n < len ? "..." : "");
  }

  private void tooLarge() {
    sink.closed(
        sink.failures()
            .limit(
                sink.name(),
                "the server sent a message of more than "
                    + maxMessageBytes
                    + " bytes (maxMessageBytes); the connection was closed",
                null));
    close();
  }

  private void readStderr() {
    byte[] buf = new byte[8192];
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    try (InputStream in = process.getErrorStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            if (pending.size() < STDERR_LINE_CHARS) {
              pending.write(buf, start, Math.min(i - start, STDERR_LINE_CHARS - pending.size()));
            }
            stderrLine(pending);
            start = i + 1;
          }
        }
        if (pending.size() < STDERR_LINE_CHARS) {
          pending.write(buf, start, Math.min(n - start, STDERR_LINE_CHARS - pending.size()));
        }
      }
      if (pending.size() > 0) {
        stderrLine(pending);
      }
    } catch (IOException e) {
      // the process ended; what it wrote stays
    }
  }

  private void stderrLine(ByteArrayOutputStream pending) {
    String s = pending.toString(StandardCharsets.UTF_8);
    pending.reset();
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    stderr.add(s);
    String line = s;
    LOG.log(Level.DEBUG, () -> sink.name() + " stderr: " + ServerText.neutral(line));
    try {
      stderrLines.accept(line);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a listener failed on a stderr line of " + sink.name(), e);
    }
  }

  /** Says how the process ended, waiting a moment for it, and what its stderr ended with. */
  private String ended() {
    Process p = process;
    try {
      if (p != null && p.waitFor(500, TimeUnit.MILLISECONDS)) {
        return " and exited with status " + p.exitValue() + stderrNote();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return stderrNote();
  }

  private String stderrNote() {
    String tail = stderr.text(2048);
    return tail.isEmpty() ? "" : "; its standard error ends with:\n" + tail;
  }

  @Override
  public String diagnostics() {
    Process p = process;
    String status = p != null && !p.isAlive() ? "; it exited with status " + p.exitValue() : "";
    return status + stderrNote();
  }

  /** Returns the end of what the server wrote to its standard error. */
  public String stderr() {
    return stderr.text(Integer.MAX_VALUE);
  }

  @Override
  public String describe() {
    String s = String.join(" ", command);
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  /**
   * Ends the server as the protocol says: closes its input, waits for it to exit, then ends it and
   * every process it started, forcibly at last.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Process p = process;
    if (p == null) {
      return;
    }
    List<ProcessHandle> children = p.descendants().toList();
    outbox.clear();
    outbox.offer(END);
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already closed by the writer
    }
    try {
      if (!p.waitFor(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(2, TimeUnit.SECONDS);
        }
      }
      for (ProcessHandle c : children) {
        if (c.isAlive()) {
          c.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    }
  }

  /** Keeps the last lines of a text, at most a given number of characters. */
  static final class Tail {
    private final int max;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int chars;

    Tail(int max) {
      this.max = max;
    }

    synchronized void add(String line) {
      if (max == 0) {
        return;
      }
      String l = line.length() > max ? line.substring(line.length() - max) : line;
      lines.addLast(l);
      chars += l.length() + 1;
      while (chars > max && lines.size() > 1) {
        chars -= lines.removeFirst().length() + 1;
      }
    }

    /** The last lines, at most {@code limit} characters of them. */
    synchronized String text(int limit) {
      String all = String.join("\n", lines);
      return all.length() <= limit ? all : "..." + all.substring(all.length() - limit);
    }
  }
}
