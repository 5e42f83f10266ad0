package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FakeKimiServer#start()} in a runtime without the {@code jdk.httpserver} module (the SDK
 * only {@code requires static} it) says what to add, instead of a bare {@code
 * NoClassDefFoundError}. Each case runs a small program in a child JVM (the JDK's source launcher)
 * with the SDK on the module path and the observable modules limited.
 */
class FakeKimiServerModulesTest {

  static final String PROBE =
      """
      public class Probe {
        public static void main(String[] args) {
          try (var server = new io.github.kimisdk.testing.FakeKimiServer()) {
            server.start();
            System.out.println("started " + server.baseUrl());
          } catch (RuntimeException | LinkageError e) {
            System.out.println(e);
          }
        }
      }
      """;

  @TempDir Path dir;

  /** Runs the probe with these JDK modules observable (and the SDK), returning what it printed. */
  String probe(String jdkModules) throws Exception {
    Path source = Files.writeString(dir.resolve("Probe.java"), PROBE);
    Path sdk =
        Path.of(FakeKimiServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("--limit-modules", jdkModules + ",jdk.compiler,io.github.kimisdk"));
    command.addAll(List.of("--module-path", sdk.toString()));
    command.addAll(List.of("--add-modules", "io.github.kimisdk"));
    command.add(source.toString());
    Path out = dir.resolve("out.txt");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("the probe did not end: " + command);
    }
    String printed = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(printed).isZero();
    return printed;
  }

  @Test
  void withoutTheModuleStartSaysToRequireIt() throws Exception {
    assertThat(probe("java.base,java.net.http"))
        .startsWith("java.lang.IllegalStateException: FakeKimiServer needs the module")
        .contains("add `requires jdk.httpserver;` to your module-info.java")
        .doesNotContain("NoClassDefFoundError");
  }

  @Test
  void withTheModuleTheSameProgramStarts() throws Exception {
    assertThat(probe("java.base,java.net.http,jdk.httpserver"))
        .doesNotContain("needs the module")
        .startsWith("started http://127.0.0.1:");
  }
}
