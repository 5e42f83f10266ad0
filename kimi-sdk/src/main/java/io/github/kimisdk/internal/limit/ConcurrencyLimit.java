package io.github.kimisdk.internal.limit;

/**
 * The rule that decides how many attempts one host gets at once, learned from its refusals for
 * concurrency, and nothing else: it holds no queue and no thread ({@link ConcurrencyGate} makes
 * attempts wait by it, as Netflix concurrency-limits keeps its {@code Limit} apart from the limiter
 * that enforces it). A cut is kept only when fewer attempts in flight bring fewer refusals: a host
 * that refuses a share of requests whatever the client sends (another tenant of the account, a
 * host's noise) is not answered by sending less. docs/hosts.md ("Concurrency that adapts") gives
 * the rule's evidence; this comment states the rule and its bounds.
 *
 * <ol>
 *   <li><b>No limit until a refusal.</b> Until the host refuses an attempt for its concurrency,
 *       every attempt passes.
 *   <li><b>Rounds.</b> A round is the next {@code size} attempts granted (the cohort; attempts
 *       granted after it filled belong to no round), judged once every one of them ended, by the
 *       share the host refused for concurrency (a cancelled attempt is not counted): a refusal
 *       comes back sooner than an answer, and only a whole cohort is not biased by it. {@code size}
 *       is {@link #MIN_ROUND}, the limit, or while there is none the most attempts the last round
 *       had in flight, whichever is largest; the rounds of a cut's trial are as large as the round
 *       that made the cut. The next round begins with the next attempt granted; its time, once the
 *       host was left idle, with its first attempt.
 *   <li><b>Hold.</b> While a round's refusals are already significantly more than the tolerated
 *       share would give (a chance under {@link #SIGNIFICANT}, binomially), a refused attempt is
 *       not replaced until an answer makes up for it: no more than the round's peak less its
 *       unanswered refusals are in flight until it is judged (as TCP's proportional rate reduction
 *       sends in proportion to what is delivered).
 *   <li><b>Cut, on trial.</b> A round whose refusals are significantly more than the tolerated
 *       share would give cuts the limit, if it is not the first round at its limit (a round picked
 *       for its refusals overstates their share, and its trial needs the rounds before it) or the
 *       host refused more than {@link #MAX_TOLERATED} of it. The cut goes to what the host held
 *       during the round: the time-average of the attempts in flight that it did not refuse
 *       (Little's law), rounded down, and never below the share of the round's peak that was not
 *       refused; below the limit and the peak, at least 1. The rounds at the cut's limit are its
 *       trial, against the share that round and up to {@link #BEFORE_ROUNDS} before it at the old
 *       limit refused.
 *   <li><b>Kept, cut again or undone.</b> A trial round that refuses more than {@link
 *       #MAX_TOLERATED} of its attempts, or significantly more than the share it is tried against,
 *       says the cut was too small: the limit is cut again from its own. Otherwise each trial round
 *       adds its weight of evidence ({@link #weigh}) that the cut took the refusals down to a
 *       quarter rather than left their share as it was, until one is {@code (1 - TRIAL_ERROR) /
 *       TRIAL_ERROR} times likelier than the other (Wald's sequential test, {@link #TRIAL_ERROR}
 *       either way): the cut is kept, or undone at once (the limit goes back to what it was, none
 *       if none, and the share the rounds before it and its trial refused is tolerated from then
 *       on: a cut that did not lower the refusals says they are not the client's doing). Until the
 *       trial decides, the cut stands and nothing is raised. A kept cut's later rounds still weigh,
 *       and undo it should they turn; while they lean that way they cut nothing further.
 *   <li><b>Raise.</b> A round that made no cut and decided no trial, in which the limit was
 *       reached, raises it by one, up to the configured maximum (where the gate stops limiting: the
 *       rate limiter enforces that maximum itself). The limit a kept cut came down from is the
 *       host's known ceiling: a raise to it waits for one round without a cut, twice as many after
 *       each kept cut that came down from it (at most {@link #MAX_PROBE_WAIT}); a round at it
 *       without a cut forgets it.
 *   <li><b>Tolerated share.</b> It is at least {@link #MIN_TOLERATED} and at most {@link
 *       #MAX_TOLERATED}; it is halved (not below its least) once the attempts since the last
 *       refusal would have drawn {@link #FORGET} at it.
 *   <li><b>A stated limit</b> ("max concurrency: N") below the limit is taken at once, ends any
 *       trial and round, and is the most the limit climbs back to.
 * </ol>
 *
 * <p>Bounds: the limit is at least 1 and at most the configured maximum (or none); the tolerated
 * share is between {@link #MIN_TOLERATED} and {@link #MAX_TOLERATED}; a cut reads at least {@link
 * #MIN_ROUND} outcomes and each round of its trial as many as the round that made it, so a host
 * that refuses at random costs a few rounds at a lower limit per cut tried, and tries a cut only
 * when a round refuses significantly more than it has shown it refuses anyway. The state is a few
 * dozen numbers, whatever the traffic: a step is O(1), but for a binomial tail, linear in the
 * round's refusals.
 *
 * <p>Not thread-safe: {@link ConcurrencyGate} calls it under its lock. Times are nanoseconds of one
 * clock.
 */
