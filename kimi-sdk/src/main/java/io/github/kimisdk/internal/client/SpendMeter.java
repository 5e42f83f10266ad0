package io.github.kimisdk.internal.client;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.flow.ForwardingSubscriber;
import io.github.kimisdk.internal.flow.Futures;
import io.github.kimisdk.internal.flow.StoppablePublisher;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.Spend;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a client has spent: every reply's usage, priced with the client's table, added to one total
 * that many threads update at once (an immutable {@link Spend} swapped atomically). A reply counts
 * before its caller sees it, so a caller that reads the total after a call finds the call in it.
 * The price of a reply is looked up under the model the reply names, else the model asked for; its
 * cache writes are priced at the time to live its request asked for, else the client's default,
 * else Kimi's five minutes (a usage cannot tell).
 */
public final class SpendMeter {

  private final PriceTable prices;
  private final CacheTtl defaultTtl; // the client's; null for none
  private final AtomicReference<Spend> total = new AtomicReference<>(Spend.NONE);

  /**
   * Creates a meter that prices with {@code prices}.
   *
   * @param prices the client's price table
   * @param defaultTtl the client's prompt cache time to live; null for none
   */
  public SpendMeter(PriceTable prices, CacheTtl defaultTtl) {
    this.prices = prices;
    this.defaultTtl = defaultTtl;
  }

  /** Returns the time to live {@code request}'s cache writes were billed at. */
  CacheTtl ttl(ChatRequest request) {
    if (request != null && request.promptCacheTtl() != null) {
      return request.promptCacheTtl();
    }
    return defaultTtl != null ? defaultTtl : CacheTtl.FIVE_MINUTES;
  }

  /** Returns the price table. */
  public PriceTable prices() {
    return prices;
  }

  /** Returns everything counted so far. */
  public Spend total() {
    return total.get();
  }

  /** Returns the spend of one reply to {@code request}, not counted. */
  public Spend of(ChatRequest request, ChatCompletion completion) {
    if (completion == null || completion.usage() == null) {
      return Spend.NONE;
    }
    return prices.spend(
        model(completion.model(), request.model()), completion.usage(), ttl(request));
  }

  /** Counts a reply's usage; returns its spend. */
  Spend count(String model, Usage usage, CacheTtl ttl) {
    Spend s = prices.spend(model, usage, ttl);
    total.accumulateAndGet(s, Spend::plus);
    return s;
  }

  /**
   * Returns a future of {@code attempt}'s value that counts the reply's usage (a {@link
   * ChatCompletion}'s) before completing; failures pass through unchanged, and cancelling it
   * cancels {@code attempt}.
   */
  public <T> CompletableFuture<T> metered(ChatRequest request, CompletableFuture<T> attempt) {
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
              count(model(c.model(), requestModel), c.usage(), ttl);
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
    String requestModel = request.model();
    CacheTtl ttl = ttl(request);
    return new StoppablePublisher<>() {
      @Override
      public void subscribe(Flow.Subscriber<? super T> subscriber) {
        stream.subscribe(new Counting<>(requestModel, ttl, subscriber));
      }

      @Override
      public void subscribeBlocking(Flow.Subscriber<? super T> subscriber) {
        stream.subscribeBlocking(new Counting<>(requestModel, ttl, subscriber));
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
    private Usage counted; // the usage counted so far for this stream

    Counting(String requestModel, CacheTtl ttl, Flow.Subscriber<? super T> downstream) {
      super(downstream);
      this.requestModel = requestModel;
      this.ttl = ttl;
    }

    @Override
    public void onNext(T item) {
      if (item instanceof ChatCompletionChunk chunk && chunk.usage() != null) {
        Usage u = chunk.usage();
        Usage add = counted == null ? u : added(counted, u);
        if (add != null) {
          count(model(chunk.model(), requestModel), add, ttl);
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
