package io.github.kimisdk.tour;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.UserMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Drives a client through every kind of callback it runs for a call, and records, for each, the
 * context it ran in and the thread that ran it: what docs/observability.md's "What runs where"
 * lists, for a chat, a stream (a {@code Flow} subscriber) and an async chat, each of whose first
 * attempt the server fails so that the next runs on the client's threads. The tests of the core, of
 * kimi-sdk-opentelemetry and of the Spring modules run it with their own propagators; it uses only
 * the client's public API and knows no server ({@code failNext} makes the server fail the next
 * request).
 */
public final class CallbackTour {

  /** The user message of each call, by which a callback tells which call it ran for. */
  public static final Map<String, String> CALLS =
      Map.of("tour chat", "chat", "tour stream", "stream", "tour async", "async");

  /** Every kind of callback the tour sees, as the docs name them, and the calls that run each. */
  public static final Map<String, Set<String>> KINDS =
      Map.ofEntries(
          Map.entry("listener onRequest", Set.of("chat", "stream", "async")),
          Map.entry("listener onHeaders", Set.of("chat", "stream", "async")),
          Map.entry("listener onRetry", Set.of("chat", "stream", "async")),
          Map.entry("listener onFirstChunk", Set.of("stream")),
          Map.entry("listener onEnd", Set.of("chat", "stream", "async")),
          Map.entry("interceptor intercept", Set.of("chat", "stream", "async")),
          Map.entry("interceptor stage", Set.of("chat", "stream", "async")),
          Map.entry("interceptor onChunk", Set.of("stream")),
          Map.entry("attempt interceptor intercept", Set.of("chat", "stream", "async")),
          Map.entry("attempt interceptor stage", Set.of("chat", "stream", "async")),
          Map.entry("key supplier", Set.of("any")),
          Map.entry("subscriber onSubscribe", Set.of("stream")),
          Map.entry("subscriber onNext", Set.of("stream")),
          Map.entry("subscriber onComplete", Set.of("stream")),
          Map.entry("future stage", Set.of("async")),
          Map.entry("future async stage", Set.of("async")));

  /**
   * One callback as it ran.
   *
   * @param call the call it ran for ({@code chat}, {@code stream}, {@code async}; {@code any} for
   *     the key supplier, which is not told the call)
   * @param kind the kind of callback, a key of {@link #KINDS}
   * @param context the context it saw, as the tour's reader read it
   * @param thread the name of the thread that ran it
   */
  public record Seen(String call, String kind, String context, String thread) {}

  private final Supplier<String> context;
  private final String model;
  private final Collection<Seen> seen = new ConcurrentLinkedQueue<>();

  /**
   * Creates a tour.
   *
   * @param context reads the context under test on the current thread, as a text to compare
   * @param model the model the calls name
   */
  public CallbackTour(Supplier<String> context, String model) {
    this.context = context;
    this.model = model;
  }

  private void saw(String call, String kind) {
    seen.add(new Seen(call, kind, context.get(), Thread.currentThread().getName()));
  }

  private static String callOf(ChatRequest r) {
    String text = "";
    if (r != null && r.messages().get(r.messages().size() - 1) instanceof UserMessage u) {
      text = u.text();
    }
    for (Map.Entry<String, String> e : CALLS.entrySet()) {
      if (text.contains(e.getKey())) {
        return e.getValue();
      }
    }
    return "other";
  }

  /**
   * Adds what the tour hears to {@code builder}: its listener, an interceptor that runs once per
   * call and one that runs once per attempt, and a key supplier that gives {@code key}.
   *
   * @param builder the client's builder
   * @param key the key the server takes
   * @return {@code builder}
   */
  public KimiClient.Builder install(KimiClient.Builder builder, String key) {
    return builder
        .apiKey(
            () -> {
              saw("any", "key supplier");
              return key;
            })
        .listener(listener())
        .interceptor(
            chain -> {
              String call = callOf(chain.request());
              saw(call, "interceptor intercept");
              chain.onChunk(c -> saw(call, "interceptor onChunk"));
              return chain
                  .proceed(chain.request())
                  .thenApply(
                      c -> {
                        saw(call, "interceptor stage");
                        return c;
                      });
            })
        .interceptor(
            new KimiInterceptor() {
              @Override
              public boolean perAttempt() {
                return true;
              }

              @Override
              public CompletableFuture<ChatCompletion> intercept(Chain chain) {
                String call = callOf(chain.request());
                saw(call, "attempt interceptor intercept");
                return chain
                    .proceed(chain.request())
                    .thenApply(
                        c -> {
                          saw(call, "attempt interceptor stage");
                          return c;
                        });
              }
            });
  }

