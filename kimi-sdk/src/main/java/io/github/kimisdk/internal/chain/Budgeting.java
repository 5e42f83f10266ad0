package io.github.kimisdk.internal.chain;

import io.github.kimisdk.Budget;
import io.github.kimisdk.CallEvent;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.access.Exceptions;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.limit.BudgetTerms;
import io.github.kimisdk.internal.route.TargetParts;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.token.TokenEstimator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The budgets ({@link io.github.kimisdk.Budget}): each attempt of a chat call reserves its worst
 * case at the target it goes to against every budget counter that counts the call, before it is
 * sent, all or none; a budget it does not fit fails the attempt, unsent, with its refusal, which
 * the retrier judges as any attempt's failure (final, or a move to the next target for a budget
 * that falls back). When the attempt ends, each reservation is settled at what the attempt cost:
 * its usage (a stream's, as its chunks passed), priced with the target's prices; without usage, its
 * prompt and the output that arrived, estimated, when its response began, and nothing when it did
 * not. The settlement is made before the attempt's end passes up the chain. A shared store renews
 * the reservations it holds itself ({@link io.github.kimisdk.RateLimitStore#reserve}).
 *
 * <p>Where it sits: below the retrier and the public per-attempt interceptors (an attempt one of
 * them answers is not sent and spends nothing), above the host's gate and the rate limit (a call
 * refused takes no slot and spends none of the minute's requests). A call other than a chat is not
 * counted. Any thread; the stores are asked on the attempt's thread, as the rate limiter's is.
 */
public final class Budgeting implements Interceptor {

  private static final TokenEstimator ESTIMATOR = TokenEstimator.forKimi();

  private final List<BudgetTerms> budgets;
  private final TargetParts[] parts;
  private final ModelCatalog catalog;
  private final Exceptions make;
  private final System.Logger log;
  private final String prefix = UUID.randomUUID() + ":"; // reservations' names, unique
  private final AtomicLong sequence = new AtomicLong();

  /** One reservation an attempt holds. */
  private static final class Hold {
    final BudgetTerms budget;
    final Budget.Counter counter;
    final String id;
    final long amount;

    Hold(BudgetTerms budget, Budget.Counter counter, String id, long amount) {
      this.budget = budget;
      this.counter = counter;
      this.id = id;
      this.amount = amount;
    }
  }

  public Budgeting(
      List<BudgetTerms> budgets,
      TargetParts[] parts,
      ModelCatalog catalog,
      Exceptions make,
      System.Logger log) {
    this.budgets = List.copyOf(budgets);
    this.parts = parts;
    this.catalog = catalog;
    this.make = make;
    this.log = log;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    CallSpec c = sending.call();
    Attempt a = sending.attempt();
    if (c.request() == null || a == null || a.leg() == null) {
      return next.proceed(sending);
    }
    Attempted w = new Attempted(a, c.operation() == CallEvent.Operation.CHAT_STREAM);
    List<Hold> holds;
    try {
      holds = reserve(c.settings().tenant().account(), c.settings().options().tags(), w);
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    if (holds == null) {
      return next.proceed(sending); // no budget counts the call
    }
    CompletableFuture<T> f;
    try {
      f = next.proceed(sending.at(a.heardBy(w)));
    } catch (RuntimeException | Error e) {
      settle(holds, b -> 0);
      throw e;
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (r, e) -> {
          try {
            settle(holds, b -> w.spent(b, r));
          } finally {
            if (e != null) {
              out.completeExceptionally(e);
            } else {
              out.complete(r);
            }
          }
        });
    return Futures.cancelling(out, f);
  }

  /**
   * Reserves an attempt's worst case against every budget counter the call counts in, all or none:
   * the reservations, or null when no budget counts it.
   *
   * @throws KimiException the refusal of a budget the worst case does not fit; the failure of a
   *     budget's store; a call that cannot be priced in a budget's currency
   */
  private List<Hold> reserve(String tenant, List<String> tags, Attempted need) {
    List<Hold> taken = null;
    try {
      for (BudgetTerms b : budgets) {
        List<String> scopes = b.scopes(tenant, tags);
        if (scopes.isEmpty()) {
          continue;
        }
        long amount = need.units(b);
        for (String scope : scopes) {
          Budget.Counter counter = b.counter(scope);
          String id = prefix + sequence.incrementAndGet();
          Budget.Tally t;
          try {
            t = b.reserve(counter, amount, id);
          } catch (RuntimeException e) {
            throw storeFailed(b, e);
          }
          if (!t.taken()) {
            throw b.refused(make, counter, t, amount, need.describe());
          }
          if (taken == null) {
            taken = new ArrayList<>(2);
          }
          taken.add(new Hold(b, counter, id, amount));
        }
      }
    } catch (RuntimeException e) {
      if (taken != null) {
        settle(taken, b -> 0);
      }
      throw e;
    }
    return taken;
  }

  /**
   * Settles reservations, each at what {@code spent} says the attempt spent in its budget's units
   * (0 releases it; when {@code spent} throws, at the reservation).
   */
  private void settle(List<Hold> holds, ToLongFunction<BudgetTerms> spent) {
    for (Hold h : holds) {
      long amount;
      try {
        amount = Math.max(0, spent.applyAsLong(h.budget));
      } catch (RuntimeException e) {
        amount = h.amount;
      }
      try {
        h.budget.settle(h.counter, h.id, amount);
      } catch (RuntimeException e) {
        log.log(
            System.Logger.Level.WARNING,
            "Budget " + h.budget.name() + " did not count " + h.budget.shown(amount),
            e);
      }
    }
  }

  /** The failure of a call whose budget's store failed: not sent; the policy may retry it. */
  private KimiException storeFailed(BudgetTerms b, RuntimeException e) {
    if (e instanceof KimiException k) {
      return k;
    }
    String what = "The store of budget " + b.name() + " failed: " + e;
    return e instanceof UnsupportedOperationException
        ? make.configuration(what, e)
        : make.connection(what + "; the call was not sent", e, null);
  }

  /**
   * One attempt: its worst case in each budget's units, and, hearing it, whether its response began
   * and what it brought (a stream's usage and the output that arrived).
   */
  private final class Attempted implements AttemptObserver {
    private final int target;
    private final TargetParts at;
    private final Leg leg;
    private final boolean stream;
    private final String kimiModel;
    private final int output; // the cap the request is sent with
    private final CacheTtl ttl;
    private long prompt = -1; // estimated when a budget first asks; by the reserving thread
    // Heard from the attempt: written by one thread at a time, read once it ended.
    private volatile boolean began;
    private volatile Usage usage;
    private volatile String replyModel;
    private volatile long arrived; // output tokens of a stream, estimated

    Attempted(Attempt a, boolean stream) {
      this.target = a.target();
      this.at = parts[a.target()];
      this.leg = a.leg();
      this.stream = stream;
      this.kimiModel = at.settings.host().kimiModel(leg.sent.model());
      this.output = leg.wire.outputCap(leg.sent, catalog.lookup(kimiModel).defaultMaxOutput());
      this.ttl = at.meter.ttl(leg.sent);
    }

    private long prompt() {
      if (prompt < 0) {
        prompt =
            leg.estimate != null ? leg.estimate : RequestTokens.estimated().count(leg.sent).total();
      }
      return prompt;
    }

    /** The attempt's worst case in {@code b}'s units. */
    long units(BudgetTerms b) {
      return cost(b, output);
    }

    /** The prompt, every token a miss or a write whichever costs more, and {@code out} tokens. */
    private long cost(BudgetTerms b, long out) {
      long in = prompt();
      if (b.currency() == null) {
        return in + out;
      }
      Price p = price(b);
      BigDecimal miss = p.cost(in, 0, 0, out, CacheTtl.FIVE_MINUTES).total();
      return b.units(miss.max(p.cost(in, 0, in, out, ttl).total()));
    }

    private Price price(BudgetTerms b) {
      Price p = at.meter.price(leg.sent.model()).orElse(null);
      if (p == null || !p.currency().equals(b.currency())) {
        throw new ConfigurationException(
            "Budget "
                + b.name()
                + " is in "
                + b.currency()
                + ", and "
                + where()
                + " has "
                + (p == null ? "no price" : "a price in " + p.currency())
                + " for "
                + kimiModel
                + ": give its host prices (KimiClient.Builder.prices, Host.withPrices), zero for"
                + " a server of the team's own");
      }
      return p;
    }

    private String where() {
      return "target " + target + " (" + at.settings.host().name() + ")";
    }

    /** The attempt and how its worst case was made, for a refusal's message. */
    String describe() {
      return kimiModel
          + " at "
          + where()
          + ": "
          + prompt()
          + " prompt tokens at the cache-miss price, "
          + output
          + " output tokens"
          + (leg.sent.maxCompletionTokens() != null
              ? ""
              : ", the model's default: set maxCompletionTokens");
    }

    /** What the attempt spent in {@code b}'s units, its outcome {@code r} (null: failed). */
    long spent(BudgetTerms b, Object r) {
      ChatCompletion reply = r instanceof ChatCompletion cc ? cc : null;
      Usage u = reply != null ? reply.usage() : usage;
      if (u != null) {
        if (b.currency() == null) {
          return Math.max(u.totalTokens(), (long) u.promptTokens() + u.completionTokens());
        }
        BigDecimal amount =
            at.meter
                .of(leg.sent, reply != null ? reply.model() : replyModel, u)
                .cost(b.currency())
                .map(Cost::total)
                .orElseGet(() -> price(b).cost(u, ttl).total());
        return b.units(amount);
      }
      if (reply == null && !began) {
        return 0; // failed before its response began: nothing was billed
      }
      return cost(b, stream ? arrived : output); // a reply without usage: its worst case
    }

    @Override
    public void headers(int attempt, ResponseMetadata metadata, long atNanos) {
      if (metadata.statusCode() / 100 == 2) {
        began = true;
      }
    }

    @Override
    public boolean hearsItems() {
      return stream;
    }

    @Override
    public void item(Object item) {
      if (!(item instanceof ChatCompletionChunk chunk)) {
        return;
      }
      Usage u = chunk.usage();
      if (u != null) {
        Usage had = usage;
        if (had == null
            || u.promptTokens() + u.completionTokens()
                >= had.promptTokens() + had.completionTokens()) {
          usage = u;
        }
      }
      if (chunk.model() != null) {
        replyModel = chunk.model();
      }
      long more = 0;
      for (ChatCompletionChunk.ChunkChoice c : chunk.choices()) {
        ChatCompletionChunk.Delta d = c.delta();
        if (d == null) {
          continue;
        }
        more += tokens(d.content()) + tokens(d.reasoningContent());
        for (ChatCompletionChunk.ToolCallDelta t : d.toolCalls()) {
          more += tokens(t.name()) + tokens(t.arguments());
        }
      }
      if (more > 0) {
        arrived += more;
      }
    }
  }

  private static long tokens(String s) {
    return s == null || s.isEmpty() ? 0 : ESTIMATOR.estimate(s);
  }
}
