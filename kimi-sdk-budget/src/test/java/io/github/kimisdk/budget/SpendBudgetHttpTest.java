package io.github.kimisdk.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.testing.FakeClock;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets against {@link FakeKimiServer} on loopback: a call whose worst case does not fit is
 * refused before it is sent (the server records nothing) with a refusal that names the budget, what
 * was spent, the limit and the reset; a reply settles its reservation at its usage at the client's
 * prices, a stream at its end; a failed call releases its reservation; a budget that falls back
 * moves the call to a cheaper target; a new period lets calls through again (an injected clock).
 */
class SpendBudgetHttpTest {

  static final String KEY = "sk-test-0123456789abcdefghijklmnop";

  FakeKimiServer server;
  final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z")); // moved by a test

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private KimiClient.Builder client(Budget... budgets) {
    KimiClient.Builder b = KimiClient.builder().apiKey(KEY).baseUrl(server.baseUrl());
    return budgets.length == 0 ? b : b.interceptor(Budget.interceptor(budgets));
  }

  private static ChatRequest hi(int maxTokens) {
    return ChatRequest.builder("kimi-k3").addUser("Hi").maxCompletionTokens(maxTokens).build();
  }

  /** What a reply costs as a budget in USD counts it: the cost, rounded up to 10^-8. */
  private static BigDecimal counted(String model, Usage usage) {
    return PriceTable.defaults()
        .cost(model, usage)
        .orElseThrow()
        .total()
        .setScale(8, RoundingMode.CEILING)
        .stripTrailingZeros();
  }

