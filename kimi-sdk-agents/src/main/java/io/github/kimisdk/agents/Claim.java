package io.github.kimisdk.agents;

import java.time.Instant;
import java.util.Objects;

/**
 * Answers a worker's claim on a run ({@link RunStore#claim}): it holds the run until its lease
 * lapses, or another worker does.
 */
public sealed interface Claim {

  /**
   * Returns the run.
   *
   * @return the run's id
   */
  String runId();

  /**
   * Returns when the lease lapses if its holder neither renews nor releases it (because it died).
   *
   * @return the instant
   */
  Instant until();

  /**
   * The worker holds the run; every write it makes carries {@code token}, and a store refuses a
   * write whose token is no longer the run's.
   *
   * @param runId the run
   * @param owner the worker
   * @param token this claim's fencing token, new with every claim
   * @param until when the lease lapses
   */
  record Held(String runId, String owner, String token, Instant until) implements Claim {
    /**
     * Checks the components.
     *
     * @param runId the run
     * @param owner the worker
     * @param token the token
     * @param until when the lease lapses
     * @throws NullPointerException if an argument is null
     */
    public Held {
      Objects.requireNonNull(runId, "runId must not be null");
      Objects.requireNonNull(owner, "owner must not be null");
      Objects.requireNonNull(token, "token must not be null");
      Objects.requireNonNull(until, "until must not be null");
    }

    /**
     * Returns the same claim with another end of lease.
     *
     * @param until when the lease now lapses
     * @return the claim
     */
    public Held renewed(Instant until) {
      return new Held(runId, owner, token, until);
    }

    /** Returns the claim without its token. */
    @Override
    public String toString() {
      return "Claim.Held[runId=" + runId + ", owner=" + owner + ", until=" + until + "]";
    }
  }

  /**
   * Another worker holds the run.
   *
   * @param runId the run
   * @param holder the worker that holds it
   * @param until when its lease lapses if it dies
   */
  record Taken(String runId, String holder, Instant until) implements Claim {
    /**
     * Checks the components.
     *
     * @param runId the run
     * @param holder the holder
     * @param until when its lease lapses
     * @throws NullPointerException if an argument is null
     */
    public Taken {
      Objects.requireNonNull(runId, "runId must not be null");
      Objects.requireNonNull(holder, "holder must not be null");
      Objects.requireNonNull(until, "until must not be null");
    }
  }
}
