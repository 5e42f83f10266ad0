package io.github.kimisdk.agents;

import java.time.Instant;
import java.util.List;

/**
 * What the restart-after-kill tests of every store share (kimi-sdk-agents' file and JDBC stores,
 * kimi-sdk-redis' store): the read-only tool their worker is killed inside, and a store that notes
 * each claim it answers.
 */
public final class RestartFixtures {
  private RestartFixtures() {}

  /**
   * The tool {@code transfer} (a lookup, declared read-only, so a resumed run calls it again).
   *
   * @param handler what it does
   * @return the tool
   */
  public static AgentTool tool(ToolHandler handler) {
    return BankTools.transfer("Looks an account up", handler).asReadOnly();
  }

  /**
   * The tool a worker is killed inside: a call prints {@code IN-TOOL} and waits ten minutes.
   *
   * @return the tool
   */
  public static AgentTool untilKilled() {
    return tool(
        (a, ctx) -> {
          System.out.println("IN-TOOL");
          System.out.flush();
          Thread.sleep(600_000);
          return "never";
        });
  }

  /** A store that notes each claim it answers, in order, in the list it was given. */
  public static final class Watching extends ForwardingRunStore {
    private final List<Claim> seen;

    /**
     * A store in front of {@code store} that notes its claims in {@code seen}.
     *
     * @param store the store it forwards to
     * @param seen where it notes the claims (guarded by itself)
     */
    public Watching(RunStore store, List<Claim> seen) {
      super(store);
      this.seen = seen;
    }

    @Override
    public Claim claim(String runId, String owner, Instant now, Instant until) {
      Claim c = super.claim(runId, owner, now, until);
      synchronized (seen) {
        seen.add(c);
      }
      return c;
    }

    @Override
    public void putState(Claim.Held claim, byte[] state, RunSummary summary) {
      store.putState(claim, state, summary);
    }
  }
}
