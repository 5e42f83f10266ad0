package io.github.kimisdk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing harness's own rules: its percentiles, its words, and a scenario it runs. */
class RoutingRunTest {

  @Test
  void aPercentileIsTheNearestRank() {
    List<Double> sorted = List.of(0.1, 0.1, 0.2, 0.3, 3.0);
    assertThat(RoutingRun.percentile(sorted, 0.50)).isEqualTo(0.2);
    assertThat(RoutingRun.percentile(sorted, 0.95)).isEqualTo(3.0);
    assertThat(RoutingRun.percentile(List.of(), 0.5)).isEqualTo(-1);
  }

  @Test
  void eachCallsWordsAreTenAndEachOnce() {
    String words = RoutingRun.words(7);
    assertThat(words.split(" ")).hasSize(10).doesNotHaveDuplicates().allMatch(w -> w.endsWith("7"));
    assertThat(RoutingRun.wordTwice("You said: " + words)).isFalse();
    assertThat(RoutingRun.wordTwice("You said: alpha7You said: alpha7")).isTrue();
  }

  @Test
  void tenCutStreamsFinishWithTheExactTextThroughTheRoutedClientWithNoRetryByTheCaller()
      throws Exception {
    RoutingRun.Figures f =
        RoutingRun.cutStreams("routed", RoutingRun::routed, List.of("vllm", "vllm"));
    assertThat(f.failed()).isZero();
    RoutingRun.Cut cut = f.cut();
    assertThat(cut.finishedUnaided())
        .as("continued by the client, none by the caller")
        .isEqualTo(10);
    // each replica cuts every second stream it serves: one continuing request per cut
    assertThat(cut.extraRequests()).as("the continuations").isBetween(1, 5);
    assertThat(cut.exactAfterResume()).isEqualTo(10);
    assertThat(cut.wordsTwice()).isZero();
  }
}
