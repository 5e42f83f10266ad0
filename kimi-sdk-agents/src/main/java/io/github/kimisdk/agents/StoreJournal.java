package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonObject;

/**
 * A run tree's journal in the agent's {@link RunStore}: the state under {@code state}, each call
 * under its key, every record sealed under the agent's {@link RunKey} when it has one and checked
 * whenever it is read. Writes carry the claim's fencing token ({@link Claimer}).
 */
final class StoreJournal implements Journal {
  private final RunStore store;
  private final String runId;
  private final RunKey key;
  private final Claimer claimer;
  private final String owner;

  StoreJournal(Setup agent, String runId) {
    this.store = agent.store;
    this.runId = runId;
    this.key = agent.key;
    this.owner = agent.owner;
    this.claimer =
        new Claimer(agent.store, runId, agent.owner, agent.lease, agent.claimWait, agent.clock);
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public Claim claim() {
    Claim.Taken taken = claimer.claim();
    return taken != null ? taken : claimer.held();
  }

  @Override
  public void release() {
    claimer.release();
  }

  @Override
  public RunData loadState() {
    return RunState.read(store, key, runId);
  }

  @Override
  public void writeState(RunData root) {
    JsonObject tree = Seal.seal(key, Seal.stateScope(runId), RunFormat.write(root));
    store.putState(
        claimer.held(),
        io.github.kimisdk.json.Json.writePretty(tree)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
        root.summary(owner));
  }

  @Override
  public CallRecord readCall(String recordKey) {
    byte[] bytes = store.get(runId, recordKey);
    if (bytes == null) {
      return null;
    }
    String what = "the record " + recordKey + " of run " + runId;
    JsonObject o =
        Seal.open(key, Seal.recordScope(runId, recordKey), Seal.parse(bytes, what), what);
    try {
      return CallRecord.fromJson(o);
    } catch (IllegalArgumentException e) {
      throw new RunTamperedException(what + " is not a call record: " + e.getMessage());
    }
  }

  @Override
  public void writeCall(String recordKey, CallRecord record) {
    JsonObject tree = Seal.seal(key, Seal.recordScope(runId, recordKey), record.toJson());
    store.put(claimer.held(), recordKey, Seal.bytes(tree));
  }
}
