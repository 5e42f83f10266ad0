package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.chat.Conversation;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code kimi-chat} as a user would, in its own JVM with no key in the environment: typed
 * lines on its standard input, a real SIGINT (Ctrl-C) between replies, and end of input to leave.
 */
class KimiChatStdinTest {

  @Test
  void aWholeSessionThroughStandardInput(@TempDir Path dir) throws Exception {
    assumeTrue(new File("/bin/kill").canExecute(), "needs /bin/kill to send Ctrl-C (SIGINT)");
    Path file = dir.resolve("chat.json");
    ProcessBuilder pb =
        new ProcessBuilder(
                ChildProcess.jdkTool("java").toString(),
                "-XX:+UseSerialGC",
                "--class-path",
                ChildProcess.path(ChildProcess.sdkLocation(), ChildProcess.examplesLocation()),
                "io.github.kimisdk.examples.KimiChat")
            .directory(dir.toFile())
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("MOONSHOT_") || k.startsWith("KIMI_"));
    Process p = pb.start();
    Output out = new Output(p.getInputStream());
    try (OutputStream in = p.getOutputStream()) {
      out.await("Ctrl-C stops a reply, Ctrl-D or /quit to leave.\nyou> ");
      // Ctrl-C with no reply streaming: the chat says how to leave, and stays.
      new ProcessBuilder("/bin/kill", "-INT", String.valueOf(p.pid())).start().waitFor();
      out.await("(no reply to stop: /quit or Ctrl-D leaves)");
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
