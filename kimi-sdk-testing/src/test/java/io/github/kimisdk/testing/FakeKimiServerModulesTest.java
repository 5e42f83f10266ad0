package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import java.io.File;
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
 * kimi-sdk-testing in the ways a program loads it, each in a child JVM running a small program (the
 * JDK's source launcher) with the observable JDK modules limited: on the module path, where the
 * module {@code io.github.kimisdk.testing} requires {@code jdk.httpserver}, so the program need not
 * name it, and on the class path, where {@link FakeKimiServer#start()} in a runtime without it says
 * what to add instead of a bare {@code NoClassDefFoundError}.
 */
@Tag("multiprocess") // runs the module in child JVMs: mvn -B -P slow verify
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

  /** What the source launcher itself needs: javac, and the zip file system to read jars. */
  static final String LAUNCHER = ",jdk.compiler,jdk.zipfs";

  @TempDir Path dir;

  /** Where a class was loaded from: a jar, or a directory of classes. */
  static Path location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** What a child JVM printed, and its exit status. */
  record Run(int status, String output) {}

  /** Runs the probe with these JDK modules observable and the SDK's two jars on {@code path}. */
  Run probe(String jdkModules, String pathOption) throws Exception {
    Path source = Files.writeString(dir.resolve("Probe.java"), PROBE);
    String path = location(KimiClient.class) + File.pathSeparator + location(FakeKimiServer.class);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    if (pathOption.equals("--module-path")) {
      command.addAll(
          List.of(
              "--limit-modules",
              jdkModules + LAUNCHER + ",io.github.kimisdk,io.github.kimisdk.testing"));
      command.addAll(List.of("--module-path", path, "--add-modules", "io.github.kimisdk.testing"));
    } else {
      command.addAll(List.of("--limit-modules", jdkModules + LAUNCHER));
      command.addAll(List.of("--class-path", path));
    }
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
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  @Test
  void onTheModulePathTheModuleBringsTheJdkHttpServerUnasked() throws Exception {
    // jdk.httpserver is not among the modules named, but io.github.kimisdk.testing requires it
    Run run = probe("java.base,java.net.http", "--module-path");
    assertThat(run.status()).as(run.output()).isZero();
    assertThat(run.output()).as(run.output()).startsWith("started http://127.0.0.1:");
  }

  @Test
  void onTheClassPathWithoutTheJdkHttpServerStartSaysWhatToAdd() throws Exception {
    Run run = probe("java.base,java.net.http", "--class-path");
    assertThat(run.status()).as(run.output()).isZero();
    assertThat(run.output())
        .startsWith("java.lang.IllegalStateException: FakeKimiServer needs the JDK module")
        .contains("run with --add-modules jdk.httpserver")
        .doesNotContain("NoClassDefFoundError");
  }

  @Test
  void onTheClassPathWithTheJdkHttpServerTheSameProgramStarts() throws Exception {
    Run run = probe("java.base,java.net.http,jdk.httpserver", "--class-path");
    assertThat(run.status()).as(run.output()).isZero();
    assertThat(run.output()).startsWith("started http://127.0.0.1:");
  }
}
