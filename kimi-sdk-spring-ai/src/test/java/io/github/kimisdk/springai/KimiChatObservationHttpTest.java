package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.testing.FakeResponse;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation.HighCardinalityKeyNames;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation.LowCardinalityKeyNames;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.Prompt;

/** Every call and stream is one GenAI observation, as Spring AI's own models make them. */
class KimiChatObservationHttpTest {

  @RegisterExtension final FakeKimi kimi = new FakeKimi();

  private final TestObservationRegistry registry = TestObservationRegistry.create();
  private final KimiChatModel model =
      KimiChatModel.builder().kimiClient(kimi.client).observationRegistry(registry).build();

  @Test
  void aCallIsAnObservationWithTheGenAiKeys() {
    kimi.server.enqueue(FakeResponse.reply("Observed"));

    ChatResponse response = model.call(new Prompt("Hello"));

    TestObservationRegistryAssert.assertThat(registry)
        .hasSingleObservationThat()
        .hasNameEqualTo("gen_ai.client.operation")
        .hasContextualNameEqualTo("chat kimi-k3")
        .hasLowCardinalityKeyValue(LowCardinalityKeyNames.AI_OPERATION_TYPE.asString(), "chat")
        .hasLowCardinalityKeyValue(LowCardinalityKeyNames.AI_PROVIDER.asString(), "moonshot_ai")
        .hasHighCardinalityKeyValue("gen_ai.provider.name", "moonshot_ai")
        .doesNotHaveHighCardinalityKeyValueWithKey("kimi.target") // one target: its own
        .doesNotHaveLowCardinalityKeyValueWithKey("gen_ai.provider.name")
        .doesNotHaveLowCardinalityKeyValueWithKey("kimi.target")
        .hasLowCardinalityKeyValue(LowCardinalityKeyNames.REQUEST_MODEL.asString(), "kimi-k3")
        .hasLowCardinalityKeyValue(LowCardinalityKeyNames.RESPONSE_MODEL.asString(), "kimi-k3")
        .hasHighCardinalityKeyValue(
            HighCardinalityKeyNames.RESPONSE_ID.asString(), response.getMetadata().getId())
        .hasHighCardinalityKeyValue(
            HighCardinalityKeyNames.RESPONSE_FINISH_REASONS.asString(), "[\"STOP\"]")
        .hasHighCardinalityKeyValue(
            HighCardinalityKeyNames.USAGE_OUTPUT_TOKENS.asString(),
            String.valueOf(response.getMetadata().getUsage().getCompletionTokens()))
        .doesNotHaveError()
        .hasBeenStopped();
  }

  @Test
  void metricsKeepTheTagKeysOfSpringAisOwnConventionSoOtherProvidersMetersStayExported() {
    kimi.server.enqueue(FakeResponse.reply("Observed"));

    model.call(new Prompt("Hello"));

    TestObservationRegistryAssert.assertThat(registry)
        .hasSingleObservationThat()
        .satisfies(
            observed -> {
              ChatModelObservationContext context = (ChatModelObservationContext) observed;
              DefaultChatModelObservationConvention spring =
                  new DefaultChatModelObservationConvention();
              KimiObservationConvention kimis = new KimiObservationConvention();
              assertThat(names(kimis.getLowCardinalityKeyValues(context)))
                  .isEqualTo(names(spring.getLowCardinalityKeyValues(context)));
              assertThat(names(kimis.getHighCardinalityKeyValues(context)))
                  .containsAll(names(spring.getHighCardinalityKeyValues(context)))
                  .contains("gen_ai.provider.name");
            });
  }

