package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program of the tests run in a JVM of its own, on the tests' class path. */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code main} with {@code args} and returns what it printed; with {@code killAtPoint},
   * kills it with SIGKILL once it prints a line starting with {@code KILL-POINT}.
   */
  static List<String> run(Class<?> main, List<String> args, boolean killAtPoint) throws Exception {
    return run(main, args, killAtPoint ? "KILL-POINT" : null, true);
  }

  /**
   * Runs {@code main} with {@code args} and returns what it printed; once it prints a line starting
   * with {@code stopAt} (null: never), stops it: with SIGKILL where {@code kill} (no shutdown hook
   * runs), else with SIGTERM (the JVM's shutdown hooks run).
   */
  static List<String> run(Class<?> main, List<String> args, String stopAt, boolean kill)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xshare:auto");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        if (stopAt != null && line.startsWith(stopAt)) {
          if (kill) {
            p.destroyForcibly(); // SIGKILL
          } else {
            p.destroy(); // SIGTERM
          }
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly(); // its output could not be read: it is not left running
      throw e;
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS))
        .as("%s %s ended", main.getSimpleName(), args)
        .isTrue();
    return lines;
  }

  /** The text after {@code RESULT } of the last such line a program printed. */
  static String result(List<String> out) {
    for (int i = out.size() - 1; i >= 0; i--) {
      if (out.get(i).startsWith("RESULT ")) {
        return out.get(i).substring(7);
      }
    }
    return "no RESULT: " + out;
  }
}
