package io.github.kimisdk.agents;

import io.github.kimisdk.tool.JsonSchema;
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
    return AgentTool.of(
            "transfer",
            "Looks an account up",
            JsonSchema.object()
                .required("to", JsonSchema.string())
                .required("amount", JsonSchema.integer())
                .build(),
            handler)
        .asReadOnly();
  }

  /**
   * A store that notes each claim it answers in {@code seen}, in order.
   *
   * @param store the store it forwards to
   * @param seen where it notes the claims (guarded by itself)
   */
  public record Watching(RunStore store, List<Claim> seen) implements RunStore {
    @Override
    public Claim claim(String runId, String owner, Instant now, Instant until) {
      Claim c = store.claim(runId, owner, now, until);
      synchronized (seen) {
        seen.add(c);
      }
      return c;
    }

    @Override
    public boolean renew(Claim.Held claim, Instant until) {
      return store.renew(claim, until);
    }

    @Override
    public void release(Claim.Held claim) {
      store.release(claim);
    }

    @Override
    public void put(Claim.Held claim, String key, byte[] value) {
      store.put(claim, key, value);
    }

    @Override
    public void putState(Claim.Held claim, byte[] state, RunSummary summary) {
      store.putState(claim, state, summary);
    }

    @Override
    public byte[] get(String runId, String key) {
      return store.get(runId, key);
    }
  }
}
