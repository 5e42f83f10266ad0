package io.github.kimisdk.internal.batch;

/**
 * Where a run stands.
 *
 * @param rows the rows read (0 until they all were)
 * @param batches the batches the rows were split into
 * @param batchesDone the batches whose results are on disk, or that were never created
 * @param completed the rows answered so far
 * @param failed the rows failed so far, those refused before sending included
 * @param cancelled whether the run was cancelled
 * @param finished whether every batch is done: the results can be read
 */
public record Counts(
    long rows,
    int batches,
    int batchesDone,
    long completed,
    long failed,
    boolean cancelled,
    boolean finished) {}
