package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.host.Host;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.mockito.MockedStatic;

/**
 * The builders' {@code replica} and {@code weight}: each target goes to the client's builder in the
 * order added, a replica as a replica and a fallback as a fallback, and the own weight with it; a
 * weight out of range fails where it is set; neither combines with {@code client(..)}.
 */
class ReplicaSettingsTest {

  private static final Target GPU_B = Target.of(Host.vllm("https://gpu-b.internal:8000/v1"));
  private static final Target GPU_C =
      Target.of(Host.vllm("https://gpu-c.internal:8000/v1")).weight(3);
  private static final Target MOONSHOT = Target.of(Host.MOONSHOT, "kimi-k3").apiKey("sk-moon");

  /** The calls {@code settings} make on the client's builder, in order. */
  private static KimiClient.Builder builderOf(ClientSettings settings) {
    KimiClient.Builder b = mock(KimiClient.Builder.class);
    try (MockedStatic<KimiClient> kimi = mockStatic(KimiClient.class)) {
      kimi.when(KimiClient::builder).thenReturn(b);
      settings.resolve();
    }
    return b;
  }

  @Test
  void eachBuilderPassesReplicasFallbacksAndTheOwnWeightToTheClientInOrder() {
    List<KimiModelBuilder<?>> builders =
        List.of(KimiChatModel.builder(), KimiStreamingChatModel.builder());
    for (KimiModelBuilder<?> builder : builders) {
      builder
          .apiKey("sk-own")
          .host(Host.vllm("https://gpu-a.internal:8000/v1"))
          .weight(2)
          .replica(GPU_B)
          .fallback(MOONSHOT)
          .replica(GPU_C);

      KimiClient.Builder b = builderOf(builder.settings);

      InOrder order = inOrder(b);
      order.verify(b).replica(GPU_B);
      order.verify(b).fallback(MOONSHOT);
      order.verify(b).replica(GPU_C);
      verify(b).weight(2);
      verify(b, never()).fallback(GPU_B);
      verify(b, never()).fallback(GPU_C);
    }
  }

  @Test
  void withoutAWeightTheClientKeepsItsDefault() {
    KimiChatModel.Builder builder = KimiChatModel.builder().apiKey("sk-own").replica(GPU_B);

    KimiClient.Builder b = builderOf(builder.settings);

    verify(b).replica(GPU_B);
    verify(b, never()).weight(org.mockito.ArgumentMatchers.anyInt());
    verify(b, never()).fallback(any());
  }

  @Test
  void aWeightOutOfRangeFailsWhereItIsSet() {
    for (int wrong : new int[] {0, -1, Target.MAX_WEIGHT + 1}) {
      assertThatThrownBy(() -> KimiChatModel.builder().weight(wrong))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("from 1 to 1000");
    }
    assertThat(KimiStreamingChatModel.builder().weight(Target.MAX_WEIGHT).settings.weight)
        .isEqualTo(Target.MAX_WEIGHT);
  }

  @Test
  void aReplicaOrAWeightDoesNotCombineWithAnExistingClient() {
    try (KimiClient client = KimiClient.builder().apiKey("sk-own").build()) {
      assertThatThrownBy(
              () ->
                  KimiChatModel.builder()
                      .client(client)
                      .replica(GPU_B)
                      .modelName("kimi-k3")
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("replica");
      assertThatThrownBy(
              () ->
                  KimiStreamingChatModel.builder()
                      .client(client)
                      .weight(2)
                      .modelName("kimi-k3")
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("weight");
    }
  }
}
