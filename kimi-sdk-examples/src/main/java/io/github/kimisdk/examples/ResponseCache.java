package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A response cache as a {@link KimiInterceptor}: a repeated identical request is answered from a
 * map, with no request sent, as a whole reply and as a stream (which replays the cached answer as
 * chunks). A request is keyed by what decides its answer ({@link #key}): a stream and a whole reply
 * of the same question share one entry, whichever came first, since {@code stream} and {@code
 * stream_options.include_usage} only say how the answer is delivered. It keeps at most {@link
 * #CAPACITY} answers, the least recently used going first, and leaves out requests that offer
 * tools, whose answers depend on what the tools return. Caching a model's answer is right only
 * where one answer is the answer (docs/interceptors.md says when it is wrong): Kimi's current
 * models fix their sampling, so a request cannot ask for the one most likely answer, and a cache
 * returns the first sample forever.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ResponseCache
 * </pre>
 */
public final class ResponseCache implements KimiInterceptor {

  /** The most answers kept. */
  static final int CAPACITY = 256;

  private final Map<ChatRequest, ChatCompletion> answers =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChatRequest, ChatCompletion> eldest) {
          return size() > CAPACITY;
        }
      };
  private final AtomicInteger hits = new AtomicInteger();

  /** Creates an empty cache. */
  public ResponseCache() {}

  @Override
  public CompletableFuture<ChatCompletion> intercept(Chain chain) {
    ChatRequest request = chain.request();
    if (!cacheable(request)) {
      return chain.proceed(request);
    }
    ChatRequest key = key(request);
    ChatCompletion hit;
    synchronized (answers) {
      hit = answers.get(key);
    }
    if (hit != null) {
      hits.incrementAndGet();
      return CompletableFuture.completedFuture(hit);
    }
    return chain
        .proceed(request)
        .thenApply(
            reply -> {
              synchronized (answers) {
                answers.put(key, reply);
              }
              return reply;
            });
  }

  /**
   * Returns the key of a request's answer: the request without what only says how the answer is
   * delivered (whether it is streamed, and whether a stream ends with a usage chunk), so a stream
   * is answered from a whole reply's entry and the reverse. Everything else decides the answer: the
   * messages, the model, the sampling, the thinking, a user's {@code safety_identifier}.
   *
   * @param request the request as the client sends it
   * @return the key
   */
  static ChatRequest key(ChatRequest request) {
    return request.stream() || request.includeUsage()
        ? request.toBuilder().stream(false).includeUsage(false).build()
        : request;
  }

  /** A request that offers no tools is cached: a tool's result is not part of the request. */
  static boolean cacheable(ChatRequest request) {
    return request.tools().isEmpty();
  }

  /**
   * Returns how many calls the cache answered.
   *
   * @return the hits so far
   */
  public int hits() {
    return hits.get();
  }

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(System.getenv(), System.out));
  }

  static int run(Map<String, String> env, PrintStream out) {
    try (ExampleSession session = ExampleSession.open(env, out, "kimi-k2.6")) {
      ResponseCache cache = new ResponseCache();
      KimiClient cached =
          session.kimi().withOptions(RequestOptions.builder().interceptor(cache).build());
      ChatRequest question =
          ChatRequest.builder(session.model())
              .addUser("What is the capital of France? One word.")
              .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
              .build();
      for (int i = 1; i <= 2; i++) {
        ChatCompletion reply = cached.chat(question);
        out.println(
            "[call " + i + "] " + reply.text().strip() + "  (cache hits " + cache.hits() + ")");
      }
      String streamed = cached.stream(question).toCompletion().text().strip();
      out.println("[stream] " + streamed + "  (cache hits " + cache.hits() + ")");
      if (session.isOffline()) {
        out.println("[server] " + session.server().requestCount() + " request received");
      }
      return 0;
    } catch (KimiException e) {
      out.println("Kimi call failed: " + e.getMessage());
      return 1;
    }
  }
}