public final class ConcurrencyLimit {

  /** No limit: every attempt passes. */
  static final int NONE = Integer.MAX_VALUE;

  /** The round of an attempt granted after its round's cohort filled: it counts for nothing. */
  static final int NO_ROUND = -1;

  /** The fewest attempts a round judges. */
  static final int MIN_ROUND = 8;

  /** The largest share a host is taken to refuse whatever it is sent. */
  static final double MAX_TOLERATED = 0.5;

  /**
   * The least share of refusals tolerated, before any is seen to be the host's noise: BBR's
   * threshold of loss per round (google/bbr {@code tcp_bbr2.c}, {@code bbr_loss_thresh}).
   */
  static final double MIN_TOLERATED = 0.02;

  /** How unlikely a round's refusals must be, at the tolerated share, to hold and to cut. */
  static final double SIGNIFICANT = 0.01;

  /**
   * The error a trial accepts either way: a cut is kept when its rounds are 19 times likelier if it
   * took the refusals down to a quarter than if it left their share as it was, and undone when the
   * reverse (Wald's sequential test, both errors at 5%).
   */
  static final double TRIAL_ERROR = 0.05;

  private static final double DECIDED = Math.log((1 - TRIAL_ERROR) / TRIAL_ERROR);

  /**
   * How many refusals at the tolerated share the attempts since the last refusal would have drawn
   * when it is halved (none drawn: a chance of about one in a thousand).
   */
  static final double FORGET = 7;

  /** The rounds before a cut, at the limit it cuts, that tell the share it is tried against. */
  static final int BEFORE_ROUNDS = 4;

  /** The most rounds a raise to the host's known ceiling waits. */
  static final int MAX_PROBE_WAIT = 64;

