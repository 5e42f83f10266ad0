package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.platform.ChatResult;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a client has spent: every reply counted once, priced with the client's table. */
class SpendHttpTest extends FakeSuite {

  static final Currency USD = Currency.getInstance("USD");

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.apiKey("test-key");
  }

  @Test
  void everyKindOfCallCountsIntoTheClientsSpendBeforeItsCallerSeesTheReply() throws Exception {
    assertThat(kimi.spend()).isEqualTo(Spend.NONE);
    PriceTable prices = kimi.prices();
    assertThat(prices).isEqualTo(PriceTable.defaults());

    ChatCompletion one = kimi.chat(ChatRequest.of("kimi-k3", "Name a river"));
    Spend expected = prices.spend("kimi-k3", one.usage());
    assertThat(kimi.spend()).isEqualTo(expected);

    ChatCompletion two = kimi.chatAsync(ChatRequest.of("kimi-k3", "Name a lake")).get();
    expected = expected.plus(prices.spend("kimi-k3", two.usage()));
    assertThat(kimi.spend()).isEqualTo(expected);

    ChatCompletion three;
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "Name a sea"))) {
      three = s.toCompletion();
    }
    expected = expected.plus(prices.spend("kimi-k3", three.usage()));
    assertThat(kimi.spend()).isEqualTo(expected);

    List<ChatResult> results =
        kimi.chatAll(
            List.of(
                ChatRequest.of("kimi-k3", "a"),
                ChatRequest.of("kimi-k2.6", "bb"),
                ChatRequest.of("kimi-k3", "ccc")),
            2,
            null);
    Spend batch = Spend.NONE;
    for (ChatResult r : results) {
      assertThat(r.spend())
          .isEqualTo(prices.spend(r.request().model(), r.completion().usage()))
          .isNotEqualTo(Spend.NONE);
      batch = batch.plus(r.spend());
    }
    assertThat(ChatResult.totalSpend(results)).isEqualTo(batch);
    expected = expected.plus(batch);
    assertThat(kimi.spend()).isEqualTo(expected);

    assertThat(kimi.spend().isComplete()).isTrue();
    assertThat(kimi.spend().cost().orElseThrow().currency()).isEqualTo(USD);
    assertThat(kimi.spend().totalTokens())
        .isEqualTo(
            (long) one.usage().totalTokens()
                + two.usage().totalTokens()
                + three.usage().totalTokens()
                + results.stream().mapToLong(r -> r.completion().usage().totalTokens()).sum());
  }

  @Test
  void aStreamClosedOnceItsUsageArrivedCounts() {
    Usage seen = null;
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "Count to three"))) {
      Iterator<ChatCompletionChunk> it = s.iterator();
      while (seen == null && it.hasNext()) {
        seen = it.next().usage(); // Kimi puts it in the finishing choice
      }
    } // closed before the end of the stream
    assertThat(seen).isNotNull();
    assertThat(kimi.spend()).isEqualTo(kimi.prices().spend("kimi-k3", seen));
  }

  @Test
  void aUsageRepeatedInATrailingChunkCountsOnce() {
    ChatRequest request =
        ChatRequest.builder("kimi-k3").addUser("Count to three").includeUsage(true).build();
    int usages = 0;
    Usage last = null;
    try (ChatStream s = kimi.stream(request)) {
      for (ChatCompletionChunk c : s) {
        if (c.usage() != null) {
          usages++;
          last = c.usage();
        }
      }
    }
    assertThat(usages).as("in the finishing choice, then in a trailing chunk").isEqualTo(2);
    assertThat(kimi.spend()).isEqualTo(kimi.prices().spend("kimi-k3", last));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = WireProtocol.class,
      names = {"ANTHROPIC_MESSAGES", "RESPONSES"})
  void callsOverTheOtherWiresCountTheSameWay(WireProtocol wire) {
    try (KimiClient messages =
        over(KimiClient.builder().apiKey("test-key"), server, wire).build()) {
      ChatCompletion one = messages.chat(ChatRequest.of("kimi-k3", "Name a river"));
      ChatCompletion two;
      try (ChatStream s = messages.stream(ChatRequest.of("kimi-k3", "Name a lake"))) {
        two = s.toCompletion();
      }
      assertThat(messages.spend())
          .isEqualTo(
              messages
                  .prices()
                  .spend("kimi-k3", one.usage())
                  .plus(messages.prices().spend("kimi-k3", two.usage())));
      assertThat(messages.spend().totalTokens()).isPositive();
    }
  }

  @Test
  void aFailedCallCountsNothing() {
    try {
      kimi.chat(ChatRequest.of("no-such-model", "hi"));
    } catch (NotFoundException expected) {
      // the fake does not know the model
    }
    assertThat(kimi.spend()).isEqualTo(Spend.NONE);
  }

  @Test
  void aDerivedClientSharesTheTotal() {
    KimiClient tenant = kimi.withOptions(RequestOptions.builder().header("X-Tenant", "a").build());
    ChatCompletion r = tenant.chat(ChatRequest.of("kimi-k2.6", "hi"));
    assertThat(kimi.spend()).isEqualTo(tenant.spend());
    assertThat(kimi.spend().promptTokens()).isEqualTo(r.usage().promptTokens());
  }

  @Test
  void aModelWithoutAPriceIsCountedInTokensOnly() {
    ChatCompletion r = kimi.chat(ChatRequest.of("kimi-for-coding", "hi"));
    Spend s = kimi.spend();
    assertThat(s.costs()).isEmpty();
    assertThat(s.isComplete()).isFalse();
    assertThat(s.unpricedModels()).containsExactly("kimi-for-coding");
    assertThat(s.unpricedTokens()).isEqualTo(r.usage().totalTokens());
  }

  @Test
  void theClientPricesWithItsOwnTable() {
    PriceTable cny =
        PriceTable.none().with("kimi-k3", Price.perMillionTokens("CNY", "20", "2", "100"));
    try (KimiClient china =
        KimiClient.builder().apiKey("test-key").baseUrl(server.baseUrl()).prices(cny).build()) {
      ChatCompletion r = china.chat(ChatRequest.of("kimi-k3", "hi"));
      assertThat(china.prices()).isSameAs(cny);
      BigDecimal expected =
          new BigDecimal(r.usage().uncachedPromptTokens())
              .multiply(new BigDecimal("20"))
              .add(new BigDecimal(r.usage().completionTokens()).multiply(new BigDecimal("100")))
              .movePointLeft(6);
      assertThat(china.spend().cost(Currency.getInstance("CNY")).orElseThrow().total())
          .isEqualByComparingTo(expected);
      assertThat(kimi.spend()).as("another client's total").isEqualTo(Spend.NONE);
    }
  }

  @Test
  void kimiCodeAndTheChinaPlatformHaveNoPricesUnlessSet() {
    try (KimiClient code = KimiClient.builder().apiKey("sk-kimi-test").build();
        KimiClient china = KimiClient.builder().apiKey("sk-test").endpoint(Endpoint.CHINA).build();
        KimiClient global =
            KimiClient.builder().apiKey("sk-test").endpoint(Endpoint.GLOBAL).build();
        KimiClient globalMessages =
            KimiClient.builder().apiKey("sk-test").endpoint(Endpoint.GLOBAL_ANTHROPIC).build()) {
      assertThat(code.endpoint().isKimiCode()).isTrue();
      assertThat(code.prices()).isEqualTo(PriceTable.none());
      assertThat(china.prices()).isEqualTo(PriceTable.none());
      assertThat(global.prices()).isEqualTo(PriceTable.defaults());
      assertThat(globalMessages.prices()).isEqualTo(PriceTable.defaults());
    }
  }
}
