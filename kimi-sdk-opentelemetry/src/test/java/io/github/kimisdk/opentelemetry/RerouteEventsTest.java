package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.EventData;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kimi.rerouted}: a reroute the client's listeners hear becomes an event on the call's span,
 * whichever thread it is heard on, and stands in for the fallback or retry event of its attempt.
 * The reroute is told here as the client tells it, to the telemetry's listener, from a listener
 * added after it: heard during the call, before the attempt it names is sent.
 */
class RerouteEventsTest {

  static final InMemoryTelemetry TELEMETRY = new InMemoryTelemetry();
  static final String MODEL = "moonshot-v1-8k";
  static final URI GPU_B = URI.create("http://10.0.0.2:8000/v1");

  FakeKimiServer server;
  FakeKimiServer second;

  @AfterAll
  static void stop() {
    TELEMETRY.sdk.close();
  }

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    server.addModel(ModelCatalog.defaults().lookup(MODEL));
    second = new FakeKimiServer().start();
    second.addModel(ModelCatalog.defaults().lookup(MODEL));
    TELEMETRY.spans.reset();
  }

  @AfterEach
  void close() {
    server.close();
    second.close();
  }

  /**
   * A client with the telemetry and a second target, and a listener after the telemetry's that
   * tells it, on another thread, the reroute {@code reroute} makes of attempt 1's call.
   */
  private KimiClient client(
      KimiTelemetry telemetry, Function<CallEvent.Call, CallEvent.Rerouted> reroute) {
    CallListener teller =
        new CallListener() {
          @Override
          public void onRequest(CallEvent.Request event) {
            if (event.attempt() == 1) {
              Thread other =
                  new Thread(() -> telemetry.listener().onRerouted(reroute.apply(event.call())));
              other.start();
              try {
                other.join();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    return telemetry
        .install(
            KimiClient.builder()
                .apiKey("sk-otel-key")
                .baseUrl(server.baseUrl())
                // an ordered chain: the reroutes are the ones the test tells, and a group's own
                // (a conversation moved beside a fallback) would be told too
                .fallback(Target.of(Host.compatible("backup", second.baseUrl())).apiKey("sk-b")))
        .listener(teller)
        .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)))
        .build();
  }

  private static CallEvent.Rerouted rerouted(
      CallEvent.Call call, CallEvent.Reroute kind, int attempt, Duration after) {
    ServedBy from = new ServedBy(0, "moonshot", URI.create("https://api.moonshot.ai/v1"), null);
    ServedBy to = new ServedBy(1, "vllm", GPU_B, "kimi-k3");
    return new CallEvent.Rerouted(call, attempt, kind, from, to, after);
  }

  /** One chat whose attempt 1 is heard rerouted: {@code kind}, as attempt {@code attempt}. */
  private void chatRerouted(CallEvent.Reroute kind, int attempt, Duration after) {
    KimiTelemetry telemetry = KimiTelemetry.create(TELEMETRY.sdk);
    try (KimiClient kimi = client(telemetry, call -> rerouted(call, kind, attempt, after))) {
      kimi.chat(ChatRequest.of(MODEL, "Hello"));
    }
  }

  /** The first server's next answer: a 429, the engine overloaded. */
  private void overloadedOnce() {
    server.enqueue(
        FakeResponse.error(
            429, "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}"));
  }

  @Test
  void aHedgeHeardOnAnotherThreadIsAnEventWithBothTargetsAndTheWait() {
    chatRerouted(CallEvent.Reroute.HEDGED, 2, Duration.ofMillis(500));

    List<EventData> events = TELEMETRY.kimiSpan().getEvents();
    assertThat(events).extracting(EventData::getName).containsExactly("kimi.rerouted");
    Attributes a = events.get(0).getAttributes();
    assertThat(a.get(RerouteEvents.KIND)).isEqualTo("hedged");
    assertThat(a.get(GenAi.ATTEMPT)).isEqualTo(2L);
    assertThat(a.get(GenAi.TARGET)).isEqualTo(1L);
    assertThat(a.get(GenAi.TARGET_HOST)).isEqualTo("vllm");
    assertThat(a.get(GenAi.SERVER_ADDRESS)).isEqualTo("10.0.0.2");
    assertThat(a.get(GenAi.SERVER_PORT)).isEqualTo(8000L);
    assertThat(a.get(RerouteEvents.FROM_TARGET)).isEqualTo(0L);
    assertThat(a.get(RerouteEvents.FROM_HOST)).isEqualTo("moonshot");
    assertThat(a.get(RerouteEvents.FROM_ADDRESS)).isEqualTo("api.moonshot.ai");
    assertThat(a.get(RerouteEvents.FROM_PORT)).isEqualTo(443L);
    assertThat(a.get(RerouteEvents.AFTER)).isEqualTo(0.5);
    assertThat(a.toString()).doesNotContain("sk-otel-key", "sk-b", "http://");
  }

  @Test
  void aMoveHasNoWait() {
    chatRerouted(CallEvent.Reroute.MOVED, 1, Duration.ZERO);

    Attributes a = TELEMETRY.kimiSpan().getEvents().get(0).getAttributes();
    assertThat(a.get(RerouteEvents.KIND)).isEqualTo("moved");
    assertThat(a.get(GenAi.ATTEMPT)).isEqualTo(1L);
    assertThat(a.get(RerouteEvents.AFTER)).isNull();
  }

  @Test
  void aReroutedAttemptIsNotToldAgainAsAFallback() {
    overloadedOnce();
    chatRerouted(CallEvent.Reroute.CONTINUED, 2, Duration.ZERO);

    assertThat(second.requestCount()).as("attempt 2 went to the second target").isEqualTo(1);
    assertThat(TELEMETRY.kimiSpan().getEvents())
        .extracting(EventData::getName)
        .containsExactly("kimi.rerouted");
  }

  @Test
  void withoutAReroutedAttemptItsFallbackIsToldAsBefore() {
    overloadedOnce();
    chatRerouted(CallEvent.Reroute.MOVED, 1, Duration.ZERO);

    assertThat(TELEMETRY.kimiSpan().getEvents())
        .extracting(EventData::getName)
        .containsExactly("kimi.rerouted", "kimi.fallback");
  }

  @Test
  void aRerouteHeardAfterTheCallEndedOrOfAnUnknownCallIsDropped() {
    KimiTelemetry telemetry = KimiTelemetry.create(TELEMETRY.sdk);
    AtomicReference<CallEvent.Call> seen = new AtomicReference<>();
    try (KimiClient kimi =
        client(
            telemetry,
            call -> {
              seen.set(call);
              return rerouted(call, CallEvent.Reroute.MOVED, 1, Duration.ZERO);
            })) {
      kimi.chat(ChatRequest.of(MODEL, "Hello"));
    }
    telemetry
        .listener()
        .onRerouted(rerouted(seen.get(), CallEvent.Reroute.HEDGED, 2, Duration.ofSeconds(1)));

    assertThat(TELEMETRY.kimiSpan().getEvents()).as("the ended call's span is not told").hasSize(1);
  }
}
