package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a recorded call cost: every recorded Kimi reply with usage, priced with the default table,
 * against the hand computation {@code tokens * price / 1,000,000} of each part.
 */
class PriceTableTest {

  static final Currency USD = Currency.getInstance("USD");

  /**
   * The hand computation of each recorded reply (kimi-api.md "Changes of 2026-11-23": kimi-k3 3.00
   * / 0.30 / 15.00, kimi-k2.6 0.95 / 0.16 / 4.00, kimi-k2.7-code 0.95 / 0.19 / 4.00 USD per 1M
   * tokens, cache miss / hit / output; "Changes of 2026-11-24": moonshot-v1-8k 0.20 / 0.20 (no
   * cache-hit discount) / 2.00, kimi-k2.5 0.60 / 0.10 / 3.00, kimi-k2-turbo-preview 1.15 / 0.15 /
   * 8.00). For example issue-19311: 101 prompt tokens, all cached, 32 completion tokens (16 of them
   * reasoning): 0 * 3.00 + 101 * 0.30 + 32 * 15.00 = 510.30 per 1M, so USD 0.0005103.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # file                                       | model          | prompt | cached | completion | reasoning | uncached input | cached input | output    | total
          issue-19311-kimi-k3-live-2026-08-24.json     | kimi-k3        | 101    | 101    | 32         | 16        | 0              | 0.0000303    | 0.00048   | 0.0005103
          moonshotai-issue-19544-accepted.json         | kimi-k3        | 194    | 0      | 48         | 31        | 0.000582       | 0            | 0.00072   | 0.001302
          moonshotai-issue-19544-json-object.json      | kimi-k3        | 140    | 140    | 31         | 20        | 0              | 0.000042     | 0.000465  | 0.000507
          moonshotai-k3-required-tool-choice.json      | kimi-k3        | 189    | 0      | 51         | 15        | 0.000567       | 0            | 0.000765  | 0.001332
          moonshotai-kimi-k3-default-sampling.json     | kimi-k3        | 89     | 89     | 34         | 24        | 0              | 0.0000267    | 0.00051   | 0.0005367
          moonshotai-metadata-live.json                | kimi-k3        | 191    | 0      | 97         | 44        | 0.000573       | 0            | 0.001455  | 0.002028
          moonshotai-usage-live.json                   | kimi-k3        | 90     | 90     | 34         | 17        | 0              | 0.000027     | 0.00051   | 0.000537
          moonshotai-metadata-live.chunks.txt          | kimi-k3        | 213    | 213    | 99         | 46        | 0              | 0.0000639    | 0.001485  | 0.0015489
          moonshotai-usage-live.chunks.txt             | kimi-k3        | 90     | 90     | 50         | 33        | 0              | 0.000027     | 0.00075   | 0.000777
          moonshotai-file-reference-live.json          | kimi-k2.6      | 18     | 6      | 5          | 1         | 0.0000114      | 0.00000096   | 0.00002   | 0.00003236
          moonshotai-k2.6-tool-choice-omitted.json     | kimi-k2.6      | 41     | 0      | 32         | 31        | 0.00003895     | 0            | 0.000128  | 0.00016695
          moonshotai-k2.7-tool-choice-omitted.json     | kimi-k2.7-code | 41     | 0      | 28         | 16        | 0.00003895     | 0            | 0.000112  | 0.00015095
          moonshotai-max-completion-tokens.json        | moonshot-v1-8k | 11     | 0      | 2          |           | 0.0000022      | 0            | 0.000004  | 0.0000062
          moonshotai-max-completion-tokens.chunks.txt  | moonshot-v1-8k | 11     | 0      | 2          |           | 0.0000022      | 0            | 0.000004  | 0.0000062
          moonshotai-v1-structured-output.json         | moonshot-v1-8k | 17     | 0      | 11         |           | 0.0000034      | 0            | 0.000022  | 0.0000254
          moonshotai-stream-choice-usage.chunks.txt    | kimi-k2.5      | 12     | 0      | 5          | 1         | 0.0000072      | 0            | 0.000015  | 0.0000222
          moonshotai-stream-explicit-tool-call-index.chunks.txt | kimi-k2.5 | 61 | 0    | 19         | 1         | 0.0000366      | 0            | 0.000057  | 0.0000936
          kimi-cli-stream-usage.chunk.json             | kimi-k2-turbo-preview | 8 | 8  | 11         |           | 0              | 0.0000012    | 0.000088  | 0.0000892
          """)
  void aRecordedReplyCostsWhatTheHandComputationSays(
      String file,
      String model,
      int prompt,
      int cached,
      int completion,
      Integer reasoning,
      String uncachedInput,
      String cachedInput,
      String output,
      String total)
      throws IOException {
    ChatCompletion reply = read(file);
    assertThat(reply.model()).isEqualTo(model);
    Usage u = reply.usage();
    assertThat(u.promptTokens()).isEqualTo(prompt);
    assertThat(u.cachedTokens() == null ? 0 : u.cachedTokens()).isEqualTo(cached);
    assertThat(u.completionTokens()).isEqualTo(completion);
    assertThat(u.reasoningTokens()).isEqualTo(reasoning);

    Cost cost = PriceTable.defaults().cost(reply.model(), u).orElseThrow();

    assertThat(cost.currency()).isEqualTo(USD);
    assertThat(cost.uncachedInput()).isEqualTo(new BigDecimal(uncachedInput));
    assertThat(cost.cachedInput()).isEqualTo(new BigDecimal(cachedInput));
    assertThat(cost.output()).isEqualTo(new BigDecimal(output));
    assertThat(cost.total()).isEqualTo(new BigDecimal(total));
    assertThat(cost.total().setScale(2, RoundingMode.HALF_UP)).isEqualTo(new BigDecimal("0.00"));
  }

  /**
   * Each model of point 5 of issue 38 (kimi-api.md "Changes of 2026-11-24"), priced by hand for a
   * call of 1,000,000 prompt tokens of which 400,000 cached and 100,000 completion tokens: uncached
   * = 600,000 * miss, cached = 400,000 * hit, output = 100,000 * out, each per 1M.
   */
  @Test
  void everyModelTheCatalogRetiresKeepsItsPriceMarkedRetiredForPastCalls() {
    Usage past = new Usage(1_000_000, 100_000, 1_100_000, 400_000, 0);
    int priced = 0;
    for (ModelInfo m : ModelCatalog.defaults().models()) {
      java.util.Optional<Price> p = PriceTable.defaults().find(m.id());
      if (m.retirement().isPresent()) {
        assertThat(p.isPresent() || PriceTable.defaults().unpriced(m.id()).isPresent())
            .as("%s: a price for past calls, or a note why none", m.id())
            .isTrue();
        if (p.isPresent()) {
          priced++;
          assertThat(p.get().retired()).as(m.id()).isTrue();
          assertThat(PriceTable.defaults().cost(m.id(), past)).as(m.id()).isPresent();
        }
      } else {
        assertThat(p.map(Price::retired).orElse(false)).as(m.id()).isFalse();
      }
    }
    assertThat(priced).isEqualTo(12); // k2.5, five K2 previews, six moonshot-v1 tiers
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # model                          | miss | hit  | out   | uncached | cached | output | total | retired
          kimi-k3                          | 3.00 | 0.30 | 15.00 | 1.8      | 0.12   | 1.5    | 3.42  | false
          kimi-k2.7-code                   | 0.95 | 0.19 | 4.00  | 0.57     | 0.076  | 0.4    | 1.046 | false
          kimi-k2.7-code-highspeed         | 1.90 | 0.38 | 8.00  | 1.14     | 0.152  | 0.8    | 2.092 | false
          kimi-k2.6                        | 0.95 | 0.16 | 4.00  | 0.57     | 0.064  | 0.4    | 1.034 | false
          kimi-k2.5                        | 0.60 | 0.10 | 3.00  | 0.36     | 0.04   | 0.3    | 0.7   | true
          kimi-k2-0905-preview             | 0.60 | 0.15 | 2.50  | 0.36     | 0.06   | 0.25   | 0.67  | true
          kimi-k2-0711-preview             | 0.60 | 0.15 | 2.50  | 0.36     | 0.06   | 0.25   | 0.67  | true
          kimi-k2-thinking                 | 0.60 | 0.15 | 2.50  | 0.36     | 0.06   | 0.25   | 0.67  | true
          kimi-k2-thinking-turbo           | 1.15 | 0.15 | 8.00  | 0.69     | 0.06   | 0.8    | 1.55  | true
          kimi-k2-turbo-preview            | 1.15 | 0.15 | 8.00  | 0.69     | 0.06   | 0.8    | 1.55  | true
          moonshot-v1-8k                   | 0.20 | 0.20 | 2.00  | 0.12     | 0.08   | 0.2    | 0.4   | true
          moonshot-v1-8k-vision-preview    | 0.20 | 0.20 | 2.00  | 0.12     | 0.08   | 0.2    | 0.4   | true
          moonshot-v1-32k                  | 1.00 | 1.00 | 3.00  | 0.6      | 0.4    | 0.3    | 1.3   | true
          moonshot-v1-32k-vision-preview   | 1.00 | 1.00 | 3.00  | 0.6      | 0.4    | 0.3    | 1.3   | true
          moonshot-v1-128k                 | 2.00 | 2.00 | 5.00  | 1.2      | 0.8    | 0.5    | 2.5   | true
          moonshot-v1-128k-vision-preview  | 2.00 | 2.00 | 5.00  | 1.2      | 0.8    | 0.5    | 2.5   | true
          """)
  void everyDefaultModelCostsWhatTheHandComputationSays(
      String model,
      String miss,
      String hit,
      String out,
      String uncached,
      String cached,
      String output,
      String total,
      boolean retired) {
    Price p = PriceTable.defaults().find(model).orElseThrow();
    assertThat(p.currency()).isEqualTo(USD);
    assertThat(p.inputCacheMiss()).isEqualByComparingTo(miss);
    assertThat(p.inputCacheHit()).isEqualByComparingTo(hit);
    assertThat(p.output()).isEqualByComparingTo(out);
    assertThat(p.asOf()).isNotNull();
    assertThat(p.source()).contains("platform.kimi.ai");
    assertThat(p.retired()).isEqualTo(retired);

    Cost c =
        PriceTable.defaults()
            .cost(model, new Usage(1_000_000, 100_000, 1_100_000, 400_000, 0))
            .orElseThrow();

    assertThat(c.uncachedInput()).isEqualTo(new BigDecimal(uncached));
    assertThat(c.cachedInput()).isEqualTo(new BigDecimal(cached));
    assertThat(c.output()).isEqualTo(new BigDecimal(output));
    assertThat(c.total()).isEqualTo(new BigDecimal(total));
  }

  @Test
  void everyModelOfTheDefaultCatalogIsPricedOrSaysWhyNot() {
    for (ModelInfo m : ModelCatalog.defaults().models()) {
      PriceTable t = PriceTable.defaults();
      assertThat(t.find(m.id()).isPresent() || t.unpriced(m.id()).isPresent())
          .as("%s has a price or a note", m.id())
          .isTrue();
    }
    assertThat(PriceTable.defaults().unpriced("kimi-for-coding").orElseThrow())
        .contains("Kimi Code", "subscription");
    assertThat(PriceTable.defaults().find("kimi-for-coding")).isEmpty();
  }

  @Test
  void aLongK3TurnCostsWhatTheHandComputationSaysToTheCent() {
    // 1,234,567 prompt tokens of which 1,000,000 cached; 45,678 completion tokens, 12,345 of them
    // reasoning (billed as output): 234,567 * 3.00 + 1,000,000 * 0.30 + 45,678 * 15.00
    // = 703,701 + 300,000 + 685,170 = 1,688,871 per 1M = USD 1.688871, or 1.69 to the cent
    Usage u = new Usage(1_234_567, 45_678, 1_280_245, 1_000_000, 12_345);
    Cost c = PriceTable.defaults().cost("kimi-k3", u).orElseThrow();
    assertThat(c.uncachedInput()).isEqualTo(new BigDecimal("0.703701"));
    assertThat(c.cachedInput()).isEqualTo(new BigDecimal("0.3"));
    assertThat(c.output()).isEqualTo(new BigDecimal("0.68517"));
    assertThat(c.total()).isEqualTo(new BigDecimal("1.688871"));
    assertThat(c.total().setScale(2, RoundingMode.HALF_UP)).isEqualTo(new BigDecimal("1.69"));
    assertThat(c)
        .hasToString("USD 1.688871 (uncached input 0.703701, cached input 0.3, output 0.68517)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Kimi's top-level spelling | {\"prompt_tokens\":300,\"completion_tokens\":10,"
            + "\"total_tokens\":310,\"cached_tokens\":256}",
        "OpenAI's spelling | {\"prompt_tokens\":300,\"completion_tokens\":10,\"total_tokens\":310,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":256}}",
        "both | {\"prompt_tokens\":300,\"completion_tokens\":10,\"total_tokens\":310,"
            + "\"cached_tokens\":256,\"prompt_tokens_details\":{\"cached_tokens\":256}}"
      })
  void theCachedTokensCostTheSameWhicheverSpellingKimiUsed(String spelling, String usage) {
    Usage u =
        ChatCodec.decodeCompletion(
                ("{\"model\":\"kimi-k3\",\"choices\":[],\"usage\":" + usage + "}")
                    .getBytes(StandardCharsets.UTF_8))
            .usage();
    assertThat(u.cachedTokens()).isEqualTo(256);
    assertThat(u.uncachedPromptTokens()).isEqualTo(44);
    assertThat(u.cacheHitRatio()).isEqualTo(256.0 / 300);
    // 44 * 3.00 + 256 * 0.30 + 10 * 15.00 = 132 + 76.8 + 150 = 358.8 per 1M
    assertThat(PriceTable.defaults().cost("kimi-k3", u).orElseThrow().total())
        .isEqualTo(new BigDecimal("0.0003588"));
  }

  @Test
  void theDefaultsAreDatedAndSourced() {
    assertThat(PriceTable.defaults().prices()).hasSize(18);
    Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();
    assertThat(k3.asOf()).isEqualTo(LocalDate.of(2026, 11, 23));
    assertThat(k3.source()).contains("platform.kimi.ai", "genai-prices#467");
    Price k25 = PriceTable.defaults().find("kimi-k2.5").orElseThrow();
    assertThat(k25.asOf()).isEqualTo(LocalDate.of(2026, 11, 24));
    assertThat(k25.source()).contains("pydantic/genai-prices", "0.1.8");
  }

  @Test
  void kimiCodeAndUnknownModelsHaveNoPriceRatherThanAGuess() {
    Usage u = Usage.of(1000, 100, 1100);
    for (String model :
        new String[] {
          "k3", "k3-256k", "kimi-for-coding", "kimi-for-coding-highspeed", "my-proxy"
        }) {
      assertThat(PriceTable.defaults().find(model)).as(model).isEmpty();
      assertThat(PriceTable.defaults().cost(model, u)).as(model).isEmpty();
      Spend spend = PriceTable.defaults().spend(model, u);
      assertThat(spend.costs()).isEmpty();
      assertThat(spend.unpricedModels()).containsExactly(model);
      assertThat(spend.unpricedTokens()).isEqualTo(1100);
    }
    assertThat(PriceTable.defaults().unpriced("k3").orElseThrow())
        .contains("Kimi Code: a subscription billed by plan");
    assertThat(PriceTable.defaults().unpriced("my-proxy")).isEmpty();
    assertThat(PriceTable.defaults().unpriced("kimi-k3")).isEmpty();
  }

  @Test
  void aPriceAndANoteNeverStandForTheSameModel() {
    Price p = Price.perMillionTokens("USD", "1", "1", "1");
    PriceTable t = PriceTable.defaults().with("k3", p);
    assertThat(t.unpriced("k3")).isEmpty();
    assertThat(t.find("k3")).contains(p);
    PriceTable back = t.withUnpriced("k3", "ours: a flat fee");
    assertThat(back.find("k3")).isEmpty();
    assertThat(back.unpriced("k3")).contains("ours: a flat fee");
    assertThat(back.without("k3").unpriced("k3")).isEmpty();
    assertThatThrownBy(
            () -> new PriceTable(java.util.Map.of("m", p), java.util.Map.of("m", "subscription")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("m has a per-token price and a note");
    assertThat(new PriceTable(java.util.Map.of("m", p)).unpriced()).isEmpty();
    assertThat(p.retired()).isFalse();
    assertThat(p.asRetired().retired()).isTrue();
    assertThat(p.asRetired().dated(LocalDate.of(2026, 1, 1), "x").retired()).isTrue();
  }

  @Test
  void aTableIsOverriddenByModelAndLeavesTheDefaultsAlone() {
    Price cny =
        Price.perMillionTokens("CNY", "20.00", "2.00", "100.00")
            .dated(LocalDate.of(2026, 11, 1), "our contract");
    PriceTable mine = PriceTable.defaults().with("kimi-k3", cny).without("kimi-k2.6");

    Cost c = mine.cost("kimi-k3", new Usage(1000, 100, 1100, 400, null)).orElseThrow();

    // 600 * 20 + 400 * 2 + 100 * 100 = 12,000 + 800 + 10,000 = 22,800 per 1M
    assertThat(c.currency()).isEqualTo(Currency.getInstance("CNY"));
    assertThat(c.total()).isEqualTo(new BigDecimal("0.0228"));
    assertThat(mine.find("kimi-k2.6")).isEmpty();
    assertThat(mine.find("kimi-k2.7-code")).isPresent();
    assertThat(PriceTable.defaults().find("kimi-k3").orElseThrow().currency()).isEqualTo(USD);
    assertThat(PriceTable.none().prices()).isEmpty();
  }

  @Test
  void aUsageWithoutACachedCountBillsEveryPromptTokenAsUncached() {
    Cost c = PriceTable.defaults().cost("kimi-k3", Usage.of(1000, 0, 1000)).orElseThrow();
    assertThat(c.uncachedInput()).isEqualTo(new BigDecimal("0.003"));
    assertThat(c.cachedInput()).isEqualTo(BigDecimal.ZERO);
  }

  @Test
  void nonsenseCountsFromTheServerDoNotThrow() {
    Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();
    // more cached than prompt tokens: the whole prompt counts as cached
    assertThat(k3.cost(new Usage(100, 0, 100, 500, null)).cachedInput())
        .isEqualTo(new BigDecimal("0.00003"));
    // negative counts count as 0
    assertThat(k3.cost(new Usage(-5, -1, -6, -3, null)).total()).isEqualTo(BigDecimal.ZERO);
  }

  @Test
  void pricesAndCountsAreValidatedWithTheFix() {
    assertThatThrownBy(() -> Price.perMillionTokens("XYZ1", "1", "1", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("currency must be an ISO 4217 code such as USD or CNY: XYZ1");
    assertThatThrownBy(() -> Price.perMillionTokens("USD", "three", "1", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inputCacheMiss must be a decimal number such as \"0.30\": \"three\"");
    assertThatThrownBy(() -> Price.perMillionTokens("USD", "1", "-0.1", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inputCacheHit must not be negative: -0.1");
    Price p = Price.perMillionTokens("USD", "1", "1", "1");
    assertThatThrownBy(() -> p.cost(10, 11, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cached tokens (11) cannot exceed prompt tokens (10): prompt_tokens includes the"
                + " cached ones");
  }

  @Test
  void costsInOneCurrencyAddAndNeverMix() {
    Cost a = new Cost(USD, new BigDecimal("0.10"), new BigDecimal("0.020"), new BigDecimal("1"));
    Cost b = new Cost(USD, new BigDecimal("0.1"), BigDecimal.ZERO, new BigDecimal("0.5"));
    assertThat(a.plus(b))
        .isEqualTo(
            new Cost(USD, new BigDecimal("0.2"), new BigDecimal("0.02"), new BigDecimal("1.5")));
    assertThat(a.plus(Cost.zero(USD))).isEqualTo(a);
    assertThatThrownBy(() -> a.plus(Cost.zero(Currency.getInstance("CNY"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot add a cost in CNY to one in USD");
  }

  /** Reads a recorded reply: a completion, or a stream folded with the accumulator. */
  static ChatCompletion read(String file) throws IOException {
    byte[] bytes;
    try (InputStream in = PriceTableTest.class.getResourceAsStream("/kimi/" + file)) {
      assertThat(in).as(file).isNotNull();
      bytes = in.readAllBytes();
    }
    if (!file.endsWith(".chunks.txt") && !file.endsWith(".chunk.json")) {
      return ChatCodec.decodeCompletion(bytes);
    }
    ChatAccumulator acc = new ChatAccumulator();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        acc.add(ChatCodec.decodeChunk(line.strip().getBytes(StandardCharsets.UTF_8)));
      }
    }
    return acc.toCompletion();
  }
}
