package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.testing.FakeKimiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kimi-sdk-hostcheck's jar as a user runs it (docs/hosts.md): copied into one directory with the
 * core's jar, {@code java -jar kimi-sdk-hostcheck-VERSION.jar verify ...}, its manifest naming the
 * command and the core's jar beside it. The command's reports are kimi-sdk-hostcheck's {@code
 * VerifyCommandHttpTest}; here, the jar.
 */
class HostCheckJarTest {

  @Test
  @Tag("multiprocess") // runs the jar as a program: mvn -B -P slow verify
  void theJarRunsTheCheckAsAProgramWithTheCoresJarBesideIt(@TempDir Path dir) throws Exception {
    Path sdk = jar("kimisdk.sdkJar");
    Path check = jar("kimisdk.hostcheckJar");
    Files.copy(sdk, dir.resolve(sdk.getFileName()));
    Path copied = Files.copy(check, dir.resolve(check.getFileName()));
    try (FakeKimiServer vllm =
        new FakeKimiServer().dialect("vllm").misconfigure("ignores-thinking-switch").start()) {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process p =
          new ProcessBuilder(
                  java.toString(),
                  "-jar",
                  copied.toString(),
                  "verify",
                  "--host",
                  "vllm",
                  "--base-url",
                  vllm.baseUrl(),
                  "--model",
                  "kimi-k3")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
      assertThat(p.exitValue()).as(output).isEqualTo(1);
      assertThat(output)
          .contains("  FAILED   thinking off     thinking off still brought reasoning")
          .contains("fix: the server's chat template ignores chat_template_kwargs.thinking")
          .endsWith("1 of 8 checks failed.\n");
    }
  }

  /** A jar Maven names in a system property; assumed built (run by Maven, after its module). */
  private static Path jar(String property) throws IOException {
    String path = System.getProperty(property, "");
    assumeTrue(!path.isEmpty(), "run by Maven, which passes the jars' paths");
    Path jar = Path.of(path);
    assumeTrue(Files.isRegularFile(jar), "the jar is packaged: " + jar);
    return jar;
  }
}
