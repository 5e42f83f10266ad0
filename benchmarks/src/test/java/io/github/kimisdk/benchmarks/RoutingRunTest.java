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
    // What the replicas recorded, however the scheduler interleaved the streams (how many each
    // replica served, and so cut, is not the test's to say; a continuation is never cut, a copy
    // the client handed over may be): each cut of a stream the caller read was continued, once.
    assertThat(cut.cuts()).as("the streams the replicas cut").isPositive();
    assertThat(cut.continuations())
        .as(
            "the cuts the replicas were asked to continue (10 streams on two replicas cutting"
                + " every second they serve make 4 cuts at least; a hedge hands over at most 3)")
        .isPositive();
    assertThat(cut.mostContinuationsOfOneCall()).as("a call continued twice").isEqualTo(1);
    assertThat(cut.cuts() - cut.continuations())
        .as(
            "cuts not continued (%d cuts, %d continued): each of a copy the client handed over,"
                + " among the %d requests beyond each call's first and its continuation",
            cut.cuts(), cut.continuations(), cut.otherRequests())
        .isNotNegative()
        .isLessThanOrEqualTo(cut.otherRequests());
    assertThat(cut.exactAfterResume()).isEqualTo(10);
    assertThat(cut.wordsTwice()).isZero();
  }
}
