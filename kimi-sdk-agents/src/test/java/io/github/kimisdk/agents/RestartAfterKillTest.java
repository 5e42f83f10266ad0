package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.cli.TestDataSources;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed outright ({@code kill -9}) in the middle of a run, and another started after it:
 * with the default settings (a 10 s lease) the second resumes the run within the 15 s it says it
 * waits for a claim ({@link Agent.Builder#claimWait}), on a file store (whose claim ends with its
 * holder's process, at once) and on PostgreSQL (whose lease the dead holder no longer renews). The
 * Redis store's turn is in kimi-sdk-redis.
 */
@ExtendWith(FakeKimiExtension.class)
@Tag("multiprocess") // worker JVMs killed and resumed: mvn -B -P slow verify
class RestartAfterKillTest {
  @TempDir Path dir;

  @Test
  void onAFileStoreTheRunIsResumedAtOnce(FakeKimiServer server, KimiClient kimi) throws Exception {
    String store = "file:" + dir.resolve("runs");
    List<Claim> seen = restart(server, kimi, store, FileRunStore.of(dir.resolve("runs")));
    // no lease waited out: the first claim after the kill is held
    assertThat(seen).first().isInstanceOf(Claim.Held.class);
  }

  @Test
  void onPostgresTheRunIsResumedOnceTheDeadHoldersLeaseLapses(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    String why = PostgresServer.unavailable();
    assumeTrue(why == null, why);
    try (PostgresServer pg = PostgresServer.start(false)) {
      JdbcRunStore jdbc = JdbcRunStore.of(pg.dataSource(), "restart").createTables();
      List<Claim> seen = restart(server, kimi, "jdbc:" + pg.url(), jdbc);
      assertThat(seen.get(seen.size() - 1)).isInstanceOf(Claim.Held.class);
      // what a second worker was told meanwhile: the dead holder, and a lease that lapses
      for (Claim c : seen.subList(0, seen.size() - 1)) {
        assertThat(c).isInstanceOf(Claim.Taken.class);
        assertThat(((Claim.Taken) c).holder()).isEqualTo("the-dead-worker");
      }
    }
  }

  /**
   * Starts a worker JVM on {@code storeSpec}, kills it with SIGKILL inside its tool, then resumes
   * the run here with the default settings and a 15 s claim wait; returns every claim this process
   * was answered, in order.
   */
  private List<Claim> restart(
      FakeKimiServer server, KimiClient kimi, String storeSpec, RunStore store) throws Exception {
    // SIGKILL inside the tool: no release, no last write
    List<String> lines =
        ChildJvm.run(Worker.class, List.of(storeSpec, server.baseUrl()), "IN-TOOL", true);
    assertThat(lines).as("the worker's output").contains("IN-TOOL");

    List<Claim> seen = new ArrayList<>();
    RunStore watching = new RestartFixtures.Watching(store, seen);
    Agent restarted =
        Agent.builder(kimi, "kimi-k3")
            .tool(RestartFixtures.tool((args, ctx) -> "looked up " + args.get("to").asString()))
            .key(TestKeys.KEY)
            .store(watching)
            .claimWait(Duration.ofSeconds(15))
            .build();
    RunResult r = restarted.resume("job-1", List.of());
    assertThat(r).isInstanceOf(RunResult.Answered.class);
    return seen;
  }

  /** A worker with the default settings whose tool says where it is, then waits to be killed. */
  public static final class Worker {
    private Worker() {}

    public static void main(String[] args) throws Exception {
      RunStore store =
          args[0].startsWith("file:")
              ? FileRunStore.of(Path.of(args[0].substring(5)))
              : JdbcRunStore.of(TestDataSources.of(args[0].substring(5), "kimi"), "restart");
      try (KimiClient kimi = KimiClient.builder().apiKey("sk-test").baseUrl(args[1]).build()) {
        Agent agent =
            Agent.builder(kimi, "kimi-k3")
                .owner("the-dead-worker")
                .tool(RestartFixtures.untilKilled())
                .key(TestKeys.KEY)
                .store(store)
                .build();
        agent.run("job-1", List.of(Message.user("transfer to=acct-1 amount=5")));
      }
    }
  }
}
