package io.github.kimisdk.agents;

import java.time.Instant;

/**
 * A store that lets the first {@code allowed} writes under a prefix through and fails the rest: the
 * write of a call's result after its intent, as a crash between the two would leave it.
 */
final class FailingStore extends ForwardingRunStore {
  private final String prefix;
  private int allowed; // guarded by this

  FailingStore(RunStore store, String prefix, int allowed) {
    super(store);
    this.prefix = prefix;
    this.allowed = allowed;
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
  public RunPage list(RunQuery query) {
    return store.list(query);
  }

  @Override
  public boolean delete(String runId, Instant now) {
    return store.delete(runId, now);
  }

  @Override
  public boolean release(String runId, String holder) {
    return store.release(runId, holder);
  }

  @Override
  public boolean forceRelease(String runId) {
    return store.forceRelease(runId);
  }
}
