package io.github.kimisdk.batch;

import io.github.kimisdk.base.text.RecordText;

/**
 * Where a run of many rows through the batch API stands, as {@link BatchRun#await} returns it and
 * its progress listener hears it.
 *
 * @param rows how many rows the run holds (0 until they are all written to disk)
 * @param batches how many batches the rows were split into
 * @param batchesDone how many of them have ended with their results on disk, or were never created
 *     because the run was cancelled first
 * @param completed how many rows were answered, as Kimi counts them so far
 * @param failed how many rows failed so far, those refused before sending included
 * @param cancelled whether the run was cancelled
 * @param finished whether every batch is done: the results can be read
 */
public record BatchProgress(
    long rows,
    int batches,
    int batchesDone,
    long completed,
    long failed,
    boolean cancelled,
    boolean finished) {

  /**
   * Returns how many rows are done, answered or failed.
   *
   * @return {@code completed + failed}
   */
  public long done() {
    return completed + failed;
  }

  /** Returns every count. */
  @Override
  public String toString() {
    return RecordText.of("BatchProgress")
        .add("rows", rows)
        .add("batches", batches)
        .add("batchesDone", batchesDone)
        .add("completed", completed)
        .add("failed", failed)
        .flag("cancelled", cancelled)
        .flag("finished", finished)
        .toString();
  }
}
