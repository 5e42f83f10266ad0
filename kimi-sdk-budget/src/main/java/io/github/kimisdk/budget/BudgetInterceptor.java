package io.github.kimisdk.budget;

import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.Errors;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.token.TokenEstimator;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * A client's budgets, as one once-per-attempt interceptor ({@link Budget#interceptor}): each
 * attempt of a chat call reserves its worst case at the target it goes to against every budget
 * counter that counts the call, before it is sent, all or none; a budget it does not fit fails the
 * attempt, unsent, with its refusal, which the client's retrier judges as any attempt's failure
 * (final, or a move to the next fallback target for a budget that falls back). When the attempt
 * ends, each reservation is settled at what the attempt cost: its usage (a stream's, as its chunks
 * passed) at the target's price; without usage, its prompt and the output that arrived, estimated,
 * when its response began, and nothing when it did not. The settlement is made before the attempt's
 * end passes up the chain. What it knows of an attempt, the interceptor's chain tells ({@link
 * KimiInterceptor.Chain#tenant()}, {@link KimiInterceptor.Chain#price()}, {@link
 * KimiInterceptor.Chain#onResponse}, ...).
 *
 * <p>Threads: {@code intercept} runs on the attempt's thread, and asks the stores there; a stream's
 * chunks and an attempt's response are heard on the threads that deliver them, one at a time.
 */
final class BudgetInterceptor implements KimiInterceptor {

  private static final TokenEstimator ESTIMATOR = TokenEstimator.forKimi();
  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.budget");

  private final List<BudgetTerms> budgets;
  private final String name;
  private final String prefix = UUID.randomUUID() + ":"; // reservations' names, unique
  private final AtomicLong sequence = new AtomicLong();

  /** One reservation an attempt holds. */
  private record Hold(BudgetTerms budget, Budget.Counter counter, String id, long amount) {}

  BudgetInterceptor(List<BudgetTerms> budgets) {
    this.budgets = List.copyOf(budgets);
    List<String> names = new ArrayList<>(budgets.size());
    budgets.forEach(b -> names.add(b.name()));
    this.name = "budgets " + String.join(", ", names);
  }

  @Override
  public boolean perAttempt() {
    return true;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletableFuture<ChatCompletion> intercept(Chain chain) {
    Attempted w = new Attempted(chain);
    List<Hold> holds;
    try {
      holds = reserve(chain.tenant().orElse(null), chain.tags(), w);
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    if (holds == null) {
      return chain.proceed(chain.request()); // no budget counts the call
    }
    chain.onResponse(w::response);
    chain.onChunk(w::chunk);
    CompletableFuture<ChatCompletion> f;
    try {
      f = chain.proceed(chain.request());
    } catch (RuntimeException | Error e) {
      settle(holds, b -> 0);
      throw e;
    }
    CompletableFuture<ChatCompletion> out =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean interrupt) {
            f.cancel(interrupt);
            return super.cancel(interrupt);
          }
        };
    f.whenComplete(
        (r, e) -> {
          try {
            settle(holds, b -> w.spent(b, e == null ? r : null));
          } finally {
            if (e != null) {
              out.completeExceptionally(e);
            } else {
              out.complete(r);
            }
          }
        });
    return out;
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
            throw b.refused(counter, t, amount, need.describe());
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
  private static void settle(List<Hold> holds, ToLongFunction<BudgetTerms> spent) {
    for (Hold h : holds) {
      long amount;
      try {
        amount = Math.max(0, spent.applyAsLong(h.budget()));
      } catch (RuntimeException e) {
        amount = h.amount();
      }
      try {
        h.budget().settle(h.counter(), h.id(), amount);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "Budget " + h.budget().name() + " did not count " + h.budget().shown(amount),
            e);
      }
    }
  }

  /** The failure of a call whose budget's store failed: not sent; the policy may retry it. */
  private static KimiException storeFailed(BudgetTerms b, RuntimeException e) {
    if (e instanceof KimiException k) {
      return k;
    }
    return Errors.exceptions()
        .connection(
            "The store of budget " + b.name() + " failed: " + e + "; the call was not sent",
            e,
            null);
  }

  @Override
  public String toString() {
    return "Budget.interceptor[" + name.substring("budgets ".length()) + "]";
  }

  /**
   * One attempt: its worst case in each budget's units, and, hearing it, whether its response began
   * and what it brought (a stream's usage and the output that arrived).
   */
  private static final class Attempted {
    private final Chain chain;
    private final ServedBy target;
    private final boolean stream;
    private final String kimiModel;
    private final int output; // the cap the request is sent with
    private final CacheTtl ttl;
    private long prompt = -1; // estimated when a budget first asks; by the reserving thread
    // Heard from the attempt: written by one thread at a time, read once it ended.
    private volatile boolean began;
    private volatile Usage usage;
    private volatile long arrived; // output tokens of a stream, estimated

    Attempted(Chain chain) {
      this.chain = chain;
      this.target = chain.target();
      this.stream = chain.streamed();
      this.kimiModel = target.model() != null ? target.model() : chain.request().model();
      this.output = chain.maxOutputTokens();
      this.ttl = chain.cacheTtl();
    }

    private long prompt() {
      if (prompt < 0) {
        prompt = chain.promptTokens();
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
      return b.units(price(b).worstCase(in, out, ttl).total());
    }

    private Price price(BudgetTerms b) {
      Price p = chain.price().orElse(null);
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
      return "target " + target.target() + " (" + target.host() + ")";
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
          + (chain.request().maxCompletionTokens() != null
              ? ""
              : ", the model's default: set maxCompletionTokens");
    }

    /** What the attempt spent in {@code b}'s units, {@code reply} its answer (null: failed). */
    long spent(BudgetTerms b, ChatCompletion reply) {
      Usage u = stream ? usage : reply != null ? reply.usage() : null;
      if (u != null) {
        if (b.currency() == null) {
          return Math.max(u.totalTokens(), (long) u.promptTokens() + u.completionTokens());
        }
        return b.units(price(b).cost(u, ttl).total());
      }
      if (reply == null && !began) {
        return 0; // failed before its response began: nothing was billed
      }
      return cost(b, stream ? arrived : output); // a reply without usage: its worst case
    }

    void response(ResponseMetadata metadata) {
      if (metadata.statusCode() / 100 == 2) {
        began = true;
      }
    }

    void chunk(ChatCompletionChunk chunk) {
      Usage u = chunk.usage();
      if (u != null) {
        Usage had = usage;
        if (had == null
            || u.promptTokens() + u.completionTokens()
                >= had.promptTokens() + had.completionTokens()) {
          usage = u;
        }
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
