package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.chat.Conversation;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code kimi-chat} as a user would, in its own JVM with no key in the environment: typed
 * lines on its standard input, a real SIGINT (Ctrl-C) between replies, and end of input to leave.
 *
 * <p>A process can start with SIGINT ignored, and then so does every process it starts: a
 * background job of a non-interactive shell ({@code mvn -B verify > log 2>&1 &} in a script) is
 * one. Ctrl-C cannot reach kimi-chat there, so it must not offer it; the test that sends one is
 * skipped, saying why, and another test ignores SIGINT on purpose to check that kimi-chat says
 * nothing of Ctrl-C then.
 */
@Tag("multiprocess") // runs the program as a process: mvn -B -P slow verify
class KimiChatStdinTest {

  static final String BANNER_END = ", Ctrl-D or /quit to leave.\nyou> ";
  static final String OFFER = "; Ctrl-C stops a reply";

  /**
   * Tells whether SIGINT is ignored in this JVM's process, which the children it starts inherit:
   * from the {@code SigIgn} mask of {@code /proc/self/status} (signal 2 is its bit 1); null where
   * that cannot be read.
   */
  static Boolean sigintIgnoredHere() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0x2) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: unknown
    }
    return null;
  }

  /**
   * Starts kimi-chat in {@code dir}, through {@code sh -c 'trap "" INT; exec java ...'} if asked.
   */
  static Process start(Path dir, boolean ignoreSigint) throws Exception {
    List<String> java =
        List.of(
            ChildProcess.jdkTool("java").toString(),
            "-XX:+UseSerialGC",
            "--class-path",
            ChildProcess.path(
                ChildProcess.sdkLocation(),
                ChildProcess.testingLocation(),
                ChildProcess.examplesLocation()),
            "io.github.kimisdk.examples.KimiChat");
    List<String> command = new ArrayList<>();
    if (ignoreSigint) {
      // sh ignores SIGINT, and exec keeps an ignored signal ignored: as a background job would
      command.addAll(List.of("/bin/sh", "-c", "trap '' INT; exec \"$0\" \"$@\""));
    }
    command.addAll(java);
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("MOONSHOT_") || k.startsWith("KIMI_"));
    return pb.start();
  }

  static void sendCtrlC(Process p) throws Exception {
    assertThat(new ProcessBuilder("/bin/kill", "-INT", String.valueOf(p.pid())).start().waitFor())
        .isZero();
  }

  @Test
  void aWholeSessionThroughStandardInput(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("chat.json");
    Process p = start(dir, false);
    Output out = new Output(p.getInputStream());
    try (OutputStream in = p.getOutputStream()) {
      out.await(BANNER_END);
      Boolean ignored = sigintIgnoredHere();
      if (ignored != null) {
        assertThat(out.text())
            .as(
                "kimi-chat offers Ctrl-C exactly when SIGINT is not ignored (it is%s here)",
                ignored ? "" : " not")
            .contains(
                "kimi-chat with kimi-k3. /help for commands" + (ignored ? "" : OFFER) + BANNER_END);
      }
      type(
          in,
          "Hello",
          "/model kimi-k2.7-code",
          "/system Answer in French.",
          "/thinking on",
          "How are you?",
          "/usage",
          "/save " + file,
          "/clear",
          "/load " + file,
          "/thinking off",
          "And now?",
          "/usage");
    } // end of input: Ctrl-D
    assertThat(p.waitFor(LaunchModesTest.TIMEOUT.toMinutes(), TimeUnit.MINUTES)).isTrue();
    String text = out.text();
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text)
        .as(text)
        .contains("No API key in MOONSHOT_API_KEY, KIMI_API_KEY, KIMI_CODING_API_KEY")
        .contains("kimi-chat with kimi-k3.")
        .contains("you> kimi> You said: Hello\n")
        .contains("Model set to kimi-k2.7-code.")
        .contains("System prompt set.")
        .contains("Thinking on.")
        .contains(
            "kimi> (thinking) The user wrote \"How are you?\". I will repeat it back.\n"
                + "kimi> You said: How are you?\n")
        .containsPattern("Last reply: \\d+ prompt \\+ \\d+ completion \\(\\d+ reasoning\\)")
        .containsPattern("This session: \\d+ prompt \\+ \\d+ completion \\(\\d+ reasoning\\)")
        .contains("Conversation: 5 messages, id ")
        .contains("Saved 5 messages to " + file + ".")
        .contains("Conversation cleared.")
        .contains("Loaded 5 messages from " + file)
        .contains("system prompt \"Answer in French.\"")
        .contains("Thinking off.")
        .contains("kimi> You said: And now?\n")
        .contains("Conversation: 7 messages, id ")
        .endsWith("you> \nBye.\n");
    assertThat(Conversation.load(file).messages())
        .extracting(m -> m.role())
        .containsExactly("system", "user", "assistant", "user", "assistant");
  }

  @Test
  void ctrlCBetweenRepliesSaysHowToLeaveAndStays(@TempDir Path dir) throws Exception {
    assumeTrue(new File("/bin/kill").canExecute(), "needs /bin/kill to send Ctrl-C (SIGINT)");
    assumeFalse(
        Boolean.TRUE.equals(sigintIgnoredHere()),
        "SIGINT is ignored in this process (a background job of a non-interactive shell, or"
            + " nohup, starts so), and every process it starts inherits that: Ctrl-C cannot reach"
            + " kimi-chat here, which rightly does not offer it");
    Process p = start(dir, false);
    Output out = new Output(p.getInputStream());
    try (OutputStream in = p.getOutputStream()) {
      out.await(OFFER + BANNER_END);
      sendCtrlC(p);
      out.await("(no reply to stop: /quit or Ctrl-D leaves)");
      type(in, "Hello", "/help");
      out.await("/quit              leave (or Ctrl-D)" + OFFER);
    }
    assertThat(p.waitFor(LaunchModesTest.TIMEOUT.toMinutes(), TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out.text()).isZero();
    assertThat(out.text()).contains("kimi> You said: Hello\n").endsWith("you> \nBye.\n");
  }

  @Test
  void withSigintIgnoredCtrlCIsNotOfferedAndChangesNothing(@TempDir Path dir) throws Exception {
    assumeTrue(new File("/bin/kill").canExecute(), "needs /bin/kill to send Ctrl-C (SIGINT)");
    assumeTrue(
        new File("/bin/sh").canExecute(), "needs /bin/sh to start kimi-chat ignoring SIGINT");
    Process p = start(dir, true);
    Output out = new Output(p.getInputStream());
    try (OutputStream in = p.getOutputStream()) {
      out.await("kimi-chat with kimi-k3. /help for commands" + BANNER_END);
      sendCtrlC(p); // ignored: discarded when sent, so it has done nothing once kill returns
      type(in, "/help", "Hello");
      out.await("kimi> You said: Hello\n");
    }
    assertThat(p.waitFor(LaunchModesTest.TIMEOUT.toMinutes(), TimeUnit.MINUTES)).isTrue();
    String text = out.text();
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text)
        .as(text)
        .contains("  /quit              leave (or Ctrl-D)\n")
        .doesNotContain("Ctrl-C")
        .doesNotContain("no reply to stop")
        .endsWith("you> \nBye.\n");
  }

  private static void type(OutputStream in, String... lines) throws IOException {
    for (String line : lines) {
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    in.flush();
  }

  /** Collects a child's output on a thread, so the test can wait for a prompt. */
  private static final class Output {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Output(InputStream from) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[4096];
                try {
                  for (int n; (n = from.read(buf)) > 0; ) {
                    synchronized (bytes) {
                      bytes.write(buf, 0, n);
                      bytes.notifyAll();
                    }
                  }
                } catch (IOException e) {
                  // the child ended
                }
              },
              "kimi-chat-output");
      t.setDaemon(true);
      t.start();
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }

    void await(String expected) throws InterruptedException {
      long deadline = System.nanoTime() + LaunchModesTest.TIMEOUT.toNanos();
      synchronized (bytes) {
        while (!bytes.toString(StandardCharsets.UTF_8).contains(expected)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("never printed " + List.of(expected) + ":\n" + text());
          }
          bytes.wait(Math.max(1, left / 1_000_000));
        }
      }
    }
  }
}
