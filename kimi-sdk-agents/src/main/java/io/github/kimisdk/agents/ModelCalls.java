package io.github.kimisdk.agents;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.token.RequestTokens;

/**
 * A run's model calls, each held to the run's limits and its parents' ({@link Budget}): its worst
 * case held, a place among the calls in flight waited for, the call made (streamed, when the agent
 * streams, each piece told as a {@link RunEvent.Streamed}, by its {@link Engine}), and what it used
 * counted in the run's usage and, for a step, as a step. One per run; used by the thread that
 * drives it.
 */
final class ModelCalls {
  private final Setup agent;
  private final Loop run;
  private final Sizes sizes = new Sizes(RequestTokens.estimated());
  private Usage used; // what this drive's calls used
  private Spend spent = Spend.NONE; // and what they cost

  ModelCalls(Setup agent, Loop run) {
    this.agent = agent;
    this.run = run;
  }

  Sizes sizes() {
    return sizes;
  }

  /** The tokens this drive's model calls used; null when it made none. */
  Usage used() {
    return used;
  }

  /** What this drive's model calls cost, priced with the client's prices. */
  Spend spent() {
    return spent;
  }

  /** A model call a limit refused before it was sent. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RunResult.Limit limit;

    Refused(RunResult.Limit limit) {
      super(limit.name(), null, false, false);
      this.limit = limit;
    }
  }

  /**
   * Makes one model call under the run's limits.
   *
   * @param step whether it is a step of the run (a compaction's summary call is not)
   * @throws Refused when a limit refuses the call
   * @throws io.github.kimisdk.errors.KimiException when the call fails
   */
  ChatCompletion call(ChatRequest request, boolean step) {
    Budget budget = run.budget();
    boolean weigh = budget.capsOutput() || run.compacts();
    int prompt = weigh ? sizes.weigh(request).tokens() : 0;
    Price price = agent.kimi.prices().find(request.model()).orElse(null);
    CacheTtl ttl =
        request.promptCacheTtl() != null ? request.promptCacheTtl() : CacheTtl.FIVE_MINUTES;
    long output =
        request.maxCompletionTokens() != null
            ? request.maxCompletionTokens()
            : agent.kimi.catalog().lookup(request.model()).defaultMaxOutput();
    if (budget.capsOutput()) {
      long fits = budget.affordable(prompt, output, price, ttl);
      long least = Math.min(Budget.MIN_OUTPUT, output);
      if (fits < least) {
        throw new Refused(budget.tighter(prompt, least, price, ttl));
      }
      if (fits < output || request.maxCompletionTokens() == null) {
        output = fits;
        request =
            request.toBuilder()
                .maxCompletionTokens((int) Math.min(Integer.MAX_VALUE, fits))
                .build();
      }
    }
    Object held = budget.hold(prompt, output, price, ttl, run.tree.engine.now(agent), step);
    if (held instanceof RunResult.Limit limit) {
      throw new Refused(limit);
    }
    Budget.Hold hold = (Budget.Hold) held;
    if (step) {
      run.tracing().emit(new RunEvent.ModelCalled(run.data().id, run.data().steps + 1, request));
    }
    boolean replied = false;
    ChatCompletion reply = null;
    try {
      Runnable exit;
      try {
        exit = budget.enter();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException(
            CancelledException.Reason.INTERRUPTED,
            "interrupted while waiting for a place among the run's model calls",
            e);
      }
      try {
        reply = run.tree.engine.chat(run, request, step);
        replied = true;
      } finally {
        exit.run();
      }
    } finally {
      Usage u = reply == null ? null : reply.usage();
      String by =
          reply == null || reply.model() == null || reply.model().isBlank()
              ? request.model()
              : reply.model();
      Cost cost = null;
      boolean priced = false; // the table priced the reply, or has no price for its model
      if (u != null) {
        try {
          cost = agent.kimi.prices().cost(by, u, ttl).orElse(null);
          priced = true;
        } catch (RuntimeException refused) {
          // a usage the table cannot price: its tokens are in the usage, its cost unknown
        }
      }
      hold.settle(u == null ? 0 : u.totalTokens(), cost, replied && step);
      if (u != null) {
        Usage kept = strip(u);
        run.data().usage.merge(by, kept, Usage::plus);
        used = used == null ? kept : used.plus(kept);
        try {
          if (priced) {
            spent = spent.plus(Spend.of(by, u, cost)); // what PriceTable.spend makes, priced once
          }
        } catch (RuntimeException unpriced) {
          // a spend that cannot be added (another currency): its tokens are in the usage
        }
        if (weigh) {
          sizes.calibrate(prompt, u.promptTokens());
        }
      }
    }
    return reply;
  }

  /** No usage: what {@link #strip} adds a call's to. */
  private static final Usage NONE = Usage.of(0, 0, 0);

  /** The usage as a run keeps it: without the server's own cost figure, which it prices itself. */
  private static Usage strip(Usage u) {
    return NONE.plus(u); // a sum keeps the counts and no additional field
  }
}
