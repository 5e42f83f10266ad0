package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell command in README.md runs. Each {@code ```sh} block is run by {@code bash}, as
 * written, in README order, in a copy of the repository's sources (nothing built yet, no Kimi
 * variables in the environment, standard input empty), with this build's JDK, Maven and local
 * repository; a block must do what {@link #CHECKS} says, and each {@code exec:java} run must end
 * within 2 s of its last line of output. The {@code X} of the examples' run command is each program
 * of the README's table in turn.
 *
 * <p>A few blocks cannot run inside this build: {@code mvn -B verify} and {@code mvn -B -P slow
 * verify} are this build (this test runs in the second, being tagged {@code slow}), and {@code
 * install} writes to the shared local repository. {@code .ci/run} runs those, and this test checks
 * that it holds each of their lines. Blocks whose purpose is not their tests run with {@code
 * -DskipTests}, and blocks that only package classes for {@code java}, {@code jshell} or {@code
 * jlink} with {@code -Dmaven.javadoc.skip=true}: the verify blocks build and check the javadoc jar,
 * and the tests are this build's. Those extra arguments go into the copy's {@code
 * .mvn/maven.config}, never into the command.
 */
class ReadmeShellCommandsTest {

  static final Duration BLOCK_TIMEOUT = Duration.ofMinutes(15);
  static final Duration EXIT_AFTER_LAST_LINE = Duration.ofSeconds(2);
  static final String EXAMPLE =
      "mvn -B -q -pl kimi-sdk-examples -am compile exec:java"
          + " -Dexec.mainClass=io.github.kimisdk.examples.";
  static final String SKIP_TESTS = "-DskipTests";
  static final String SKIP_JAVADOC = "-Dmaven.javadoc.skip=true";

  /** What a block that ran must have done. */
  interface Verify {
    /**
     * Checks a run.
     *
     * @param run what the block printed
     * @param copy the copy of the repository it ran in
     */
    void check(Run run, Path copy) throws Exception;
  }

  /** How a block is checked: run here (with extra Maven arguments) or found in .ci/run. */
  record Check(String block, boolean inCi, List<String> mavenArgs, Verify verify) {

    static Check here(String block, Verify verify, String... mavenArgs) {
      return new Check(block, false, List.of(mavenArgs), verify);
    }

    static Check ci(String block) {
      return new Check(block, true, List.of(), (run, copy) -> {});
    }
  }

  /** What a block printed, and how long it took to exit after its last line. */
  record Run(String command, int status, String stdout, String stderr, long millisAfterLastLine) {

    String describe() {
      return command
          + "\nexit status "
          + status
          + "\n--- stdout ---\n"
          + stdout
          + "\n--- stderr ---\n"
          + stderr;
    }
  }

  static Verify prints(String... texts) {
    return (run, copy) -> assertThat(run.stdout()).as(run.describe()).contains(texts);
  }

  static final List<String> LIBRARY_JARS = List.of(".jar", "-sources.jar", "-javadoc.jar");

  static final String JLINK =
      "mvn -B -q -pl kimi-sdk-examples -am package -DskipTests\n"
          + "rm -rf kimi-sdk-examples/target/image   # jlink's --output must not exist yet\n"
          + "jlink --module-path kimi-sdk/target/kimi-sdk-0.1.0-SNAPSHOT.jar:"
          + "kimi-sdk-testing/target/kimi-sdk-testing-0.1.0-SNAPSHOT.jar:"
          + "kimi-sdk-examples/target/kimi-sdk-examples-0.1.0-SNAPSHOT.jar \\\n"
          + "  --add-modules io.github.kimisdk,io.github.kimisdk.testing,io.github.kimisdk.examples,"
          + "java.base,java.net.http,jdk.httpserver \\\n"
          + "  --strip-debug --no-header-files --no-man-pages --compress=2"
          + " --output kimi-sdk-examples/target/image   # zip-6 on JDK 21+\n"
          + "kimi-sdk-examples/target/image/bin/java"
          + " -m io.github.kimisdk.examples/io.github.kimisdk.examples.Quickstart";

  /**
   * The jlink block answers, leaves its image under the examples' {@code target/} (nothing new in
   * the repository's root), and runs again as it is, over the image of the first run.
   */
  static Verify jlinkTwiceOutsideTheSources() {
    String answer = "You said: In one sentence, what is a server-sent event?\n";
    return (run, copy) -> {
      assertThat(run.stdout()).as(run.describe()).contains(answer);
      assertThat(copy.resolve("kimi-sdk-examples/target/image/bin/java")).isRegularFile();
      assertThat(copy.resolve("image")).doesNotExist();
      Run again = run(copy, JLINK, System.getProperty("kimisdk.maven.home", ""));
      assertThat(again.status()).as("a second run\n" + again.describe()).isZero();
      assertThat(again.stdout()).as(again.describe()).contains(answer);
    };
  }

  /**
   * The kimi-sdk jars a verify builds (the test deletes them before a verify block), unsigned:
   * signing is off by default.
   */
  static Verify builtTheUnsignedLibraryJars() {
    return (run, copy) -> {
      Path target = copy.resolve("kimi-sdk/target");
      for (String suffix : LIBRARY_JARS) {
        Path jar = target.resolve("kimi-sdk-" + ReadmeInStepTest.projectVersion() + suffix);
        assertThat(jar).as(run.describe()).isRegularFile();
        assertThat(target.resolve(jar.getFileName() + ".asc")).doesNotExist();
      }
      try (Stream<Path> files = Files.list(target)) {
        assertThat(files.map(Path::toString)).noneMatch(f -> f.endsWith(".asc"));
      }
    };
  }

  static void deleteLibraryJars(Path copy) throws IOException {
    for (String suffix : LIBRARY_JARS) {
      Files.deleteIfExists(
          copy.resolve("kimi-sdk/target/kimi-sdk-" + ReadmeInStepTest.projectVersion() + suffix));
    }
  }

  static final List<Check> CHECKS =
      List.of(
          Check.here(
              "mvn -B -q -pl kimi-sdk-examples -am compile exec:java",
              prints(
                  "using FakeKimiServer at http://127.0.0.1:",
                  "You said: In one sentence, what is a server-sent event?\n",
                  "[request id] fake-")),
          Check.ci("mvn -B verify"),
          Check.ci("mvn -B -P slow verify"),
          Check.here("mvn -B -pl kimi-sdk -am verify", builtTheUnsignedLibraryJars(), SKIP_TESTS),
          Check.ci("mvn -B -pl kimi-sdk-testing -am install -DskipTests"),
          Check.ci(
              "mvn -B -pl kimi-sdk-testing -am install -DskipTests\n"
                  + "cd kimi-sdk-examples/standalone && mvn -B -q compile exec:java"),
          Check.here(
              "mvn -B -P release -pl kimi-sdk -am verify",
              builtTheUnsignedLibraryJars(),
              SKIP_TESTS),
          Check.here(
              "KIMI_PROTOCOL=anthropic mvn -B -q -pl kimi-sdk-examples -am compile exec:java",
              (run, copy) ->
                  assertThat(run.stdout())
                      .as(run.describe())
                      .containsPattern(
                          "using FakeKimiServer at http://127\\.0\\.0\\.1:\\d+/anthropic \\(")
                      .contains("You said: In one sentence, what is a server-sent event?\n")),
          Check.here(EXAMPLE + "ToolCalling", prints("[done] answered in 3 steps")),
          Check.here(
              EXAMPLE + "McpToolCalling",
              prints("MCP server notes 1.0", "notes_list -> 1. Buy milk", "[done] answered")),
          Check.here(
              EXAMPLE + "X",
              (run, copy) ->
                  assertThat(run.stdout() + run.stderr())
                      .as(run.describe())
                      .doesNotContain("\tat ")),
          Check.here(EXAMPLE + "KimiChat", prints("kimi-chat with", "Bye.\n")),
          Check.here(
              "mvn -B -q -pl kimi-sdk-examples -am package -DskipTests\n"
                  + "java --add-modules jdk.unsupported \\\n"
                  + "  -p kimi-sdk/target/kimi-sdk-0.1.0-SNAPSHOT.jar:"
                  + "kimi-sdk-testing/target/kimi-sdk-testing-0.1.0-SNAPSHOT.jar:"
                  + "kimi-sdk-examples/target/kimi-sdk-examples-0.1.0-SNAPSHOT.jar \\\n"
                  + "  -m io.github.kimisdk.examples/io.github.kimisdk.examples.KimiChat",
              // the banner offers Ctrl-C unless SIGINT is ignored here (a background job)
              prints(
                  "kimi-chat with kimi-k3. /help for commands"
                      + (Boolean.TRUE.equals(KimiChatStdinTest.sigintIgnoredHere())
                          ? ", Ctrl-D or /quit to leave."
                          : "; Ctrl-C stops a reply"),
                  "Bye.\n"),
              SKIP_JAVADOC),
          Check.here(
              "mvn -B -q -pl kimi-sdk-testing -am package -DskipTests\n"
                  + "jshell --class-path kimi-sdk/target/kimi-sdk-0.1.0-SNAPSHOT.jar:"
                  + "kimi-sdk-testing/target/kimi-sdk-testing-0.1.0-SNAPSHOT.jar"
                  + " kimi-sdk-examples/kimi.jsh",
              prints(
                  "kimi: no API key, so FakeKimiServer at http://127.0.0.1:",
                  "Try: ask(\"Hello\"), then last.usage()"),
              SKIP_JAVADOC),
          Check.here(
              "mvn -B -q -pl kimi-sdk-examples -am package -DskipTests\n"
                  + "java -Djava.util.logging.config.file=kimi-sdk-examples/logging.properties \\\n"
                  + "  -p kimi-sdk/target/kimi-sdk-0.1.0-SNAPSHOT.jar:"
                  + "kimi-sdk-testing/target/kimi-sdk-testing-0.1.0-SNAPSHOT.jar:"
                  + "kimi-sdk-examples/target/kimi-sdk-examples-0.1.0-SNAPSHOT.jar \\\n"
                  + "  -m io.github.kimisdk.examples/io.github.kimisdk.examples.Quickstart",
              (run, copy) -> {
                assertThat(run.stdout()).as(run.describe()).contains("You said: In one sentence");
                assertThat(run.stderr())
                    .as(run.describe())
                    .containsPattern(
                        "FINE: POST http://127\\.0\\.0\\.1:\\d+/v1/chat/completions attempt 1 ->"
                            + " HTTP 200 request-id=fake-");
              },
              SKIP_JAVADOC),
          Check.here(JLINK, jlinkTwiceOutsideTheSources(), SKIP_JAVADOC));

  /** One {@code ```sh} block of the README, with the line it starts on. */
  record Block(int line, String text) {}

  static List<Block> shellBlocks() throws IOException {
    List<String> markdown = Files.readAllLines(ReadmeSnippetsTest.README, StandardCharsets.UTF_8);
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < markdown.size(); i++) {
      if (!markdown.get(i).strip().startsWith("```")) {
        continue;
      }
      String language = markdown.get(i).strip().substring(3);
      int end = i + 1;
      while (end < markdown.size() && !markdown.get(end).strip().equals("```")) {
        end++;
      }
      assertThat(end)
          .as("README.md:%d: the block is never closed", i + 1)
          .isLessThan(markdown.size());
      if (language.equals("sh")) {
        out.add(new Block(i + 2, String.join("\n", markdown.subList(i + 1, end))));
      }
      i = end;
    }
    return out;
  }

  static Check checkOf(Block block) {
    return CHECKS.stream()
        .filter(c -> c.block().equals(block.text()))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "README.md:"
                        + block.line()
                        + ": a shell block ReadmeShellCommandsTest does not know; add it to"
                        + " CHECKS with what it must do:\n"
                        + block.text()));
  }

  @Test
  void everyFencedBlockSaysWhatItHoldsAndEveryShellBlockIsChecked() throws IOException {
    List<String> markdown = Files.readAllLines(ReadmeSnippetsTest.README, StandardCharsets.UTF_8);
    List<String> untagged = new ArrayList<>();
    boolean inside = false;
    for (int i = 0; i < markdown.size(); i++) {
      String l = markdown.get(i).strip();
      if (!inside && l.startsWith("```")) {
        inside = true;
        if (l.equals("```")) {
          untagged.add("README.md:" + (i + 1));
        }
      } else if (inside && l.equals("```")) {
        inside = false;
      }
    }
    assertThat(untagged)
        .as("code blocks without a language (sh, text, java, xml, kotlin, properties)")
        .isEmpty();
    List<String> texts = shellBlocks().stream().map(Block::text).toList();
    for (Block b : shellBlocks()) {
      checkOf(b);
    }
    assertThat(CHECKS)
        .as("checks whose block is no longer in README.md")
        .allSatisfy(c -> assertThat(texts).contains(c.block()));
  }

  @Test
  void ciRunsTheBlocksThatCannotRunInsideTheBuild() throws IOException {
    String ci = Files.readString(ReadmeInStepTest.ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
    List<String> ciLines = ci.lines().filter(l -> !l.strip().startsWith("#")).toList();
    for (Check c : CHECKS) {
      if (c.inCi()) {
        for (String command : c.block().split("\n")) {
          assertThat(ciLines)
              .as(".ci/run runs " + command)
              .anySatisfy(l -> assertThat(l).contains(command));
        }
      }
    }
  }

  @TestFactory
  @Tag("slow") // some 30 nested Maven builds: mvn -B -P slow verify
  Stream<DynamicTest> everyShellBlockRunsInACopyOfTheRepository(@TempDir Path copy)
      throws IOException {
    String mavenHome = System.getProperty("kimisdk.maven.home", "");
    assumeTrue(!mavenHome.isEmpty(), "run by Maven, which passes kimisdk.maven.home");
    copySources(copy);
    List<DynamicTest> tests = new ArrayList<>();
    for (Block block : shellBlocks()) {
      Check check = checkOf(block);
      if (check.inCi()) {
        continue;
      }
      List<String> commands =
          block.text().equals(EXAMPLE + "X")
              ? examplesInTheTable().stream().map(x -> EXAMPLE + x).toList()
              : List.of(block.text());
      for (String command : commands) {
        tests.add(
            DynamicTest.dynamicTest(
                "README.md:" + block.line() + ": " + command.lines().findFirst().orElse(""),
                () -> {
                  mavenConfig(copy, check.mavenArgs());
                  if (command.contains(" verify")) {
                    deleteLibraryJars(copy);
                  }
                  Run run = run(copy, command, mavenHome);
                  assertThat(run.status()).as(run.describe()).isZero();
                  // every block runs Maven with -B: piped, its output has no terminal escapes
                  // (Debian's Maven 3.8.7 printed jansi's resets until .mvn/jvm.config said
                  // -Djansi.noreset=true)
                  assertThat(run.stdout() + run.stderr())
                      .as("terminal escapes in\n" + run.describe())
                      .doesNotContain("\u001b[");
                  check.verify().check(run, copy);
                  if (command.contains("exec:java")) {
                    assertThat(run.millisAfterLastLine())
                        .as("ms from the last line of output to the end of\n" + run.describe())
                        .isLessThanOrEqualTo(EXIT_AFTER_LAST_LINE.toMillis());
                  }
                }));
      }
    }
    return tests.stream();
  }

  /** The programs of the README's examples table, in its order. */
  static List<String> examplesInTheTable() throws IOException {
    String readme = ReadmeInStepTest.readme();
    String section = readme.substring(readme.indexOf("\n## Examples\n"));
    section = section.substring(0, section.indexOf("\n## ", 1));
    List<String> out = new ArrayList<>();
    Matcher row = Pattern.compile("\n\\| `([A-Za-z]+)` \\|").matcher(section);
    while (row.find()) {
      if (!row.group(1).equals("X")) { // the header
        out.add(row.group(1));
      }
    }
    assertThat(out).hasSizeGreaterThanOrEqualTo(14);
    return out;
  }

  /** What the README's commands need: the poms, .mvn, and the modules' main sources. */
  static void copySources(Path copy) throws IOException {
    Path root = ReadmeInStepTest.ROOT;
    Files.copy(root.resolve("pom.xml"), copy.resolve("pom.xml"));
    copyTree(root.resolve(".mvn"), copy.resolve(".mvn"));
    for (String module :
        List.of("kimi-sdk", "kimi-sdk-testing", "kimi-sdk-examples", "benchmarks")) {
      Files.createDirectories(copy.resolve(module));
      Files.copy(root.resolve(module).resolve("pom.xml"), copy.resolve(module).resolve("pom.xml"));
    }
    copyTree(root.resolve("kimi-sdk/src/main"), copy.resolve("kimi-sdk/src/main"));
    copyTree(root.resolve("kimi-sdk-testing/src/main"), copy.resolve("kimi-sdk-testing/src/main"));
    copyTree(
        root.resolve("kimi-sdk-examples/src/main"), copy.resolve("kimi-sdk-examples/src/main"));
    for (String file : List.of("kimi.jsh", "logging.properties")) {
      Files.copy(
          root.resolve("kimi-sdk-examples").resolve(file),
          copy.resolve("kimi-sdk-examples").resolve(file));
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** This build's local repository and offline setting, plus a block's extra arguments. */
  static void mavenConfig(Path copy, List<String> extra) throws IOException {
    List<String> args = new ArrayList<>();
    String repo = System.getProperty("kimisdk.maven.repo.local", "");
    if (!repo.isEmpty()) {
      args.add("-Dmaven.repo.local=" + repo);
    }
    if ("offline=true".equals(System.getProperty("kimisdk.maven.offline"))) {
      args.add("-o");
    }
    args.addAll(extra);
    Files.write(copy.resolve(".mvn/maven.config"), args);
  }

  /**
   * Runs {@code script} with {@code bash -e} in {@code dir}, with this JDK and Maven first on the
   * PATH and no Kimi variables, and times the end against the last line of output that is more than
   * terminal escapes.
   */
  static Run run(Path dir, String script, String mavenHome)
      throws IOException, InterruptedException {
    Path err = Files.createTempFile("readme-block", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectError(err.toFile());
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(k -> k.startsWith("MOONSHOT_") || k.startsWith("KIMI_"));
      String javaHome = System.getProperty("java.home");
      env.put("JAVA_HOME", javaHome);
      env.put(
          "PATH",
          Path.of(javaHome, "bin")
              + File.pathSeparator
              + Path.of(mavenHome, "bin")
              + File.pathSeparator
              + env.getOrDefault("PATH", ""));
      Process process = builder.start();
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      AtomicLong lastLine = new AtomicLong(System.nanoTime());
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l = in.readLine(); l != null; l = in.readLine()) {
                    lines.add(l);
                    if (!l.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").isBlank()) {
                      lastLine.set(System.nanoTime());
                    }
                  }
                } catch (IOException e) {
                  lines.add("(reading the output failed: " + e + ")");
                }
              },
              "readme-block-output");
      reader.setDaemon(true);
      reader.start();
      boolean ended = process.waitFor(BLOCK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      long end = System.nanoTime();
      if (!ended) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
      String stdout = String.join("\n", lines) + "\n";
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertThat(ended)
          .as("timed out after %s: %s\n%s%s", BLOCK_TIMEOUT, script, stdout, stderr)
          .isTrue();
      return new Run(
          script,
          process.exitValue(),
          stdout,
          stderr,
          TimeUnit.NANOSECONDS.toMillis(end - lastLine.get()));
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
