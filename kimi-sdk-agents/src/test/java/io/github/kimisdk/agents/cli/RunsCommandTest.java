package io.github.kimisdk.agents.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunSummary;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runs list|count|release|delete|sweep} on a file store, as an operator reads them: each run
 * with its state and age, in text and in JSON, filtered and paged; claims ended, runs deleted,
 * ended runs retired after their time; what is wrong with a command line; and the command as a
 * program, its exit status.
 */
class RunsCommandTest {
  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;
  RunStore store;
  String spec;
  Claim.Held held;

  /** The status, standard output and standard error of one run. */
  record Run(int status, String out, String err) {
    JsonObject json() {
      return Json.parse(out).asObject();
    }
  }

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            Map.of("PG_PASSWORD", "secret-password-1234"),
            Clock.fixed(NOW, ZoneOffset.UTC),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static RunSummary summary(
      String id,
      String agent,
      RunState.Status status,
      PendingCall.Kind waiting,
      Instant at,
      String owner,
      Map<String, String> labels) {
    return new RunSummary(
        id,
        agent,
        "1",
        status,
        waiting,
        waiting == null ? null : at,
        at,
        at,
        owner,
        3,
        waiting == null ? 0 : 1,
        labels,
        null,
        null);
  }

  Claim.Held save(RunSummary s, boolean release) {
    Claim.Held c = (Claim.Held) store.claim(s.runId(), s.owner(), NOW, NOW.plus(LEASE));
    store.putState(c, ("{\"id\":\"" + s.runId() + "\"}").getBytes(StandardCharsets.UTF_8), s);
    store.put(c, "call/000001/0000", "{}".getBytes(StandardCharsets.UTF_8));
    if (release) {
      store.release(c);
    }
    return c;
  }

  @BeforeEach
  void runs() {
    store = FileRunStore.of(dir.resolve("runs"));
    spec = "file:" + dir.resolve("runs");
    save(
        summary(
            "old-1",
            "payments",
            RunState.Status.ANSWERED,
            null,
            NOW.minus(Duration.ofDays(10)),
            "w1",
            Map.of()),
        true);
    save(
        summary(
            "old-2",
            "research",
            RunState.Status.FAILED,
            null,
            NOW.minus(Duration.ofDays(9)),
            "w1",
            Map.of()),
        true);
    save(
        summary(
            "paused-1",
            "payments",
            RunState.Status.PAUSED,
            PendingCall.Kind.APPROVAL,
            NOW.minus(Duration.ofDays(1)).minusSeconds(7200),
            "w1",
            Map.of("customer", "c-2")),
        true);
    save(
        summary(
            "doubt-1",
            "payments",
            RunState.Status.PAUSED,
            PendingCall.Kind.IN_DOUBT,
            NOW.minus(Duration.ofHours(3)),
            "w2",
            Map.of()),
        true);
    save(
        summary(
            "recent-1",
            "payments",
            RunState.Status.ANSWERED,
            null,
            NOW.minus(Duration.ofHours(2)),
            "w2",
            Map.of("customer", "c-1")),
        true);
    save(
        summary(
            "orphan-1",
            "payments",
            RunState.Status.RUNNING,
            null,
            NOW.minus(Duration.ofMinutes(30)),
            "w3",
            Map.of()),
        true);
    held =
        save(
            summary(
                "running-1",
                "payments",
                RunState.Status.RUNNING,
                null,
                NOW.minusSeconds(20),
                "w4",
                Map.of()),
            false);
  }

