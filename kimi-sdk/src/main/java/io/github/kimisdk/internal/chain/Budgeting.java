package io.github.kimisdk.internal.chain;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.limit.BudgetLedger;
import io.github.kimisdk.internal.limit.BudgetTerms;
import io.github.kimisdk.internal.route.TargetParts;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.token.TokenEstimator;
import io.github.kimisdk.tool.ToolCall;
import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;

/**
 * The budgets ({@link io.github.kimisdk.Budget}): each attempt of a chat call reserves its worst
 * case at the target it goes to against every budget that counts the call, before it is sent
 * ({@link BudgetLedger#reserve}); a budget it does not fit fails the attempt, unsent, with its
 * refusal, which the retrier judges as any attempt's failure (final, or a move to the next target
 * for a budget that falls back). When the attempt ends, each reservation is settled at what the
 * attempt cost: its usage (a stream's, as its chunks passed), priced with the target's prices;
 * without usage, its prompt and the output that arrived, estimated, when its response began, and
 * nothing when it did not. The settlement is made before the attempt's end passes up the chain.
 *
 * <p>Where it sits: below the retrier and the public per-attempt interceptors (an attempt one of
 * them answers is not sent and spends nothing), above the host's gate and the rate limit (a call
 * refused takes no slot and spends none of the minute's requests). A call other than a chat is not
 * counted.
 */
public final class Budgeting implements Interceptor {

  private static final TokenEstimator ESTIMATOR = TokenEstimator.forKimi();

  private final BudgetLedger ledger;
  private final TargetParts[] parts;
  private final ModelCatalog catalog;

  public Budgeting(BudgetLedger ledger, TargetParts[] parts, ModelCatalog catalog) {
    this.ledger = ledger;
    this.parts = parts;
    this.catalog = catalog;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    CallSpec c = sending.call();
    Attempt a = sending.attempt();
    if (c.request() == null || a == null || a.leg() == null) {
      return next.proceed(sending);
    }
    Attempted w = new Attempted(a, c.operation() == CallEvent.Operation.CHAT_STREAM);
    BudgetLedger.Holds holds;
    try {
      holds = ledger.reserve(c.settings().tenant().account(), c.settings().options().tags(), w);
    } catch (KimiException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    if (holds == null) {
      return next.proceed(sending); // no budget counts the call
    }
    CompletableFuture<T> f;
    try {
      f = next.proceed(sending.at(a.heardBy(w)));
    } catch (RuntimeException | Error e) {
      ledger.settle(holds, b -> 0);
      throw e;
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (r, e) -> {
          try {
            ledger.settle(holds, b -> w.spent(b, r));
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
   * One attempt: its worst case in each budget's units, and, hearing it, whether its response began
   * and what it brought (a stream's usage and the output that arrived).
   */
  private final class Attempted implements BudgetLedger.Need, AttemptObserver {
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

    @Override
    public long units(BudgetTerms b) {
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
                + ", so the call cannot be counted; give "
                + (target == 0
                    ? "the client its prices (KimiClient.Builder.prices)"
                    : "that target's host its prices (Host.withPrices)")
                + ", at zero for a server of the team's own");
      }
      return p;
    }

    private String where() {
      return "target " + target + " (" + at.settings.host().name() + ")";
    }

    @Override
    public String describe() {
      return kimiModel
          + " at "
          + where()
          + ": "
          + prompt()
          + " prompt tokens, estimated, at the cache-miss price, and "
          + output
          + " output tokens, "
          + (leg.sent.maxCompletionTokens() != null
              ? "its maxCompletionTokens"
              : "the model's default output: set maxCompletionTokens to ask for less");
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
      return cost(b, reply != null ? estimate(reply) : stream ? arrived : output);
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

  /** The output tokens of a reply that came without usage, estimated. */
  private static long estimate(ChatCompletion reply) {
    long n = tokens(reply.text()) + tokens(reply.reasoning());
    for (ToolCall t : reply.toolCalls()) {
      n += tokens(t.name()) + tokens(t.arguments());
    }
    return n;
  }

  private static long tokens(String s) {
    return s == null || s.isEmpty() ? 0 : ESTIMATOR.estimate(s);
  }
}
