package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.token.TokenEstimator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamingTest {

  /** What the fake's kimi-k3 answers, counted as it counts it (the estimator). */
  static final int ANSWER = TokenEstimator.forKimi().estimate("You said: one two three");

  @Test
  void printsThePiecesAsTheyArriveThenUsageAndSpeed() {
    Captured c = new Captured();
    int status = Streaming.run("one two three", Map.of(), c.out);
    assertThat(status).isZero();
    assertThat(c.text())
        .contains("using FakeKimiServer")
        .contains("> one two three\nYou| said:| one| two| three\n")
        // thinking off (kimi-k3 takes thinking disabled): the answer's tokens only
        .containsPattern(
            "\\[usage\\] prompt \\d+, completion "
                + ANSWER
                + ", total \\d+ tokens; finish reason stop")
        .containsPattern(
            "\\[speed\\] 5 text pieces, first after [0-9.]+ ms, [0-9.]+ completion tokens/s");
  }
}
