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
 * Every shell command of README.md and the guides ({@link Docs#pages()}) runs. Each {@code ```sh}
 * block is run by {@code bash}, as written, in page order, in a copy of the repository's sources
 * (nothing built yet, no Kimi variables in the environment, standard input empty), with this
 * build's JDK, Maven and local repository; a block must do what {@link #CHECKS} says, and each
 * {@code exec:java} run must end within 2 s of its last line of output. The {@code X} of the
 * examples' run command is each program of the examples' table (docs/examples.md) in turn, and each
 * example run is checked for which program answered (a line only that program prints, {@link
 * #ANSWERED_BY}). Run commands documented elsewhere (module READMEs, the example poms' comments,
 * the programs' Javadoc) must each be one this test or .ci/run runs; those no page's block runs are
 * {@link #DOCUMENTED_ELSEWHERE} and run here too.
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

  /**
   * README's main example, as README gives it and CI runs it: its downloads in an empty local
   * repository of its own under {@code target/}, timed from empty.
   */
  static final String MAIN_EXAMPLE =
      "MAVEN_OPTS=-Dmaven.repo.local=target/first-run"
          + " mvn -B -q -pl kimi-sdk-examples -am compile exec:java";

  static final String EXAMPLE =
      "mvn -B -q -pl kimi-sdk-examples -am compile exec:java"
          + " -Dexec.mainClass=io.github.kimisdk.examples.";

  /**
   * The example projects' block of docs/examples.md: run by .ci/run after the install, since the
   * projects build against the installed artifacts.
   */
  static final String EXAMPLE_PROJECTS =
      "mvn -B -P artifacts install -DskipTests\n"
          + "cd kimi-sdk-examples/langchain4j\n"
          + "mvn -B -q compile exec:java -Dexec.mainClass=com.example.kimi.langchain4j."
          + "AgentGraphExample\n"
          + "mvn -B -q compile exec:java -Dexec.mainClass=com.example.kimi.langchain4j."
          + "AssistantExample";

  /** docs/install.md's deploy to a company repository, run against a folder instead. */
  static final String COMPANY_DEPLOY =
      "mvn -B -P artifacts deploy -DskipTests -Drevision=0.1.0-acme.1 \\\n"
          + "  -DaltDeploymentRepository=company::"
          + "https://repo.example.com/repository/maven-releases";

  /**
   * The deploy landed every artifact, the BOM and the parent POM at the version it named in the
   * folder it was pointed at, and nothing else.
   */
  static Verify deployedTheArtifactsAt(String version) {
    return (run, copy) -> {
      Path repo = copy.resolve("target/company-repo/io/github/kimisdk");
      List<String> deployed;
      try (Stream<Path> dirs = Files.list(repo)) {
        deployed = dirs.map(d -> d.getFileName().toString()).sorted().toList();
      }
      assertThat(deployed)
          .as(run.describe())
          .containsExactly(
              "kimi-sdk",
              "kimi-sdk-agents",
              "kimi-sdk-batch",
              "kimi-sdk-bom",
              "kimi-sdk-budget",
              "kimi-sdk-flink",
              "kimi-sdk-hostcheck",
              "kimi-sdk-langchain4j",
              "kimi-sdk-mcp",
              "kimi-sdk-opentelemetry",
              "kimi-sdk-parent",
              "kimi-sdk-redis",
              "kimi-sdk-spring-ai",
              "kimi-sdk-spring-ai-boot3",
              "kimi-sdk-spring-ai-boot3-starter",
              "kimi-sdk-spring-ai-starter",
              "kimi-sdk-temporal",
              "kimi-sdk-testing",
              "kimi-sdk-ui");
      for (String a : deployed) {
        assertThat(repo.resolve(a).resolve(version).resolve(a + "-" + version + ".pom"))
            .as(run.describe())
            .isRegularFile();
        try (Stream<Path> files = Files.list(repo.resolve(a).resolve(version))) {
          assertThat(files.map(f -> f.getFileName().toString()))
              .as("no test jar, which README does not name\n" + run.describe())
              .noneMatch(f -> f.endsWith("-tests.jar"));
        }
      }
    };
  }

  /**
   * docs/testing.md's record and replay with the standalone fake: a fake stands in for Kimi, a
   * second records a call through it, a third replays the cassette.
   */
  static final String RECORD_AND_REPLAY =
      "mvn -B -q -pl kimi-sdk-testing -am package -DskipTests\n"
          + "jar=kimi-sdk-testing/target/kimi-sdk-testing-0.1.0-SNAPSHOT-standalone.jar\n"
          + "hello='{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'\n"
          + "# Once, with a key: record. A second fake stands in for https://api.moonshot.ai/v1"
          + " here.\n"
          + "exec 3< <(exec java -jar $jar --api-key sk-my-key); kimi_pid=$!;"
          + " read -r _ _ kimi _ <&3\n"
          + "exec 4< <(exec java -jar $jar --record \"$kimi\" --cassettes target/cassettes/hello);"
          + " rec_pid=$!\n"
          + "read -r _ _ recorder _ <&4\n"
          + "curl -s \"$recorder/chat/completions\" -H \"Authorization: Bearer sk-my-key\" \\\n"
          + "  -H \"Content-Type: application/json\" -d \"$hello\"; echo\n"
          + "kill $rec_pid $kimi_pid\n"
          + "# In CI, without a key or a network: replay.\n"
          + "exec 5< <(exec java -jar $jar --replay target/cassettes/hello); replay_pid=$!\n"
          + "read -r _ _ replay _ <&5\n"
          + "curl -s \"$replay/chat/completions\" -H \"Authorization: Bearer ci\" \\\n"
          + "  -H \"Content-Type: application/json\" -d \"$hello\"; echo\n"
          + "kill $replay_pid";

  /**
   * The recorded answer and the replayed one are the same bytes, and the cassette holds the
   * exchange without the key.
   */
  static Verify recordedAndReplayedTheSameAnswer() {
    return (run, copy) -> {
      List<String> answers =
          run.stdout().lines().filter(l -> l.contains("You said: Hello")).toList();
      assertThat(answers).as(run.describe()).hasSize(2);
      assertThat(answers.get(1)).as(run.describe()).isEqualTo(answers.get(0));
      Path exchange = copy.resolve("target/cassettes/hello/0001-post-v1-chat-completions.json");
      assertThat(exchange).as(run.describe()).isRegularFile();
      assertThat(Files.readString(exchange, StandardCharsets.UTF_8))
          .contains("\"format\": \"kimi-sdk.cassette\"")
          .doesNotContain("sk-my-key");
    };
  }

  static final String SKIP_TESTS = "-DskipTests";

  /**
   * A line only each example program prints offline (no other program prints it): which program
   * answered a run command. A pom's {@code <mainClass>} beats {@code -Dexec.mainClass}, and then
   * every command runs the default program, exiting 0 with plausible output.
   */
  static final Map<String, String> ANSWERED_BY =
      Map.ofEntries(
          Map.entry("Quickstart", "[request id] fake-"),
          Map.entry("Streaming", "[speed] "),
          Map.entry("Thinking", "--- reasoning ---"),
          Map.entry("Vision", "Drew a 32x32 PNG in memory"),
          Map.entry("PartialMode", "[prefill] "),
          Map.entry("JsonOutput", "[check] all required fields present: true"),
          Map.entry("TypedOutput", "[tool errors] 0"),
          Map.entry("TokenCounting", "estimate  length/4  exact"),
          Map.entry("ErrorHandling", "RetryPolicy.none(): the caller sees the 429 at once"),
          Map.entry("ToolCalling", "model calls calculator"),
          Map.entry("McpToolCalling", "notes_list -> 1. Buy milk"),
          Map.entry("McpOAuthAgent", "[sampling] the server asks "),
          Map.entry("ContextBudgeting", "Model kimi-k2.6: a window of 8,192 tokens"),
          Map.entry("ChatWithDocument", "Moonlight Bakery - notice to customers"),
          Map.entry("ResumeConversation", "== 2. Later, in another process: load the file"),
          Map.entry("ResponsesApi", "[wire] RESPONSES"),
          Map.entry("ManyRequests", " requests, at most "),
          Map.entry("BulkRun", " rows into batches of at most "),
          Map.entry("KimiChat", "kimi-chat with kimi-k3."),
          Map.entry("AgentGraphExample", "(thread 42 holds 8 messages)"),
          Map.entry("AssistantExample", "(the assistant remembers 8 messages)"),
          Map.entry("ResponseCache", "[server] 1 request received"),
          Map.entry("EmailRedaction", "[sent] addresses left: 0"),
          Map.entry("ApprovalRun", "[approval] "),
          Map.entry("CrashResume", "[crash] "),
          Map.entry("LongRun", "[compacted] before step "),
          Map.entry("Subagents", "[start] research_"));

  /** The program a run command names: its {@code -Dexec.mainClass}'s simple name. */
  static String programOf(String command) {
    Matcher m = Pattern.compile("-Dexec\\.mainClass=[\\w.]*\\.(\\w+)").matcher(command);
    return m.find() ? m.group(1) : "Quickstart";
  }

  /** The program the command names answered, and no other. */
  static Verify answeredByItsProgram() {
    return (run, copy) -> {
      String program = programOf(run.command());
      assertThat(ANSWERED_BY)
          .as("a line only %s prints, in ANSWERED_BY", program)
          .containsKey(program);
      assertThat(run.stdout())
          .as(program + " answered\n" + run.describe())
          .contains(ANSWERED_BY.get(program));
      ANSWERED_BY.forEach(
          (other, line) -> {
            if (!other.equals(program)) {
              assertThat(run.stdout())
                  .as(other + " answered\n" + run.describe())
                  .doesNotContain(line);
            }
          });
      assertThat(run.stdout() + run.stderr()).as(run.describe()).doesNotContain("\tat ");
    };
  }

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

  /**
   * How a block is checked: run here (with extra Maven arguments), found in .ci/run, or run by a
   * test of its own ({@code ownTest}, the test's name).
   */
  record Check(
      String block,
      boolean inCi,
      List<String> mavenArgs,
      Verify verify,
      String ownTest,
      String runAs) {

    static Check here(String block, Verify verify, String... mavenArgs) {
      return new Check(block, false, List.of(mavenArgs), verify, null, block);
    }

    /**
     * A block that runs here with {@code from} replaced by {@code to} (an address this test cannot
     * reach, say, by a folder of the copy).
     */
    static Check replacing(
        String block, String from, String to, Verify verify, String... mavenArgs) {
      return new Check(block, false, List.of(mavenArgs), verify, null, block.replace(from, to));
    }

    static Check ci(String block) {
      return new Check(block, true, List.of(), (run, copy) -> {}, null, block);
    }

    static Check by(Class<?> test, String block) {
      return new Check(block, false, List.of(), (run, copy) -> {}, test.getSimpleName(), block);
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
          + "kimi-sdk-mcp/target/kimi-sdk-mcp-0.1.0-SNAPSHOT.jar:"
          + "kimi-sdk-agents/target/kimi-sdk-agents-0.1.0-SNAPSHOT.jar:"
          + "kimi-sdk-examples/target/kimi-sdk-examples-0.1.0-SNAPSHOT.jar \\\n"
          + "  --add-modules io.github.kimisdk,io.github.kimisdk.testing,io.github.kimisdk.mcp,"
          + "io.github.kimisdk.agents,io.github.kimisdk.examples,"
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

  /** docs/constrained-environments.md's AppCDS recipe: train an archive, then start from it. */
  static final String APPCDS =
      "mvn -B -q -pl kimi-sdk-examples -am package -DskipTests\n"
          + "cp=kimi-sdk/target/kimi-sdk-0.1.0-SNAPSHOT.jar:"
          + "kimi-sdk-testing/target/kimi-sdk-testing-0.1.0-SNAPSHOT.jar:"
          + "kimi-sdk-examples/target/kimi-sdk-examples-0.1.0-SNAPSHOT.jar\n"
          + "# the training run: the classes it loaded are written to the archive when it exits\n"
          + "java -XX:ArchiveClassesAtExit=kimi-sdk-examples/target/quickstart.jsa -cp \"$cp\""
          + " io.github.kimisdk.examples.Quickstart\n"
          + "# every later start; -Xshare:on refuses to start without the archive instead of"
          + " ignoring it\n"
          + "java -Xshare:on -XX:SharedArchiveFile=kimi-sdk-examples/target/quickstart.jsa -cp"
          + " \"$cp\" io.github.kimisdk.examples.Quickstart";

  /**
   * The AppCDS block wrote its archive under the examples' {@code target/} and both runs answered,
   * the second started from the archive ({@code -Xshare:on} fails a start that cannot map it).
   */
  static Verify trainedAnArchiveAndStartedFromIt() {
    String answer = "You said: In one sentence, what is a server-sent event?\n";
    return (run, copy) -> {
      assertThat(copy.resolve("kimi-sdk-examples/target/quickstart.jsa"))
          .as(run.describe())
          .isRegularFile();
      // both runs answered: the answer twice (split takes a regular expression; the answer is text)
      assertThat(run.stdout().split(Pattern.quote(answer), -1)).as(run.describe()).hasSize(3);
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
          Check.ci(MAIN_EXAMPLE),
          Check.ci("mvn -B verify"),
          Check.ci("mvn -B -P slow verify"),
          Check.here("mvn -B -pl kimi-sdk -am verify", builtTheUnsignedLibraryJars(), SKIP_TESTS),
          Check.ci("mvn -B -P artifacts install -DskipTests"),
          Check.ci("mvn -B -P artifacts verify"),
          Check.ci(
              "mvn -B -P artifacts install -DskipTests\n"
                  + "cd kimi-sdk-examples/standalone && mvn -B -q compile exec:java"),
          Check.ci(EXAMPLE_PROJECTS),
          // docs/flink.md's local job: .ci/run runs it after the install and checks its rows
          Check.ci(
              "mvn -B -P artifacts install -DskipTests\n"
                  + "cd kimi-sdk-examples/flink-sql && mvn -B -q compile exec:java"),
          // docs/temporal.md's demo: .ci/run runs it after the install and checks the transfer
          Check.ci(
              "mvn -B -P artifacts install -DskipTests\n"
                  + "cd kimi-sdk-examples/temporal && mvn -B -q compile exec:java"),
          Check.replacing(
              COMPANY_DEPLOY,
              "https://repo.example.com/repository/maven-releases",
              "file://${PWD}/target/company-repo",
              deployedTheArtifactsAt("0.1.0-acme.1"),
              // its -DskipTests as written: it alone keeps the core's test jar out of the deploy
              SKIP_JAVADOC),
          // CONTRIBUTING's suite beside busy loops: here twice with a short build, which shows the
          // loops run beside it and the command's outcome decides (the full suite is this build)
          Check.replacing(
              ".ci/under-load",
              ".ci/under-load",
              ".ci/under-load --loops 1 --times 2 -- mvn -B -q -pl kimi-sdk validate",
              prints(
                  "under-load: 1 busy loop(s) on ",
                  "under-load: run 1 of 2 passed in ",
                  "under-load: run 2 of 2 passed in ",
                  "under-load: 2 of 2 passed beside 1 busy loop(s)")),
          // uploads to Maven Central: ReleaseBundleTest runs it up to the bundle
          Check.by(ReleaseBundleTest.class, "mvn -B -P release -Drevision=0.1.0 deploy"),
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
              EXAMPLE + "McpOAuthAgent",
              prints(
                  "protocol 2026-07-28, authorized",
                  "notes_summarize -> Summary: ",
                  "[done] answered")),
          // the official MCP conformance suite: npm and two minutes, once per CI run
          Check.ci(
              "mvn -B -pl kimi-sdk-mcp -am verify -P mcp-conformance"
                  + " -Dtests.groups=mcp-conformance"),
          Check.here(EXAMPLE + "X", answeredByItsProgram()),
          Check.here(EXAMPLE + "KimiChat", prints("kimi-chat with", "Bye.\n")),
          Check.here(
              "mvn -B -q -pl kimi-sdk-examples -am package -DskipTests\n"
                  + "java --add-modules jdk.unsupported \\\n"
                  + "  -p kimi-sdk/target/kimi-sdk-0.1.0-SNAPSHOT.jar:"
                  + "kimi-sdk-testing/target/kimi-sdk-testing-0.1.0-SNAPSHOT.jar:"
                  + "kimi-sdk-mcp/target/kimi-sdk-mcp-0.1.0-SNAPSHOT.jar:"
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
                  + "kimi-sdk-mcp/target/kimi-sdk-mcp-0.1.0-SNAPSHOT.jar:"
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
          // docs/operating-agents.md: the agents jar's command, on a store of no runs yet
          Check.here(
              "mvn -B -q -pl kimi-sdk-agents -am package -DskipTests\n"
                  + "java -cp kimi-sdk/target/kimi-sdk-0.1.0-SNAPSHOT.jar:"
                  + "kimi-sdk-agents/target/kimi-sdk-agents-0.1.0-SNAPSHOT.jar \\\n"
                  + "  io.github.kimisdk.agents.cli.Main runs count --store file:target/runs",
              prints("STATE     RUNS\n", "orphaned  0\n", "total     0\n"),
              SKIP_JAVADOC),
          Check.here(JLINK, jlinkTwiceOutsideTheSources(), SKIP_JAVADOC),
          Check.here(APPCDS, trainedAnArchiveAndStartedFromIt(), SKIP_JAVADOC),
          Check.here(RECORD_AND_REPLAY, recordedAndReplayedTheSameAnswer(), SKIP_JAVADOC));

  /**
   * Run commands documented outside README.md's {@code ```sh} blocks (module READMEs, the example
   * poms' comments, the example programs' Javadoc) that no block runs: each runs here too.
   */
  static final List<Check> DOCUMENTED_ELSEWHERE =
      List.of(
          // kimi-sdk-examples/temporal/README.md's worker and client as two processes: .ci/run
          // runs them on Temporal's test server and the standalone fake, each a process of its own
          Check.ci(
              "TEMPORAL_ADDRESS=127.0.0.1:7233 MOONSHOT_API_KEY=... mvn -B -q compile exec:java"
                  + " -Dexec.mainClass=com.example.temporal.PaymentsWorker"),
          Check.ci(
              "TEMPORAL_ADDRESS=127.0.0.1:7233 mvn -B -q exec:java"
                  + " -Dexec.mainClass=com.example.temporal.PaymentsClient"));

  /** Where run commands are documented: the pages, and the places listed above. */
  static List<Path> documentingFiles() throws IOException {
    Path root = ReadmeInStepTest.ROOT;
    List<Path> files = new ArrayList<>(Docs.pages());
    try (Stream<Path> all = Files.walk(root)) {
      all.filter(Files::isRegularFile)
          .filter(f -> !root.relativize(f).toString().contains("target"))
          .filter(f -> !root.relativize(f).startsWith(".git"))
          .filter(
              f ->
                  (f.getFileName().toString().equals("README.md")
                          && !f.equals(root.resolve("README.md"))
                          && !f.getParent().equals(root.resolve("docs")))
                      || (root.relativize(f).startsWith("kimi-sdk-examples")
                          && (f.getFileName().toString().equals("pom.xml")
                              || (f.toString().endsWith(".java")
                                  && f.toString().contains("src" + File.separator + "main")))))
          .sorted()
          .forEach(files::add);
    }
    return files;
  }

  static final Pattern RUN_COMMAND =
      Pattern.compile("mvn(?: [^\\s`]+)*? exec:java(?: -D[^\\s`=]+(?:=\"[^\"]*\"|=[^\\s`]*)?)*");

  /**
   * Every {@code exec:java} command documented anywhere (README.md, the module READMEs, the example
   * poms' comments, the example programs' Javadoc) is run by this test, by .ci/run, or is one of
   * those with the program's arguments ({@code -Dexec.args}: a file of the reader's own), whose
   * program is picked as the arguments-free run of the same program picks it. A command elided with
   * "..." is prose.
   */
  @Test
  void everyDocumentedRunCommandIsOneThisTestOrCiRuns() throws IOException {
    List<String> run = new ArrayList<>();
    for (Check c : CHECKS) {
      if (c.block().equals(EXAMPLE + "X")) {
        examplesInTheTable().forEach(x -> run.add(EXAMPLE + x)); // X stands for each of them
      }
      run.addAll(c.block().lines().toList());
    }
    DOCUMENTED_ELSEWHERE.forEach(c -> run.add(c.block()));
    List<String> unknown = new ArrayList<>();
    for (Path f : documentingFiles()) {
      Matcher m = RUN_COMMAND.matcher(Files.readString(f, StandardCharsets.UTF_8));
      while (m.find()) {
        String command = m.group();
        if (command.contains("...") || command.contains("-Dexec.args")) {
          continue;
        }
        if (run.stream().noneMatch(r -> r.contains(command))) {
          unknown.add(ReadmeInStepTest.ROOT.relativize(f) + ": " + command);
        }
      }
    }
    assertThat(unknown)
        .as("documented run commands no test runs: add them to DOCUMENTED_ELSEWHERE with a check")
        .isEmpty();
    assertThat(run)
        .as("commands the check keys on")
        .anySatisfy(r -> assertThat(r).contains("AssistantExample"));
  }

  /**
   * No example pom, and not README.md's exec-maven-plugin snippet, names its program in the
   * plugin's {@code <mainClass>}, which beats {@code -Dexec.mainClass} on the command line: the
   * program is the property {@code exec.mainClass}.
   */
  @Test
  void noExamplePomNamesItsProgramInThePlugin() throws IOException {
    Pattern fixed = Pattern.compile("<mainClass>(?!\\$\\{exec\\.mainClass})[^<]*</mainClass>");
    List<String> found = new ArrayList<>();
    for (Path f : documentingFiles()) {
      String name = f.getFileName().toString();
      if (name.equals("pom.xml") || Docs.pages().contains(f)) {
        Matcher m = fixed.matcher(Files.readString(f, StandardCharsets.UTF_8));
        while (m.find()) {
          found.add(ReadmeInStepTest.ROOT.relativize(f) + ": " + m.group());
        }
      }
    }
    assertThat(found).isEmpty();
  }

  /** One {@code ```sh} block of a page, with the page and the line it starts on. */
  record Block(String file, int line, String text) {
    String where() {
      return file + ":" + line;
    }
  }

  static List<Block> shellBlocks() throws IOException {
    List<Block> out = new ArrayList<>();
    for (Path page : Docs.pages()) {
      out.addAll(shellBlocks(Docs.name(page), Docs.lines(page)));
    }
    return out;
  }

  static List<Block> shellBlocks(String file, List<String> markdown) {
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
          .as("%s:%d: the block is never closed", file, i + 1)
          .isLessThan(markdown.size());
      if (language.equals("sh")) {
        out.add(new Block(file, i + 2, String.join("\n", markdown.subList(i + 1, end))));
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
                    block.where()
                        + ": a shell block ReadmeShellCommandsTest does not know; add it to"
                        + " CHECKS with what it must do:\n"
                        + block.text()));
  }

  @Test
  void everyFencedBlockSaysWhatItHoldsAndEveryShellBlockIsChecked() throws IOException {
    List<String> untagged = new ArrayList<>();
    for (Path page : Docs.pages()) {
      List<String> markdown = Docs.lines(page);
      boolean inside = false;
      for (int i = 0; i < markdown.size(); i++) {
        String l = markdown.get(i).strip();
        if (!inside && l.startsWith("```")) {
          inside = true;
          if (l.equals("```")) {
            untagged.add(Docs.name(page) + ":" + (i + 1));
          }
        } else if (inside && l.equals("```")) {
          inside = false;
        }
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
        .as("checks whose block is in no page")
        .allSatisfy(c -> assertThat(texts).contains(c.block()));
  }

  @Test
  void ciRunsTheBlocksThatCannotRunInsideTheBuild() throws IOException {
    String ci = Files.readString(ReadmeInStepTest.ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
    List<String> ciLines = ci.lines().filter(l -> !l.strip().startsWith("#")).toList();
    // a command documented elsewhere that .ci/run runs: its Maven command, whatever it sets first
    for (Check c : DOCUMENTED_ELSEWHERE) {
      if (c.inCi()) {
        Matcher m = RUN_COMMAND.matcher(c.block());
        assertThat(m.find()).as(c.block()).isTrue();
        assertThat(ciLines)
            .as(".ci/run runs " + m.group())
            .anySatisfy(l -> assertThat(l).contains(m.group()));
      }
    }
    for (Check c : CHECKS) {
      if (c.inCi()) {
        for (String command : c.block().split("\n")) {
          // as written: nothing before it (no variable, no argument) but the ( or $( it runs in,
          // nothing after it but the end of that
          Pattern asWritten =
              Pattern.compile("(\\(|.*\\$\\()?" + Pattern.quote(command) + "(\\).*)?");
          assertThat(ciLines)
              .as(".ci/run runs " + command + " as the page gives it")
              .anySatisfy(l -> assertThat(asWritten.matcher(l.strip()).matches()).isTrue());
        }
      }
    }
    // README's main example, the first command a reader copies: a line of its own, word for word
    assertThat(ciLines)
        .as(".ci/run runs README's main example on a line of its own")
        .anySatisfy(l -> assertThat(l.strip()).isEqualTo(MAIN_EXAMPLE));
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
      if (check.inCi() || check.ownTest() != null) {
        continue;
      }
      List<String> commands =
          block.text().equals(EXAMPLE + "X")
              ? examplesInTheTable().stream().map(x -> EXAMPLE + x).toList()
              : List.of(check.runAs());
      for (String command : commands) {
        tests.add(runs(block.where(), command, check, copy, mavenHome));
      }
    }
    for (Check check : DOCUMENTED_ELSEWHERE) {
      if (!check.inCi()) {
        tests.add(runs("documented elsewhere", check.block(), check, copy, mavenHome));
      }
    }
    return tests.stream();
  }

  /** A dynamic test that runs {@code command} in the copy and checks it as {@code check} says. */
  static DynamicTest runs(String where, String command, Check check, Path copy, String mavenHome) {
    return DynamicTest.dynamicTest(
        where + ": " + command.lines().findFirst().orElse(""),
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
        });
  }

  /** The programs of the examples' table (docs/examples.md), in its order. */
  static List<String> examplesInTheTable() throws IOException {
    String section = Docs.section(Docs.page("docs/examples.md"), "## The programs");
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

  /**
   * What the documented commands need: every pom (a {@code -P slow} command reads the profile's
   * modules), .mvn, .ci (CONTRIBUTING's scripts), every module's main sources, and what the
   * compatibility gate reads in verify (the baseline under compat/, CHANGELOG.md's accepted
   * breaks).
   */
  static void copySources(Path copy) throws IOException {
    Path root = ReadmeInStepTest.ROOT;
    copyTree(root.resolve(".mvn"), copy.resolve(".mvn"));
    copyTree(root.resolve(".ci"), copy.resolve(".ci"));
    copyTree(root.resolve("compat"), copy.resolve("compat"));
    Files.copy(root.resolve("CHANGELOG.md"), copy.resolve("CHANGELOG.md"));
    try (Stream<Path> all = Files.walk(root)) {
      for (Path pom : all.filter(f -> f.getFileName().toString().equals("pom.xml")).toList()) {
        Path relative = root.relativize(pom);
        if (!relative.toString().contains("target") && !relative.startsWith(".git")) {
          Files.createDirectories(copy.resolve(relative).getParent());
          Files.copy(pom, copy.resolve(relative.toString()));
          // src/shared: the main sources both Spring lines compile (kimi-sdk-spring-ai's)
          for (String sources : List.of("src/main", "src/shared")) {
            Path main = pom.resolveSibling(sources);
            if (Files.isDirectory(main)) {
              copyTree(main, copy.resolve(relative).resolveSibling(sources));
            }
          }
        }
      }
    }
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

  /**
   * The repository's own {@code .mvn/maven.config} (the version), this build's local repository and
   * offline setting, plus a block's extra arguments.
   */
  static void mavenConfig(Path copy, List<String> extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            Files.readAllLines(
                ReadmeInStepTest.ROOT.resolve(".mvn/maven.config"), StandardCharsets.UTF_8));
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
