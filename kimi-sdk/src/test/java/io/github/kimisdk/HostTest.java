package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.model.PriceTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Host}: the presets, the names a configuration gives, the declared differences. */
class HostTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "moonshot, https://api.moonshot.ai/v1, moonshot",
    "MOONSHOT-CN, https://api.moonshot.cn/v1, moonshot-cn",
    "kimi-code, https://api.kimi.com/coding/v1, kimi-code",
    "openrouter, https://openrouter.ai/api/v1, openrouter",
    "fireworks, https://api.fireworks.ai/inference/v1, fireworks",
    "together, https://api.together.xyz/v1, together",
  })
  void aNamedHostHasItsOwnBaseUrl(String name, String baseUrl, String canonical) {
    Host h = Host.of(name, null);
    assertThat(h.name()).isEqualTo(canonical);
    assertThat(h.endpoint().baseUrl()).isEqualTo(baseUrl);
    assertThat(Host.of(name, "https://proxy.example/v1").endpoint().baseUrl())
        .isEqualTo("https://proxy.example/v1");
  }

  @Test
  void vllmAndSglangNeedTheirServersUrl() {
    assertThat(Host.of("vllm", "http://127.0.0.1:8000/v1"))
        .isEqualTo(Host.vllm("http://127.0.0.1:8000/v1"));
    assertThat(Host.of("sglang", "http://127.0.0.1:30000/v1").reasoningKey())
        .isEqualTo("reasoning_content");
    assertThatThrownBy(() -> Host.of("vllm", null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("needs a base URL");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"vllm", "sglang"})
  void aServerOfTheOpenWeightsServesThemUnderTheirHuggingFaceNames(String name) {
    Host h = Host.of(name, "http://127.0.0.1:8000/v1");
    assertThat(h.modelIds())
        .containsExactly(
            java.util.Map.entry("kimi-k3", "moonshotai/Kimi-K3"),
            java.util.Map.entry("kimi-k2.6", "moonshotai/Kimi-K2.6"));
    assertThat(h.kimiModel("moonshotai/Kimi-K2.6")).isEqualTo("kimi-k2.6");
    assertThat(h.modelId("kimi-k3.1-pro"))
        .as("a model of Moonshot's platform alone: named as the application names it")
        .isEqualTo("kimi-k3.1-pro");
  }

  @Test
  void anyOtherNameIsACompatibleHostSpeakingAsMoonshot() {
    Host h = Host.of("gateway", "https://gw.example/v1");
    assertThat(h.name()).isEqualTo("gateway");
    assertThat(h.speaksMoonshot()).isTrue();
    assertThatThrownBy(() -> Host.of("bad name", "https://gw.example/v1"))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void onlyMoonshotsGlobalPlatformShipsPrices() {
    assertThat(Host.MOONSHOT.prices()).contains(PriceTable.defaults());
    assertThat(Host.MOONSHOT_CHINA.prices()).isEmpty();
    assertThat(Host.KIMI_CODE.prices()).isEmpty();
    assertThat(Host.OPENROUTER.prices()).isEmpty();
    assertThat(Host.vllm("http://127.0.0.1:1/v1").prices()).isEmpty();
    assertThat(Host.compatible("moonshot", "https://gw.example/v1").prices())
        .as("a compatible host named like Moonshot is not priced as Moonshot")
        .isEmpty();
  }

  @Test
  void theMoonshotHostOfAnEndpointIsItsPreset() {
    assertThat(Host.moonshot(Endpoint.GLOBAL)).isSameAs(Host.MOONSHOT);
    assertThat(Host.moonshot(Endpoint.CHINA_ANTHROPIC)).isSameAs(Host.MOONSHOT_CHINA);
    assertThat(Host.moonshot(Endpoint.of("http://127.0.0.1:9/v1")).prices())
        .as("a fake or proxy of Moonshot's, at Moonshot's prices")
        .isPresent();
  }

  @Test
  void overloadStatusesAreDeclaredByTheHost() {
    assertThat(Host.MOONSHOT.overloadStatuses()).containsExactlyInAnyOrder(502, 503, 529);
    assertThat(
            Host.compatible("groq", "https://api.groq.com/openai/v1")
                .withOverloadStatus(498)
                .overloadStatuses())
        .contains(498, 503);
    assertThatThrownBy(() -> Host.MOONSHOT.withOverloadStatus(200))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHostPrintsItsNameAndUrlOnly() {
    assertThat(Host.vllm("http://127.0.0.1:8000/v1"))
        .hasToString("Host[vllm http://127.0.0.1:8000/v1]");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "kimi-k2.5, accounts/fireworks/models/kimi-k2p5",
    "kimi-k2.6, accounts/fireworks/models/kimi-k2p6",
    "kimi-k2.7-code, accounts/fireworks/models/kimi-k2p7-code",
    "kimi-k3, accounts/fireworks/models/kimi-k3",
    "kimi-k3.1-pro, accounts/fireworks/models/kimi-k3p1-pro",
    "kimi-k2-thinking, accounts/fireworks/models/kimi-k2-thinking",
  })
  void fireworksSpellsADotBetweenDigitsAsP(String kimi, String fireworks) {
    assertThat(Host.FIREWORKS.modelId(kimi)).isEqualTo(fireworks);
    assertThat(Host.FIREWORKS.kimiModel(fireworks)).isEqualTo(kimi);
    assertThat(Host.FIREWORKS.modelId(fireworks)).as("already the host's id").isEqualTo(fireworks);
    assertThat(Host.OPENROUTER.modelId(kimi))
        .as("no other host respells")
        .isEqualTo("moonshotai/" + kimi);
  }

  @Test
  void aStrictMessageSchemaIsDeclaredAndNoLongerSpeaksMoonshot() {
    assertThat(Host.FIREWORKS.messageSchema()).isEqualTo(Host.MessageSchema.STRICT);
    assertThat(Host.OPENROUTER.messageSchema()).isEqualTo(Host.MessageSchema.OPEN);
    Host strict =
        Host.compatible("gw", "https://gw.example/v1").withMessageSchema(Host.MessageSchema.STRICT);
    assertThat(strict.speaksMoonshot()).isFalse();
    assertThat(strict).isNotEqualTo(Host.compatible("gw", "https://gw.example/v1"));
    assertThat(strict.withMessageSchema(Host.MessageSchema.OPEN))
        .isEqualTo(Host.compatible("gw", "https://gw.example/v1"));
    assertThat(Host.FIREWORKS.withBaseUrl("https://proxy.example/v1").modelId("kimi-k2.5"))
        .as("a preset at another URL keeps its spelling")
        .isEqualTo("accounts/fireworks/models/kimi-k2p5");
  }

  @Test
  void eachPresetContinuesAReplyInItsHostsForm() {
    assertThat(Host.MOONSHOT.continuation()).isEqualTo(Host.Continuation.PARTIAL);
    assertThat(Host.KIMI_CODE.continuation()).isEqualTo(Host.Continuation.PARTIAL);
    assertThat(Host.vllm("http://127.0.0.1:8000/v1").continuation())
        .isEqualTo(Host.Continuation.CONTINUE_FINAL_MESSAGE);
    assertThat(Host.sglang("http://127.0.0.1:30000/v1").continuation())
        .isEqualTo(Host.Continuation.CONTINUE_FINAL_MESSAGE);
    assertThat(Host.OPENROUTER.continuation()).isEqualTo(Host.Continuation.PREFILL);
    assertThat(Host.FIREWORKS.continuation()).isEqualTo(Host.Continuation.NONE);
    assertThat(Host.TOGETHER.continuation()).isEqualTo(Host.Continuation.NONE);
    Host gateway = Host.compatible("gw", "https://gw.example/v1");
    Host vllmBehind = gateway.withContinuation(Host.Continuation.CONTINUE_FINAL_MESSAGE);
    assertThat(vllmBehind.speaksMoonshot()).isFalse();
    assertThat(vllmBehind).isNotEqualTo(gateway);
    assertThat(vllmBehind.withContinuation(Host.Continuation.PARTIAL)).isEqualTo(gateway);
    assertThat(Host.OPENROUTER.withBaseUrl("https://proxy.example/v1").continuation())
        .as("a preset at another URL keeps its form")
        .isEqualTo(Host.Continuation.PREFILL);
  }
}