  @Test
  void aCallWhoseWorstCaseDoesNotFitIsRefusedBeforeItIsSentNamingTheBudgetSpendLimitAndReset() {
    Budget daily = Budget.spend("test-daily", "USD", "0.002").clock(clock).build();
    BigDecimal spent = BigDecimal.ZERO;
    int sent = 0;
    BudgetExceededException refused = null;
    try (KimiClient kimi = client(daily).build()) {
      while (refused == null && sent < 100) {
        try {
          ChatCompletion reply = kimi.chat(hi(100));
          spent = spent.add(counted("kimi-k3", reply.usage()));
          sent++;
        } catch (BudgetExceededException e) {
          refused = e;
        }
      }
      assertThat(refused).as("refused within 100 calls").isNotNull();
      assertThat(sent).isGreaterThan(1);
      assertThat(server.requestCount()).as("requests the server received").isEqualTo(sent);

      assertThat(refused.budget()).isEqualTo("test-daily");
      assertThat(refused.scope()).isEmpty();
      assertThat(refused.spent()).isEqualByComparingTo(spent);
      assertThat(refused.held()).isEqualByComparingTo("0");
      assertThat(refused.limit()).isEqualByComparingTo("0.002");
      assertThat(refused.spent().add(refused.needed())).isGreaterThan(refused.limit());
      assertThat(refused.resetsAt()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
      assertThat(refused.attempts()).isEqualTo(1);
      assertThat(refused.metadata()).isEmpty();
      assertThat(refused.getMessage())
          .startsWith("Budget test-daily refused the call before it was sent: USD ")
          .contains("USD " + spent.toPlainString() + " spent")
          .contains("of its USD 0.002")
          .contains("this day (2026-12-01, UTC)")
          .contains("kimi-k3 at target 0 (moonshot): ")
          .contains("prompt tokens at the cache-miss price, 100 output tokens)")
          .endsWith("It resets at 2026-12-02T00:00:00Z.")
          .doesNotContain(KEY);

      // a stream is refused the same way, unsent
      assertThatThrownBy(
              () -> {
                try (ChatStream s = kimi.stream(hi(100))) {
                  s.forEach(c -> {});
                }
              })
          .isInstanceOf(BudgetExceededException.class);
      assertThat(server.requestCount()).isEqualTo(sent);

      // the next day starts afresh
      clock.advance(Duration.between(clock.instant(), Instant.parse("2026-12-02T00:00:00Z")));
      assertThat(kimi.chat(hi(100)).text()).isNotEmpty();
      assertThat(server.requestCount()).isEqualTo(sent + 1);
    }
    assertThat(daily.snapshots().get(0).period()).isEqualTo("2026-12-02");
  }

  @Test
  void aReplySettlesItsReservationAtItsUsageAtTheClientsPrices() {
    Budget daily = Budget.spend("settled", "USD", "1.00").clock(clock).build();
    Budget tokens = Budget.tokens("settled-tokens", 1_000_000).clock(clock).build();
    try (KimiClient kimi = client(daily, tokens).build()) {
      ChatCompletion one = kimi.chat(hi(400));
      ChatCompletion two = kimi.chatAsync(hi(400)).join();
      Budget.Snapshot money = daily.snapshots().get(0);
      assertThat(money.scope()).isEmpty();
      assertThat(money.held()).isEqualByComparingTo("0");
      assertThat(money.spent())
          .isEqualByComparingTo(
              counted("kimi-k3", one.usage()).add(counted("kimi-k3", two.usage())));
      Budget.Snapshot t = tokens.snapshots().get(0);
      assertThat(t.spent())
          .isEqualByComparingTo(
              BigDecimal.valueOf(one.usage().totalTokens() + two.usage().totalTokens()));
      assertThat(t.held()).isEqualByComparingTo("0");
    }
  }

  @Test
  void aStreamHoldsItsWorstCaseWhileItRunsAndSettlesAtItsEnd() throws Exception {
    Budget daily = Budget.spend("streamed", "USD", "1.00").clock(clock).build();
    CountDownLatch answer = new CountDownLatch(1);
    CountDownLatch arrived = new CountDownLatch(1);
    server.respondWith(
        r -> {
          arrived.countDown();
          try {
            answer.await(30, TimeUnit.SECONDS); // the stream's request waits at the server
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null; // then the fake's model streams its answer
        });
    try (KimiClient kimi = client(daily).build()) {
      CompletableFuture<ChatCompletion> streamed =
          CompletableFuture.supplyAsync(
              () -> {
                try (ChatStream s = kimi.stream(hi(300))) {
                  return s.toCompletion();
                }
              });
      assertThat(arrived.await(30, TimeUnit.SECONDS)).as("the stream's request arrived").isTrue();
      Budget.Snapshot during = daily.snapshots().get(0);
      assertThat(during.held()).isPositive();
      assertThat(during.spent()).isEqualByComparingTo("0");

      answer.countDown();
      ChatCompletion whole = streamed.get(30, TimeUnit.SECONDS);
      assertThat(whole.usage()).as("the stream's usage").isNotNull();
      Budget.Snapshot after = daily.snapshots().get(0);
      assertThat(after.held()).isEqualByComparingTo("0");
      assertThat(after.spent()).isEqualByComparingTo(counted("kimi-k3", whole.usage()));
    }
  }

  @Test
  void aFailedCallReleasesItsReservation() {
    // room for one worst case only: a call that failed and still held its reservation would leave
    // no room for the next
    Budget once = Budget.tokens("once", 1_000).clock(clock).build();
    server.enqueue(
        FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\",\"message\":\"x\"}}"));
    try (KimiClient kimi = client(once).retryPolicy(RetryPolicy.none()).build()) {
      assertThatThrownBy(() -> kimi.chat(hi(900))).isInstanceOf(ServerException.class);
      assertThat(once.snapshots().get(0).held()).isEqualByComparingTo("0");
      assertThat(once.snapshots().get(0).spent()).isEqualByComparingTo("0");
      ChatCompletion reply = kimi.chat(hi(900));
      assertThat(once.snapshots().get(0).spent())
          .isEqualByComparingTo(BigDecimal.valueOf(reply.usage().totalTokens()));
    }
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void aStreamCutAfterItsResponseBeganCountsWhatArrivedEstimatedNotNothing() {
    server.cutStreams(1, 3);
    Budget daily = Budget.tokens("cut", 1_000_000).clock(clock).build();
    try (KimiClient kimi = client(daily).retryPolicy(RetryPolicy.none()).build();
        ChatStream s =
            kimi.stream(
                ChatRequest.builder("kimi-k3")
                    .addUser("Say something long: one two three four five six seven eight")
                    .maxCompletionTokens(2_000)
                    .build())) {
      assertThatThrownBy(() -> s.forEach(c -> {})).isInstanceOf(StreamException.class);
    }
    Budget.Snapshot after = daily.snapshots().get(0);
    assertThat(after.held()).isEqualByComparingTo("0");
    assertThat(after.spent()).isPositive().isLessThan(BigDecimal.valueOf(2_000));
  }

  @Test
  void aBudgetThatFallsBackMovesTheCallToTheCheaperTargetItNames() {
    // K3's worst case (100 output tokens at USD 15 a million) is over USD 0.001; K2.6's is not
    Target cheaper =
        Target.of(Host.moonshot(Endpoint.of(server.baseUrl())), "kimi-k2.6").apiKey(KEY);
    Budget refuses = Budget.spend("tight", "USD", "0.001").clock(clock).build();
    try (KimiClient kimi = client(refuses).fallback(cheaper).build()) {
      BudgetExceededException e =
          catchThrowableOfType(BudgetExceededException.class, () -> kimi.chat(hi(100)));
      assertThat(e.getMessage()).contains("more than the whole budget");
      assertThat(server.requestCount()).isZero();
    }
    Budget fallsBack = Budget.spend("tight", "USD", "0.001").fallBack().clock(clock).build();
    try (KimiClient kimi = client(fallsBack).fallback(cheaper).build()) {
      ChatCompletion reply = kimi.chat(hi(100));
      assertThat(reply.metadata().servedBy().target()).isEqualTo(1);
      assertThat(reply.metadata().servedBy().model()).isEqualTo("kimi-k2.6");
      assertThat(server.requestCount()).isEqualTo(1);
      assertThat(server.takeRequest().json().get("model"))
          .isEqualTo(io.github.kimisdk.json.JsonString.of("kimi-k2.6"));
      assertThat(fallsBack.snapshots().get(0).spent())
          .isEqualByComparingTo(counted("kimi-k2.6", reply.usage()));
    }
  }

  @Test
  void budgetsPerTenantAndPerTagCountOnlyTheCallsTheirScopeHolds() {
    Budget acme = Budget.tokens("acme-only", 1).forTenant("acme").clock(clock).build();
    Budget search = Budget.tokens("search-only", 1).forTag("search").clock(clock).build();
    Budget eachTenant = Budget.tokens("each-tenant", 1_000_000).perTenant().clock(clock).build();
    try (KimiClient kimi = client(acme, search, eachTenant).build()) {
      assertThat(kimi.chat(hi(50)).text()).isNotEmpty(); // the client's own: no tenant, no tag
      KimiClient zed = kimi.withCredentials("zed", () -> KEY);
      assertThat(zed.chat(hi(50)).text()).isNotEmpty();
      KimiClient acmeClient = kimi.withCredentials("acme", () -> KEY);
      BudgetExceededException a =
          catchThrowableOfType(BudgetExceededException.class, () -> acmeClient.chat(hi(50)));
      assertThat(a.budget()).isEqualTo("acme-only");
      assertThat(a.scope()).contains("tenant:acme");
      assertThat(a.getMessage()).startsWith("Budget acme-only (tenant acme) refused");
      KimiClient tagged = kimi.withOptions(RequestOptions.builder().tag("search").build());
      BudgetExceededException s =
          catchThrowableOfType(BudgetExceededException.class, () -> tagged.chat(hi(50)));
      assertThat(s.budget()).isEqualTo("search-only");
      assertThat(s.scope()).contains("tag:search");
      KimiClient other = kimi.withOptions(RequestOptions.builder().tag("chat").build());
      assertThat(other.chat(hi(50)).text()).isNotEmpty();
    }
    assertThat(server.requestCount()).isEqualTo(3);
    assertThat(eachTenant.snapshots())
        .extracting(Budget.Snapshot::scope)
        .containsExactly("tenant:zed");
  }

  /**
   * A tenant named by the call's options counts as a {@code withCredentials} account does, and wins
   * over it; a budget scoped by tenant and tag counts each tenant's calls of the tag apart.
   */
  @Test
  void aTenantNamedInTheOptionsCountsAndATenantsTagIsCountedApart() {
    Budget eachTenant = Budget.tokens("each-tenant", 1_000_000).perTenant().clock(clock).build();
    // each tenant's search calls share 300 tokens a day: a few calls of 50 output tokens
    Budget searchPerTenant =
        Budget.tokens("tenant-search", 300).perTenant().forTag("search").clock(clock).build();
    RequestOptions search = RequestOptions.builder().tag("search").build();
    try (KimiClient kimi = client(eachTenant, searchPerTenant).build()) {
      KimiClient acme = kimi.withOptions(RequestOptions.builder().tenant("acme").build());
      assertThat(acme.chat(hi(50)).text()).isNotEmpty(); // not a search: outside tenant-search
      KimiClient acmeSearch = acme.withOptions(search);
      int searches = 0;
      BudgetExceededException refused = null;
      while (refused == null && searches < 100) {
        try {
          acmeSearch.chat(hi(50));
          searches++;
        } catch (BudgetExceededException e) {
          refused = e;
        }
      }
      assertThat(refused).as("refused within 100 calls").isNotNull();
      assertThat(searches).isPositive();
      assertThat(refused.budget()).isEqualTo("tenant-search");
      assertThat(refused.scope()).contains("tenant:acme tag:search");
      assertThat(refused.getMessage())
          .startsWith("Budget tenant-search (tenant acme tag search) refused");
      assertThat(server.requestCount()).isEqualTo(1 + searches);
      // another tenant's search calls count apart; the tenant its options name wins over the
      // withCredentials client's account
      KimiClient zed =
          kimi.withCredentials("globex", () -> KEY)
              .withOptions(RequestOptions.builder().tenant("zed").build());
      assertThat(zed.withOptions(search).chat(hi(50)).text()).isNotEmpty();
      // the client's own calls name no tenant: the tenants' budgets do not count them
      assertThat(kimi.withOptions(search).chat(hi(50)).text()).isNotEmpty();
      assertThat(server.requestCount()).isEqualTo(3 + searches);
    }
    assertThat(eachTenant.snapshots())
        .extracting(Budget.Snapshot::scope)
        .containsExactlyInAnyOrder("tenant:acme", "tenant:zed");
    assertThat(searchPerTenant.snapshots())
        .extracting(Budget.Snapshot::scope)
        .containsExactlyInAnyOrder("tenant:acme tag:search", "tenant:zed tag:search");
  }

  @Test
  void anInterceptorTakesBudgetsOfDistinctNamesOnly() {
    Budget a = Budget.tokens("a", 10).build();
    assertThatThrownBy(() -> Budget.interceptor(a, Budget.tokens("a", 20).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two budgets are named a");
    assertThatThrownBy(Budget::interceptor)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one budget");
    assertThat(Budget.interceptor(a, Budget.tokens("b", 20).build()).name())
        .isEqualTo("budgets a, b");
    assertThat(Budget.interceptor(a).perAttempt()).isTrue();
  }

  @Test
  void aTargetWithoutAPriceInTheBudgetsCurrencyFailsTheCallNamingIt() {
    Budget daily = Budget.spend("priced", "EUR", "1.00").clock(clock).build();
    try (KimiClient kimi = client(daily).build()) {
      assertThatThrownBy(() -> kimi.chat(hi(100)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("Budget priced is in EUR")
          .hasMessageContaining("target 0 (moonshot) has a price in USD for kimi-k3");
    }
    assertThat(server.requestCount()).isZero();
  }

  /** Moonshot's 403 for an empty balance: named, sent once, never retried. */
  @Test
  void anEmptyBalanceIsAQuotaErrorThatIsNeverRetried() {
    server.enqueue(
        FakeResponse.error(
            403,
            "{\"error\":{\"type\":\"permission_denied_error\",\"message\":\"Insufficient account"
                + " balance\"}}"));
    try (KimiClient kimi = client().build()) {
      QuotaExceededException q =
          catchThrowableOfType(QuotaExceededException.class, () -> kimi.chat(hi(10)));
      assertThat(q.isBalanceUsedUp()).isTrue();
      assertThat(q.status()).isEqualTo(403);
      assertThat(q.attempts()).isEqualTo(1);
    }
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aBudgetPrintsItsSettingsAndAPeriodItsZone() {
    Budget b =
        Budget.spend("fleet-daily", "USD", "50.00")
            .period(Budget.Period.month(ZoneId.of("Europe/Berlin")))
            .perTag()
            .fallBack()
            .build();
    assertThat(b)
        .hasToString(
            "Budget[fleet-daily: USD 50.00 per month (Europe/Berlin), per tag, falls back]");
    assertThat(Budget.tokens("t", 10).forTenant("acme").perTag().build())
        .hasToString("Budget[t: 10 tokens per day (UTC), tenant acme, per tag]");
    assertThatThrownBy(() -> Budget.tokens("t", 10).forTenant("two words"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant");
    assertThat(Budget.tokens("t", 10).period(Budget.Period.rolling(Duration.ofHours(1))).build())
        .hasToString("Budget[t: 10 tokens per rolling PT1H]");
    assertThat(Budget.Period.day()).isEqualTo(Budget.Period.day(ZoneOffset.UTC));
    assertThat(List.of(Budget.Period.day().toString(), Budget.Period.month().toString()))
        .containsExactly("day (UTC)", "month (UTC)");
    assertThatThrownBy(() -> Budget.spend("has space", "USD", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Budget.spend("b", "USD", "0.000000001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 8 decimals");
    assertThatThrownBy(() -> RequestOptions.builder().tag("two words"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
