package io.github.kimisdk.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a batch run stands: the rows done, and what it prints. */
class BatchProgressTest {

  @Test
  void theRowsDoneAreTheAnsweredAndTheFailed() {
    assertThat(new BatchProgress(10, 2, 1, 6, 2, false, false).done()).isEqualTo(8);
    assertThat(new BatchProgress(0, 0, 0, 0, 0, true, true).done()).isZero();
  }

  @Test
  void itPrintsEveryCountAndTheFlagsThatAreSet() {
    assertThat(new BatchProgress(10, 2, 1, 6, 2, false, false))
        .hasToString("BatchProgress[rows=10, batches=2, batchesDone=1, completed=6, failed=2]");
    assertThat(new BatchProgress(10, 2, 2, 6, 4, true, true))
        .hasToString(
            "BatchProgress[rows=10, batches=2, batchesDone=2, completed=6, failed=4,"
                + " cancelled=true, finished=true]");
  }
}
