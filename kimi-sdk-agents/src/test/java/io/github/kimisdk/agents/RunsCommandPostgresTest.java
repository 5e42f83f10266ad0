package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's command ({@code io.github.kimisdk.agents.cli.Main}) run as a program on a JDBC
 * store, a real PostgreSQL server, with the driver on its class path: the runs by state, a dead
 * worker's claim ended, ended runs retired.
 */
@Tag("multiprocess") // a PostgreSQL server it starts: mvn -B -P slow verify
class RunsCommandPostgresTest {
  @RegisterExtension static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

  /** Runs the command on the tables {@code ops_*}; its exit status and what it printed. */
  static Map.Entry<Integer, String> command(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--table-prefix", "ops"));
    return raw(all.toArray(String[]::new));
  }

  /** Runs the command on the server, its tables named by {@code args}. */
  static Map.Entry<Integer, String> raw(String... args) throws Exception {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.add("-cp");
    line.add(System.getProperty("java.class.path")); // the PostgreSQL driver among it
    line.add("io.github.kimisdk.agents.cli.Main");
    line.addAll(List.of(args));
    line.addAll(List.of("--store", PG.server().url(), "--user", "kimi"));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
    return Map.entry(p.exitValue(), out);
  }

  @Test
  void listCountReleaseAndSweepAPostgresStoreFromTheCommandLine() throws Exception {
    JdbcRunStore store = JdbcRunStore.of(PG.server().dataSource(), "ops").createTables();
    Instant now = Instant.now();
    Instant old = now.minus(Duration.ofDays(40));
    for (String id : List.of("old-1", "old-2")) {
      Claim.Held c = (Claim.Held) store.claim(id, "w1", old, old.plusSeconds(30));
      store.putState(
          c, "{}".getBytes(StandardCharsets.UTF_8), summary(id, RunState.Status.ANSWERED, old));
      store.release(c);
    }
    // a worker that died holding its run, with a lease of an hour
    Claim.Held dead =
        (Claim.Held) store.claim("stuck", "dead-worker", now, now.plus(Duration.ofHours(1)));
    store.putState(
        dead,
        "{}".getBytes(StandardCharsets.UTF_8),
        summary("stuck", RunState.Status.RUNNING, now));

    Map.Entry<Integer, String> count = command("runs", "count", "--json");
    assertThat(count.getKey()).as(count.getValue()).isZero();
    JsonObject counts = Json.parse(count.getValue()).asObject();
    assertThat(counts.get("answered").asLong()).isEqualTo(2);
    assertThat(counts.get("running").asLong()).isEqualTo(1);
    assertThat(counts.get("orphaned").asLong()).isZero();

    Map.Entry<Integer, String> list = command("runs", "list", "--state", "running");
    assertThat(list.getValue()).contains("stuck", "running", "dead-worker until ");

    Map.Entry<Integer, String> wrong = command("runs", "release", "stuck", "--holder", "w2");
    assertThat(wrong.getKey()).as(wrong.getValue()).isEqualTo(1);
    assertThat(store.count(RunQuery.in(RunQuery.State.RUNNING))).isEqualTo(1);
    Map.Entry<Integer, String> release = command("runs", "release", "--holder", "dead-worker");
    assertThat(release.getKey()).as(release.getValue()).isZero();
    assertThat(release.getValue()).isEqualTo("Released 1 claim held by dead-worker: stuck\n");
    assertThat(store.count(RunQuery.in(RunQuery.State.ORPHANED))).isEqualTo(1);

    Map.Entry<Integer, String> sweep = command("runs", "sweep", "--retention", "30d");
    assertThat(sweep.getKey()).as(sweep.getValue()).isZero();
    assertThat(sweep.getValue())
        .startsWith("Deleted 2 ended runs last saved over 30d 0h ago: old-1, old-2\n")
        .contains("1 orphan (running, no worker holds them)", "  stuck  payments@1");
    assertThat(store.count(RunQuery.all())).isEqualTo(1);
  }

  @Test
  void aStoreWhoseTablesAreNotThereNamesTheTablesLookedForAndTheTablePrefixOption()
      throws Exception {
    Map.Entry<Integer, String> r = raw("runs", "list"); // the default prefix: no such tables here
    assertThat(r.getKey()).as(r.getValue()).isEqualTo(1);
    assertThat(r.getValue())
        .contains("kimi_agent_runs")
        .contains("does not exist")
        .contains(
            "the store's tables are kimi_agent_claims, kimi_agent_records, kimi_agent_runs,"
                + " kimi_agent_labels")
        .contains("--table-prefix PREFIX");
  }

  static RunSummary summary(String id, RunState.Status status, Instant at) {
    return new RunSummary(
        id, "payments", "1", status, null, null, at, at, "w1", 2, 0, Map.of(), null, null);
  }
}
