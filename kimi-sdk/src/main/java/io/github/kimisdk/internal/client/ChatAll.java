package io.github.kimisdk.internal.client;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.platform.ChatResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs many chat calls with at most {@code limit} in flight: each completion starts the next
 * request, so no thread waits on a permit.
 */
public final class ChatAll {

  private final List<ChatRequest> requests;
  private final int limit;
  private final Consumer<ChatResult> listener;
  private final Function<ChatRequest, CompletableFuture<ChatCompletion>> call;
  private final Function<Throwable, KimiException> mapError;
  private final BiFunction<ChatRequest, ChatCompletion, Spend> spendOf;
  private final ChatResult[] results;
  private final CompletableFuture<List<ChatResult>> done = new CompletableFuture<>();
  private final List<CompletableFuture<ChatCompletion>> running = new ArrayList<>();
  private int next;
  private int completed;

  public ChatAll(
      List<ChatRequest> requests,
      int limit,
      Consumer<ChatResult> listener,
      Function<ChatRequest, CompletableFuture<ChatCompletion>> call,
      Function<Throwable, KimiException> mapError) {
    this(requests, limit, listener, call, mapError, (request, completion) -> Spend.NONE);
  }

  /** As above; {@code spendOf} gives each reply's spend from the request and the reply. */
  public ChatAll(
      List<ChatRequest> requests,
      int limit,
      Consumer<ChatResult> listener,
      Function<ChatRequest, CompletableFuture<ChatCompletion>> call,
      Function<Throwable, KimiException> mapError,
      BiFunction<ChatRequest, ChatCompletion, Spend> spendOf) {
    this.requests = requests;
    this.limit = limit;
    this.listener = listener;
    this.call = call;
    this.mapError = mapError;
    this.spendOf = spendOf;
    this.results = new ChatResult[requests.size()];
  }

  public CompletableFuture<List<ChatResult>> start() {
    if (requests.isEmpty()) {
      done.complete(List.of());
      return done;
    }
    done.whenComplete(
        (r, e) -> {
          if (done.isCancelled()) {
            List<CompletableFuture<ChatCompletion>> toCancel;
            synchronized (this) {
              next = requests.size();
              toCancel = List.copyOf(running);
            }
            toCancel.forEach(f -> f.cancel(true));
          }
        });
    for (int i = 0; i < Math.min(limit, requests.size()); i++) {
      launchNext();
    }
    return done;
  }

  private void launchNext() {
    int index;
    synchronized (this) {
      if (next >= requests.size()) {
        return;
      }
      index = next++;
    }
    ChatRequest request = requests.get(index);
    CompletableFuture<ChatCompletion> f;
    try {
      f = call.apply(request);
    } catch (RuntimeException e) {
      finish(new ChatResult(index, request, null, mapError.apply(e)), null);
      return;
    }
    synchronized (this) {
      running.add(f);
    }
    f.whenComplete(
        (c, e) -> {
          Error fatal = ErrorFactory.fatal(e);
          if (fatal != null) {
            done.completeExceptionally(fatal); // not a failed request: the whole call fails
            return;
          }
          finish(
              e == null
                  ? new ChatResult(index, request, c, null, spendOf.apply(request, c))
                  : new ChatResult(index, request, null, mapError.apply(e)),
              f);
        });
  }

  private void finish(ChatResult result, CompletableFuture<ChatCompletion> f) {
    boolean last;
    synchronized (this) {
      if (f != null) {
        running.remove(f);
      }
      results[result.index()] = result;
      completed++;
      if (listener != null) {
        try {
          listener.accept(result);
        } catch (RuntimeException listenerFailure) {
          // a faulty listener must not stall the remaining requests
          System.getLogger("io.github.kimisdk")
              .log(System.Logger.Level.WARNING, "chatAll listener threw", listenerFailure);
        }
      }
      last = completed == results.length;
    }
    if (last) {
      done.complete(List.copyOf(Arrays.asList(results)));
    } else {
      launchNext();
    }
  }
}