  @Test
  void listShowsEachRunOldestSaveFirstWithItsStateAndAge() {
    Run r = run("runs", "list", "--store", spec);

    assertThat(r.status()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("RUN ")
        .contains("STATE", "AGENT", "SAVED", "WAITING", "HOLDER", "STEPS", "LABELS");
    assertThat(lines.subList(1, 8))
        .satisfiesExactly(
            l ->
                assertThat(l).startsWith("old-1 ").contains("answered", "payments@1", "10d 0h ago"),
            l -> assertThat(l).startsWith("old-2 ").contains("failed", "research@1", "9d 0h ago"),
            l ->
                assertThat(l)
                    .startsWith("paused-1 ")
                    .contains("paused", "customer=c-2")
                    .containsPattern("1d 2h ago +1d 2h "),
            l -> assertThat(l).startsWith("doubt-1 ").contains("in_doubt", "3h 0m (in doubt)"),
            l -> assertThat(l).startsWith("recent-1 ").contains("answered", "2h 0m ago"),
            l -> assertThat(l).startsWith("orphan-1 ").contains("orphaned", "30m ago"),
            l ->
                assertThat(l)
                    .startsWith("running-1 ")
                    .contains("running", "20s ago", "w4 until " + NOW.plus(LEASE)));
    assertThat(lines).last().isEqualTo("7 runs.");
  }

  @Test
  void listAsJsonGivesEachRunsStateAgeHolderAndLabels() {
    Run r = run("runs", "list", "--store", spec, "--json");

    assertThat(r.status()).as(r.err()).isZero();
    List<JsonValue> runs = r.json().get("runs").asArray().values();
    assertThat(runs).hasSize(7);
    JsonObject paused = runs.get(2).asObject();
    assertThat(paused.get("run_id").asString()).isEqualTo("paused-1");
    assertThat(paused.get("state").asString()).isEqualTo("paused");
    assertThat(paused.get("waiting").asString()).isEqualTo("approval");
    assertThat(paused.get("waiting_seconds").asLong()).isEqualTo(86_400 + 7_200);
    assertThat(paused.get("labels").get("customer").asString()).isEqualTo("c-2");
    JsonObject running = runs.get(6).asObject();
    assertThat(running.get("state").asString()).isEqualTo("running");
    assertThat(running.get("holder").asString()).isEqualTo("w4");
    assertThat(running.get("claim_lapsed").asBoolean()).isFalse();
    assertThat(running.get("age_seconds").asLong()).isEqualTo(20);
    assertThat(r.json().get("next")).isNull();
  }

  @Test
  void listFindsByStateAgentOwnerAndLabelAndPagesWithItsLimit() {
    assertThat(ids(run("runs", "list", "--store", spec, "--state", "paused,in_doubt", "--json")))
        .containsExactly("paused-1", "doubt-1");
    assertThat(ids(run("runs", "list", "--store", spec, "--state=orphaned", "--json")))
        .containsExactly("orphan-1");
    assertThat(ids(run("runs", "list", "--store", spec, "--agent", "research", "--json")))
        .containsExactly("old-2");
    assertThat(ids(run("runs", "list", "--store", spec, "--owner", "w2", "--json")))
        .containsExactly("doubt-1", "recent-1");
    assertThat(ids(run("runs", "list", "--store", spec, "--label", "customer=c-1", "--json")))
        .containsExactly("recent-1");

    Run first = run("runs", "list", "--store", spec, "--limit", "3");
    assertThat(first.out()).contains("old-1", "old-2", "paused-1").doesNotContain("doubt-1");
    String after = first.out().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(after).startsWith("3 runs; more after them: --after ");
    String token = after.substring(after.indexOf("--after ") + 8);
    Run rest = run("runs", "list", "--store", spec, "--after", token, "--json");
    assertThat(ids(rest)).containsExactly("doubt-1", "recent-1", "orphan-1", "running-1");

    Run none = run("runs", "list", "--store", spec, "--agent", "nobody");
    assertThat(none.out()).isEqualTo("No runs found.\n");
  }

  static List<String> ids(Run r) {
    assertThat(r.status()).as(r.err()).isZero();
    List<String> out = new ArrayList<>();
    r.json().get("runs").asArray().values().forEach(v -> out.add(v.get("run_id").asString()));
    return out;
  }

  @Test
  void countTellsHowManyRunsAreInEachState() {
    Run r = run("runs", "count", "--store", spec);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            String.join(
                "\n",
                "STATE     RUNS",
                "running   1",
                "orphaned  1",
                "paused    1",
                "in_doubt  1",
                "answered  2",
                "stopped   0",
                "failed    1",
                "total     7",
                ""));
    JsonObject json = run("runs", "count", "--store", spec, "--json").json();
    assertThat(json.get("answered").asLong()).isEqualTo(2);
    assertThat(json.get("total").asLong()).isEqualTo(7);
    JsonObject some =
        run(
                "runs",
                "count",
                "--store",
                spec,
                "--state",
                "answered",
                "--agent",
                "payments",
                "--json")
            .json();
    assertThat(some.members().keySet()).containsExactly("answered", "total");
    assertThat(some.get("total").asLong()).isEqualTo(2);
  }

