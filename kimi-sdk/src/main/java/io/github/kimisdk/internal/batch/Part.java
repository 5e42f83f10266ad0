package io.github.kimisdk.internal.batch;

import java.util.Locale;

/**
 * One batch of a run: its rows on disk and what became of them on the server. Mutable, guarded by
 * the {@link BatchEngine} that owns it; the journal writes every change before it is relied on.
 */
final class Part {

  final int number;
  long rows; // rows written into the part's input file
  long bytes; // the input file's size
  String fileId; // the uploaded input file, or null
  long creatingAt; // when a create was last intended, in epoch seconds; 0 if never
  String batchId; // the created batch, or null
  String status; // the batch's status as last seen, or null
  boolean finished; // the batch reached a final status (journalled)
  String outputFileId;
  String errorFileId;
  long total;
  long completed;
  long failed;
  boolean downloaded; // its result files are on disk (journalled)
  boolean cleaned; // its server files are deleted (journalled)
  boolean skipped; // never created: the run was cancelled first (journalled)
  boolean cancelSent; // a cancel was sent in this process

  Part(int number) {
    this.number = number;
  }

  /** Whether nothing more will happen to the part: its results are on disk, or it was skipped. */
  boolean done() {
    return downloaded || skipped;
  }

  /** The name of a file of this part in the state directory, such as {@code part-00003.jsonl}. */
  String file(String kind) {
    return String.format(
        Locale.ROOT, "%s-%05d.%s", kind, number, kind.equals("ids") ? "txt" : "jsonl");
  }
}
