package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.token.ContextBudget;
import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.token.TokenEstimator;
import java.nio.file.Path;
import java.util.List;

/**
 * A copy of the code shown in README.md's "Token counting and context budgets" section, one method
 * per snippet, so that {@code BudgetReadmeExamplesTest} can run the methods that need no vocabulary
 * file against {@code FakeKimiServer} ({@code ReadmeSnippetsTest} compiles the README's own text).
 */
final class BudgetReadmeExamples {

  private BudgetReadmeExamples() {}

  static int estimate(ChatRequest request) {
    // README: estimate
    int quick = TokenEstimator.forKimi().estimate("How long is this text?");
    RequestTokens.Count count = RequestTokens.estimated().count(request);
    System.out.println(
        quick + " / " + count.total() + " tokens, " + count.template() + " template");
    return count.total();
  }

  static int exact(KimiClient kimi, ChatRequest request) {
    // README: exact
    KimiTokenizer tokenizer = KimiTokenizer.load(Path.of("tiktoken.model")); // load once, share
    int local = RequestTokens.exact(tokenizer).count(request).total();
    int server = kimi.tokens().count(request); // POST /tokenizers/estimate-token-count
    System.out.println(local + " counted here, " + server + " by Kimi");
    return server;
  }

  static int serverCount(KimiClient kimi, ChatRequest request) {
    // README: server count
    return kimi.tokens().count(request);
  }

  static ChatRequest preflight(ChatRequest request) {
    // README: preflight
    ModelInfo model = ModelCatalog.defaults().lookup(request.model()); // or kimi.catalog()'s
    System.out.println(model.contextWindow()); // 262144 for kimi-k2.6
    System.out.println(model.problems(request)); // the model's rules, a check of their own: e.g.
    // [kimi-k2.6 accepts only top_p 0.95: 0.5; ...]
    ContextBudget budget = ContextBudget.builder().clampOutput(true).build();
    ChatRequest checked;
    try {
      checked = budget.preflight(request, model); // maybe with a lower max_completion_tokens
    } catch (ContextBudgetExceededException e) {
      System.out.println("over by " + e.excessTokens() + " of " + e.contextWindow());
      checked = budget.trim(request, model); // drop the oldest turns
    }
    return checked;
  }

  static KimiClient checkedClient(String key, String baseUrl) {
    // README: preflight client
    KimiClient checking =
        KimiClient.builder()
            .apiKey(key)
            .baseUrl(baseUrl)
            .preflight(ContextBudget.defaults())
            .build();
    return checking;
  }

  static List<Message> trim(List<Message> history, int maxTokens) {
    // README: trim
    List<Message> kept = ContextBudget.defaults().trim(history, maxTokens);
    System.out.println((history.size() - kept.size()) + " messages dropped");
    return kept;
  }
}
