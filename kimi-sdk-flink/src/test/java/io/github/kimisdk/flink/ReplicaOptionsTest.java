package io.github.kimisdk.flink;

import static io.github.kimisdk.flink.ModelSettingsTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.host.TargetStatus;
import org.apache.flink.table.api.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.mockito.MockedStatic;

/**
 * The options of replicas: {@code weight}, {@code fallback.N.replica} and {@code
 * fallback.N.weight}, read, checked when the statement is planned, and passed to the client's
 * builder, a replica as a replica.
 */
class ReplicaOptionsTest {

  private static final String GPU_A = "http://127.0.0.1:8001/v1/chat/completions";
  private static final String GPU_B = "http://127.0.0.1:8002/v1/chat/completions";

  /** Two vLLMs sharing the load, weighed 3 to 2, and Moonshot behind them. */
  private static ModelSettings group() {
    return settings(
        "host",
        "vllm",
        "endpoint",
        GPU_A,
        "weight",
        "3",
        "fallback.1.host",
        "vllm",
        "fallback.1.endpoint",
        GPU_B,
        "fallback.1.replica",
        "true",
        "fallback.1.weight",
        "2",
        "fallback.2.host",
        "moonshot",
        "fallback.2.api-key",
        "sk-moonshot");
  }

  @Test
  void aReplicasOptionsAreReadAndPrintedWithoutItsKey() {
    ModelSettings s = group();

    assertThat(s.weight).isEqualTo(3);
    assertThat(s.fallbacks.get(0).replica()).isTrue();
    assertThat(s.fallbacks.get(0).weight()).isEqualTo(2);
    assertThat(s.fallbacks.get(1).replica()).as("a fallback unless told").isFalse();
    assertThat(s.fallbacks.get(1).weight()).isNull();
    assertThat(s.fallbacks.toString())
        .contains("fallback 1 vllm at http://127.0.0.1:8002/v1, replica, weight 2")
        .doesNotContain("sk-moonshot");
  }

  @Test
  void theClientGetsEachReplicaAsAReplicaAndEachFallbackAsAFallbackInOrder() {
    KimiClient.Builder b = mock(KimiClient.Builder.class);
    try (MockedStatic<KimiClient> kimi = mockStatic(KimiClient.class)) {
      kimi.when(KimiClient::builder).thenReturn(b);
      group().clientBuilder(null);
    }

    ArgumentCaptor<Target> replica = ArgumentCaptor.forClass(Target.class);
    ArgumentCaptor<Target> fallback = ArgumentCaptor.forClass(Target.class);
    InOrder order = inOrder(b);
    order.verify(b).replica(replica.capture());
    order.verify(b).fallback(fallback.capture());
    verify(b).weight(3);
    assertThat(replica.getValue().host().endpoint().baseUrl())
        .isEqualTo("http://127.0.0.1:8002/v1");
    assertThat(replica.getValue().weight()).isEqualTo(2);
    assertThat(fallback.getValue().host().name()).isEqualTo("moonshot");
    assertThat(fallback.getValue().weight()).isEqualTo(1);
  }

  @Test
  void withoutReplicaOptionsTheChainIsFallbacksAndNoWeight() {
    KimiClient.Builder b = mock(KimiClient.Builder.class);
    try (MockedStatic<KimiClient> kimi = mockStatic(KimiClient.class)) {
      kimi.when(KimiClient::builder).thenReturn(b);
      settings("api-key", "sk-a", "fallback.1.model", "kimi-k3").clientBuilder(null);
    }

    verify(b).fallback(any());
    verify(b, never()).replica(any());
    verify(b, never()).weight(anyInt());
  }

  @Test
  void theBuiltClientHoldsTheGroupAndItsWeights() {
    try (KimiClient built = group().clientBuilder(null).build()) {
      // the replicas' weights; the own target's is the builder's (verified above)
      assertThat(built.account().targets().subList(1, 3))
          .extracting(TargetStatus::target)
          .extracting(t -> t.host().name() + " " + t.weight())
          .containsExactly("vllm 2", "moonshot 1");
      assertThat(built.account().targets()).hasSize(3);
    }
  }

  /** A vLLM with a second one behind it, and {@code more} options. */
  private static ModelSettings pair(String... more) {
    String[] base = {
      "host", "vllm", "endpoint", GPU_A, "fallback.1.host", "vllm", "fallback.1.endpoint", GPU_B
    };
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return settings(all);
  }

  @Test
  void aReplicaOrAWeightMakesAnotherClient() {
    String fallback = pair().clientKey();

    assertThat(pair("fallback.1.replica", "true").clientKey()).isNotEqualTo(fallback);
    assertThat(pair("fallback.1.weight", "5").clientKey()).isNotEqualTo(fallback);
    assertThat(pair("weight", "2").clientKey()).isNotEqualTo(fallback);
    assertThat(pair("fallback.1.replica", "false").clientKey()).isEqualTo(fallback);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "weight | 0 | 'weight' must be from 1 to 1000: 0",
        "weight | 1001 | 'weight' must be from 1 to 1000: 1001",
        "fallback.1.weight | 0 | 'fallback.1.weight' must be from 1 to 1000: 0",
        "fallback.1.weight | -3 | 'fallback.1.weight' must be from 1 to 1000: -3",
        "fallback.1.replicas | true | Unsupported model option 'fallback.1.replicas'"
      })
  void aReplicaOptionOutOfRangeFailsNamingIt(String option, String value, String message) {
    assertThatThrownBy(() -> pair(option, value))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }
}
