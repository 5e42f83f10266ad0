package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples switch to Anthropic Messages with one setting and print the same answers. */
class AnthropicProtocolExamplesTest {

  static final Map<String, String> ANTHROPIC = Map.of("KIMI_PROTOCOL", "anthropic");

  @Test
  void streamingPrintsTheSamePiecesOverMessages() {
    Captured c = new Captured();
    assertThat(Streaming.run("one two three", ANTHROPIC, c.out)).isZero();
    assertThat(c.text())
        .containsPattern("using FakeKimiServer at http://127\\.0\\.0\\.1:\\d+/anthropic ")
        .contains("> one two three\nYou| said:| one| two| three\n")
        .containsPattern(
            "\\[usage\\] prompt \\d+, completion "
                + (StreamingTest.REASONING + StreamingTest.ANSWER)
                + ", total \\d+ tokens; finish reason stop");
  }

  @Test
  void thinkingShowsTheSameReasoningOverMessages() {
    Captured c = new Captured();
    assertThat(Thinking.run("Is 7 prime?", ANTHROPIC, c.out)).isZero();
    assertThat(c.text())
        .contains("/anthropic (offline)")
        .contains(
            "--- reasoning ---\nThe user wrote \"Is 7 prime?\". I will repeat it back.\n"
                + "--- answer ---\nYou said: Is 7 prime?\n");
  }
}
