package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.errors.ConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The protocol setting: how it and the endpoint decide each other. */
class WireProtocolTest {

  static final String KEY = "sk-test-0123456789abcdefghijklmnop";
  static final String CODE_KEY = "sk-kimi-0123456789abcdefghijklmnop";

  static Stream<Arguments> resolution() {
    UnaryOperator<KimiClient.Builder> anthropic =
        b -> b.wireProtocol(WireProtocol.ANTHROPIC_MESSAGES);
    UnaryOperator<KimiClient.Builder> chat = b -> b.wireProtocol(WireProtocol.CHAT_COMPLETIONS);
    return Stream.of(
        row("default", KEY, b -> b, "https://api.moonshot.ai/v1", false),
        row("one setting", KEY, anthropic, "https://api.moonshot.ai/anthropic", true),
        row(
            "China preset switches",
            KEY,
            b -> anthropic.apply(b.endpoint(Endpoint.CHINA)),
            "https://api.moonshot.cn/anthropic",
            true),
        row("Kimi Code key", CODE_KEY, anthropic, "https://api.kimi.com/coding", true),
        row(
            "Anthropic preset implies the protocol",
            KEY,
            b -> b.endpoint(Endpoint.GLOBAL_ANTHROPIC),
            "https://api.moonshot.ai/anthropic",
            true),
        row(
            "Kimi Code Anthropic preset",
            CODE_KEY,
            b -> b.endpoint(Endpoint.KIMI_CODE_ANTHROPIC),
            "https://api.kimi.com/coding",
            true),
        row(
            "a base URL ending in /anthropic implies it",
            KEY,
            b -> b.baseUrl("https://gateway.example/kimi/anthropic/"),
            "https://gateway.example/kimi/anthropic",
            true),
        row(
            "chat completions moves an Anthropic preset back",
            KEY,
            b -> chat.apply(b.endpoint(Endpoint.CHINA_ANTHROPIC)),
            "https://api.moonshot.cn/v1",
            false),
        row(
            "other base URLs are used as they are",
            KEY,
            b -> anthropic.apply(b.baseUrl("http://127.0.0.1:9/v1")),
            "http://127.0.0.1:9/v1",
            true));
  }

