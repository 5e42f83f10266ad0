package io.github.kimisdk.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.token.RequestTokens;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run's spend and its limits, against the fake: the model calls {@code add} five turns in a row,
 * so a run goes on until a limit stops it.
 */
class ToolRunnerSpendHttpTest {

  static final Currency USD = Currency.getInstance("USD");
  static final int CAP = 300;
  static final ChatRequest REQUEST =
      ChatRequest.builder("kimi-k3")
          .addUser("add then add then add then add then add")
          .maxCompletionTokens(CAP)
          .build();
  static final Price K3 = PriceTable.defaults().find("kimi-k3").orElseThrow();

  final List<FakeKimiServer> servers = new ArrayList<>();
  final List<KimiClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(KimiClient::close);
    servers.forEach(FakeKimiServer::close);
  }

  /** A client of a fresh fake, so every run starts from the same server state. */
  KimiClient freshClient() {
    FakeKimiServer server = new FakeKimiServer().start();
    servers.add(server);
    KimiClient kimi = KimiClient.builder().apiKey("test-key").baseUrl(server.baseUrl()).build();
    clients.add(kimi);
    return kimi;
  }

  static ToolRunner.Builder runner(KimiClient kimi) {
    return ToolRunner.builder(kimi)
        .tool(
            "add",
            "Adds a and b",
            ToolRunnerHttpTest.ADD_SCHEMA,
            a -> a.get("a").asLong() + a.get("b").asLong() + "");
  }

  /** The requests and usages of each step, as the listener sees them. */
  static final class Steps implements ToolRunner.Listener {
    final List<ChatRequest> requests = new ArrayList<>();
    final List<Usage> usages = new ArrayList<>();

    @Override
    public void onStep(int step, ChatRequest request) {
      requests.add(request);
    }

    @Override
    public void onUsage(int step, Usage stepUsage, Usage total) {
      usages.add(stepUsage);
    }
  }

  /** The most a step can cost: its estimated prompt, all uncached, and its whole output cap. */
  static BigDecimal worstCase(ChatRequest step) {
    return K3.cost(RequestTokens.estimated().count(step).total(), 0, CAP).total();
  }

  /** An unbounded run's first three steps: what each request was and what it cost. */
  Steps unboundedSteps() {
    Steps steps = new Steps();
    ToolRunner.Result r = runner(freshClient()).maxSteps(3).listener(steps).build().run(REQUEST);
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.STEP_LIMIT);
    assertThat(steps.requests).hasSize(3);
    return steps;
  }

  @Test
  void aRunStopsAtItsSpendLimitBeforeTheStepThatWouldPassIt() {
    Steps free = unboundedSteps();
    BigDecimal first = K3.cost(free.usages.get(0)).total();
    BigDecimal second = K3.cost(free.usages.get(1)).total();
    // room for the first step's cost and the second step's worst case, no more
    BigDecimal limit = first.add(worstCase(free.requests.get(1)));
    assertThat(first.add(second).add(worstCase(free.requests.get(2))))
        .as("the third step could pass the limit")
        .isGreaterThan(limit);

    KimiClient kimi = freshClient();
    Steps bounded = new Steps();
    ToolRunner.Result r =
        runner(kimi).maxSteps(10).maxSpend(limit, USD).listener(bounded).build().run(REQUEST);

    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.SPEND_LIMIT);
    assertThat(r.steps()).isEqualTo(2);
    assertThat(r.error()).isNull();
    assertThat(bounded.requests).as("model calls made").hasSize(2);
    assertThat(servers.get(1).requestCount()).isEqualTo(2);
    Cost spent = r.spend().cost().orElseThrow();
    assertThat(spent.total()).isEqualTo(first.add(second)).isLessThanOrEqualTo(limit);
    assertThat(kimi.spend()).isEqualTo(r.spend());
    // the transcript ends with the second step's answered calls: valid history to go on from
    assertThat(r.transcript().get(r.transcript().size() - 1)).isInstanceOf(ToolMessage.class);
    assertThat(r.text()).isEmpty();
  }

  @Test
  void aLimitBelowTheFirstStepsWorstCaseSendsNothing() {
    KimiClient kimi = freshClient();
    BigDecimal tooLittle = worstCase(REQUEST.toBuilder().build()).movePointLeft(1);

    ToolRunner.Result r = runner(kimi).maxSpend(tooLittle, USD).build().run(REQUEST);

    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.SPEND_LIMIT);
    assertThat(r.steps()).isZero();
    assertThat(r.newMessages()).isEmpty();
    assertThat(r.spend()).isEqualTo(Spend.NONE);
    assertThat(servers.get(0).requestCount()).isZero();
  }

  @Test
  void aRunStopsAtItsTokenLimitBeforeTheStepThatWouldPassIt() {
    Steps free = unboundedSteps();
    long first = free.usages.get(0).totalTokens();
    long second = free.usages.get(1).totalTokens();
    long limit = first + RequestTokens.estimated().count(free.requests.get(1)).total() + CAP;
    assertThat(first + second + RequestTokens.estimated().count(free.requests.get(2)).total() + CAP)
        .isGreaterThan(limit);

    ToolRunner.Result r = runner(freshClient()).maxTotalTokens(limit).build().run(REQUEST);

    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.TOKEN_LIMIT);
    assertThat(r.steps()).isEqualTo(2);
    assertThat(r.spend().totalTokens()).isEqualTo(first + second).isLessThanOrEqualTo(limit);
    assertThat(r.usage().totalTokens()).isEqualTo((int) (first + second));
  }

  @Test
  void aRunReportsItsTokensAndCostAndAConversationKeepsThem() {
    KimiClient kimi = freshClient();
    Steps steps = new Steps();
    Conversation chat = Conversation.create().addUser("add then add");
    ToolRunner.Result r = runner(kimi).listener(steps).build().run(chat, chat.request("kimi-k3"));

    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(steps.usages).hasSize(3);
    Spend expected = Spend.NONE;
    for (Usage u : steps.usages) {
      expected = expected.plus(PriceTable.defaults().spend("kimi-k3", u));
    }
    assertThat(r.spend()).isEqualTo(expected);
    assertThat(r.spend().isComplete()).isTrue();
    assertThat(chat.usageByModel()).containsOnlyKeys("kimi-k3");
    assertThat(chat.usage()).isEqualTo(r.usage());
    assertThat(PriceTable.defaults().spend(chat)).isEqualTo(r.spend());
  }

  @Test
  void aSpendLimitNeedsAPriceForTheModelInItsCurrency() {
    KimiClient kimi = freshClient();
    ToolRunner runner = runner(kimi).maxSpend(BigDecimal.ONE, USD).build();
    ChatRequest coding = REQUEST.toBuilder().model("kimi-for-coding").build();
    assertThatThrownBy(() -> runner.run(coding))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "maxSpend is in USD but the client's price table has no price for kimi-for-coding;"
                + " set one with KimiClient.Builder.prices(");
    ToolRunner cny = runner(kimi).maxSpend(BigDecimal.ONE, Currency.getInstance("CNY")).build();
    assertThatThrownBy(() -> cny.run(REQUEST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "maxSpend is in CNY but the client's price table has a price in USD for kimi-k3");
    assertThat(servers.get(0).requestCount()).isZero();
  }

  @Test
  void limitsAreValidated() {
    KimiClient kimi = freshClient();
    assertThatThrownBy(() -> runner(kimi).maxSpend(new BigDecimal("-0.01"), USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSpend must not be negative: -0.01");
    assertThatThrownBy(() -> runner(kimi).maxTotalTokens(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTotalTokens must be at least 1: 0");
  }
}
