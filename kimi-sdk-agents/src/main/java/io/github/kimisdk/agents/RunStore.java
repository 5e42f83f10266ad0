package io.github.kimisdk.agents;

import java.time.Instant;

/**
 * Keeps agent runs where a fleet can reach them: each run's records (its saved {@link RunState} and
 * one record per tool call, written before and after its effect) and the claim that lets one worker
 * at a time drive it. {@link FileRunStore} (one machine, no setup), {@link JdbcRunStore} (any
 * database with a JDBC driver) and, in {@code kimi-sdk-redis}, a Redis store implement it; {@link
 * #inMemory()} holds runs in this process only.
 *
 * <p><b>The contract</b>, which every implementation passes in the same tests:
 *
 * <ul>
 *   <li>{@link #claim} is atomic across every worker of the store: a run is free when it has no
 *       claim or its claim's lease ended at or before {@code now}; then the caller holds it with a
 *       new token. Otherwise the answer is {@link Claim.Taken}, naming the holder and when its
 *       lease lapses.
 *   <li>{@link #put} writes one record only while the claim's token is still the run's (a fencing
 *       token): a worker whose lease lapsed and whose run another worker claimed gets {@link
 *       ClaimLostException}, and nothing is written. A write that returns is durable (on disk, or
 *       committed) and replaces the record whole.
 *   <li>{@link #get} reads a record as last written, from any worker; no claim is needed to read.
 *   <li>{@link #putState} writes a run's state and its {@link RunSummary} together, fenced as
 *       {@link #put} is; {@link #list} and {@link #count} find runs by what their summaries say and
 *       the claims the store holds, in bounded memory, oldest save first; {@link #delete} removes a
 *       run no worker holds, with every record of it; {@link #release(String, String)} ends a named
 *       holder's claim and {@link #forceRelease} whatever claim a run has (an operator's: the old
 *       holder's next write fails).
 * </ul>
 *
 * <p>The finding operations have defaults that refuse ({@link UnsupportedOperationException}), so a
 * store written before them still drives runs; every store of this SDK implements them.
 *
 * <p>Times are the workers' ({@code now} and {@code until} come from the agent's clock): the
 * workers' clocks must agree to well within a lease. Implementations are thread-safe.
 */
public interface RunStore {

  /**
   * Claims a run for a worker, atomically.
   *
   * @param runId the run
   * @param owner the worker, as it names itself
   * @param now the worker's time
   * @param until when the claim lapses unless renewed
   * @return {@link Claim.Held} with a new token, or {@link Claim.Taken}
   * @throws RunStoreException if the store fails
   */
  Claim claim(String runId, String owner, Instant now, Instant until);

  /**
   * Extends a claim this worker holds.
   *
   * @param claim the claim
   * @param until when it now lapses
   * @return false when the claim passed to another worker
   * @throws RunStoreException if the store fails
   */
  boolean renew(Claim.Held claim, Instant until);

  /**
   * Releases a claim, so another worker may claim the run at once; nothing when it is no longer
   * held.
   *
   * @param claim the claim
   * @throws RunStoreException if the store fails
   */
  void release(Claim.Held claim);

  /**
   * Writes a record of a run while the claim holds it, durably, replacing the record whole.
   *
   * @param claim the claim
   * @param key the record's key: lower-case letters, digits, {@code /}, {@code -}, at most 64
   * @param value the record's bytes
   * @throws ClaimLostException if the claim passed to another worker; nothing was written
   * @throws RunStoreException if the store fails
   */
  void put(Claim.Held claim, String key, byte[] value);

  /**
   * Reads a record of a run.
   *
   * @param runId the run
   * @param key the record's key
   * @return the bytes last written, or null when there is none
   * @throws RunStoreException if the store fails
   */
  byte[] get(String runId, String key);

  /**
   * Writes a run's state record ({@code state}) and its summary together, while the claim holds it:
   * as {@link #put} does, and, for a store that finds runs, the summary it finds them by. The
   * default writes the state alone.
   *
   * @param claim the claim
   * @param state the state's bytes
   * @param summary what the run is found by
   * @throws ClaimLostException if the claim passed to another worker; nothing was written
   * @throws RunStoreException if the store fails
   */
  default void putState(Claim.Held claim, byte[] state, RunSummary summary) {
    put(claim, "state", state);
  }

  /**
   * Finds one page of runs, oldest save first, each with its claim as the store holds it now.
   *
   * @param query what to find
   * @return the page
   * @throws UnsupportedOperationException if this store cannot find runs
   * @throws RunStoreException if the store fails
   */
  default RunPage list(RunQuery query) {
    throw new UnsupportedOperationException(this + " cannot list runs");
  }

  /**
   * Counts the runs a query finds, every page of them. The default pages through {@link #list}.
   *
   * @param query what to count (its page token and size are ignored)
   * @return how many
   * @throws UnsupportedOperationException if this store cannot find runs
   * @throws RunStoreException if the store fails
   */
  default long count(RunQuery query) {
    long n = 0;
    RunQuery q = query.after(null).limit(RunQuery.MAX_LIMIT);
    while (true) {
      RunPage p = list(q);
      n += p.runs().size();
      if (p.next() == null) {
        return n;
      }
      q = q.after(p.next());
    }
  }

  /**
   * Deletes a run, its records, its summary and its claim, unless a worker holds it now.
   *
   * @param runId the run
   * @param now the time the claim is judged by
   * @return true when it was deleted; false when a worker holds it or there was none
   * @throws UnsupportedOperationException if this store cannot delete runs
   * @throws RunStoreException if the store fails
   */
  default boolean delete(String runId, Instant now) {
    throw new UnsupportedOperationException(this + " cannot delete runs");
  }

  /**
   * Ends a run's claim if {@code holder} holds it, as an operator does for a worker that will not
   * come back, naming the worker they saw hold it ({@link RunSummary#holder()}): judged and ended
   * by the store at once, so a claim another worker took since (the first one's lease lapsed) is
   * left as it is. The run is free at once, and the old holder, if it lives, is fenced out (its
   * next write fails with {@link ClaimLostException}). Workers name themselves ({@link
   * Agent.Builder#owner}); give each its own name, as the default does.
   *
   * @param runId the run
   * @param holder the worker whose claim to end
   * @return true when {@code holder} held a claim on the run and it ended; false when the run has
   *     no claim, or another worker's
   * @throws UnsupportedOperationException if this store cannot end claims
   * @throws RunStoreException if the store fails
   */
  default boolean release(String runId, String holder) {
    throw new UnsupportedOperationException(this + " cannot end a claim");
  }

  /**
   * Ends whatever claim a run has, whoever holds it: an operator's forced release, for a claim
   * whose holder they cannot name. Prefer {@link #release(String, String)}, which cannot end the
   * claim of a worker that took the run over since the operator looked.
   *
   * @param runId the run
   * @return true when there was a claim to end
   * @throws UnsupportedOperationException if this store cannot end claims
   * @throws RunStoreException if the store fails
   */
  default boolean forceRelease(String runId) {
    throw new UnsupportedOperationException(this + " cannot end a claim");
  }

  /**
   * Checks that the store answers, for a health check: a read of a record no run has.
   *
   * @throws RunStoreException if it does not
   */
  default void check() {
    get("health-check", "state");
  }

  /**
   * Returns a store that holds runs in this process only: claims and records are shared by every
   * agent of the process that uses this store, and lost when it ends.
   *
   * @return a new, empty store
   */
  static RunStore inMemory() {
    return new MemoryRunStore();
  }
}
