package io.github.kimisdk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.agents.Compaction;
import org.junit.jupiter.api.Test;

class CompactionCostTest {

  @Test
  void theTaskFailsWithoutCompactionAndFinishesUnderTheThresholdWithIt() {
    CompactionCost.Outcome off =
        CompactionCost.run("off", CompactionCost.WINDOW, Compaction.off(), 14);
    CompactionCost.Outcome on =
        CompactionCost.run("on", CompactionCost.WINDOW, Compaction.defaults(), 14);

    assertThat(off.ended).isEqualTo("failed: ContextLengthExceededException");
    assertThat(on.ended).isEqualTo("answered");
    assertThat(on.steps).isEqualTo(15);
    assertThat(on.compactions).isNotEmpty();
    assertThat(on.largest)
        .isLessThanOrEqualTo((int) (Compaction.DEFAULT_THRESHOLD * CompactionCost.WINDOW));
    assertThat(on.beforeAnswer()).isPositive().isLessThan(on.cost);
  }
}
