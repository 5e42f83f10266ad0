package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 103's long run, with the default compaction: fee lookups, one an account, then one
 * idempotent transfer of their total and an answer, against {@link KimiRulesServer} playing a model
 * that reads its context ({@link FeeRun}): it looks up the lowest account its history and summary
 * do not show as done, so a summary that loses the run's progress makes it look accounts up again
 * and the test fails. Every request is judged by Kimi's rules and its window; every summary request
 * must carry the summary before it.
 */
class LongRunCompactionHttpTest {
  static final RunKey KEY =
      RunKey.of("issue-103 long runs, a key for tests".getBytes(StandardCharsets.UTF_8));

  /** Every step's output cap, as a team sets it for a small window. */
  static final int CAP = 1_000;

  /** A run of {@code accounts} lookups on {@code window}, kept in {@code store}. */
  record Outcome(
      RunResult result,
      FeeRun.Seen seen,
      List<Integer> lookups,
      FeeRun.Transfers t,
      List<RunEvent> events) {}

  static Outcome run(int window, int accounts, RunStore store, String ledger) {
    return run(window, accounts, store, ledger, "You collect fees for a bank.", 0);
  }

  /** As above, with these instructions, each lookup's result padded by {@code padTokens}. */
  static Outcome run(
      int window, int accounts, RunStore store, String ledger, String instructions, int padTokens) {
    List<RunEvent> events = new CopyOnWriteArrayList<>();
    try (KimiRulesServer server = KimiRulesServer.start(window, 16L << 20).slim();
        KimiClient kimi = FeeRun.client(server, window)) {
      List<Integer> lookups = new ArrayList<>();
      FeeRun.Transfers transfers = new FeeRun.Transfers();
      Agent agent =
          Agent.builder(kimi, "kimi-k3")
              .name("fees", "1")
              .tool(FeeRun.lookup(lookups, padTokens))
              .tool(FeeRun.transfer(transfers))
              .request(b -> b.maxCompletionTokens(Math.min(CAP, window / 4)))
              .store(store)
              .key(KEY)
              .maxSteps(3 * accounts + 10) // a run that starts over ends here, not never
              .listener(events::add)
              .build();
      String task = FeeRun.task(accounts, ledger);
      long t0 = System.nanoTime();
      RunResult r =
          agent.run(
              ledger + "-" + window, List.of(Message.system(instructions), Message.user(task)));
      FeeRun.Seen seen = FeeRun.seen(server, task);
      System.out.printf(
          "FEE-RUN %s, %d accounts, %s: %s, %s, %d ms%n",
          store.getClass().getSimpleName(),
          accounts,
          r.getClass().getSimpleName(),
          seen.line(window),
          "threshold " + (int) Math.floor(Compaction.DEFAULT_THRESHOLD * window),
          (System.nanoTime() - t0) / 1_000_000);
      return new Outcome(r, seen, lookups, transfers, events);
    }
  }

  static void assertAnswered(Outcome o, int window, int accounts, String ledger) {
    assertThat(o.result()).isInstanceOf(RunResult.Answered.class);
    assertThat(o.seen().refused()).as("requests the server refused").isZero();
    FeeRun.assertAnswered(
        ((RunResult.Answered) o.result()).text(),
        accounts,
        ledger,
        o.lookups(),
        o.t(),
        o.seen(),
        window);
    long compacted = o.events().stream().filter(e -> e instanceof RunEvent.Compacted).count();
    assertThat(compacted).isEqualTo(o.seen().compactions());
  }

  @ParameterizedTest(name = "a {0}-token window")
  @ValueSource(ints = {4_096, 6_000, 8_192, 32_768})
  void aRunOfManyLookupsAnswersOnAnyWindowWithTheDefaults(int window, @TempDir Path dir) {
    int accounts = 100;
    int pad = window > 10_000 ? 1_000 : 0; // on a larger window, longer results: compactions

    Outcome o = run(window, accounts, FileRunStore.of(dir), "acme", "You collect fees.", pad);

    assertAnswered(o, window, accounts, "acme");
  }

  /**
   * Where compaction cannot help: instructions that leave no room for a summary beside the output
   * cap. The run is not caught in compactions: it makes none, its requests go as they are, and the
   * first the server refuses ends it, failed with Kimi's "exceeded model token limit".
   */
  @Test
  void instructionsThatLeaveNoRoomForASummaryEndTheRunFailedAtTheWindow(@TempDir Path dir) {
    StringBuilder rules = new StringBuilder("You collect fees for a bank. The rules:");
    for (int i = 1; rules.length() < 14_400; i++) { // about 3,600 tokens
      rules.append(" rule ").append(i).append(": a fee is owed in cents, never in dollars.");
    }

    Outcome o = run(6_000, 150, FileRunStore.of(dir), "small", rules.toString(), 0);

    assertThat(o.result()).isInstanceOf(RunResult.Failed.class);
    assertThat(((RunResult.Failed) o.result()).error())
        .isInstanceOf(io.github.kimisdk.errors.ContextLengthExceededException.class)
        .hasMessageContaining("exceeded model token limit");
    assertThat(o.seen().compactions()).isZero();
    assertThat(o.seen().refused()).as("the one request refused, the last").isOne();
    assertThat(o.seen().steps()).isLessThan(30);
    assertThat(o.events()).noneMatch(e -> e instanceof RunEvent.Compacted);
  }

  @ParameterizedTest(name = "a {0}-token window")
  @ValueSource(ints = {6_000, 8_192, 32_768})
  @Tag("slow") // 600 steps and their compactions: mvn -B -P slow verify
  void sixHundredLookupsAnswerOnTheFileStore(int window, @TempDir Path dir) {
    Outcome o = run(window, 600, FileRunStore.of(dir), "files");

    assertAnswered(o, window, 600, "files");
  }

  @Test
  @Tag("slow")
  void sixHundredLookupsOfLongResultsAnswerOnA256kWindow(@TempDir Path dir) {
    Outcome o = run(262_144, 600, FileRunStore.of(dir), "large", "You collect fees.", 1_500);

    assertAnswered(o, 262_144, 600, "large");
    assertThat(o.seen().compactions()).as("compactions on the way").isGreaterThanOrEqualTo(2);
  }
}
