package io.github.kimisdk.batch.internal;

import java.util.Locale;
import java.util.Set;

/**
 * One batch of a run: its rows on disk, its {@link Stage}, and what the server said of it. Mutable,
 * guarded by the {@link BatchEngine} that owns it; the journal writes every move of its stage
 * before it is relied on, and {@link #moveTo} refuses a move its stage cannot make.
 */
final class Part {

  /**
   * Where a part stands, in the order a part goes: {@link #SPOOLED}, {@link #UPLOADED}, {@link
   * #CREATING} (again for each attempt), {@link #RUNNING}, {@link #CANCELLING} (when the run is
   * cancelled while the batch runs), {@link #FINISHED}, {@link #DOWNLOADED}, {@link #CLEANED}; a
   * part not yet running may instead be {@link #SKIPPED}. Every stage but {@code CANCELLING} is
   * journalled, so a resumed run reads the others back; a cancel sent is not, and a resumed run of
   * a cancelled run sends it again.
   */
  enum Stage {
    /** Its rows are in its input file on disk; nothing of it is on the server. */
    SPOOLED,
    /** Its input file is uploaded ({@link Part#fileId}). */
    UPLOADED,
    /**
     * Its batch is being created: the intent is journalled before the request, so the batch may
     * exist on the server though the journal does not name it.
     */
    CREATING,
    /** Its batch exists ({@link Part#batchId}) and has not ended; the run polls it. */
    RUNNING,
    /** Running, and this process asked Kimi to cancel it (not journalled). */
    CANCELLING,
    /** Its batch ended; its result files ({@link Part#outputFileId}, ...) are named. */
    FINISHED,
    /** Its result files are on disk. */
    DOWNLOADED,
    /** Its files on the server are deleted. */
    CLEANED,
    /** Never created: the run was cancelled first. */
    SKIPPED;

    /** The stages a part at this stage may move to. */
    private Set<Stage> next() {
      return switch (this) {
        case SPOOLED -> Set.of(UPLOADED, SKIPPED);
        case UPLOADED -> Set.of(CREATING, SKIPPED);
        case CREATING -> Set.of(CREATING, RUNNING, SKIPPED); // CREATING again: a create retried
        case RUNNING -> Set.of(CANCELLING, FINISHED);
        case CANCELLING -> Set.of(FINISHED);
        case FINISHED -> Set.of(DOWNLOADED);
        case DOWNLOADED -> Set.of(CLEANED);
        case CLEANED, SKIPPED -> Set.of();
      };
    }

    /** Whether a part at this stage may move to {@code next}. */
    boolean mayMoveTo(Stage next) {
      return next().contains(next);
    }

    /** Whether the part's batch is yet to be created: the run may create it, or skip it. */
    boolean beforeCreation() {
      return this == SPOOLED || this == UPLOADED || this == CREATING;
    }

    /** Whether the part's batch is running: the run polls it. */
    boolean running() {
      return this == RUNNING || this == CANCELLING;
    }

    /** Whether the part's result files are on disk. */
    boolean downloaded() {
      return this == DOWNLOADED || this == CLEANED;
    }

    /** Whether nothing more will come of the part: its results are on disk, or it was skipped. */
    boolean done() {
      return downloaded() || this == SKIPPED;
    }
  }

  final int number;
  private Stage stage = Stage.SPOOLED;
  long rows; // rows written into the part's input file
  long bytes; // the input file's size
  String fileId; // the uploaded input file; set from UPLOADED on
  String batchId; // the created batch; set from RUNNING on
  String status; // the batch's status as last seen; set from RUNNING on
  String outputFileId; // from FINISHED on, or null when the batch wrote none
  String errorFileId; // likewise
  long total;
  long completed;
  long failed;

  Part(int number) {
    this.number = number;
  }

  Stage stage() {
    return stage;
  }

  /**
   * Checks that the part may move to {@code next}, as a step must before it is journalled.
   *
   * @throws IllegalStateException if its stage cannot be followed by {@code next}
   */
  void checkMove(Stage next) {
    if (!stage.mayMoveTo(next)) {
      throw new IllegalStateException(
          "Part " + number + " of the batch run cannot go from " + stage + " to " + next);
    }
  }

  /**
   * Moves the part to {@code next}.
   *
   * @throws IllegalStateException if its stage cannot be followed by {@code next}
   */
  void moveTo(Stage next) {
    checkMove(next);
    stage = next;
  }

  /** The name of a file of this part in the state directory, such as {@code part-00003.jsonl}. */
  String file(String kind) {
    return String.format(
        Locale.ROOT, "%s-%05d.%s", kind, number, kind.equals("ids") ? "txt" : "jsonl");
  }
}
