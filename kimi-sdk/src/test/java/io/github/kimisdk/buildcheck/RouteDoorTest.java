package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's routing keeps a small door and small files: {@code scripts/route-door.sh} counts the
 * distinct methods of a call's {@code Route} that production code outside {@code internal/route}
 * names (the retrier and the attempts that ask it), which may not grow past {@link #DOOR}; no file
 * of {@code internal/route} may pass {@link #MAX_LINES} lines. A change that needs another door
 * method raises {@link #DOOR} in the same commit, where a reviewer sees it. Issue 104's goals: at
 * most 8 door methods (there were 11), no file over 500 lines (Route.java had 554). The tests that
 * run the script start a process, so they are tagged {@code multiprocess} and run in {@code mvn -B
 * -P slow verify}; the files' lines are counted in the default suite.
 */
class RouteDoorTest {

  /** The most distinct methods of Route named outside its package. */
  static final int DOOR = 7;

  /** The most lines of a source file of internal/route, as wc -l counts them. */
  static final int MAX_LINES = 500;

  private static final String PACKAGE = "kimi-sdk/src/main/java/io/github/kimisdk/internal/route";

  @Test
  @Tag("multiprocess") // runs scripts/route-door.sh
  void theRouteDoorDoesNotGrow() throws Exception {
    String out = run(Compat.root(), "--count");
    assertThat(Integer.parseInt(out))
        .as(
            "distinct methods of Route named outside internal/route (scripts/route-door.sh lists"
                + " them); it was %d",
            DOOR)
        .isLessThanOrEqualTo(DOOR);
  }

  @Test
  void noFileOfTheRoutePackageIsLong() throws Exception {
    Map<String, Long> lines = new TreeMap<>();
    try (Stream<Path> files = Files.list(Compat.root().resolve(PACKAGE))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        lines.put(f.getFileName().toString(), newlines(f));
      }
    }
    assertThat(lines).as("the route package's files").containsKey("Route.java");
    assertThat(lines)
        .as("lines of each file of %s (one concern per file: move one out)", PACKAGE)
        .allSatisfy((file, n) -> assertThat(n).as(file).isLessThanOrEqualTo(MAX_LINES));
  }

  @Test
  @Tag("multiprocess") // runs scripts/route-door.sh
  void theScriptCountsWhatIsNamedOnARouteOutsideItsPackage(@TempDir Path dir) throws Exception {
    write(
        dir.resolve(PACKAGE + "/Route.java"),
        "package p;",
        "public final class Route {",
        "  public Where next(Consumer<Move> tell) { return null; }",
        "  public void record(Outcome what) {}",
        "  public Report report() { return null; }",
        "  public Runnable hedge(Duration after) { return null; }",
        "  private boolean skips(int t) { return false; }",
        "  @Override",
        "  public String toString() { return \"Route\"; }",
        "}");
    write(
        dir.resolve(PACKAGE + "/Router.java"),
        "class Router { Route route; void f() { route.skips(1); route.hedge(null); } }");
    write(
        dir.resolve("kimi-sdk/src/main/java/io/github/kimisdk/internal/chain/State.java"),
        "class State { final Route route; Router router; }");
    write(
        dir.resolve("kimi-sdk/src/main/java/io/github/kimisdk/internal/chain/Retrier.java"),
        "class Retrier {",
        "  void f(State st, Route r) {",
        "    st.route.next(m -> {});",
        "    st.route . record(Outcome.ENDED);",
        "    Runnable x = r::report;",
        "    st.router.hedge(null); // a Router's, not a Route's",
        "    next(); // its own",
        "    log(st.route.toString()); // Object's",
        "  }",
        "}");
    write(
        dir.resolve("kimi-sdk/src/main/java/io/github/kimisdk/internal/chain/Other.java"),
        "class Other { void g(Thing r) { r.hedge(null); } } // a Thing's: r is no Route here");
    write(
        dir.resolve("kimi-sdk/src/test/java/io/github/kimisdk/internal/chain/RetrierTest.java"),
        "class RetrierTest { Route route; void t() { route.hedge(null); } } // a test's");

    assertThat(run(dir, "")).isEqualTo("next\nrecord\nreport\ndoor methods: 3");
    assertThat(run(dir, "--count")).isEqualTo("3");
  }

  @Test
  @Tag("multiprocess") // runs scripts/route-door.sh
  void theScriptRefusesATreeWithoutARoute(@TempDir Path dir) throws Exception {
    Process p = start(dir, "--count");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("no " + PACKAGE + "/Route.java");
  }

  private static String run(Path root, String arg) throws Exception {
    Process p = start(root, arg);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script ended").isTrue();
    assertThat(p.exitValue()).as("scripts/route-door.sh %s said: %s", arg, out).isZero();
    return out;
  }

  private static Process start(Path root, String arg) throws Exception {
    Path script = Compat.root().resolve("scripts/route-door.sh");
    List<String> command =
        arg.isEmpty()
            ? List.of("bash", script.toString())
            : List.of("bash", script.toString(), arg);
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().put("ROUTE_DOOR_ROOT", root.toString());
    return b.start();
  }

  private static long newlines(Path f) throws IOException {
    byte[] bytes = Files.readAllBytes(f);
    long n = 0;
    for (byte c : bytes) {
      if (c == '\n') {
        n++;
      }
    }
    return n;
  }

  private static void write(Path file, String... lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n");
  }
}
