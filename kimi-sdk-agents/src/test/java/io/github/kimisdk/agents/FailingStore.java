package io.github.kimisdk.agents;

import java.time.Instant;

/**
 * A store that lets the first {@code allowed} writes under a prefix through and fails the rest: the
 * write of a call's result after its intent, as a crash between the two would leave it.
 */
final class FailingStore implements RunStore {
  private final RunStore store;
  private final String prefix;
  private int allowed; // guarded by this

  FailingStore(RunStore store, String prefix, int allowed) {
    this.store = store;
    this.prefix = prefix;
    this.allowed = allowed;
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
      synchronized (this) {
        if (allowed-- <= 0) {
          throw new RunStoreException("the store is down (a test's)", null);
        }
      }
    }
    store.put(claim, key, value);
  }

  @Override
  public void putState(Claim.Held claim, byte[] state, RunSummary summary) {
    if (Ids.STATE.startsWith(prefix)) {
      synchronized (this) {
        if (allowed-- <= 0) {
          throw new RunStoreException("the store is down (a test's)", null);
        }
      }
    }
    store.putState(claim, state, summary);
  }

  @Override
  public byte[] get(String runId, String key) {
    return store.get(runId, key);
  }

  @Override
  public RunPage list(RunQuery query) {
    return store.list(query);
  }

  @Override
  public boolean delete(String runId, Instant now) {
    return store.delete(runId, now);
  }

  @Override
  public boolean release(String runId) {
    return store.release(runId);
  }
}
