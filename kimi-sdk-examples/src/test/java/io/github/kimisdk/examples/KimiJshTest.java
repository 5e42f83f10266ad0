package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs kimi.jsh in the JDK's own jshell, as the README tells a user to, with the SDK's classes. */
@Tag("multiprocess") // runs the program as a process: mvn -B -P slow verify
class KimiJshTest {

  @Test
  void theScriptCreatesAnOfflineClientThatAnswers(@TempDir Path dir) throws Exception {
    Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
    Path script = Path.of("kimi.jsh").toAbsolutePath();
    assertThat(jshell).exists();
    assertThat(script).exists();
    String sdk = ChildProcess.path(ChildProcess.sdkLocation(), ChildProcess.testingLocation());
    Path session =
        Files.writeString(
            dir.resolve("session.jsh"),
            "var reply = ask(\"Hello from jshell\");\n"
                + "System.out.println(\"reply=\" + reply + \" finish=\" + last.finishReason());\n"
                + "ask(\"What is 2+2?\");\n"
                + "System.out.println(\"usage=\" + last.usage());\n"
                + "/exit\n");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    jshell.toString(),
                    "-R-Djava.awt.headless=true",
                    "--class-path",
                    sdk,
                    script.toString(),
                    session.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.txt").toFile());
    for (String v : ExampleSession.KEY_VARIABLES) {
      pb.environment().remove(v);
    }
    pb.environment().remove("KIMI_MODEL");
    Process p = pb.start();
    p.getOutputStream().close();
    boolean exited = p.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    String out = read(dir.resolve("out.txt"));
    assertThat(exited).as(out).isTrue();
    assertThat(out)
        .contains("kimi: no API key, so FakeKimiServer at http://127.0.0.1:")
        .contains("model kimi-k3. Try: ask(\"Hello\"), then last.usage()")
        .contains("You said: Hello from jshell\n")
        .contains("reply=You said: Hello from jshell finish=stop")
        .doesNotContain("Error")
        .doesNotContain("Exception");
    assertThat(p.exitValue()).as(out).isZero();
    // README's sample session shows what the script prints for this prompt
    Matcher usage = Pattern.compile("usage=(Usage\\[[^\n]*\\])").matcher(out);
    assertThat(usage.find()).as(out).isTrue();
    assertThat(ReadmeInStepTest.readme())
        .contains("jshell> last.usage()\n$")
        .contains(" ==> " + usage.group(1) + "\n");
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
