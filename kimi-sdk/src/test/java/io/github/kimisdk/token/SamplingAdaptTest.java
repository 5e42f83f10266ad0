package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.PreflightException;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import org.junit.jupiter.api.Test;

/**
 * The request-level adapt policy, at build time and in preflight. (What it logs at DEBUG is the
 * list of changes checked here; the module does not read java.logging, so the log itself is not
 * captured.)
 */
class SamplingAdaptTest {

  @Test
  void buildingDropsWhatTheModelFixes() {
    ChatRequest r =
        ChatRequest.builder("kimi-k3")
            .addUser("hi")
            .temperature(0.2)
            .topP(0.5)
            .samplingPolicy(ChatRequest.SamplingPolicy.ADAPT)
            .build();
    assertThat(r.temperature()).isNull();
    assertThat(r.topP()).isNull();
    ChatRequest asked =
        ChatRequest.builder("kimi-k3").addUser("hi").temperature(0.2).topP(0.5).build();
    assertThat(asked.adaptedTo(ModelCatalog.defaults().lookup("kimi-k3")).changes())
        .containsExactly(
            "kimi-k3 fixes temperature at 1.0: dropped 0.2",
            "kimi-k3 fixes top_p at 0.95: dropped 0.5");
    ChatRequest pinned =
        ChatRequest.builder("kimi-k3")
            .addUser("hi")
            .temperature(1.0)
            .samplingPolicy(ChatRequest.SamplingPolicy.ADAPT)
            .build();
    assertThat(pinned.temperature()).as("the fixed value itself stays").isEqualTo(1.0);
  }

  @Test
  void preflightRefusesByDefaultAndAdaptsWithTheBudgetsCatalog() {
    ModelCatalog catalog =
        ModelCatalog.create()
            .put(
                ModelInfo.builder("my-proxy")
                    .sampling(new ModelInfo.FixedSampling(0.7, 0.7, null, null, null))
                    .build());
    ContextBudget budget = ContextBudget.builder().catalog(catalog).build();
    ChatRequest refuse = ChatRequest.builder("my-proxy").addUser("hi").temperature(0.2).build();
    assertThatThrownBy(() -> budget.preflight(refuse))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("my-proxy accepts only temperature 0.7: 0.2");
    ChatRequest adapt = refuse.toBuilder().samplingPolicy(ChatRequest.SamplingPolicy.ADAPT).build();
    assertThat(adapt.temperature()).as("the default catalog does not know my-proxy").isEqualTo(0.2);
    ChatRequest sent = budget.preflight(adapt);
    assertThat(sent.temperature()).isNull();
    assertThat(sent.samplingPolicy()).isEqualTo(ChatRequest.SamplingPolicy.ADAPT);
    assertThat(adapt.adaptedTo(catalog.lookup("my-proxy")).changes())
        .containsExactly("my-proxy fixes temperature at 0.7: dropped 0.2");
  }

  @Test
  void adaptingFollowsTheThinkingSetting() {
    ModelInfo k26 = ModelCatalog.create().lookup("kimi-k2.6");
    ChatRequest on = ChatRequest.builder("kimi-k2.6").addUser("hi").temperature(0.6).build();
    assertThat(on.adaptedTo(k26).request().temperature()).isNull();
    ChatRequest off = on.toBuilder().thinking(Thinking.disabled()).build();
    assertThat(off.adaptedTo(k26).request()).isSameAs(off);
    assertThat(off.adaptedTo(k26).changes()).isEmpty();
  }
}
