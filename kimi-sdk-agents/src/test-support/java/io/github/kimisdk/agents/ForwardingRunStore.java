package io.github.kimisdk.agents;

import java.time.Instant;

/**
 * A test's store in front of another: the five operations every store has (claim, renew, release,
 * put, get) go to {@link #store}, for a subclass to catch the ones it watches or fails. The others
 * keep {@link RunStore}'s defaults: {@code putState} writes through {@link #put} (so a subclass
 * that catches writes sees the state's too, unless it overrides {@code putState}), and the finding
 * operations refuse unless a subclass forwards them.
 */
public abstract class ForwardingRunStore implements RunStore {
  /** The store this one forwards to. */
  protected final RunStore store;

  /**
   * A store in front of {@code store}.
   *
   * @param store the store it forwards to
   */
  protected ForwardingRunStore(RunStore store) {
    this.store = store;
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
    store.put(claim, key, value);
  }

  @Override
  public byte[] get(String runId, String key) {
    return store.get(runId, key);
  }
}
