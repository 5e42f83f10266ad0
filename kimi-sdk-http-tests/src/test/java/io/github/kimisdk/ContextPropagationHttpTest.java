package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tour.CallbackTour;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller's context reaches every callback the client runs on its own threads (DESIGN.md; docs
 * "What runs where"), with a propagator of a thread-local value standing for an MDC or a tracing
 * context: a chat, a stream and an async chat, each retried once, on the client's own pool and on
 * an executor the caller gives; no callback runs on a pool the caller did not choose
 * (ForkJoinPool.commonPool(), or the JDK's thread per task on a small machine), nothing is left on
 * the threads afterwards, and a propagator that throws breaks no call.
 */
class ContextPropagationHttpTest {

  static final String KEY = "sk-test-context-key-0123456789abcdef";

  /** The context under test: a value the caller's thread holds, as an MDC or a span would. */
  static final ThreadLocal<String> TENANT = new ThreadLocal<>();

  /** Carries {@link #TENANT} as docs/observability.md shows: the factory a plain-Java MDC uses. */
  static final ContextPropagator TENANTS = ContextPropagator.of(TENANT::get, TENANT::set);

  FakeKimiServer server;
  KimiClient kimi;
  ExecutorService callerPool;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
  }

  @AfterEach
  void stop() {
    TENANT.remove();
    if (kimi != null) {
      kimi.close();
    }
    if (callerPool != null) {
      callerPool.shutdownNow();
    }
    server.close();
  }

  private KimiClient.Builder builder() {
    return KimiClient.builder()
        .baseUrl(server.baseUrl())
        .retryPolicy(FakeSuite.fastRetries())
        .contextPropagator(TENANTS);
  }

  private void failNext() {
    server.enqueue(
        FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\",\"message\":\"x\"}}"));
  }

  /** Runs the tour as a caller whose context is {@code tenant}; returns what it saw. */
  private CallbackTour tour(KimiClient.Builder b, String tenant) throws Exception {
    CallbackTour tour = new CallbackTour(TENANT::get, "kimi-k3");
    kimi = tour.install(b, KEY).build();
    TENANT.set(tenant);
    try {
      tour.run(kimi, this::failNext);
    } finally {
      TENANT.remove();
    }
    return tour;
  }

  private static void assertSeenEverywhereIn(
      CallbackTour tour, String tenant, Predicate<String> allowedThread) {
    String caller = Thread.currentThread().getName();
    assertThat(tour.missing()).as("callback kinds that did not run").isEmpty();
    assertThat(tour.seen())
        .as("every callback ran in the caller's context")
        .allSatisfy(s -> assertThat(s.context()).as(s.toString()).isEqualTo(tenant));
    assertThat(tour.seen())
        .as("every callback ran on the caller's thread or the client's executor")
        .allSatisfy(
            s ->
                assertThat(s.thread().equals(caller) || allowedThread.test(s.thread()))
                    .as(s.toString())
                    .isTrue());
    // the test can fail: callbacks of each call ran on threads other than the caller's
    for (String call : List.of("chat", "stream", "async")) {
      assertThat(tour.seen())
          .as("callbacks of the %s off the caller's thread", call)
          .anyMatch(s -> s.call().equals(call) && !s.thread().equals(caller));
    }
  }

  @Test
  void everyCallbackOfAChatAStreamAndAnAsyncChatRunsInTheCallersContextOnTheClientsPool()
      throws Exception {
    CallbackTour tour = tour(builder(), "acme");

    assertSeenEverywhereIn(tour, "acme", t -> t.startsWith("kimi-http-"));
  }

  @Test
  void everyCallbackRunsInTheCallersContextOnAnExecutorTheCallerGives() throws Exception {
    AtomicInteger n = new AtomicInteger();
    callerPool =
        Executors.newFixedThreadPool(3, r -> new Thread(r, "caller-pool-" + n.incrementAndGet()));
    CallbackTour tour = tour(builder().executor(callerPool), "globex");

    assertSeenEverywhereIn(tour, "globex", t -> t.startsWith("caller-pool-"));
    // nothing stays on the caller's threads once the callbacks ended
    List<CompletableFuture<String>> left = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      left.add(CompletableFuture.supplyAsync(TENANT::get, callerPool));
    }
    for (CompletableFuture<String> f : left) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void aCallWithoutContextAfterOnesWithItSeesNoneOnTheClientsThreads() throws Exception {
    CallbackTour tour = tour(builder(), "initech");
    tour.clear();
    tour.run(kimi, this::failNext); // the same client and threads; TENANT unset on this thread

    assertThat(tour.missing()).isEmpty();
    assertThat(tour.seen()).allSatisfy(s -> assertThat(s.context()).as(s.toString()).isNull());
  }

  /**
   * A stream asked for on the caller's thread and read on a worker of no context (as a framework's
   * adapter reads it, kimi-sdk-langchain4j's among them): its start there (attempt 1, the
   * interceptors) and every callback after run in the context of the thread that asked for it.
   */
  @Test
  void aStreamAskedForOnTheCallersThreadAndReadOnAWorkerRunsItsCallbacksInTheCallersContext()
      throws Exception {
    CallbackTour tour = new CallbackTour(TENANT::get, "kimi-k3");
    kimi = tour.install(builder(), KEY).build();
    AtomicInteger n = new AtomicInteger();
    callerPool =
        Executors.newFixedThreadPool(2, r -> new Thread(r, "reader-" + n.incrementAndGet()));
    failNext();
    io.github.kimisdk.chat.ChatStream iterated;
    io.github.kimisdk.chat.ChatStream subscribed;
    TENANT.set("initrode");
    try {
      iterated = kimi.stream(ChatRequest.of("kimi-k3", "tour stream"));
      subscribed = kimi.stream(ChatRequest.of("kimi-k3", "tour stream"));
    } finally {
      TENANT.remove();
    }
    String read =
        CompletableFuture.supplyAsync(
                () -> {
                  try (io.github.kimisdk.chat.ChatStream s = iterated) {
                    return s.toCompletion().text() + " " + TENANT.get();
                  }
                },
                callerPool)
            .get(30, TimeUnit.SECONDS);
    CompletableFuture<String> flowed = new CompletableFuture<>();
    callerPool.execute(
        () ->
            subscribed.subscribe(
                new java.util.concurrent.Flow.Subscriber<
                    io.github.kimisdk.chat.ChatCompletionChunk>() {
                  @Override
                  public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                  }

                  @Override
                  public void onNext(io.github.kimisdk.chat.ChatCompletionChunk c) {}

                  @Override
                  public void onError(Throwable t) {
                    flowed.completeExceptionally(t);
                  }

                  @Override
                  public void onComplete() {
                    flowed.complete(TENANT.get());
                  }
                }));
    assertThat(flowed.get(30, TimeUnit.SECONDS)).isEqualTo("initrode");
    subscribed.close();

    assertThat(read).as("the reader's own context, after").endsWith(" null");
    assertThat(tour.seen())
        .as("the interceptors and listeners of both streams")
        .filteredOn(s -> s.call().equals("stream"))
        .extracting(CallbackTour.Seen::kind)
        .contains(
            "interceptor intercept",
            "attempt interceptor intercept",
            "listener onRequest",
            "listener onRetry",
            "listener onFirstChunk",
            "interceptor onChunk",
            "listener onEnd");
    assertThat(tour.seen())
        .allSatisfy(s -> assertThat(s.context()).as(s.toString()).isEqualTo("initrode"));
    assertThat(tour.seen())
        .filteredOn(s -> s.kind().equals("interceptor intercept"))
        .allSatisfy(s -> assertThat(s.thread()).startsWith("reader-"));
  }

  @Test
  void aClientGivenAnHttpClientWithoutAnExecutorRunsNoStageOnTheCommonPool() throws Exception {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    CallbackTour tour = tour(builder().httpClient(http), "hooli");

    // the HTTP client's own threads deliver its callbacks; the stages and timers run on the
    // client's pool: none runs on ForkJoinPool.commonPool()
    assertThat(tour.missing()).isEmpty();
    assertThat(tour.seen())
        .allSatisfy(s -> assertThat(s.context()).as(s.toString()).isEqualTo("hooli"))
        .noneMatch(s -> s.thread().startsWith("ForkJoinPool.commonPool"));
    assertThat(tour.seen())
        .filteredOn(s -> s.kind().equals("future async stage"))
        .allSatisfy(s -> assertThat(s.thread()).startsWith("kimi-http-"));
  }

  @Test
  void aFailureBeforeAnyResponseIsTakenOnTheClientsPoolNotTheJdks() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens there once this closes
    }
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    List<String> contexts = Collections.synchronizedList(new ArrayList<>());
    CallListener heard =
        new CallListener() {
          @Override
          public void onRetry(CallEvent.Retry e) {
            threads.add(Thread.currentThread().getName());
            contexts.add(TENANT.get());
          }

          @Override
          public void onFailure(CallEvent.Failure e) {
            threads.add(Thread.currentThread().getName());
            contexts.add(TENANT.get());
          }
        };
    kimi =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl("http://127.0.0.1:" + closed + "/v1")
            .retryPolicy(
                RetryPolicy.defaults()
                    .withMaxRetries(1)
                    .withBackoff(Duration.ofMillis(1), Duration.ofMillis(2)))
            .contextPropagator(TENANTS)
            .listener(heard)
            .build();
    TENANT.set("umbrella");
    CompletableFuture<String> stage;
    try {
      stage =
          kimi.chatAsync(ChatRequest.of("kimi-k3", "Hi"))
              .handleAsync((c, e) -> Thread.currentThread().getName() + " " + TENANT.get());
    } finally {
      TENANT.remove();
    }
    String ended = stage.get(30, TimeUnit.SECONDS);

    assertThat(threads).hasSize(2).allSatisfy(t -> assertThat(t).startsWith("kimi-http-"));
    assertThat(contexts).containsOnly("umbrella");
    assertThat(ended).startsWith("kimi-http-").endsWith(" umbrella");
  }

  @Test
  @SuppressWarnings("try") // a scope closed by try-with-resources, unread
  void captureContextRestoresTheCallersContextAroundCodeOfOnesOwnAndPutsBackWhatWasThere()
      throws Exception {
    kimi = builder().apiKey(KEY).build();
    TENANT.set("wayne");
    ContextPropagator.Captured caller = kimi.captureContext();
    TENANT.remove();
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      String[] seen =
          worker
              .submit(
                  () -> {
                    TENANT.set("worker's own");
                    String inside;
                    try (ContextPropagator.Scope s = caller.restore()) {
                      inside = TENANT.get();
                    }
                    return new String[] {inside, TENANT.get()};
                  })
              .get(10, TimeUnit.SECONDS);
      assertThat(seen).containsExactly("wayne", "worker's own");
    } finally {
      worker.shutdownNow();
    }
  }

  @Test
  @SuppressWarnings("try") // a scope closed by try-with-resources, unread
  void propagatorsRestoreInTheOrderAddedAndCloseInTheReverse() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    ContextPropagator first = named("first", order);
    ContextPropagator second = named("second", order);
    kimi = builder().apiKey(KEY).contextPropagator(first).contextPropagator(second).build();
    ContextPropagator.Captured caller = kimi.captureContext();
    order.clear();
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      worker
          .submit(
              () -> {
                try (ContextPropagator.Scope s = caller.restore()) {
                  order.add("work");
                }
              })
          .get(10, TimeUnit.SECONDS);
    } finally {
      worker.shutdownNow();
    }
    assertThat(order)
        .containsExactly("restore first", "restore second", "work", "close second", "close first");
  }

  private static ContextPropagator named(String name, List<String> order) {
    return () ->
        () -> {
          order.add("restore " + name);
          return () -> order.add("close " + name);
        };
  }

  /** Throws wherever it is called; a class of its own, so its one log line is this test's. */
  static final class Throwing implements ContextPropagator {
    @Override
    public Captured capture() {
      return () -> {
        throw new IllegalStateException("propagator-boom-7");
      };
    }
  }

  @Test
  void aPropagatorThatThrowsIsLoggedOnceAndTheCallsGoOnWithTheOthersContext() throws Exception {
    List<String> lines;
    try (JulLines log = new JulLines("io.github.kimisdk.listener")) {
      lines = log.lines;
      CallbackTour tour = tour(builder().contextPropagator(new Throwing()), "stark");
      assertSeenEverywhereIn(tour, "stark", t -> t.startsWith("kimi-http-"));
    }
    assertThat(lines)
        .filteredOn(l -> l.contains("ContextPropagator"))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .contains(Throwing.class.getName())
                    .contains("propagator-boom-7")
                    .contains("restore"));
  }

  @Test
  @SuppressWarnings("try") // a scope closed by try-with-resources, unread
  void withoutAPropagatorTheClientRestoresNothing() throws Exception {
    CallbackTour tour = new CallbackTour(TENANT::get, "kimi-k3");
    kimi = tour.install(KimiClient.builder().baseUrl(server.baseUrl()), KEY).build();
    TENANT.set("nobody carries this");
    ChatCompletion c;
    try {
      c = kimi.chatAsync(ChatRequest.of("kimi-k3", "tour async")).get(10, TimeUnit.SECONDS);
      ContextPropagator.Captured none = kimi.captureContext();
      TENANT.set("changed");
      try (ContextPropagator.Scope s = none.restore()) {
        assertThat(TENANT.get()).isEqualTo("changed");
      }
    } finally {
      TENANT.remove();
    }
    assertThat(c.text()).isNotEmpty();
    assertThat(tour.seen())
        .filteredOn(s -> !s.thread().equals(Thread.currentThread().getName()))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.context()).as(s.toString()).isNull());
  }
}