  static Arguments row(
      String name,
      String key,
      UnaryOperator<KimiClient.Builder> setup,
      String baseUrl,
      boolean anthropic) {
    return Arguments.of(name, key, setup, baseUrl, anthropic);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resolution")
  void theProtocolAndTheEndpointDecideEachOther(
      String name,
      String key,
      UnaryOperator<KimiClient.Builder> setup,
      String baseUrl,
      boolean anthropic) {
    try (KimiClient c = setup.apply(KimiClient.builder().apiKey(key)).build()) {
      assertThat(c.endpoint().baseUrl()).isEqualTo(baseUrl);
      assertThat(c.wireProtocol())
          .isEqualTo(anthropic ? WireProtocol.ANTHROPIC_MESSAGES : WireProtocol.CHAT_COMPLETIONS);
    }
  }

  @Test
  void presetsAreRecognisedFromTheirUrls() {
    assertThat(Endpoint.of("https://api.moonshot.ai/anthropic/"))
        .isSameAs(Endpoint.GLOBAL_ANTHROPIC);
    assertThat(Endpoint.of("https://api.moonshot.cn/anthropic")).isSameAs(Endpoint.CHINA_ANTHROPIC);
    assertThat(Endpoint.of("https://api.kimi.com/coding/")).isSameAs(Endpoint.KIMI_CODE_ANTHROPIC);
    assertThat(Endpoint.KIMI_CODE_ANTHROPIC.isKimiCode()).isTrue();
    assertThat(Endpoint.CHINA_ANTHROPIC.isChina()).isTrue();
    assertThat(Endpoint.KIMI_CODE.defaultProtocol()).isEqualTo(WireProtocol.CHAT_COMPLETIONS);
  }

  @ParameterizedTest
  @CsvSource({
    "anthropic, ANTHROPIC_MESSAGES",
    "' Anthropic_Messages ', ANTHROPIC_MESSAGES",
    "messages, ANTHROPIC_MESSAGES",
    "openai, CHAT_COMPLETIONS",
    "chat-completions, CHAT_COMPLETIONS",
    "CHAT_COMPLETIONS, CHAT_COMPLETIONS",
    "responses, RESPONSES",
    "' Response ', RESPONSES",
    "openai_responses, RESPONSES"
  })
  void parsesTheSettingLeniently(String value, WireProtocol expected) {
    assertThat(WireProtocol.parse(value)).isEqualTo(expected);
  }

  @Test
  void anUnknownSettingSaysWhatIsAccepted() {
    assertThatThrownBy(() -> WireProtocol.parse("grpc"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'grpc'")
        .hasMessageContaining("'anthropic'");
  }

  @Test
  void responsesRunsOnTheChatCompletionsBaseOfEachPlatform() {
    try (KimiClient c =
        KimiClient.builder().apiKey(KEY).wireProtocol(WireProtocol.RESPONSES).build()) {
      assertThat(c.wireProtocol()).isEqualTo(WireProtocol.RESPONSES);
      assertThat(c.endpoint()).isEqualTo(Endpoint.GLOBAL);
    }
    try (KimiClient c =
        KimiClient.builder()
            .apiKey(KEY)
            .endpoint(Endpoint.CHINA_ANTHROPIC)
            .wireProtocol(WireProtocol.RESPONSES)
            .build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.CHINA);
    }
    try (KimiClient c =
        KimiClient.builder()
            .fromEnv(Map.of("KIMI_CODING_API_KEY", CODE_KEY, "KIMI_PROTOCOL", "responses"))
            .build()) {
      assertThat(c.wireProtocol()).isEqualTo(WireProtocol.RESPONSES);
      assertThat(c.endpoint()).isEqualTo(Endpoint.KIMI_CODE);
    }
  }

  @Test
  void aOneHourCacheIsRefusedWhereKimiDocumentsNoWayToAskForIt() {
    for (WireProtocol p : List.of(WireProtocol.ANTHROPIC_MESSAGES, WireProtocol.RESPONSES)) {
      assertThatThrownBy(
              () ->
                  KimiClient.builder()
                      .apiKey(KEY)
                      .wireProtocol(p)
                      .promptCacheTtl(CacheTtl.ONE_HOUR)
                      .build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("WireProtocol." + p);
    }
  }

  @Test
  void fromEnvReadsKimiProtocol() {
    try (KimiClient c =
        KimiClient.builder()
            .fromEnv(Map.of("MOONSHOT_API_KEY", KEY, "KIMI_PROTOCOL", "anthropic"))
            .build()) {
      assertThat(c.wireProtocol()).isEqualTo(WireProtocol.ANTHROPIC_MESSAGES);
      assertThat(c.endpoint()).isEqualTo(Endpoint.GLOBAL_ANTHROPIC);
    }
    try (KimiClient c =
        KimiClient.builder()
            .fromEnv(Map.of("KIMI_CODING_API_KEY", CODE_KEY, "KIMI_PROTOCOL", "anthropic"))
            .build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.KIMI_CODE_ANTHROPIC);
    }
    assertThatThrownBy(
            () ->
                KimiClient.builder()
                    .fromEnv(Map.of("MOONSHOT_API_KEY", KEY, "KIMI_PROTOCOL", "soap"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KIMI_PROTOCOL");
  }

  @Test
  void theClientNeverPrintsTheKeyWhateverTheProtocol() {
    try (KimiClient c =
        KimiClient.builder().apiKey(KEY).wireProtocol(WireProtocol.ANTHROPIC_MESSAGES).build()) {
      assertThat(c.toString()).doesNotContain(KEY);
    }
  }
}