  /**
   * A call another host served is observed under that host: the fallback target of a chain whose
   * first target's model is overloaded (both on one URL), and a client whose own host is a vLLM.
   * The meters' provider says which host; the spans also say which target.
   */
  @Test
  void aCallIsObservedUnderTheHostThatServedIt() {
    kimi.server.respondWith(
        r ->
            r.bodyText().contains("\"model\":\"kimi-k3\"")
                ? FakeResponse.error(
                    429, "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}")
                : null);
    try (KimiClient chain =
        KimiClient.builder()
            .apiKey(FakeKimi.KEY)
            .baseUrl(kimi.server.baseUrl())
            .fallback(
                Target.of(Host.compatible("backup", kimi.server.baseUrl()), "kimi-k2.6")
                    .apiKey(FakeKimi.KEY))
            .build()) {
      KimiChatModel.builder()
          .kimiClient(chain)
          .observationRegistry(registry)
          .build()
          .call(new Prompt("Hello"));
    }

    TestObservationRegistryAssert.assertThat(registry)
        .hasSingleObservationThat()
        .hasLowCardinalityKeyValue(LowCardinalityKeyNames.AI_PROVIDER.asString(), "backup")
        .hasHighCardinalityKeyValue("gen_ai.provider.name", "backup")
        .hasHighCardinalityKeyValue("kimi.target", "1")
        .hasHighCardinalityKeyValue("kimi.target.host", "backup");

    kimi.server.respondWith(r -> null);
    kimi.server.dialect("vllm");
    TestObservationRegistry vllmRegistry = TestObservationRegistry.create();
    try (KimiClient vllm =
        KimiClient.builder().host(Host.vllm(kimi.server.baseUrl())).apiKey(FakeKimi.KEY).build()) {
      KimiChatModel.builder()
          .kimiClient(vllm)
          .observationRegistry(vllmRegistry)
          .build()
          .call(new Prompt("Hello"));
    }
    TestObservationRegistryAssert.assertThat(vllmRegistry)
        .hasSingleObservationThat()
        .hasLowCardinalityKeyValue(LowCardinalityKeyNames.AI_PROVIDER.asString(), "vllm")
        .hasHighCardinalityKeyValue("gen_ai.provider.name", "vllm");
  }

  @Test
  void theProviderOfAHostIsTheOneKimiSdkOpenTelemetryNames() {
    for (String host :
        List.of(
            "moonshot",
            "moonshot-cn",
            "kimi-code",
            "vllm",
            "sglang",
            "openrouter",
            "fireworks",
            "together",
            "backup")) {
      assertThat(KimiObservationConvention.provider(host))
          .as(host)
          .isEqualTo(io.github.kimisdk.opentelemetry.KimiTelemetrySpringParity.provider(host));
    }
  }

  private static List<String> names(KeyValues values) {
    return values.stream().map(KeyValue::getKey).sorted().toList();
  }

  @Test
  void aStreamIsOneObservationEndingWithTheWholeResponse() {
    kimi.server.enqueue(FakeResponse.reply("Observed in pieces"));

    List<ChatResponse> pieces = model.stream(new Prompt("Hello")).collectList().block();

    ChatResponse last = pieces.get(pieces.size() - 1);
    TestObservationRegistryAssert.assertThat(registry)
        .hasSingleObservationThat()
        .hasHighCardinalityKeyValue(HighCardinalityKeyNames.REQUEST_STREAM.asString(), "true")
        .hasLowCardinalityKeyValue(LowCardinalityKeyNames.RESPONSE_MODEL.asString(), "kimi-k3")
        .hasHighCardinalityKeyValue(
            HighCardinalityKeyNames.USAGE_OUTPUT_TOKENS.asString(),
            String.valueOf(last.getMetadata().getUsage().getCompletionTokens()))
        .hasBeenStopped();
  }

  @Test
  void aFailedCallIsAnObservationWithTheError() {
    kimi.server.enqueue(
        FakeResponse.error(401, "{\"error\":{\"type\":\"invalid_authentication_error\"}}"));

    assertThatThrownBy(() -> model.call(new Prompt("Hello")))
        .isInstanceOf(AuthenticationException.class);

    TestObservationRegistryAssert.assertThat(registry)
        .hasSingleObservationThat()
        .hasError()
        .hasBeenStopped();
  }

  @Test
  void aCancelledStreamStopsItsObservation() {
    kimi.server.enqueue(FakeResponse.reply("one two three four five six seven"));

    ChatResponse first = model.stream(new Prompt("Hello")).blockFirst();

    assertThat(first.getResult().getOutput().getMetadata())
        .containsKey(KimiChatModel.REASONING_CONTENT); // the first piece of a thinking model
    TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat().hasBeenStopped();
  }

  @Test
  void aStreamNotSubscribedToSendsNothingAndObservesNothing() {
    model.stream(new Prompt("Hello"));

    assertThat(kimi.server.requestCount()).isZero();
    TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyObservation();
  }
}
