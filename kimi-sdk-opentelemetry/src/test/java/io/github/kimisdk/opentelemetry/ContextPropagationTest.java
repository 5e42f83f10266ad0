package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tour.CallbackTour;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The caller's OpenTelemetry context (its current span and baggage) is current in every callback
 * the client runs on its own threads once {@link KimiTelemetry#install} installed it: for a chat, a
 * stream and an async chat, each retried once, on the client's own pool and on an executor the
 * caller gives. On the caller's own thread a callback sees that thread's context as it is, where
 * the telemetry's interceptor makes the call's span (a child of the caller's) current around {@code
 * proceed}: the same trace and baggage.
 */
class ContextPropagationTest {

  static final String KEY = "sk-test-otel-context-0123456789abcdef";

  final InMemoryTelemetry otel = new InMemoryTelemetry();
  final FakeKimiServer server = new FakeKimiServer().start();
  KimiClient kimi;
  ExecutorService pool;

  @AfterEach
  void stop() {
    if (kimi != null) {
      kimi.close();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    server.close();
  }

  /** The context a callback saw: its trace, its span, and the baggage's tenant. */
  static String seen() {
    SpanContext s = Span.current().getSpanContext();
    return s.getTraceId() + "/" + s.getSpanId() + "/" + Baggage.current().getEntryValue("tenant");
  }

  private CallbackTour tour(KimiClient.Builder builder) throws Exception {
    CallbackTour tour = new CallbackTour(ContextPropagationTest::seen, "kimi-k3");
    // the tour's interceptors first, then the telemetry's, as an application may add them
    tour.install(builder, KEY);
    kimi = KimiTelemetry.create(otel.sdk).install(builder).build();
    return tour;
  }

  private KimiClient.Builder builder() {
    return KimiClient.builder()
        .baseUrl(server.baseUrl())
        .retryPolicy(
            RetryPolicy.defaults()
                .withMaxRetries(2)
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
  }

  private void failNext() {
    server.enqueue(
        FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\",\"message\":\"x\"}}"));
  }

  /** Runs the tour under a span of the caller's, with baggage; returns that context's text. */
  @SuppressWarnings("try") // the scope is what the try is for: the caller's span is current
  private String runAsTheCaller(CallbackTour tour) throws Exception {
    Span request = otel.sdk.getTracer("test").spanBuilder("GET /orders").startSpan();
    Context caller =
        Context.current().with(request).with(Baggage.builder().put("tenant", "acme").build());
    String expected;
    try (Scope s = caller.makeCurrent()) {
      expected = seen();
      tour.run(kimi, this::failNext);
    } finally {
      request.end();
    }
    assertThat(seen()).as("nothing left on the caller's thread").isNotEqualTo(expected);
    return expected;
  }

  private static void assertCarried(
      CallbackTour tour, String expected, Predicate<String> clientThread) {
    String caller = Thread.currentThread().getName();
    String trace = expected.substring(0, expected.indexOf('/'));
    assertThat(tour.missing()).as("callback kinds that did not run").isEmpty();
    assertThat(tour.seen())
        .filteredOn(s -> !s.thread().equals(caller))
        .as("callbacks on the client's threads")
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.context()).as(s.toString()).isEqualTo(expected))
        .allSatisfy(s -> assertThat(clientThread.test(s.thread())).as(s.toString()).isTrue());
    assertThat(tour.seen())
        .filteredOn(s -> s.thread().equals(caller))
        .allSatisfy(
            s -> assertThat(s.context()).as(s.toString()).startsWith(trace).endsWith("/acme"));
  }

  @Test
  void theCallersSpanAndBaggageAreCurrentInEveryCallbackOnTheClientsPool() throws Exception {
    CallbackTour tour = tour(builder());
    String expected = runAsTheCaller(tour);

    assertCarried(tour, expected, t -> t.startsWith("kimi-http-"));
    // and the chat spans are the caller's span's children, as before
    assertThat(otel.spans.getFinishedSpanItems())
        .filteredOn(s -> s.getName().equals("chat kimi-k3"))
        .hasSize(3)
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(expected.split("/")[1]));
  }

  @Test
  void theCallersSpanAndBaggageAreCurrentInEveryCallbackOnAnExecutorTheCallerGives()
      throws Exception {
    AtomicInteger n = new AtomicInteger();
    pool = Executors.newFixedThreadPool(3, r -> new Thread(r, "app-pool-" + n.incrementAndGet()));
    CallbackTour tour = tour(builder().executor(pool));
    String expected = runAsTheCaller(tour);

    assertCarried(tour, expected, t -> t.startsWith("app-pool-"));
  }

  @Test
  void withoutThePropagatorTheClientsThreadsSeeNoSpanOfTheCallers() throws Exception {
    CallbackTour tour = new CallbackTour(ContextPropagationTest::seen, "kimi-k3");
    KimiClient.Builder b = tour.install(builder(), KEY);
    KimiTelemetry.create(otel.sdk).interceptors().forEach(b::interceptor);
    kimi = b.build();
    String expected = runAsTheCaller(tour);

    assertThat(tour.seen())
        .filteredOn(s -> !s.thread().equals(Thread.currentThread().getName()))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.context()).isNotEqualTo(expected).endsWith("/null"));
    assertThat(KimiTelemetry.contextPropagator()).isSameAs(KimiTelemetry.contextPropagator());
  }
}
