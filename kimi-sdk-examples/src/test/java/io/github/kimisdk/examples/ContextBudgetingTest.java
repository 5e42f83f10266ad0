package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.token.RequestTokens;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextBudgetingTest {

  @Test
  void estimatesRefusesBeforeSendingThenTrimsAndSends() {
    Captured c = new Captured();
    assertThat(ContextBudgeting.run(new String[0], Map.of(), c.out)).isZero();
    int estimate = RequestTokens.estimated().count(ContextBudgeting.longConversation()).total();
    assertThat(estimate).as("the demo conversation must overflow the window").isGreaterThan(8_192);
    assertThat(c.text())
        .contains("using FakeKimiServer")
        .contains(
            "Model kimi-k2.6: a window of 8,192 tokens (in this client's table; Kimi's is"
                + " 262,144). The conversation: 122 messages")
        .contains(String.format("the whole request: %,d tokens", estimate))
        .contains("locally: no vocabulary; set KIMI_TOKENIZER_VOCAB")
        .contains(
            String.format(
                "by the server (POST /tokenizers/estimate-token-count): %,d tokens"
                    + " (FakeKimiServer answers with the estimate)",
                estimate))
        .contains(
            String.format(
                "check: prompt %,d + output 1,000 = %,d tokens, window 8,192: does not fit",
                estimate, estimate + 1_000))
        .contains("a client built with preflight(budget) throws ContextBudgetExceededException")
        .contains(
            String.format("over by %,d tokens; counted by estimate", estimate + 1_000 - 8_192))
        .contains("chat requests the server received: 0\n")
        .contains("kimi-k2.6 with top_p 0.5 -> [kimi-k2.6 accepts only top_p 0.95")
        .containsPattern("trim: kept \\d+ of 122 messages: the system message, then the turns")
        .containsPattern("now: prompt [0-9,]+ \\+ output 1,000 = [0-9,]+ of 8,192: fits")
        .containsPattern("lowers a max_completion_tokens of 8,192 to [0-9,]+, what is left")
        .contains("You said: " + ContextBudgeting.QUESTION)
        .containsPattern("\\[usage\\] prompt \\d+");
  }

  @Test
  void countsExactlyWithAVocabulary(@TempDir Path dir) throws Exception {
    Path vocab = TokenCountingTest.tinyVocabulary(dir);
    Captured c = new Captured();
    assertThat(ContextBudgeting.run(new String[] {"--vocab", vocab.toString()}, Map.of(), c.out))
        .isZero();
    int exact =
        RequestTokens.exact(io.github.kimisdk.token.KimiTokenizer.load(vocab))
            .count(ContextBudgeting.longConversation())
            .total();
    assertThat(c.text())
        .contains(String.format("locally with %s: %,d tokens", vocab, exact))
        .contains(
            String.format("%,d tokens (FakeKimiServer counts with the same vocabulary)", exact))
        .contains("counted exactly")
        .contains("You said: " + ContextBudgeting.QUESTION);
  }
}
