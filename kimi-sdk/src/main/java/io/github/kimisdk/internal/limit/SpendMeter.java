package io.github.kimisdk.internal.limit;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.ForwardingSubscriber;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.Spend;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What a client has spent: every reply's usage, priced with the client's table, added to one total
 * that many threads update at once (an immutable {@link Spend} swapped atomically). A reply counts
 * before its caller sees it, so a caller that reads the total after a call finds the call in it.
 * The price of a reply is looked up under the model the reply names, else the model asked for; its
 * cache writes are priced at the time to live its request asked for, else the client's default,
 * else Kimi's five minutes (a usage cannot tell).
 *
 * <p>The table is made when first needed and the usages are priced when the total is read: the
 * default table (a score of prices parsed into {@code BigDecimal}s, in a currency) costs a fresh
 * JVM some 10 ms, which a process that never asks what it spent should not pay on its way to its
 * first reply. Until the table is made, the usages counted wait, unpriced, in a list of at most
 * {@link #MAX_UNPRICED}; reading the total, the usage past that bound, or any usage counted once
 * the table is made prices them, in the order counted.
 *
 * <p>Thread model: any thread counts and reads; the total is swapped atomically, the unpriced list
 * taken whole and priced under the meter's lock, and the table made once under it; a read of the
 * total waits for a thread that took usages to price and has not added them yet, so it finds every
 * usage counted before it.
 */
public final class SpendMeter {

  /** The most usages counted before the table is made; the next makes it and prices them. */
  static final int MAX_UNPRICED = 64;

  private final Supplier<PriceTable> makePrices;
  private final UnaryOperator<String> models; // a host's model id to Kimi's
  private volatile PriceTable prices; // null until first needed
  private final CacheTtl defaultTtl; // the client's; null for none
  // Null until the first usage is priced, so that a client that never prices has not loaded Spend
  private final AtomicReference<Spend> total = new AtomicReference<>();
  // Counted before the table was made, newest first; null when none.
  private final AtomicReference<Unpriced> unpriced = new AtomicReference<>();
  // True while a thread prices what it took from unpriced, under the meter's lock.
  private volatile boolean draining;

  /** A usage counted before the table was made, and those counted before it. */
  private record Unpriced(String model, Usage usage, CacheTtl ttl, Unpriced before, int size) {}

  /**
   * Creates a meter that prices with the table {@code prices} makes, when first needed.
   *
   * @param prices makes the client's price table; called at most once, on any thread
   * @param defaultTtl the client's prompt cache time to live; null for none
   */
  public SpendMeter(Supplier<PriceTable> prices, CacheTtl defaultTtl) {
    this(prices, defaultTtl, UnaryOperator.identity());
  }

  private SpendMeter(
      Supplier<PriceTable> prices, CacheTtl defaultTtl, UnaryOperator<String> models) {
    this.makePrices = prices;
    this.defaultTtl = defaultTtl;
    this.models = models;
  }

  /**
   * Returns a meter like this one that prices a reply under Kimi's id of the model its host named
   * ({@code models}: a host's id to Kimi's), for a host that serves Kimi's models under ids of its
   * own.
   *
   * @param models maps a host's model id to Kimi's
   * @return the meter, empty
   */
  public SpendMeter readingModels(UnaryOperator<String> models) {
    return new SpendMeter(makePrices, defaultTtl, models);
  }

  /**
   * Returns the time to live {@code request}'s cache writes were billed at.
   *
   * @param request the request, or null
   * @return its own, else the client's, else Kimi's five minutes
   */
  public CacheTtl ttl(ChatRequest request) {
    if (request != null && request.promptCacheTtl() != null) {
      return request.promptCacheTtl();
    }
    return defaultTtl != null ? defaultTtl : CacheTtl.FIVE_MINUTES;
  }

  /** Returns the price table, made now if this is its first use. */
  public PriceTable prices() {
    PriceTable p = prices;
    if (p == null) {
      synchronized (this) {
        p = prices;
        if (p == null) {
          p = makePrices.get();
          prices = p;
        }
      }
    }
    return p;
  }

  /** Returns everything counted so far, the usages not yet priced priced now. */
  public Spend total() {
    priceUnpriced();
    Spend t = total.get();
    return t == null ? Spend.NONE : t;
  }

  /**
   * Returns the price of {@code model}, a host's id read as Kimi's, if the table has one.
   *
   * @param model the model
   * @return the price
   */
  public Optional<Price> price(String model) {
    return prices().find(models.apply(model));
  }

  /**
   * Returns what {@code usage}, of a reply to {@code request} that names {@code replyModel} (null:
   * none), cost; not counted.
   *
   * @param request the request
   * @param replyModel the model the reply named, or null
   * @param usage the usage
   * @return the spend
   */
  public Spend of(ChatRequest request, String replyModel, Usage usage) {
    return prices().spend(models.apply(model(replyModel, request.model())), usage, ttl(request));
  }

  /** Returns the spend of one reply to {@code request}, not counted. */
  public Spend of(ChatRequest request, ChatCompletion completion) {
    if (completion == null || completion.usage() == null) {
      return Spend.NONE;
    }
    return prices()
        .spend(
            models.apply(model(completion.model(), request.model())),
            completion.usage(),
            ttl(request));
  }

  /**
   * Counts a reply's usage: priced now once the table is made, else kept unpriced for the next read
   * of the total (or the usage past {@link #MAX_UNPRICED}).
   */
  void count(String model, Usage usage, CacheTtl ttl) {
    model = models.apply(model);
    if (prices == null) {
      Unpriced before;
      Unpriced now;
      do {
        before = unpriced.get();
        int size = before == null ? 1 : before.size() + 1;
        if (size > MAX_UNPRICED) {
          break;
        }
        now = new Unpriced(model, usage, ttl, before, size);
        if (unpriced.compareAndSet(before, now)) {
          return;
        }
      } while (true);
    }
    priceUnpriced();
    add(prices().spend(model, usage, ttl));
  }

  /**
   * Prices the usages counted before the table was made, oldest first, and adds them; returns once
   * every usage counted before the call is in the total, including those another thread took to
   * price and has not added yet (it waits for that thread, under the meter's lock).
   */
  private void priceUnpriced() {
    // The common case once the table is made: two reads, no lock. A thread that finds the list
    // empty because another took it finds draining set (set before the list was taken) until
    // that thread has added what it took.
    if (unpriced.get() == null && !draining) {
      return;
    }
    synchronized (this) {
      draining = true;
      try {
        Unpriced u = unpriced.getAndSet(null);
        if (u == null) {
          return;
        }
        Unpriced[] oldestFirst = new Unpriced[u.size()];
        for (int i = oldestFirst.length - 1; u != null; u = u.before(), i--) {
          oldestFirst[i] = u;
        }
        PriceTable table = prices();
        for (Unpriced each : oldestFirst) {
          add(table.spend(each.model(), each.usage(), each.ttl()));
        }
      } finally {
        draining = false;
      }
    }
  }

  private void add(Spend s) {
    total.accumulateAndGet(s, (sum, one) -> sum == null ? one : sum.plus(one));
  }

  /**
   * Returns a future of {@code attempt}'s value that counts the reply's usage (a {@link
   * ChatCompletion}'s) before completing; failures pass through unchanged, and cancelling it
   * cancels {@code attempt}.
   */
  public <T> CompletableFuture<T> metered(ChatRequest request, CompletableFuture<T> attempt) {
    return metered(request, attempt, null);
  }

  /**
   * As {@link #metered(ChatRequest, CompletableFuture)}, counting the reply's usage on the meter
   * {@code by} names for the reply's metadata (the meter of the target that served it, as the reply
   * says), or on this one when {@code by} is null.
   */
  public <T> CompletableFuture<T> metered(
      ChatRequest request,
      CompletableFuture<T> attempt,
      Function<ResponseMetadata, SpendMeter> by) {
    String requestModel = request.model();
    CacheTtl ttl = ttl(request);
    CompletableFuture<T> out = new CompletableFuture<>();
    attempt.whenComplete(
        (r, e) -> {
          if (e != null) {
            out.completeExceptionally(e);
            return;
          }
          try {
            if (r instanceof ChatCompletion c && c.usage() != null) {
              SpendMeter m = by == null ? this : by.apply(c.metadata());
              m.count(model(c.model(), requestModel), c.usage(), ttl);
            }
          } catch (RuntimeException | Error accounting) {
            out.completeExceptionally(accounting);
            return;
          }
          out.complete(r);
        });
    return Futures.cancelling(out, attempt);
  }

  /**
   * Returns {@code stream} with its usage (a chat chunk's) counted as it passes, before the
   * consumer sees the chunk that carries it: Kimi puts it in the finishing choice and, with {@code
   * include_usage}, repeats it in a trailing chunk. A repeat counts only what it adds to the first
   * (more tokens); one that differs otherwise is ignored, since what was counted cannot be taken
   * back.
   */
  public <T> StoppablePublisher<T> metered(ChatRequest request, StoppablePublisher<T> stream) {
    return metered(request, stream, null);
  }

  /**
   * As {@link #metered(ChatRequest, StoppablePublisher)}, counting each usage on the meter {@code
   * by} gives when it passes (the meter of the target whose response carries it, as the stream's
   * metadata says), or on this one when {@code by} is null.
   */
  public <T> StoppablePublisher<T> metered(
      ChatRequest request, StoppablePublisher<T> stream, Supplier<SpendMeter> by) {
    String requestModel = request.model();
    CacheTtl ttl = ttl(request);
    return new StoppablePublisher<>() {
      @Override
      public void subscribe(Flow.Subscriber<? super T> subscriber) {
        stream.subscribe(new Counting<>(requestModel, ttl, by, subscriber));
      }

      @Override
      public void subscribeBlocking(Flow.Subscriber<? super T> subscriber) {
        stream.subscribeBlocking(new Counting<>(requestModel, ttl, by, subscriber));
      }

      @Override
      public RuntimeException stop(InterruptedException interrupt) {
        return stream.stop(interrupt);
      }

      @Override
      public boolean isEnded() {
        return stream.isEnded();
      }
    };
  }

  private static String model(String replyModel, String requestModel) {
    return replyModel == null || replyModel.isBlank() ? requestModel : replyModel;
  }

  /** Passes every signal on, counting each usage as it passes; signals arrive serially. */
  private final class Counting<T> extends ForwardingSubscriber<T> {
    private final String requestModel;
    private final CacheTtl ttl;
    private final Supplier<SpendMeter> by; // the meter of the target that answers; null: this
    private Usage counted; // the usage counted so far for this stream

    Counting(
        String requestModel,
        CacheTtl ttl,
        Supplier<SpendMeter> by,
        Flow.Subscriber<? super T> downstream) {
      super(downstream);
      this.requestModel = requestModel;
      this.ttl = ttl;
      this.by = by;
    }

    @Override
    public void onNext(T item) {
      if (item instanceof ChatCompletionChunk chunk && chunk.usage() != null) {
        Usage u = chunk.usage();
        Usage add = counted == null ? u : added(counted, u);
        if (add != null) {
          (by == null ? SpendMeter.this : by.get())
              .count(model(chunk.model(), requestModel), add, ttl);
          counted = u;
        }
      }
      super.onNext(item);
    }
  }

  /**
   * Returns what {@code later} adds to {@code earlier}; null when nothing, or when it would take
   * something away (fewer tokens, or prompt tokens moved from uncached to cached).
   */
  static Usage added(Usage earlier, Usage later) {
    int prompt = later.promptTokens() - earlier.promptTokens();
    int completion = later.completionTokens() - earlier.completionTokens();
    int cached = orZero(later.cachedTokens()) - orZero(earlier.cachedTokens());
    int reasoning = orZero(later.reasoningTokens()) - orZero(earlier.reasoningTokens());
    int written = orZero(later.cacheWriteTokens()) - orZero(earlier.cacheWriteTokens());
    if (prompt < 0
        || completion < 0
        || cached < 0
        || reasoning < 0
        || written < 0
        || cached + written > prompt) {
      return null;
    }
    if (prompt == 0 && completion == 0 && cached == 0 && reasoning == 0 && written == 0) {
      return null;
    }
    return new Usage(prompt, completion, prompt + completion, cached, reasoning, null, written);
  }

  private static int orZero(Integer n) {
    return n == null ? 0 : n;
  }
}
