package io.github.kimisdk.agents;

import java.time.Instant;

/** A store that fails every write whose key starts with a prefix, as a store gone down would. */
final class FailingStore implements RunStore {
  private final RunStore store;
  private final String prefix;

  FailingStore(RunStore store, String prefix) {
    this.store = store;
    this.prefix = prefix;
  }

  @Override
  public Claim claim(String runId, String owner, Instant now, Instant until) {
    return store.claim(runId, owner, now, until);
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
    if (key.startsWith(prefix)) {
      throw new RunStoreException("the store is down (a test's)", null);
    }
    store.put(claim, key, value);
  }

  @Override
  public byte[] get(String runId, String key) {
    return store.get(runId, key);
  }
}