  private CallListener listener() {
    return new CallListener() {
      @Override
      public void onRequest(CallEvent.Request e) {
        saw(callOf(e.call().request()), "listener onRequest");
      }

      @Override
      public void onHeaders(CallEvent.Headers e) {
        saw(callOf(e.call().request()), "listener onHeaders");
      }

      @Override
      public void onRetry(CallEvent.Retry e) {
        saw(callOf(e.call().request()), "listener onRetry");
      }

      @Override
      public void onFirstChunk(CallEvent.FirstChunk e) {
        saw(callOf(e.call().request()), "listener onFirstChunk");
      }

      @Override
      public void onEnd(CallEvent.End e) {
        saw(callOf(e.call().request()), "listener onEnd");
      }

      @Override
      public void onFailure(CallEvent.Failure e) {
        saw(callOf(e.call().request()), "listener onFailure");
      }
    };
  }

  /**
   * Runs the three calls on this thread, the caller's, one after another, each first attempt failed
   * by {@code failNext}: a blocking chat, a stream consumed by a {@code Flow} subscriber, an async
   * chat with a stage and an {@code ...Async} stage without an executor; returns once every
   * callback ran.
   *
   * @param kimi a client built with {@link #install}
   * @param failNext makes the server fail the next request with a status the client retries
   * @throws Exception if a call failed or did not end in time
   */
  public void run(KimiClient kimi, Runnable failNext) throws Exception {
    failNext.run();
    kimi.chat(ChatRequest.of(model, "tour chat"));

    failNext.run();
    CompletableFuture<Void> streamed = new CompletableFuture<>();
    try (ChatStream stream = kimi.stream(ChatRequest.of(model, "tour stream"))) {
      stream.subscribe(
          new Flow.Subscriber<ChatCompletionChunk>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              saw("stream", "subscriber onSubscribe");
              s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ChatCompletionChunk item) {
              saw("stream", "subscriber onNext");
            }

            @Override
            public void onError(Throwable t) {
              saw("stream", "subscriber onError");
              streamed.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
              saw("stream", "subscriber onComplete");
              streamed.complete(null);
            }
          });
      streamed.get(30, TimeUnit.SECONDS);
    }

    failNext.run();
    CompletableFuture<ChatCompletion> async = kimi.chatAsync(ChatRequest.of(model, "tour async"));
    CompletableFuture<ChatCompletion> staged =
        async.thenApply(
            c -> {
              saw("async", "future stage");
              return c;
            });
    CompletableFuture<ChatCompletion> asyncStaged =
        async.thenApplyAsync(
            c -> {
              saw("async", "future async stage");
              return c;
            });
    staged.get(30, TimeUnit.SECONDS);
    asyncStaged.get(30, TimeUnit.SECONDS);
  }

  /** Forgets every callback seen so far, for another run on the same client. */
  public void clear() {
    seen.clear();
  }

  /**
   * Returns every callback seen so far.
   *
   * @return the callbacks, in the order they ran
   */
  public List<Seen> seen() {
    return new ArrayList<>(seen);
  }

  /**
   * Returns the kinds of {@link #KINDS} that did not run for a call that runs them, as {@code kind
   * (call)}: empty once the tour saw every kind.
   *
   * @return what is missing
   */
  public Set<String> missing() {
    Set<String> ran = new LinkedHashSet<>();
    for (Seen s : seen) {
      ran.add(s.kind() + " (" + s.call() + ")");
    }
    Set<String> missing = new LinkedHashSet<>();
    KINDS.forEach(
        (kind, calls) -> {
          for (String call : calls) {
            if (!ran.contains(kind + " (" + call + ")")) {
              missing.add(kind + " (" + call + ")");
            }
          }
        });
    return missing;
  }
}
