/**
 * kimi-sdk-batch: many rows through Kimi's batch API, in bounded memory and resumable from a state
 * directory ({@link io.github.kimisdk.batch.BatchRun}), on the Batch API's own calls of the core's
 * client ({@code KimiBatches}, {@code KimiFiles}).
 */
module io.github.kimisdk.batch {
  requires transitive io.github.kimisdk;

  exports io.github.kimisdk.batch;
}
