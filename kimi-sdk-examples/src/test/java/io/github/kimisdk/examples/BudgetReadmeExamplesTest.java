package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.token.RequestTokens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetReadmeExamplesTest {

  static final ChatRequest HELLO =
      ChatRequest.builder("kimi-k2.6").addSystem("Be brief.").addUser("Hello").build();

  @Test
  void estimatesAndCountsAgainstTheFakeServer() {
    int estimate = BudgetReadmeExamples.estimate(HELLO);
    assertThat(estimate).isEqualTo(RequestTokens.estimated().count(HELLO).total());
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("test").baseUrl(server.baseUrl()).build()) {
      // without a vocabulary the fake answers with the estimate
      assertThat(BudgetReadmeExamples.serverCount(kimi, HELLO)).isEqualTo(estimate);
    }
  }

  @Test
  void preflightClampsAndTrimsWhileTheModelsRulesAreACheckOfTheirOwn() {
    ChatRequest ok = HELLO.toBuilder().maxCompletionTokens(1_000).build();
    assertThat(BudgetReadmeExamples.preflight(ok)).isSameAs(ok);
    ChatRequest.Builder b = ChatRequest.builder("moonshot-v1-8k").addSystem("Be brief.");
    for (int i = 0; i < 80; i++) {
      b.addUser("Tell me about topic " + i + ". " + "Some context. ".repeat(40));
      b.addMessage(Message.assistant("Topic " + i + " is interesting. " + "Detail. ".repeat(30)));
    }
    ChatRequest big = b.addUser("And now?").build();
    ChatRequest trimmed = BudgetReadmeExamples.preflight(big);
    assertThat(trimmed.messages().size()).isLessThan(big.messages().size());
    assertThat(trimmed.messages().get(trimmed.messages().size() - 1))
        .isEqualTo(big.messages().get(big.messages().size() - 1));
    ChatRequest wrong = HELLO.toBuilder().topP(0.5).build();
    assertThat(BudgetReadmeExamples.preflight(wrong))
        .as("the budget checks the window only")
        .isSameAs(wrong);
    assertThat(ModelCatalog.defaults().lookup(wrong.model()).problems(wrong))
        .anyMatch(p -> p.contains("top_p 0.95"));
  }

  @Test
  void checkedClientStopsOversizedRequests() {
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = BudgetReadmeExamples.checkedClient("test", server.baseUrl())) {
      ChatRequest huge =
          ChatRequest.builder("moonshot-v1-8k").addUser("many words ".repeat(5_000)).build();
      assertThatThrownBy(() -> kimi.chat(huge)).isInstanceOf(ContextBudgetExceededException.class);
      assertThat(server.requestCount()).isZero();
    }
  }

  @Test
  void trimsAHistory() {
    List<Message> history = new ArrayList<>();
    history.add(Message.system("Be brief."));
    for (int i = 0; i < 10; i++) {
      history.add(Message.user("question " + i));
      history.add(Message.assistant("answer " + i));
    }
    history.add(Message.user("last question"));
    List<Message> kept = BudgetReadmeExamples.trim(history, 60);
    assertThat(kept.get(0)).isEqualTo(history.get(0));
    assertThat(kept.get(kept.size() - 1)).isEqualTo(history.get(history.size() - 1));
    assertThat(kept.size()).isLessThan(history.size());
  }
}
