package io.github.kimisdk.agents;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Price;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * The limits of one run, chained to its parent's for a subagent's run: steps, tokens, spend, a
 * deadline and the model calls in flight.
 *
 * <p><b>The one worst-case rule.</b> A model call's worst case is the core's ({@link
 * Price#worstCase}): its prompt as the SDK's estimator counts it, plus the output cap the request
 * sends. When the request sends no cap and a limit on tokens or spend is set, the run sends the
 * most output that fits what is left ({@link #affordable}), never more than the model's default
 * output; a call for which fewer than {@value #MIN_OUTPUT} output tokens fit (or the request's own
 * cap, when smaller) is not made. Before a call, every level of the chain holds its worst case, and
 * refuses it when what was spent, plus what calls in flight hold, plus it, would pass the level's
 * limit; after the reply the hold is replaced by what the call cost. Children running in parallel
 * therefore never take their parent past its limits together.
 *
 * <p>Thread model: every level of a tree shares the root's monitor ({@link #lock}); the runs of a
 * tree call {@link #hold} and {@link Hold#settle} from their own threads.
 */
final class Budget {
  /** The fewest output tokens a call is made with when a limit sets its cap. */
  static final int MIN_OUTPUT = 1_024;

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private final Budget parent;
  private final Object lock;
  private final int maxSteps;
  private final long maxTokens;
  private final BigDecimal maxSpend;
  private final Currency currency;
  private final Instant deadline;
  private final Semaphore calls;

  // guarded by lock
  private int steps;
  private long tokens;
  private BigDecimal spent;
  private int heldSteps;
  private long heldTokens;
  private BigDecimal heldSpend = BigDecimal.ZERO;

  /**
   * A level of the chain.
   *
   * @param parent the parent run's budget, or null for a root run
   * @param maxSteps the most model calls, 0 for no limit
   * @param maxTokens the most tokens, 0 for no limit
   * @param maxSpend the most spend, or null
   * @param currency the spend's currency, or null
   * @param deadline when model calls stop, or null
   * @param maxCalls the most model calls in flight at once under this level, 0 for no limit
   * @param steps the model calls made so far under this level
   * @param tokens the tokens used so far under this level
   * @param spent the spend so far under this level, in {@code currency}
   */
  Budget(
      Budget parent,
      int maxSteps,
      long maxTokens,
      BigDecimal maxSpend,
      Currency currency,
      Instant deadline,
      int maxCalls,
      int steps,
      long tokens,
      BigDecimal spent) {
    this.parent = parent;
    this.lock = parent == null ? this : parent.lock;
    this.maxSteps = maxSteps;
    this.maxTokens = maxTokens;
    this.maxSpend = maxSpend;
    this.currency = currency;
    this.deadline = deadline;
    this.calls = maxCalls > 0 ? new Semaphore(maxCalls, true) : null;
    this.steps = steps;
    this.tokens = tokens;
    this.spent = spent == null ? BigDecimal.ZERO : spent;
  }

  /** The earliest deadline of the chain, or null. */
  Instant deadline() {
    Instant d = parent == null ? null : parent.deadline();
    if (deadline == null) {
      return d;
    }
    return d == null || deadline.isBefore(d) ? deadline : d;
  }

  /** Whether a level of the chain limits tokens or spend, so that the run sets the output cap. */
  boolean capsOutput() {
    for (Budget b = this; b != null; b = b.parent) {
      if (b.maxTokens > 0 || b.maxSpend != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The most output tokens, at most {@code cap}, that a call of {@code prompt} tokens can send and
   * still fit every level's token and spend limits with what is spent and held now.
   */
  long affordable(long prompt, long cap, Price price, CacheTtl ttl) {
    long out = cap;
    synchronized (lock) {
      for (Budget b = this; b != null; b = b.parent) {
        if (b.maxTokens > 0) {
          out = Math.min(out, b.maxTokens - b.tokens - b.heldTokens - prompt);
        }
        if (b.maxSpend != null && spendable(price, b.currency)) {
          BigDecimal left =
              b.maxSpend
                  .subtract(b.spent)
                  .subtract(b.heldSpend)
                  .subtract(worst(price, prompt, 0, ttl));
          BigDecimal perToken = price.output().divide(MILLION);
          if (perToken.signum() > 0) {
            long n =
                left.signum() <= 0 ? 0 : left.divide(perToken, 0, RoundingMode.FLOOR).longValue();
            out = Math.min(out, n);
          } else if (left.signum() < 0) {
            out = 0;
          }
        }
      }
    }
    return Math.max(0, out);
  }

  private static boolean spendable(Price price, Currency currency) {
    return price != null && currency != null && price.currency().equals(currency);
  }

  /** The worst case of a call: the core's one rule ({@link Price#worstCase}), in its currency. */
  static BigDecimal worst(Price price, long prompt, long output, CacheTtl ttl) {
    return price.worstCase(prompt, output, ttl).total();
  }

  /** What one model call holds at each level until its reply. */
  final class Hold {
    private final List<Budget> levels;
    private final long worstTokens;
    private final List<BigDecimal> worstSpend;
    private final boolean step;
    private boolean settled;

    private Hold(List<Budget> levels, long worstTokens, List<BigDecimal> worstSpend, boolean step) {
      this.levels = levels;
      this.worstTokens = worstTokens;
      this.worstSpend = worstSpend;
      this.step = step;
    }

    /**
     * Replaces the hold by what the call used ({@code used} 0 and a null cost when it failed); a
     * step counts when the call was one and the model replied.
     */
    void settle(long used, Cost cost, boolean replied) {
      synchronized (lock) {
        if (settled) {
          return;
        }
        settled = true;
        for (int i = 0; i < levels.size(); i++) {
          Budget b = levels.get(i);
          if (step) {
            b.heldSteps--;
          }
          b.heldTokens -= worstTokens;
          b.heldSpend = b.heldSpend.subtract(worstSpend.get(i));
          if (step && replied) {
            b.steps++;
          }
          b.tokens += used;
          if (cost != null && b.currency != null && cost.currency().equals(b.currency)) {
            b.spent = b.spent.add(cost.total());
          }
        }
      }
    }
  }

  /**
   * Holds a model call's worst case at every level of the chain, or names the first limit it would
   * pass.
   *
   * @param prompt the estimated prompt tokens
   * @param output the output cap the request sends
   * @param price the model's price, or null when the table has none
   * @param ttl the time to live of the request's cache writes
   * @param now the time
   * @param step whether the call is a step of the run (a compaction's summary call is not)
   * @return a {@link Hold}, or the {@link RunResult.Limit} that refuses the call
   */
  Object hold(long prompt, long output, Price price, CacheTtl ttl, Instant now, boolean step) {
    Instant d = deadline();
    if (d != null && !now.isBefore(d)) {
      return RunResult.Limit.TIME;
    }
    List<Budget> levels = new ArrayList<>();
    for (Budget b = this; b != null; b = b.parent) {
      levels.add(b);
    }
    long worstTokens = prompt + output;
    List<BigDecimal> worst = new ArrayList<>(levels.size());
    synchronized (lock) {
      for (Budget b : levels) {
        BigDecimal w =
            spendable(price, b.currency) ? worst(price, prompt, output, ttl) : BigDecimal.ZERO;
        worst.add(w);
        if (step && b.maxSteps > 0 && b.steps + b.heldSteps + 1 > b.maxSteps) {
          return RunResult.Limit.STEPS;
        }
        if (b.maxTokens > 0 && b.tokens + b.heldTokens + worstTokens > b.maxTokens) {
          return RunResult.Limit.TOKENS;
        }
        if (b.maxSpend != null && b.spent.add(b.heldSpend).add(w).compareTo(b.maxSpend) > 0) {
          return RunResult.Limit.SPEND;
        }
      }
      for (int i = 0; i < levels.size(); i++) {
        Budget b = levels.get(i);
        if (step) {
          b.heldSteps++;
        }
        b.heldTokens += worstTokens;
        b.heldSpend = b.heldSpend.add(worst.get(i));
      }
    }
    return new Hold(levels, worstTokens, worst, step);
  }

  /**
   * What a subagent run apart from its parent ({@link RunHost#runApart}) may use: its share of what
   * every level of the chain has left, held at every level until it is settled, so that subagents
   * run apart at once never take their parents past a limit together.
   */
  final class Share {
    final int steps; // 0: no level limits steps
    final long tokens; // 0: no level limits tokens
    final BigDecimal spend; // null: no level limits spend
    final Currency currency;
    final RunResult.Limit exhausted; // a limit that leaves the share nothing, or null
    private final List<Budget> levels;
    private final List<BigDecimal> heldSpend;
    private boolean settled;

    private Share(
        int steps,
        long tokens,
        BigDecimal spend,
        Currency currency,
        RunResult.Limit exhausted,
        List<Budget> levels,
        List<BigDecimal> heldSpend) {
      this.steps = steps;
      this.tokens = tokens;
      this.spend = spend;
      this.currency = currency;
      this.exhausted = exhausted;
      this.levels = levels;
      this.heldSpend = heldSpend;
    }

    /**
     * Replaces the share held by what the subagent's run used: its model calls, its tokens and what
     * they cost ({@code spent}, priced as the parent prices its own calls).
     */
    void settle(int usedSteps, long usedTokens, io.github.kimisdk.model.Spend spent) {
      settle(
          usedSteps,
          usedTokens,
          i -> {
            Currency c = levels.get(i).currency;
            return c == null || spent == null
                ? BigDecimal.ZERO
                : spent.cost(c).map(Cost::total).orElse(BigDecimal.ZERO);
          });
    }

    /** Settles the share as wholly used: the subagent's run ended without saying what it used. */
    void settleAll() {
      settle(steps, tokens, heldSpend::get);
    }

    /** Gives each level back its held share and counts what was used, {@code spent} the i-th's. */
    private void settle(int usedSteps, long usedTokens, IntFunction<BigDecimal> spent) {
      synchronized (lock) {
        if (settled) {
          return;
        }
        settled = true;
        for (int i = 0; i < levels.size(); i++) {
          Budget b = levels.get(i);
          b.heldSteps -= steps;
          b.heldTokens -= tokens;
          b.heldSpend = b.heldSpend.subtract(heldSpend.get(i));
          b.steps += usedSteps;
          b.tokens += usedTokens;
          b.spent = b.spent.add(spent.apply(i));
        }
      }
    }
  }

  /**
   * Splits what every level of the chain has left among {@code n} subagents run apart, in order (a
   * remainder of steps or tokens to the first ones), and holds each share at every level. The spend
   * is split in the currency of the nearest level that limits it, against the levels of that
   * currency. A share that a limit leaves nothing names that limit, holds nothing, and its subagent
   * does not run.
   */
  List<Share> shares(int n) {
    List<Budget> levels = new ArrayList<>();
    for (Budget b = this; b != null; b = b.parent) {
      levels.add(b);
    }
    synchronized (lock) {
      long stepsLeft = -1;
      long tokensLeft = -1;
      BigDecimal spendLeft = null;
      Currency currency = null;
      for (Budget b : levels) {
        if (b.maxSteps > 0) {
          long left = Math.max(0, (long) b.maxSteps - b.steps - b.heldSteps);
          stepsLeft = stepsLeft < 0 ? left : Math.min(stepsLeft, left);
        }
        if (b.maxTokens > 0) {
          long left = Math.max(0, b.maxTokens - b.tokens - b.heldTokens);
          tokensLeft = tokensLeft < 0 ? left : Math.min(tokensLeft, left);
        }
        if (b.maxSpend != null && (currency == null || currency.equals(b.currency))) {
          currency = b.currency;
          BigDecimal left = b.maxSpend.subtract(b.spent).subtract(b.heldSpend).max(BigDecimal.ZERO);
          spendLeft = spendLeft == null ? left : spendLeft.min(left);
        }
      }
      List<Share> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int steps = stepsLeft < 0 ? 0 : (int) (stepsLeft / n + (i < stepsLeft % n ? 1 : 0));
        long tokens = tokensLeft < 0 ? 0 : tokensLeft / n + (i < tokensLeft % n ? 1 : 0);
        BigDecimal spend =
            spendLeft == null
                ? null
                : spendLeft
                    .divide(BigDecimal.valueOf(n), 10, RoundingMode.FLOOR)
                    .stripTrailingZeros();
        RunResult.Limit exhausted =
            stepsLeft >= 0 && steps < 1
                ? RunResult.Limit.STEPS
                : tokensLeft >= 0 && tokens < MIN_OUTPUT
                    ? RunResult.Limit.TOKENS
                    : spend != null && spend.signum() <= 0 ? RunResult.Limit.SPEND : null;
        List<BigDecimal> held = new ArrayList<>(levels.size());
        if (exhausted != null) {
          levels.forEach(b -> held.add(BigDecimal.ZERO));
          out.add(new Share(0, 0, null, null, exhausted, levels, held));
          continue;
        }
        for (Budget b : levels) {
          b.heldSteps += steps;
          b.heldTokens += tokens;
          BigDecimal h =
              spend != null && b.maxSpend != null && currency.equals(b.currency)
                  ? spend
                  : BigDecimal.ZERO;
          b.heldSpend = b.heldSpend.add(h);
          held.add(h);
        }
        out.add(new Share(steps, tokens, spend, currency, null, levels, held));
      }
      return out;
    }
  }

  /** The limit a call too small to make would pass: tokens when a token limit is the tighter. */
  RunResult.Limit tighter(long prompt, long minOutput, Price price, CacheTtl ttl) {
    synchronized (lock) {
      for (Budget b = this; b != null; b = b.parent) {
        if (b.maxTokens > 0 && b.tokens + b.heldTokens + prompt + minOutput > b.maxTokens) {
          return RunResult.Limit.TOKENS;
        }
      }
    }
    return RunResult.Limit.SPEND;
  }

  /**
   * Waits for a place for one model call at every level that limits the calls in flight, root
   * first; the returned action gives them back.
   *
   * @throws InterruptedException when interrupted while waiting (nothing is then held)
   */
  Runnable enter() throws InterruptedException {
    List<Semaphore> gates = new ArrayList<>();
    for (Budget b = this; b != null; b = b.parent) {
      if (b.calls != null) {
        gates.add(0, b.calls);
      }
    }
    if (gates.isEmpty()) {
      return () -> {};
    }
    List<Semaphore> taken = new ArrayList<>(gates.size());
    try {
      for (Semaphore s : gates) {
        s.acquire();
        taken.add(s);
      }
    } catch (InterruptedException e) {
      taken.forEach(Semaphore::release);
      throw e;
    }
    return () -> taken.forEach(Semaphore::release);
  }

  /** What this level has spent so far, for a test. */
  BigDecimal spent() {
    synchronized (lock) {
      return spent;
    }
  }
}
