package io.github.kimisdk.agents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link RunStore#inMemory()}: the contract in one process, every method under one lock. */
final class MemoryRunStore implements RunStore {
  private final Map<String, Claim.Held> claims = new HashMap<>(); // guarded by this
  private final Map<String, byte[]> records = new HashMap<>(); // guarded by this; run + '\0' + key
  private final Map<String, RunSummary> summaries = new HashMap<>(); // guarded by this

  @Override
  public synchronized Claim claim(String runId, String owner, Instant now, Instant until) {
    Ids.runId(runId);
    Claim.Held current = claims.get(runId);
    if (current != null && current.until().isAfter(now)) {
      return new Claim.Taken(runId, current.owner(), current.until());
    }
    Claim.Held held = new Claim.Held(runId, owner, Ids.newToken(), until);
    claims.put(runId, held);
    return held;
  }

  @Override
  public synchronized boolean renew(Claim.Held claim, Instant until) {
    if (!holds(claim)) {
      return false;
    }
    claims.put(claim.runId(), claim.renewed(until));
    return true;
  }

  @Override
  public synchronized void release(Claim.Held claim) {
    if (holds(claim)) {
      claims.remove(claim.runId());
    }
  }

  @Override
  public synchronized void put(Claim.Held claim, String key, byte[] value) {
    Ids.key(key);
    if (!holds(claim)) {
      throw new ClaimLostException(claim.runId());
    }
    records.put(claim.runId() + '\u0000' + key, value.clone());
  }

  @Override
  public synchronized void putState(Claim.Held claim, byte[] state, RunSummary summary) {
    put(claim, Ids.STATE, state);
    summaries.put(claim.runId(), summary);
  }

  @Override
  public synchronized RunPage list(RunQuery query) {
    List<RunSummary> found = new ArrayList<>();
    for (RunSummary s : summaries.values()) {
      Claim.Held c = claims.get(s.runId());
      RunSummary listed = c == null ? s : s.claimed(c.owner(), c.until());
      if (query.afterToken(listed) && query.matches(listed)) {
        found.add(listed);
      }
    }
    found.sort(Comparator.comparing(RunQuery::token));
    return RunPage.of(found, query.limit());
  }

  @Override
  public synchronized boolean delete(String runId, Instant now) {
    Ids.runId(runId);
    Claim.Held c = claims.get(runId);
    if (c != null && c.until().isAfter(now)) {
      return false;
    }
    boolean had = summaries.remove(runId) != null;
    claims.remove(runId);
    had |= records.keySet().removeIf(k -> k.startsWith(runId + '\u0000'));
    return had;
  }

  @Override
  public synchronized boolean release(String runId, String holder) {
    java.util.Objects.requireNonNull(holder, "holder must not be null");
    Claim.Held c = claims.get(Ids.runId(runId));
    return c != null && c.owner().equals(holder) && claims.remove(runId) != null;
  }

  @Override
  public synchronized boolean forceRelease(String runId) {
    return claims.remove(Ids.runId(runId)) != null;
  }

  @Override
  public synchronized byte[] get(String runId, String key) {
    byte[] v = records.get(Ids.runId(runId) + '\u0000' + Ids.key(key));
    return v == null ? null : v.clone();
  }

  private boolean holds(Claim.Held claim) {
    Claim.Held current = claims.get(claim.runId());
    return current != null && current.token().equals(claim.token());
  }

  @Override
  public String toString() {
    return "RunStore.inMemory()";
  }
}
