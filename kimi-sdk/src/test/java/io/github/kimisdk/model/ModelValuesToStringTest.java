package io.github.kimisdk.model;

import static io.github.kimisdk.base.text.RecordTexts.assertPrints;

import io.github.kimisdk.chat.ChatRequest;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the model package's records print: the members that are set, one table per type. */
class ModelValuesToStringTest {

  static final Price PRICE = Price.perMillionTokens("USD", "0.60", "0.15", "2.50");

  @Test
  void price() {
    assertPrints(
        PRICE,
        "Price[currency=USD, inputCacheMiss=0.60, inputCacheHit=0.15, output=2.50]",
        new Price(
            Currency.getInstance("CNY"),
            BigDecimal.ONE,
            BigDecimal.ONE,
            BigDecimal.TEN,
            LocalDate.of(2026, 1, 2),
            "https://p.example",
            true,
            new BigDecimal("2"),
            null),
        "Price[currency=CNY, inputCacheMiss=1, inputCacheHit=1, output=10,"
            + " cacheWriteFiveMinutes=2, asOf=2026-01-02, source=https://p.example,"
            + " retired=true]");
  }

  @Test
  void priceTable() {
    String price = PRICE.toString();
    assertPrints(
        new PriceTable(Map.of("kimi-k3", PRICE)),
        "PriceTable[prices={kimi-k3=" + price + "}]",
        new PriceTable(Map.of(), Map.of("kimi-x", "not listed")),
        "PriceTable[unpriced={kimi-x=not listed}]");
  }

  @Test
  void listedModel() {
    assertPrints(
        new ListedModel("kimi-k3", null, 0, null, null, null, null, null),
        "ListedModel[id=kimi-k3]",
        new ListedModel("kimi-k3", "moonshot", 5, 262144, true, false, null, "Kimi K3"),
        "ListedModel[id=kimi-k3, ownedBy=moonshot, created=5, contextLength=262144,"
            + " displayName=Kimi K3, supportsReasoning=true, supportsImageIn=false]");
  }

  @Test
  void fixedSampling() {
    assertPrints(
        ModelInfo.FixedSampling.NONE,
        "FixedSampling[]",
        ModelInfo.FixedSampling.K2_7_CODE,
        "FixedSampling[temperatureThinking=1.0, temperatureNoThinking=1.0, topP=0.95]");
  }

  @Test
  void adapted() {
    ChatRequest r = ChatRequest.of("kimi-k3", "Hi");
    assertPrints(
        new ModelInfo.Adapted(r, List.of()),
        "Adapted[request=" + r + "]",
        new ModelInfo.Adapted(r, List.of("dropped top_p")),
        "Adapted[request=" + r + ", changes=[dropped top_p]]");
  }
}
