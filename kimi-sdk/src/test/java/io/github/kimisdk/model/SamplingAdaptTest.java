package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.token.ContextBudget;
import org.junit.jupiter.api.Test;

/**
 * The adapt policy, applied by a model of the catalog (as a client applies it before each call).
 * (What it logs at DEBUG is the list of changes checked here; the module does not read
 * java.logging, so the log itself is not captured.)
 */
class SamplingAdaptTest {

  private static ModelInfo.Adapted adapt(ModelInfo model, ChatRequest request) {
    return model.adapt(request, SamplingPolicy.ADAPT, ThinkingFallback.REJECT);
  }

  @Test
  void adaptingDropsWhatTheModelFixes() {
    ModelInfo k3 = ModelCatalog.defaults().lookup("kimi-k3");
    ChatRequest asked =
        ChatRequest.builder("kimi-k3").addUser("hi").temperature(0.2).topP(0.5).build();
    ChatRequest r = adapt(k3, asked).request();
    assertThat(r.temperature()).isNull();
    assertThat(r.topP()).isNull();
    assertThat(adapt(k3, asked).changes())
        .containsExactly(
            "kimi-k3 fixes temperature at 1.0: dropped 0.2",
            "kimi-k3 fixes top_p at 0.95: dropped 0.5");
    ChatRequest pinned = ChatRequest.builder("kimi-k3").addUser("hi").temperature(1.0).build();
    assertThat(adapt(k3, pinned).request().temperature())
        .as("the fixed value itself stays")
        .isEqualTo(1.0);
    assertThat(k3.adapt(asked, SamplingPolicy.REFUSE, ThinkingFallback.REJECT).request())
        .as("REFUSE leaves the request as it is")
        .isSameAs(asked);
  }

  @Test
  void theRulesRefuseTheBudgetDoesNotAndAdaptingUsesTheGivenModel() {
    ModelCatalog catalog =
        ModelCatalog.defaults()
            .with(
                ModelInfo.builder("my-proxy")
                    .sampling(new ModelInfo.FixedSampling(0.7, 0.7, null, null, null))
                    .build());
    ContextBudget budget = ContextBudget.defaults();
    ChatRequest refuse = ChatRequest.builder("my-proxy").addUser("hi").temperature(0.2).build();
    assertThat(catalog.lookup("my-proxy").problems(refuse))
        .containsExactly("my-proxy accepts only temperature 0.7: 0.2; leave temperature unset");
    assertThat(budget.preflight(refuse, catalog.lookup("my-proxy")))
        .as("the budget checks the window only")
        .isSameAs(refuse);
    assertThat(adapt(ModelCatalog.defaults().lookup("my-proxy"), refuse).request().temperature())
        .as("the default catalog does not know my-proxy")
        .isEqualTo(0.2);
    ModelInfo.Adapted adapted = adapt(catalog.lookup("my-proxy"), refuse);
    assertThat(adapted.request().temperature()).isNull();
    assertThat(budget.preflight(adapted.request(), catalog.lookup("my-proxy")).temperature())
        .isNull();
    assertThat(adapted.changes()).containsExactly("my-proxy fixes temperature at 0.7: dropped 0.2");
  }

  @Test
  void adaptingFollowsTheThinkingSetting() {
    ModelInfo k26 = ModelCatalog.defaults().lookup("kimi-k2.6");
    ChatRequest on = ChatRequest.builder("kimi-k2.6").addUser("hi").temperature(0.6).build();
    assertThat(adapt(k26, on).request().temperature()).isNull();
    ChatRequest off = on.toBuilder().thinking(Thinking.disabled()).build();
    assertThat(adapt(k26, off).request()).isSameAs(off);
    assertThat(adapt(k26, off).changes()).isEmpty();
  }

  @Test
  void adaptPolicyDropsTheSamplingValuesTheModelFixes() {
    ModelCatalog catalog = ModelCatalog.defaults();
    ChatRequest k3 =
        ChatRequest.builder("kimi-k3")
            .addUser("hi")
            .temperature(0.2)
            .topP(0.5)
            .n(1)
            .presencePenalty(0.0)
            .frequencyPenalty(1.0)
            .build();
    k3 = adapt(catalog.lookup("kimi-k3"), k3).request();
    assertThat(k3.temperature()).isNull();
    assertThat(k3.topP()).isNull();
    assertThat(k3.n()).isEqualTo(1); // the fixed value itself is accepted and kept
    assertThat(k3.presencePenalty()).isEqualTo(0.0);
    assertThat(k3.frequencyPenalty()).isNull();
    // kimi-k2.6 fixes temperature by thinking: 0.6 without, 1.0 with
    ChatRequest.Builder k26 = ChatRequest.builder("kimi-k2.6").addUser("hi").temperature(0.6);
    ModelInfo k26Info = catalog.lookup("kimi-k2.6");
    assertThat(adapt(k26Info, k26.build()).request().temperature()).isNull();
    assertThat(adapt(k26Info, k26.thinking(Thinking.disabled()).build()).request().temperature())
        .isEqualTo(0.6);
    // a model that fixes nothing keeps its values; OpenAI's range is brought into Kimi's
    ChatRequest free =
        ChatRequest.builder("moonshot-v1-8k").addUser("hi").temperature(1.7).topP(0.5).build();
    free = adapt(catalog.lookup("moonshot-v1-8k"), free).request();
    assertThat(free.temperature()).isEqualTo(1.0);
    assertThat(free.topP()).isEqualTo(0.5);
    // building never adapts: the request is built as asked, and the client's model check refuses it
    ChatRequest asked = ChatRequest.builder("kimi-k3").addUser("hi").topP(0.5).build();
    assertThat(asked.topP()).isEqualTo(0.5);
    ChatRequest hot = ChatRequest.builder("kimi-k3").addUser("hi").temperature(1.5).build();
    assertThat(catalog.lookup("kimi-k3").problems(hot))
        .anyMatch(p -> p.contains("temperature must be in [0, 1]"));
  }
}
