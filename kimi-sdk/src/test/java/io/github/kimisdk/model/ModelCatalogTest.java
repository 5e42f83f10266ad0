package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.platform.PlatformCodec;
import io.github.kimisdk.model.ModelInfo.ThinkingSupport;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCatalogTest {

  @Test
  void knowsTheDocumentedModels() {
    ModelCatalog c = ModelCatalog.defaults();
    assertThat(c.lookup("moonshot-v1-8k").contextWindow()).isEqualTo(8_192);
    assertThat(c.lookup("moonshot-v1-32k-vision-preview").vision()).isTrue();
    assertThat(c.lookup("moonshot-v1-128k").contextWindow()).isEqualTo(131_072);
    assertThat(c.lookup("kimi-k2-0711-preview").contextWindow()).isEqualTo(131_072);
    assertThat(c.lookup("kimi-k2-thinking-turbo").thinking()).isEqualTo(ThinkingSupport.ALWAYS);
    ModelInfo k26 = c.lookup("kimi-k2.6");
    assertThat(k26.contextWindow()).isEqualTo(262_144);
    assertThat(k26.defaultMaxOutput()).isEqualTo(32_768);
    assertThat(k26.thinking()).isEqualTo(ThinkingSupport.SWITCHABLE);
    assertThat(k26.vision() && k26.video()).isTrue();
    assertThat(k26.sampling()).isEqualTo(ModelInfo.FixedSampling.K2_5);
    assertThat(k26.requiredToolChoiceWhileThinking()).isFalse();
    assertThat(k26.keepAll()).isTrue();
    assertThat(c.lookup("kimi-k2.5").keepAll()).isFalse();
    ModelInfo k3 = c.lookup("kimi-k3");
    assertThat(k3.contextWindow()).isEqualTo(1_048_576);
    assertThat(k3.defaultMaxOutput()).isEqualTo(131_072);
    assertThat(k3.sampling()).isEqualTo(new ModelInfo.FixedSampling(1.0, 0.6, 0.95, 1, 0.0));
    assertThat(k3.vision() && k3.video()).isTrue();
    assertThat(k3.efforts()).containsExactly("low", "high", "max");
    assertThat(k3.defaultEffort()).isEqualTo("max");
    assertThat(k3.requiredToolChoiceWhileThinking()).isTrue();
    assertThat(k3.preservedThinking()).isTrue();
    assertThat(c.lookup("k3").contextWindow()).isEqualTo(1_048_576);
    assertThat(c.lookup("k3-256k").contextWindow()).isEqualTo(262_144);
    assertThat(c.lookup("k3-256k").video()).isFalse();
    assertThat(c.lookup("k3-256k").vision()).isTrue();
    ModelInfo code = c.lookup("kimi-k2.7-code");
    assertThat(code.thinking()).isEqualTo(ThinkingSupport.ALWAYS);
    assertThat(code.requiredToolChoiceWhileThinking()).isFalse();
    assertThat(code.sampling()).isEqualTo(ModelInfo.FixedSampling.K2_7_CODE);
    ModelInfo coding = c.lookup("kimi-for-coding");
    assertThat(coding.contextWindow()).isEqualTo(262_144);
    assertThat(coding.thinking()).isEqualTo(ThinkingSupport.ALWAYS);
    assertThat(coding.vision() && coding.video()).isTrue();
    assertThat(c.models()).extracting(ModelInfo::known).containsOnly(true);
    assertThat(c.models())
        .extracting(ModelInfo::id)
        .containsExactly(
            "k3",
            "k3-256k",
            "kimi-for-coding",
            "kimi-for-coding-highspeed",
            "kimi-k2-0711-preview",
            "kimi-k2-0905-preview",
            "kimi-k2-thinking",
            "kimi-k2-thinking-turbo",
            "kimi-k2-turbo-preview",
            "kimi-k2.5",
            "kimi-k2.6",
            "kimi-k2.7-code",
            "kimi-k2.7-code-highspeed",
            "kimi-k3",
            "kimi-k3.1-pro",
            "kimi-k3.1-pro-highspeed",
            "kimi-latest",
            "moonshot-v1-128k",
            "moonshot-v1-128k-vision-preview",
            "moonshot-v1-32k",
            "moonshot-v1-32k-vision-preview",
            "moonshot-v1-8k",
            "moonshot-v1-8k-vision-preview",
            "moonshot-v1-auto");
  }

  @Test
  void givesAnUnknownModelConservativeDefaults() {
    ModelCatalog c = ModelCatalog.defaults();
    ModelInfo m = c.lookup("kimi-k9-preview");
    assertThat(m.known()).isFalse();
    assertThat(m.id()).isEqualTo("kimi-k9-preview");
    assertThat(m.contextWindow()).isEqualTo(131_072);
    assertThat(m.defaultMaxOutput()).isEqualTo(1_024);
    assertThat(m.thinking()).isEqualTo(ThinkingSupport.NONE);
    assertThat(m.sampling().isFree()).isTrue();
    assertThat(c.find("kimi-k9-preview")).isEmpty();
    assertThat(c.find("kimi-k2.6")).isPresent();
  }

  @Test
  void takesUserEntriesWithoutTouchingOtherCatalogs() {
    ModelCatalog defaults = ModelCatalog.defaults();
    ModelInfo mine = ModelInfo.unknown("my-proxy-model").withContextWindow(32_000);
    ModelCatalog c = defaults.with(mine);
    assertThat(c.lookup("my-proxy-model")).isEqualTo(mine);
    assertThat(defaults.find("my-proxy-model")).as("with returns a new table").isEmpty();
    assertThat(ModelCatalog.defaults()).isSameAs(defaults);
    assertThat(defaults.with(mine)).isEqualTo(c).hasSameHashCodeAs(c).isNotSameAs(c);
    assertThat(c).isNotEqualTo(defaults);
    assertThat(c.models()).hasSize(defaults.models().size() + 1);
    assertThat(defaults.toString()).startsWith("ModelCatalog[defaults, ");
  }

  @Test
  void aListedProtocolOfResponseMarksTheModelAsServedOverResponses() {
    ModelCatalog c =
        ModelCatalog.defaults()
            .updated(
                List.of(
                    listed("kimi-r1", "response"),
                    listed("kimi-r2", " Responses "),
                    listed("kimi-k3", "anthropic"),
                    listed("kimi-k2.6", null)));
    assertThat(c.lookup("kimi-r1").responsesWire()).isTrue();
    assertThat(c.lookup("kimi-r2").responsesWire()).isTrue();
    assertThat(c.lookup("kimi-k3").responsesWire()).isFalse();
    assertThat(c.lookup("kimi-k2.6").responsesWire()).isFalse();
    assertThat(c.lookup("kimi-r1").toString()).contains("over Responses");
    assertThat(ModelCatalog.defaults().lookup("kimi-k3").responsesWire()).isFalse();
  }

  static ListedModel listed(String id, String protocol) {
    return new ListedModel(
        id, "moonshot", 1, 262_144, null, null, null, null, null, null, List.of(), null, protocol);
  }

  @Test
  void updatesWindowsAndCapabilitiesFromTheModelList() {
    ModelCatalog c =
        ModelCatalog.defaults()
            .updated(
                List.of(
                    new ListedModel("kimi-k3", "moonshot", 1, 2_097_152, true, true, false, null),
                    new ListedModel("kimi-k2.6", "moonshot", 1, null, null, null, null, null),
                    new ListedModel("kimi-k2.5", "moonshot", 1, 131_072, null, null, null, null),
                    new ListedModel(
                        "brand-new", "moonshot", 1, 400_000, true, false, true, "Brand new"),
                    new ListedModel(
                        "moonshot-v1-8k", "moonshot", 1, 8_192, false, false, false, null)));
    ModelInfo k3 = c.lookup("kimi-k3");
    assertThat(k3.contextWindow()).isEqualTo(2_097_152);
    assertThat(k3.vision()).isTrue();
    assertThat(k3.sampling()).isEqualTo(ModelInfo.FixedSampling.K3);
    assertThat(c.lookup("kimi-k2.6")).isEqualTo(ModelCatalog.defaults().lookup("kimi-k2.6"));
    ModelInfo k25 = c.lookup("kimi-k2.5");
    assertThat(k25.contextWindow()).isEqualTo(131_072);
    assertThat(k25.maxOutput()).isEqualTo(131_072);
    assertThat(k25.thinking()).isEqualTo(ThinkingSupport.SWITCHABLE);
    ModelInfo fresh = c.lookup("brand-new");
    assertThat(fresh.known()).isTrue();
    assertThat(fresh.contextWindow()).isEqualTo(400_000);
    assertThat(fresh.thinking()).isEqualTo(ThinkingSupport.ALWAYS);
    assertThat(fresh.video()).isTrue();
    assertThat(fresh.vision()).isFalse();
    assertThat(c.lookup("moonshot-v1-8k").thinking()).isEqualTo(ThinkingSupport.NONE);
  }

  @ParameterizedTest(name = "{0} retired {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          moonshot-v1-8k                  | 2026-08-31
          moonshot-v1-32k                 | 2026-08-31
          moonshot-v1-128k                | 2026-08-31
          moonshot-v1-auto                | 2026-08-31
          moonshot-v1-8k-vision-preview   | 2026-08-31
          moonshot-v1-32k-vision-preview  | 2026-08-31
          moonshot-v1-128k-vision-preview | 2026-08-31
          kimi-k2.5                       | 2026-08-31
          kimi-k2-0711-preview            | 2026-05-25
          kimi-k2-0905-preview            | 2026-05-25
          kimi-k2-turbo-preview           | 2026-05-25
          kimi-k2-thinking                | 2026-05-25
          kimi-k2-thinking-turbo          | 2026-05-25
          kimi-latest                     | 2026-01-28
          """)
  void aRetiredModelNamesItsDateAndASuccessorThatTakesWhatItTook(String id, LocalDate date) {
    ModelCatalog c = ModelCatalog.defaults();
    ModelInfo retired = c.lookup(id);
    ModelInfo.Retirement r = retired.retirement().orElseThrow();
    assertThat(r.date()).isEqualTo(date);
    ModelInfo successor = c.find(r.successor()).orElseThrow();
    assertThat(successor.retirement()).as("the successor is served").isEmpty();
    // a caller changes the id and nothing else
    assertThat(successor.contextWindow()).isGreaterThanOrEqualTo(retired.contextWindow());
    assertThat(!retired.vision() || successor.vision()).isTrue();
    assertThat(!retired.video() || successor.video()).isTrue();
    assertThat(successor.toolUse()).isTrue();
    assertThat(successor.thinking()).isEqualTo(ThinkingSupport.SWITCHABLE);
    assertThat(retired.toString()).contains("retired " + date + " (use " + r.successor() + ")");
  }

  @Test
  void onlyTheRetiredModelsAreMarked() {
    assertThat(ModelCatalog.defaults().models())
        .filteredOn(m -> m.retirement().isEmpty())
        .extracting(ModelInfo::id)
        .containsExactly(
            "k3",
            "k3-256k",
            "kimi-for-coding",
            "kimi-for-coding-highspeed",
            "kimi-k2.6",
            "kimi-k2.7-code",
            "kimi-k2.7-code-highspeed",
            "kimi-k3",
            "kimi-k3.1-pro",
            "kimi-k3.1-pro-highspeed");
    assertThat(ModelInfo.unknown("kimi-k9").retirement()).isEmpty();
  }

  @Test
  void aListedModelIsServedButNewFieldsAloneDoNotUnretireIt() {
    ModelInfo k25 = ModelCatalog.defaults().lookup("kimi-k2.5");
    // derived descriptions keep the retirement
    assertThat(k25.withContextWindow(131_072).retirement()).isEqualTo(k25.retirement());
    assertThat(k25.toBuilder().vision(false).build().retirement()).isEqualTo(k25.retirement());
    assertThat(
            ModelCatalog.defaults()
                .with(k25.toBuilder().video(false).build())
                .lookup("kimi-k2.5")
                .retirement())
        .isPresent();
    // Kimi's live list of 2026-09-02 names none of them: the retirements stay
    ModelCatalog live =
        ModelCatalog.defaults()
            .updated(
                List.of(
                    listed("kimi-k3", null),
                    listed("kimi-k2.7-code", null),
                    listed("kimi-k2.7-code-highspeed", null),
                    listed("kimi-k2.6", null)));
    assertThat(live.lookup("kimi-k2.5").retirement()).isPresent();
    assertThat(live.lookup("moonshot-v1-8k").retirement()).isPresent();
    // a server that lists it (a proxy, a self-hosted K2.5) serves it, whatever fields it sends
    ModelCatalog proxy =
        ModelCatalog.defaults()
            .updated(
                List.of(
                    new ListedModel("kimi-k2.5", null, 0, null, null, null, null, null),
                    listed("moonshot-v1-8k", null)));
    assertThat(proxy.lookup("kimi-k2.5").retirement()).isEmpty();
    assertThat(proxy.lookup("kimi-k2.5").contextWindow()).isEqualTo(262_144);
    assertThat(proxy.lookup("moonshot-v1-8k").retirement()).isEmpty();
    assertThat(proxy.lookup("kimi-k2-turbo-preview").retirement()).isPresent();
  }

  static List<ListedModel> fixture() throws IOException {
    try (InputStream in =
        ModelCatalogTest.class.getResourceAsStream("/token/models-2026-11.json")) {
      return PlatformCodec.decodeModels(in.readAllBytes());
    }
  }

  @Test
  void readsTheNewModelListFieldsLeniently() throws IOException {
    List<ListedModel> listed = fixture();
    assertThat(listed)
        .extracting(ListedModel::id)
        .containsExactly(
            "kimi-k3",
            "k3",
            "kimi-for-coding",
            "kimi-k2.6",
            "k3-claude",
            "kimi-embed-preview",
            "odd-gateway-entry");
    ListedModel k3 = listed.get(0);
    assertThat(k3.supportsToolUse()).isTrue();
    assertThat(k3.supportsThinkingType()).isEqualTo("both");
    assertThat(k3.efforts()).containsExactly("low", "high", "max");
    assertThat(k3.defaultEffort()).isEqualTo("max");
    assertThat(k3.displayName()).isEqualTo("Kimi K3");
    assertThat(k3.protocol()).isNull();
    ListedModel flat = listed.get(2);
    assertThat(flat.efforts()).containsExactly("low", "medium", "high");
    assertThat(flat.defaultEffort()).isEqualTo("medium");
    assertThat(flat.supportsToolUse()).isNull();
    ListedModel unsupported = listed.get(3);
    assertThat(unsupported.efforts()).as("think_efforts with support false").isEmpty();
    assertThat(unsupported.defaultEffort()).isNull();
    assertThat(listed.get(4).protocol()).isEqualTo("anthropic");
    ListedModel odd = listed.get(6);
    assertThat(odd.contextLength()).isNull();
    assertThat(odd.supportsImageIn()).isNull();
    assertThat(odd.supportsThinkingType()).isNull();
    assertThat(odd.efforts()).isEmpty();
    assertThat(odd.displayName()).isNull();
  }

  @Test
  void learnsThinkingEffortsToolsAndMediaFromTheModelList() throws IOException {
    ModelCatalog c = ModelCatalog.defaults().updated(fixture());
    ModelInfo k3 = c.lookup("k3");
    assertThat(k3.contextWindow()).isEqualTo(524_288);
    assertThat(k3.defaultEffort()).as("the server's default wins").isEqualTo("high");
    assertThat(k3.sampling()).as("kept from the table").isEqualTo(ModelInfo.FixedSampling.K3);
    assertThat(k3.requiredToolChoiceWhileThinking()).isTrue();
    ModelInfo coding = c.lookup("kimi-for-coding");
    assertThat(coding.efforts()).containsExactly("low", "medium", "high");
    assertThat(coding.defaultEffort()).isEqualTo("medium");
    ChatRequest medium =
        ChatRequest.builder("kimi-for-coding").addUser("x").reasoningEffort("medium").build();
    assertThat(coding.problems(medium)).isEmpty();
    assertThat(ModelCatalog.defaults().lookup("kimi-for-coding").problems(medium))
        .singleElement()
        .asString()
        .contains("kimi-for-coding lists no effort levels");
    assertThat(c.lookup("kimi-k2.6")).isEqualTo(ModelCatalog.defaults().lookup("kimi-k2.6"));
    ModelInfo claude = c.lookup("k3-claude");
    assertThat(claude.known()).isTrue();
    assertThat(claude.thinking()).isEqualTo(ThinkingSupport.ALWAYS);
    assertThat(claude.vision()).isTrue();
    assertThat(claude.video()).isFalse();
    ModelInfo embed = c.lookup("kimi-embed-preview");
    assertThat(embed.thinking())
        .as("supports_thinking_type wins over supports_reasoning")
        .isEqualTo(ThinkingSupport.NONE);
    assertThat(embed.toolUse()).isFalse();
    ChatRequest withTool =
        ChatRequest.builder("kimi-embed-preview")
            .addUser("x")
            .addTool(io.github.kimisdk.tool.Tool.function("ping", null, null))
            .build();
    assertThat(embed.problems(withTool)).singleElement().asString().contains("does not take tools");
    ModelInfo odd = c.lookup("odd-gateway-entry");
    assertThat(odd.known()).isTrue();
    assertThat(odd.contextWindow()).isEqualTo(ModelInfo.UNKNOWN_CONTEXT_WINDOW);
    assertThat(c.lookup("kimi-k3")).isEqualTo(ModelCatalog.defaults().lookup("kimi-k3"));
  }
}
