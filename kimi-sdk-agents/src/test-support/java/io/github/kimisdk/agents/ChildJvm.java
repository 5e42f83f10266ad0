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

/**
 * A program of the tests run in a JVM of its own, on the tests' class path (kimi-sdk-agents' and
 * kimi-sdk-redis' tests, which compile this folder).
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code main} with {@code args} and returns what it printed; with {@code killAtPoint},
   * kills it with SIGKILL once it prints a line starting with {@code KILL-POINT}.
   */
  public static List<String> run(Class<?> main, List<String> args, boolean killAtPoint)
      throws Exception {
    return run(main, args, killAtPoint ? "KILL-POINT" : null, true);
  }

  /**
   * Runs {@code main} with {@code args} and returns what it printed; once it prints a line starting
   * with {@code stopAt} (null: never), stops it: with SIGKILL where {@code kill} (no shutdown hook
   * runs), else with SIGTERM (the JVM's shutdown hooks run).
   */
  public static List<String> run(Class<?> main, List<String> args, String stopAt, boolean kill)
      throws Exception {
    return run(main, args, stopAt, 1, kill);
  }

  /**
   * The same, stopping it once it printed {@code times} lines starting with {@code stopAt}.
   *
   * @throws Exception when it cannot be started, or has not ended two minutes after it was stopped
   *     or its output ended
   */
  public static List<String> run(
      Class<?> main, List<String> args, String stopAt, int times, boolean kill) throws Exception {
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
      int seen = 0;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        if (stopAt != null && line.startsWith(stopAt) && ++seen == times) {
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
  public static String result(List<String> out) {
    for (int i = out.size() - 1; i >= 0; i--) {
      if (out.get(i).startsWith("RESULT ")) {
        return out.get(i).substring(7);
      }
    }
    return "no RESULT: " + out;
  }
}
