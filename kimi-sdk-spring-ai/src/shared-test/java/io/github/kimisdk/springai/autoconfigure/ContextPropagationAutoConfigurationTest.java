package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tour.CallbackTour;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * The auto-configured client carries the caller's SLF4J MDC (its {@code kimiMdcCustomizer}) and
 * OpenTelemetry context (kimi-sdk-opentelemetry's, which {@code kimiTelemetryCustomizer} installs)
 * into every callback it runs on its own threads: a request's MDC key and its span, set on the
 * caller's thread, are seen by every kind of callback (the core's CallbackTour: listeners,
 * interceptors, a {@code Flow} subscriber, the key supplier, the stages of a future) of a chat, a
 * stream and an async chat, each retried once, on the client's own pool and on an executor the
 * application gives. On the caller's own thread the OpenTelemetry interceptor makes the call's span
 * (the request span's child) current around its call: the same trace there. Runs on both Spring
 * lines.
 */
class ContextPropagationAutoConfigurationTest {

  static final String KEY = "sk-test-spring-context-0123456789abcdef";

  final FakeKimiServer server = new FakeKimiServer().start();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  final CallbackTour tour =
      new CallbackTour(ContextPropagationAutoConfigurationTest::seen, "kimi-k3");
  ExecutorService pool;

  @AfterEach
  void stop() {
    MDC.clear();
    if (pool != null) {
      pool.shutdownNow();
    }
    otel.close();
    server.close();
  }

  /** What a callback saw: the MDC's request id, and the current trace and span. */
  static String seen() {
    SpanContext s = Span.current().getSpanContext();
    return MDC.get("request.id") + "/" + s.getTraceId() + "/" + s.getSpanId();
  }

  private ApplicationContextRunner runner(ExecutorService executor) {
    return Contexts.onFake(
            server, KimiOpenTelemetryAutoConfiguration.class, KimiAutoConfiguration.class)
        .withBean("openTelemetry", OpenTelemetrySdk.class, () -> otel)
        .withBean(
            "callbackTour",
            KimiClientCustomizer.class,
            () ->
                b -> {
                  tour.install(b, KEY)
                      .retryPolicy(
                          RetryPolicy.defaults()
                              .withMaxRetries(2)
                              .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
                  if (executor != null) {
                    b.executor(executor);
                  }
                });
  }

  private void failNext() {
    server.enqueue(
        FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\",\"message\":\"x\"}}"));
  }

  /** Runs the tour as a request would: its id in the MDC, its span current; returns what it set. */
  @SuppressWarnings("try") // the scope is what the try is for: the request's span is current
  private String runAsARequest(ApplicationContext context) throws Exception {
    assertThat(context.containsBean("kimiMdcCustomizer")).isTrue();
    assertThat(context.containsBean("kimiTelemetryCustomizer")).isTrue();
    KimiClient kimi = context.getBean(KimiClient.class);
    Span request = otel.getTracer("test").spanBuilder("GET /orders").startSpan();
    String expected;
    MDC.put("request.id", "req-42");
    try (Scope s = request.makeCurrent()) {
      expected = seen();
      tour.run(kimi, this::failNext);
    } finally {
      MDC.remove("request.id");
      request.end();
    }
    return expected;
  }

  private void assertSeenEverywhere(String expected, Predicate<String> clientThread) {
    String caller = Thread.currentThread().getName();
    String trace = expected.substring(0, expected.lastIndexOf('/'));
    assertThat(tour.missing()).as("callback kinds that did not run").isEmpty();
    assertThat(tour.seen())
        .filteredOn(s -> !s.thread().equals(caller))
        .as("callbacks on the client's threads")
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.context()).as(s.toString()).isEqualTo(expected))
        .allSatisfy(s -> assertThat(clientThread.test(s.thread())).as(s.toString()).isTrue());
    assertThat(tour.seen())
        .filteredOn(s -> s.thread().equals(caller))
        .allSatisfy(s -> assertThat(s.context()).as(s.toString()).startsWith(trace + "/"));
  }

  /**
   * Runs a request in a context of {@link #runner(ExecutorService)} and checks what every callback
   * saw, on the client threads {@code clientThread} names.
   */
  private void assertARequestReachesEveryCallback(
      ExecutorService executor, Predicate<String> clientThread) {
    runner(executor)
        .run(
            context -> {
              String expected = runAsARequest(context);
              assertSeenEverywhere(expected, clientThread);
            });
  }

  @Test
  void theRequestsMdcAndSpanReachEveryCallbackOnTheClientsPool() {
    assertARequestReachesEveryCallback(null, t -> t.startsWith("kimi-http-"));
  }

  @Test
  void theRequestsMdcAndSpanReachEveryCallbackOnAnExecutorTheApplicationGives() {
    AtomicInteger n = new AtomicInteger();
    pool = Executors.newFixedThreadPool(3, r -> new Thread(r, "app-pool-" + n.incrementAndGet()));
    assertARequestReachesEveryCallback(pool, t -> t.startsWith("app-pool-"));
  }

  @Test
  void aBeanNamedKimiMdcCustomizerReplacesTheMdcPropagator() {
    runner(null)
        .withBean("kimiMdcCustomizer", KimiClientCustomizer.class, () -> b -> {})
        .run(
            context -> {
              KimiClient kimi = context.getBean(KimiClient.class);
              MDC.put("request.id", "req-7");
              try {
                tour.run(kimi, this::failNext);
              } finally {
                MDC.remove("request.id");
              }
              assertThat(tour.seen())
                  .filteredOn(s -> !s.thread().equals(Thread.currentThread().getName()))
                  .isNotEmpty()
                  .allSatisfy(s -> assertThat(s.context()).startsWith("null/"));
            });
  }
}