  @Test
  void releaseEndsTheClaimOfTheHolderItNamesAndNoOtherWorkersAndFencesItOut() {
    Run unnamed = run("runs", "release", "running-1", "--store", spec);
    assertThat(unnamed.status()).isEqualTo(Main.USAGE_ERROR);
    assertThat(unnamed.err())
        .startsWith(
            "kimi-sdk-agents: runs release running-1 names the worker whose claim it ends, as runs"
                + " list shows it: --holder WORKER");
    Run other = run("runs", "release", "running-1", "--holder", "w9", "--store", spec);
    assertThat(other.status()).isEqualTo(Main.REFUSED);
    assertThat(other.out()).startsWith("running-1 has no claim of w9");
    assertThat(ids(run("runs", "list", "--store", spec, "--state", "running", "--json")))
        .containsExactly("running-1");

    Run r = run("runs", "release", "running-1", "--holder", "w4", "--store", spec);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "Released w4's claim on running-1: it is free at once, and its old holder can no"
                + " longer write.\n");
    assertThat(ids(run("runs", "list", "--store", spec, "--state", "orphaned", "--json")))
        .containsExactly("orphan-1", "running-1");
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> store.put(held, "state", "late".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(io.github.kimisdk.agents.ClaimLostException.class);

    Run again = run("runs", "release", "running-1", "--force", "--store", spec);
    assertThat(again.status()).isEqualTo(Main.REFUSED);
    assertThat(again.out()).isEqualTo("running-1 has no claim.\n");
  }

