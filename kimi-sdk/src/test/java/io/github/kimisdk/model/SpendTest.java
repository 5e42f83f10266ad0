package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpendTest {

  static final Currency USD = Currency.getInstance("USD");
  static final Currency CNY = Currency.getInstance("CNY");

  @Test
  void aSumOfCallsCostsWhatTheSummedTokensCost() {
    // cost is linear in tokens and nothing is rounded, so summing per call or per model agrees
    Random random = new Random(32);
    PriceTable prices = PriceTable.defaults();
    Spend perCall = Spend.NONE;
    Usage summed = null;
    for (int i = 0; i < 200; i++) {
      int prompt = random.nextInt(200_000);
      int cached = random.nextInt(prompt + 1);
      int completion = random.nextInt(30_000);
      Usage u = new Usage(prompt, completion, prompt + completion, cached, completion / 3);
      perCall = perCall.plus(prices.spend("kimi-k3", u));
      summed = summed == null ? u : summed.plus(u);
    }
    Spend once = prices.spend("kimi-k3", summed);
    assertThat(perCall).isEqualTo(once);
    assertThat(perCall.totalTokens()).isEqualTo(summed.totalTokens());
    assertThat(perCall.cachedTokens()).isEqualTo((long) summed.cachedTokens());
    assertThat(perCall.uncachedPromptTokens()).isEqualTo(summed.uncachedPromptTokens());
    assertThat(perCall.isComplete()).isTrue();
  }

  @Test
  void callsWithoutAPriceAddTokensButNoCostAndAreNamed() {
    PriceTable prices = PriceTable.defaults();
    Spend s =
        prices
            .spend("kimi-k3", new Usage(1000, 100, 1100, 800, 50))
            .plus(prices.spend("kimi-for-coding", Usage.of(500, 50, 550)))
            .plus(prices.spend("kimi-for-coding", Usage.of(10, 5, 15)));

    assertThat(s.promptTokens()).isEqualTo(1510);
    assertThat(s.cachedTokens()).isEqualTo(800);
    assertThat(s.completionTokens()).isEqualTo(155);
    assertThat(s.reasoningTokens()).isEqualTo(50);
    assertThat(s.unpricedTokens()).isEqualTo(565);
    assertThat(s.unpricedModels()).containsExactly("kimi-for-coding");
    assertThat(s.isComplete()).isFalse();
    // 200 * 3.00 + 800 * 0.30 + 100 * 15.00 = 600 + 240 + 1500 = 2340 per 1M
    assertThat(s.cost().orElseThrow().total()).isEqualTo(new BigDecimal("0.00234"));
    assertThat(s)
        .hasToString(
            "1665 tokens (prompt 1510, 800 cached; completion 155); USD 0.00234;"
                + " no price for kimi-for-coding (565 tokens)");
  }

  @Test
  void costsAreKeptPerCurrency() {
    PriceTable cny =
        PriceTable.none().with("kimi-k3", Price.perMillionTokens("CNY", "20", "2", "100"));
    Spend s =
        PriceTable.defaults()
            .spend("kimi-k3", Usage.of(1_000_000, 0, 1_000_000))
            .plus(cny.spend("kimi-k3", Usage.of(1_000_000, 0, 1_000_000)));

    assertThat(s.costs()).extracting(Cost::currency).containsExactly(CNY, USD);
    assertThat(s.cost(USD).orElseThrow().total()).isEqualTo(new BigDecimal("3"));
    assertThat(s.cost(CNY).orElseThrow().total()).isEqualTo(new BigDecimal("20"));
    assertThat(s.cost(Currency.getInstance("EUR"))).isEmpty();
    assertThatThrownBy(s::cost)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the calls were priced in 2 currencies; use costs() or cost(currency)");
    assertThat(Spend.NONE.cost()).isEmpty();
  }

  @Test
  void theHitRatioIsTheCachedShareOfThePrompt() {
    Spend s = PriceTable.defaults().spend("kimi-k3", new Usage(400, 10, 410, 300, null));
    assertThat(s.cacheHitRatio()).isEqualTo(0.75);
    assertThat(Spend.NONE.cacheHitRatio()).isZero();
  }

  @Test
  void theModelsWithoutAPriceAreNamedUpToABound() {
    Spend s = Spend.NONE;
    List<String> models = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String m = String.format("server-model-%02d", i);
      models.add(m);
      s = s.plus(PriceTable.none().spend(m, Usage.of(1, 1, 2)));
    }
    assertThat(s.unpricedModels())
        .hasSize(Spend.MAX_UNPRICED_MODELS)
        .isEqualTo(models.subList(0, Spend.MAX_UNPRICED_MODELS));
    assertThat(s.unpricedTokens()).isEqualTo(100);
  }

  @Test
  void aSpendRefusesNegativeCountsAndTwoCostsInOneCurrency() {
    assertThatThrownBy(() -> new Spend(-1, 0, 0, 0, List.of(), 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Spend(0, 0, 0, 0, List.of(Cost.zero(USD), Cost.zero(USD)), 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("costs must hold one entry per currency; USD repeats");
  }
}
