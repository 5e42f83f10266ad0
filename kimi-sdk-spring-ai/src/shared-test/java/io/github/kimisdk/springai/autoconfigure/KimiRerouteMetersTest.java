package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code kimi.reroutes}: each reroute a listener hears counted by its kind and the target it went
 * to, tagged as the spend meters tag a target, never with a URL.
 */
class KimiRerouteMetersTest {

  private static final String GPU_B = "http://10.0.0.2:8000/v1";

  private static KimiClient client() {
    return KimiClient.builder()
        .apiKey("sk-meter-key")
        .replica(Target.of(Host.vllm(GPU_B)))
        .fallback(Target.of(Host.vllm("http://10.0.0.3:8000/v1")))
        .allowPlainHttp(true)
        .build();
  }

  private static CallEvent.Rerouted event(CallEvent.Reroute kind, int from, int to) {
    CallEvent.Call call =
        new CallEvent.Call(
            7,
            CallEvent.Operation.CHAT_STREAM,
            "kimi-k3",
            "chat/completions",
            URI.create("https://api.moonshot.ai/v1/chat/completions"),
            null);
    ServedBy a = new ServedBy(from, "moonshot", URI.create("https://api.moonshot.ai/v1"), null);
    ServedBy b = new ServedBy(to, "vllm", URI.create(GPU_B), null);
    Duration after = kind == CallEvent.Reroute.HEDGED ? Duration.ofMillis(500) : Duration.ZERO;
    return new CallEvent.Rerouted(call, 1, kind, a, b, after);
  }

  private static double count(MeterRegistry registry, String kind, String target, String host) {
    return registry
        .get(KimiRerouteMeters.NAME)
        .tag(KimiRerouteMeters.KIND, kind)
        .tag(KimiSpendMeters.TARGET, target)
        .tag(KimiSpendMeters.TARGET_HOST, host)
        .functionCounter()
        .count();
  }

  @Test
  void eachRerouteIsCountedByItsKindAndTheTargetItWentTo() {
    KimiRerouteMeters meters = new KimiRerouteMeters();
    MeterRegistry registry = new SimpleMeterRegistry();
    try (KimiClient client = client()) {
      meters.bindTo(registry, client);

      meters.onRerouted(event(CallEvent.Reroute.MOVED, 0, 1));
      meters.onRerouted(event(CallEvent.Reroute.MOVED, 0, 1));
      meters.onRerouted(event(CallEvent.Reroute.HEDGED, 0, 1));

      assertThat(count(registry, "moved", "1", "vllm")).isEqualTo(2);
      assertThat(count(registry, "hedged", "1", "vllm")).isEqualTo(1);
      assertThat(count(registry, "continued", "1", "vllm")).isZero();
      assertThat(count(registry, "moved", "0", "moonshot")).as("counted where it went").isZero();
    }
  }

  @Test
  void everyKindAndTargetHasACounterFromTheStartAndNoneNamesAUrl() {
    KimiRerouteMeters meters = new KimiRerouteMeters();
    MeterRegistry registry = new SimpleMeterRegistry();
    try (KimiClient client = client()) {
      meters.bindTo(registry, client);
    }

    assertThat(registry.get(KimiRerouteMeters.NAME).functionCounters()).hasSize(3 * 3);
    assertThat(registry.get(KimiRerouteMeters.NAME).meters())
        .allSatisfy(
            m ->
                assertThat(m.getId().getTags().toString())
                    .doesNotContain("10.0.0", "http", "sk-meter-key"));
    assertThat(count(registry, "continued", "2", "vllm")).isZero();
  }

  @Test
  void aRerouteHeardBeforeTheRegistryBoundIsCounted() {
    KimiRerouteMeters meters = new KimiRerouteMeters();
    meters.onRerouted(event(CallEvent.Reroute.CONTINUED, 1, 2));
    MeterRegistry registry = new SimpleMeterRegistry();
    try (KimiClient client = client()) {
      meters.bindTo(registry, client);
    }

    assertThat(count(registry, "continued", "2", "vllm")).isEqualTo(1);
  }

  @Test
  void theAutoConfiguredClientGetsTheListenerAndItsCountersAreBound() {
    Contexts.withoutEnvironmentVariables()
        .withConfiguration(
            AutoConfigurations.of(KimiAutoConfiguration.class, KimiMetricsAutoConfiguration.class))
        .withConfiguration(AutoConfigurations.of(HealthContexts.METRICS))
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.fallback[0].replica=true",
            "spring.ai.kimi.fallback[0].api-key=sk-second")
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasBean("kimiRerouteListener");
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.get(KimiRerouteMeters.NAME).functionCounters()).hasSize(3 * 2);
              assertThat(count(registry, "moved", "1", "moonshot")).isZero();
            });
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(KimiAutoConfiguration.class, KimiMetricsAutoConfiguration.class))
        .withConfiguration(AutoConfigurations.of(HealthContexts.METRICS))
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot", "management.metrics.enable.kimi.reroutes=false")
        .run(
            context ->
                assertThat(
                        context.getBean(MeterRegistry.class).find(KimiRerouteMeters.NAME).meters())
                    .isEmpty());
  }
}