  @Test
  void aForcedReleaseEndsWhateverClaimTheRunHas() {
    Run r = run("runs", "release", "running-1", "--force", "--store", spec, "--json");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.json().get("released").asBoolean()).isTrue();
    assertThat(run("runs", "release", "--force", "--store", spec).err())
        .startsWith(
            "kimi-sdk-agents: runs release names the run: runs release RUN_ID --holder WORKER (or"
                + " --force)");
    assertThat(
            run("runs", "release", "running-1", "--force", "--holder", "w4", "--store", spec).err())
        .contains("not both");
  }

  @Test
  void anOrphansLapsedClaimIsShownLapsedNotHeld() {
    Claim.Held lapsed =
        (Claim.Held) store.claim("lapsed-1", "w5", NOW.minusSeconds(600), NOW.minusSeconds(300));
    store.putState(
        lapsed,
        "{\"id\":\"lapsed-1\"}".getBytes(StandardCharsets.UTF_8),
        summary(
            "lapsed-1",
            "payments",
            RunState.Status.RUNNING,
            null,
            NOW.minusSeconds(600),
            "w5",
            Map.of()));

    Run r = run("runs", "list", "--store", spec, "--state", "orphaned");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("lapsed-1 ")).findFirst().orElseThrow())
        .contains("orphaned", "- (w5's claim lapsed 5m ago)")
        .doesNotContain("until");
    JsonObject json =
        run("runs", "list", "--store", spec, "--state", "orphaned", "--json")
            .json()
            .get("runs")
            .asArray()
            .values()
            .stream()
            .filter(v -> v.get("run_id").asString().equals("lapsed-1"))
            .findFirst()
            .orElseThrow()
            .asObject();
    assertThat(json.get("holder").asString()).isEqualTo("w5");
    assertThat(json.get("claim_lapsed").asBoolean()).isTrue();
    store.release(lapsed);
  }

  @Test
  void releaseByHolderEndsEveryClaimTheWorkerHolds() {
    save(
        summary("running-2", "payments", RunState.Status.RUNNING, null, NOW, "w4", Map.of()),
        false);
    Run r = run("runs", "release", "--holder", "w4", "--store", spec, "--json");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.json().get("released").asArray().values())
        .extracting(JsonValue::asString)
        .containsExactly("running-1", "running-2");
    assertThat(run("runs", "release", "--holder", "w4", "--store", spec).out())
        .isEqualTo("No claim held by w4.\n");
  }

  @Test
  void deleteRemovesARunNoWorkerHoldsAndRefusesOneHeld() {
    Run refused = run("runs", "delete", "running-1", "--store", spec);
    assertThat(refused.status()).isEqualTo(Main.REFUSED);
    assertThat(refused.out()).startsWith("running-1 was not deleted: a worker holds it");
    assertThat(store.get("running-1", "state")).isNotNull();

    Run r = run("runs", "delete", "recent-1", "--store", spec);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Deleted recent-1 and its records.\n");
    assertThat(store.get("recent-1", "state")).isNull();
    assertThat(store.get("recent-1", "call/000001/0000")).isNull();
  }

  @Test
  void sweepDeletesExactlyTheRunsThatEndedLongerAgoThanTheRetentionAndListsTheOrphans() {
    Run dry = run("runs", "sweep", "--retention", "7d", "--dry-run", "--store", spec);
    assertThat(dry.status()).as(dry.err()).isZero();
    assertThat(dry.out())
        .startsWith("Would delete 2 ended runs last saved over 7d 0h ago: old-1, old-2\n");
    assertThat(store.get("old-1", "state")).isNotNull();

    Run r = run("runs", "sweep", "--retention", "P7D", "--store", spec);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "Deleted 2 ended runs last saved over 7d 0h ago: old-1, old-2\n"
                + "1 orphan (running, no worker holds them) to resume in a worker with the agent"
                + " (Sweeper.of(agent).sweep()):\n"
                + "  orphan-1  payments@1  last saved 30m ago by w3\n");
    assertThat(store.get("old-1", "state")).isNull();
    assertThat(store.get("recent-1", "state")).isNotNull(); // two hours old: kept

    JsonObject json = run("runs", "sweep", "--retention", "1h", "--store", spec, "--json").json();
    assertThat(json.get("deleted").asArray().values())
        .extracting(JsonValue::asString)
        .containsExactly("recent-1");
    assertThat(json.get("orphans").asArray().values()).hasSize(1);
  }

  @Test
  void aCommandLineThatCannotRunSaysWhatIsWrongAndExitsTwo() {
    assertThat(run().err()).startsWith("kimi-sdk-agents: name a command: runs list");
    assertThat(run("runs", "audit", "r1", "--store", spec).err())
        .startsWith("kimi-sdk-agents: runs audit verifies the run under the agents' key");
    assertThat(run("runs", "show", "r1", "--key-env", "K", "--store", spec).err())
        .startsWith("kimi-sdk-agents: --key-env and --key-file are options of runs audit");
    assertThat(run("runs", "show", "--store", spec).err())
        .startsWith("kimi-sdk-agents: runs show names the run: runs show RUN_ID");
    assertThat(run("key", "--store", spec).err()).startsWith("kimi-sdk-agents: key takes --out");
    assertThat(run("verify").err()).startsWith("kimi-sdk-agents: unknown command: verify");
    assertThat(run("runs", "purge", "--store", spec).err())
        .startsWith("kimi-sdk-agents: unknown command: runs purge");
    assertThat(run("runs", "list").err())
        .startsWith("kimi-sdk-agents: --store names the store: file:DIR or jdbc:URL");
    assertThat(run("runs", "list", "--store", spec, "--state", "waiting").err())
        .startsWith(
            "kimi-sdk-agents: --state is one of running, orphaned, paused, in_doubt, answered,"
                + " stopped or failed: waiting");
    assertThat(run("runs", "delete", "--store", spec).err())
        .startsWith("kimi-sdk-agents: runs delete names the run: runs delete RUN_ID");
    assertThat(run("runs", "sweep", "--retention", "a week", "--store", spec).err())
        .startsWith("kimi-sdk-agents: --retention takes a duration such as 30d, 12h, P30D");
    assertThat(run("runs", "list", "--store").err())
        .startsWith("kimi-sdk-agents: --store needs a value");
    assertThat(run("runs", "list", "--store=", "file:x").err())
        .startsWith("kimi-sdk-agents: --store needs a value");
    assertThat(run("runs", "list", "--store", spec, "--json=yes").err())
        .startsWith("kimi-sdk-agents: --json takes no value: --json=yes");
    assertThat(run("runs", "list", "--store", spec, "--colour").err())
        .startsWith("kimi-sdk-agents: unknown argument: --colour");
    assertThat(run("runs", "delete", "run-1", "run-2", "--store", spec).err())
        .startsWith("kimi-sdk-agents: unknown argument: run-2");
    assertThat(run("runs", "list", "--store", "redis:6379").err())
        .startsWith("kimi-sdk-agents: a Redis store is kimi-sdk-redis's");
    Run password =
        run("runs", "list", "--store", "jdbc:postgresql://db/app", "--password", "hunter2");
    assertThat(password.status()).isEqualTo(Main.USAGE_ERROR);
    assertThat(password.err())
        .startsWith("kimi-sdk-agents: --password is not taken: a password on the command line");
    Run unset =
        run("runs", "list", "--store", "jdbc:postgresql://db/app", "--password-env", "NOPE");
    assertThat(unset.err())
        .isEqualTo("kimi-sdk-agents: --password-env names NOPE, which is not set\n");
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"runs", "list"},
            new String[] {"runs", "list", "--store", spec, "--limit", "0"})) {
      assertThat(run(args).status()).isEqualTo(Main.USAGE_ERROR);
    }
    Run help = run("runs", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).startsWith("Usage: java -jar kimi-sdk-agents-VERSION.jar runs COMMAND");
  }

  @Test
  void aStoreThatFailsExitsOneSayingWhy() {
    // a JDBC URL no driver on the class path takes
    Run r =
        run("runs", "count", "--store", "jdbc:nosuchdb://db/app", "--password-env", "PG_PASSWORD");
    assertThat(r.status()).isEqualTo(Main.REFUSED);
    assertThat(r.err())
        .startsWith("kimi-sdk-agents: the run store on kimi_agent_records could not");
    assertThat(r.out() + r.err()).doesNotContain("secret-password-1234");
    // nor one the URL carries, which the driver's message repeats
    Run inUrl = run("runs", "count", "--store", "jdbc:nosuchdb://db/app?user=u&password=hunter22");
    assertThat(inUrl.err()).contains("password=***").doesNotContain("hunter22");
  }

  @Test
  @Tag("multiprocess") // runs the command as a program: mvn -B -P slow verify
  void theCommandRunsAsAProgramAndExitsWithItsStatus() throws Exception {
    store.release(held); // another process judges the claim by its lock: none of ours is left
    Run counted = program("runs", "count", "--store", spec, "--state", "orphaned", "--json");
    assertThat(counted.status()).as(counted.out()).isZero();
    assertThat(counted.out()).isEqualTo("{\"orphaned\":2,\"total\":2}\n");

    Run refused = program("runs", "delete", "no-such-run", "--store", spec);
    assertThat(refused.status()).as(refused.out()).isEqualTo(Main.REFUSED);
  }

  /**
   * Runs the command line as a program, in a JVM of its own on this class path, and waits for it to
   * exit: its status, and its output and errors together as {@code out}.
   */
  private static Run program(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
    return new Run(p.exitValue(), out, "");
  }
}