  /** Why the limit moved, as events and logs name it. */
  enum Reason {
    /** A round's refusals lowered it; its trial follows. */
    CUT("cut"),
    /** The trial refused less: the cut stands (the limit does not move). */
    KEPT("kept"),
    /** The trial refused about as much as before: the cut is undone. */
    UNDONE("undone"),
    /** A round without a cut raised it. */
    RAISED("raised"),
    /** The host stated its limit. */
    STATED("stated"),
    /** A trial round that decided nothing: never told. */
    WAITING("waiting");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * One move of the limit (or a trial's verdict that keeps it), with the round that decided it.
   *
   * @param reason why
   * @param from the limit before, or {@link #NONE}
   * @param to the limit after, or {@link #NONE}
   * @param attempts the round's attempts counted (0 for a stated limit)
   * @param refused how many of them the host refused for concurrency
   * @param tolerated the refusal share tolerated after the move
   */
  record Change(Reason reason, int from, int to, int attempts, int refused, double tolerated) {}

  private final int max;
  private int ceiling; // the most the limit climbs to: max, or less once the host stated less
  private int limit = NONE;

  // the round: its cohort, what it has in flight, and what the host held
  private int round;
  private int size = MIN_ROUND;
  private int granted; // the cohort's attempts granted, at most size
  private int ended; // of them, ended
  private int cancelled; // of those, cancelled: not counted
  private int refused; // of those, refused for concurrency
  private int seen; // the attempts that ended in the round, of it or not
  private int seenRefused; // of them, refused for concurrency
  private boolean holding; // see allowed()
  private int peak; // the most attempts in flight since the round began
  private long roundStart;
  private long startSum; // the starts of the attempts in flight, none before roundStart
  private long heldNanos; // the time in the round of attempts ended and not refused

  // the cut on trial, and what the host has shown
  private boolean trial; // the last cut's trial is open: the limit is still the cut's
  private boolean kept; // its rounds showed that it cut the refusals
  private double evidence; // the log-likelihood ratio of its rounds: cut against unchanged
  private int trialAttempts; // the rounds at the cut's limit, summed
  private int trialRefused;
  private int undoTo;
  private int cameFrom; // the limit the cut on trial came down from, or its round's peak
  private int beforeAttempts; // the rounds that caused the cut on trial
  private int beforeRefused;
  private final int[] pastAttempts = new int[BEFORE_ROUNDS]; // the last rounds at this limit
  private final int[] pastRefused = new int[BEFORE_ROUNDS];
  private int past; // how many of them there are
  private int pastNext; // where the next goes
  private int trialRound; // the size of the round that made the cut on trial
  private double tolerated = MIN_TOLERATED;
  private long cleanAttempts; // ended, none refused, since the last refusal
  private int known = NONE; // the limit a kept cut came down from
  private int probeWait = 1;
  private int clean; // rounds without a cut at this limit
  private int cuts;
  private int undone;

  /**
   * Creates the rule of one host.
   *
   * @param max the most attempts in flight the client allows the host ({@code RateLimit}'s
   *     concurrency, which the rate limiter enforces itself), or {@link #NONE}
   * @param now the clock's time
   */
  ConcurrencyLimit(int max, long now) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    this.max = max;
    this.ceiling = max;
    this.roundStart = now;
  }

  /** The limit, or {@link #NONE}. */
  int limit() {
    return limit;
  }

  /**
   * How many attempts may be in flight now: the limit, or, while the round holds, its peak less the
   * refusals no answer has made up for (at least 1).
   */
  int allowed() {
    if (!holding) {
      return limit;
    }
    int unanswered = seenRefused - (seen - seenRefused); // refusals no answer has made up for
    return unanswered <= 0 ? limit : Math.max(1, Math.min(limit, peak - unanswered));
  }

  /** The refusal share a cut failed to lower, which alone no longer cuts. */
  double tolerated() {
    return tolerated;
  }

  /** How many cuts were tried. */
  int cuts() {
    return cuts;
  }

  /** How many cuts were undone. */
  int undone() {
    return undone;
  }

  /** Tells whether the last cut is on trial (its limit has not moved since). */
  boolean onTrial() {
    return trial;
  }

  /**
   * Grants an attempt at {@code now}.
   *
   * @param inFlight the attempts in flight, it included
   * @param refusing how many of them the host was heard to refuse, their ends still to come
   * @param now the clock's time
   * @return its round, or {@link #NO_ROUND} when the round's cohort is full
   */
  int granted(int inFlight, int refusing, long now) {
    if (inFlight == 1 && granted == 0) {
      // the first attempt after the host was left idle: the round's time starts now
      roundStart = now;
      startSum = 0;
      heldNanos = 0;
    }
    peak = Math.max(peak, inFlight - refusing);
    startSum += now;
    if (granted == size) {
      return NO_ROUND;
    }
    granted++;
    return round;
  }

  /**
   * Takes the limit the host stated, when it is below the limit: it is also the most the limit
   * climbs back to.
   *
   * @param stated the host's limit, at least 1
   * @param inFlight the attempts in flight
   * @param refusing how many of them the host was heard to refuse, their ends still to come
   * @param now the clock's time
   * @return the change, or null when the limit stays
   */
  Change stated(int stated, int inFlight, int refusing, long now) {
    if (stated < ceiling) {
      ceiling = stated;
    }
    if (stated >= limit) {
      return null;
    }
    int from = limit;
    limit = stated;
    trial = false;
    past = 0;
    pastNext = 0;
    next(inFlight, refusing, now);
    return new Change(Reason.STATED, from, limit, 0, 0, tolerated);
  }

  /**
   * Counts the end of an attempt, and judges its round once every attempt of it ended.
   *
   * @param of the attempt's round ({@link #granted}'s answer)
   * @param start when it was granted
   * @param refusedForConcurrency whether the host refused it for its concurrency
   * @param cancelledAttempt whether it was cancelled: it held the host, but says nothing of it
   * @param inFlight the attempts still in flight
   * @param refusing how many of them the host was heard to refuse, their ends still to come
   * @param now the clock's time
   * @return the change the round decided, or null when the limit stays
   */
  Change ended(
      int of,
      long start,
      boolean refusedForConcurrency,
      boolean cancelledAttempt,
      int inFlight,
      int refusing,
      long now) {
    long from = Math.max(start, roundStart);
    startSum -= from;
    if (!refusedForConcurrency) {
      heldNanos += now - from;
    }
    if (!cancelledAttempt) {
      seen++;
      if (refusedForConcurrency) {
        seenRefused++;
        holding = holding || atLeast(seenRefused, seen, tolerated) < SIGNIFICANT;
        cleanAttempts = 0;
      } else if (++cleanAttempts * tolerated >= FORGET && tolerated > MIN_TOLERATED) {
        // no refusal where the tolerated share gives seven: the noise has fallen
        tolerated = Math.max(MIN_TOLERATED, tolerated / 2);
        cleanAttempts = 0;
      }
    }
    if (of != round) {
      return null; // of no round, or of an earlier one: it says nothing of this limit
    }
    ended++;
    if (cancelledAttempt) {
      cancelled++;
    } else if (refusedForConcurrency) {
      refused++;
    }
    return ended < size ? null : judge(inFlight, refusing, now);
  }

  private Change judge(int inFlight, int refusing, long now) {
    int from = limit;
    int n = ended - cancelled;
    int r = refused;
    if (n == 0) {
      next(inFlight, refusing, now); // every attempt was cancelled: nothing to judge
      return null;
    }
    Reason reason = null;
    boolean again = false; // a trial refused too much to be noise: cut again from its limit
    if (trial) {
      // every round at the cut's limit adds to its trial, kept or not yet decided
      trialAttempts += n;
      trialRefused += r;
      double before = (double) beforeRefused / beforeAttempts;
      evidence += weigh(r, n, before);
      if ((double) r / n > MAX_TOLERATED || atLeast(r, n, before) < SIGNIFICANT) {
        trial = false;
        again = true; // it refuses more than the round that made the cut: the cut was too small
      } else if (evidence <= -DECIDED) {
        trial = false;
        limit = undoTo;
        double pooled = (double) (beforeRefused + trialRefused) / (beforeAttempts + trialAttempts);
        tolerated = Math.min(MAX_TOLERATED, Math.max(tolerated, pooled));
        undone++;
        reason = Reason.UNDONE;
      } else if (evidence >= DECIDED && !kept) {
        kept = true;
        reason = Reason.KEPT;
        if (cameFrom >= known) {
          probeWait = Math.min(MAX_PROBE_WAIT, probeWait * 2); // a probe of the ceiling failed
        }
        known = Math.min(known, cameFrom);
      } else if (!kept) {
        reason = Reason.WAITING; // undecided: the cut stands, nothing is raised
      }
    }
    boolean significant = r > 0 && atLeast(r, n, tolerated) < SIGNIFICANT;
    // the first round at a limit cuts only when the host refused most of it: a round picked for
    // its refusals overstates the share, and its trial needs the rounds before it to be fair
    boolean cutting =
        significant
            && (past > 0 || (double) r / n > MAX_TOLERATED)
            && (!trial || evidence >= DECIDED); // a kept cut whose rounds turned: let it decide
    if (again || reason == null && cutting) {
      int cut = Math.max(1, Math.min(held(inFlight, now, r, n), Math.min(limit, peak) - 1));
      if (cut < limit) {
        undoTo = limit;
        cameFrom = Math.min(limit, peak);
        // tried against the share at the limit it cuts: this round and the ones just before it,
        // so that one unlucky round does not set the bar
        beforeAttempts = n;
        beforeRefused = r;
        for (int i = 0; i < past; i++) {
          beforeAttempts += pastAttempts[i];
          beforeRefused += pastRefused[i];
        }
        trial = true;
        kept = false;
        evidence = 0;
        trialAttempts = 0;
        trialRefused = 0;
        limit = cut;
        cuts++;
        clean = 0;
        reason = Reason.CUT;
      }
    } else if (reason == null
        && !significant
        && limit != NONE
        && peak >= limit
        && limit < ceiling) {
      clean++;
      if (limit >= known) {
        known = NONE; // it took its known ceiling: the host takes more now
        probeWait = 1;
      }
      if (limit + 1 < known || clean >= probeWait) {
        limit = limit + 1 >= max ? NONE : limit + 1;
        clean = 0;
        trial = false; // the cut's limit is left: its trial ends
        reason = Reason.RAISED;
      }
    }
    if (limit != from) {
      past = 0; // a new limit: its rounds are yet to come
      pastNext = 0;
    } else if (!trial || kept) {
      pastAttempts[pastNext] = n; // the oldest goes once there are enough
      pastRefused[pastNext] = r;
      pastNext = (pastNext + 1) % BEFORE_ROUNDS;
      past = Math.min(past + 1, BEFORE_ROUNDS);
    }
    if (reason == Reason.CUT) {
      trialRound = n;
    }
    next(inFlight, refusing, now);
    return reason == null || reason == Reason.WAITING
        ? null
        : new Change(reason, from, limit, n, r, tolerated);
  }

  /**
   * The weight of a trial round of {@code n} attempts, {@code r} refused, for the cut having taken
   * the refusals down to a quarter of {@code before} against its having left them there: the log of
   * the ratio of the two binomial likelihoods (infinite when it refused less than everything where
   * everything was). A quarter, not a half: the share before was measured on rounds that include
   * the one picked for its refusals, which overstates it, and an undone cut that was needed is cut
   * again at the next round, while a kept cut that was not costs until raised.
   */
  static double weigh(int r, int n, double before) {
    double cut = before / 4;
    double w = r == 0 ? 0 : r * Math.log(cut / before);
    return n == r ? w : w + (n - r) * Math.log((1 - cut) / (1 - before));
  }

  /**
   * What the host held during the round: the time-average of the attempts in flight that it did not
   * refuse (those that ended, and those still out, whose refusal may be coming: a few milliseconds
   * each), or, when the round took no measurable time, the share of its peak it did not refuse.
   */
  private int held(int inFlight, long now, int r, int n) {
    int notRefused = (int) Math.ceil(peak * (1 - (double) r / n));
    long window = now - roundStart;
    if (window <= 0) {
      return notRefused;
    }
    double nanos = heldNanos + ((double) inFlight * now - startSum);
    return Math.max(notRefused, (int) Math.floor(nanos / window));
  }

  /**
   * Begins the next round at {@code now}, {@code inFlight} attempts of earlier ones still out,
   * {@code refusing} of them refused.
   */
  private void next(int inFlight, int refusing, long now) {
    size = Math.max(MIN_ROUND, limit == NONE ? peak : limit);
    if (trial) {
      size = Math.max(size, trialRound); // a trial's rounds are as large as the one that cut
    }
    round++;
    granted = 0;
    ended = 0;
    cancelled = 0;
    refused = 0;
    seen = 0;
    seenRefused = 0;
    holding = false;
    peak = inFlight - refusing;
    roundStart = now;
    startSum = (long) inFlight * now; // what is out counts from now on
    heldNanos = 0;
  }

  /**
   * The chance of at most {@code k} refusals of {@code n} attempts at share {@code p}: the binomial
   * distribution's tail, summed in logarithms (so that a long round's first terms do not vanish),
   * in {@code k} steps.
   */
  static double atMost(int k, int n, double p) {
    if (k >= n || p <= 0) {
      return 1;
    }
    if (k < 0 || p >= 1) {
      return 0;
    }
    double logTerm = n * Math.log1p(-p); // none refused
    double logOdds = Math.log(p) - Math.log1p(-p);
    double top = logTerm; // the largest term so far: the sum is exp(top) * scaled
    double scaled = 1;
    for (int i = 1; i <= k; i++) {
      logTerm += Math.log((double) (n - i + 1) / i) + logOdds;
      if (logTerm > top) {
        scaled = scaled * Math.exp(top - logTerm) + 1;
        top = logTerm;
      } else {
        scaled += Math.exp(logTerm - top);
      }
    }
    return Math.min(1, Math.exp(top + Math.log(scaled)));
  }

  /** The chance of at least {@code k} refusals of {@code n} attempts at share {@code p}. */
  static double atLeast(int k, int n, double p) {
    return k <= 0 ? 1 : 1 - atMost(k - 1, n, p);
  }

  @Override
  public String toString() {
    return "ConcurrencyLimit[limit="
        + (limit == NONE ? "none" : Integer.toString(limit))
        + ", round "
        + round
        + ": "
        + ended
        + " of "
        + size
        + " ended, "
        + refused
        + " refused"
        + (trial ? ", on trial" : "")
        + ", tolerated "
        + tolerated
        + "]";
  }
}
