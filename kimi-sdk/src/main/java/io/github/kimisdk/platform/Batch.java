package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A batch job ({@code /batches}): many chat requests run asynchronously at a discount.
 *
 * @param id the batch id
 * @param status the status as the server wrote it: {@code validating}, {@code in_progress}, {@code
 *     finalizing}, {@code completed}, {@code failed}, {@code expired}, {@code cancelling} or {@code
 *     cancelled} (unknown values are kept)
 * @param inputFileId the JSONL input file
 * @param outputFileId the JSONL file of successful results, or null until there is one
 * @param errorFileId the JSONL file of failed requests, or null
 * @param completionWindow how long the server may take, such as {@code "24h"}
 * @param createdAt when it was created, in seconds since the epoch
 * @param total how many requests the batch holds (0 until counted)
 * @param completed how many succeeded so far
 * @param failed how many failed so far
 * @param metadata the metadata given at creation; never null
 */
public record Batch(
    String id,
    String status,
    String inputFileId,
    String outputFileId,
    String errorFileId,
    String completionWindow,
    long createdAt,
    int total,
    int completed,
    int failed,
    Map<String, String> metadata) {

  private static final Set<String> FINAL = Set.of("completed", "failed", "expired", "cancelled");

  /**
   * Validates and copies the components.
   *
   * @param id the batch id
   * @param status the status as the server wrote it
   * @param inputFileId the JSONL input file
   * @param outputFileId the JSONL file of successful results, or null
   * @param errorFileId the JSONL file of failed requests, or null
   * @param completionWindow how long the server may take
   * @param createdAt when it was created, in seconds since the epoch
   * @param total how many requests the batch holds
   * @param completed how many succeeded so far
   * @param failed how many failed so far
   * @param metadata the metadata; null becomes empty
   * @throws NullPointerException if {@code id} or {@code status} is null
   */
  public Batch {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /**
   * Tells whether the batch has stopped changing ({@code completed}, {@code failed}, {@code
   * expired} or {@code cancelled}).
   *
   * @return true in a final status
   */
  public boolean isFinished() {
    return FINAL.contains(status);
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("Batch")
        .add("id", id)
        .add("status", status)
        .add("inputFileId", inputFileId)
        .add("outputFileId", outputFileId)
        .add("errorFileId", errorFileId)
        .add("completionWindow", completionWindow)
        .add("createdAt", createdAt)
        .add("total", total)
        .add("completed", completed)
        .add("failed", failed)
        .add("metadata", metadata)
        .toString();
  }
}
