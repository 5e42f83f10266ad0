package io.github.kimisdk.batch.internal;

import io.github.kimisdk.batch.internal.Part.Stage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A run's state directory: its lock and its journal, {@code journal.jsonl}, one JSON object per
 * line, appended and forced to disk before the step it records is relied on. The first line names
 * the format, its version, the run's id and when it began; every later line is an event, replayed
 * in order when the directory is opened again. A line cut short by a crash (the last, without its
 * line feed, or not JSON) is dropped and the file truncated before it; a bad line before the last
 * means the journal was damaged, and opening fails.
 *
 * <p>Events: {@code part} (a part's rows and bytes, written at the end of the spool) and {@code
 * spooled}, which commits them; {@code cancel}; and one for each move of a part's {@link Stage}:
 * {@code uploaded}, {@code creating} (the intent written before a batch is created), {@code
 * created} (to {@code RUNNING}), {@code finished}, {@code downloaded}, {@code cleaned}, {@code
 * skipped}. A move the part's stage cannot make is refused before it is written, and a journal that
 * holds one is damaged. Not thread-safe: its {@link BatchEngine} serialises every call.
 */
final class RunJournal implements AutoCloseable {

  /** The format named on the journal's first line. */
  static final String FORMAT = "kimi-sdk.batch-run";

  /** The version of this format; a later one is refused. */
  static final int VERSION = 1;

  static final String JOURNAL = "journal.jsonl";
  static final String LOCK = "lock";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final FileChannel journal;
  private final String runId;
  private final long createdAt;
  private final boolean resumed;
  private long headerBytes;
  private final List<Part> parts = new ArrayList<>();
  private final List<Part> pending = new ArrayList<>(); // parts read, not yet committed
  private boolean spooled;
  private long rows;
  private long refused;
  private boolean cancelled;

  private RunJournal(Path dir, long now) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    this.lockChannel =
        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new IllegalStateException(
          "The batch run's state directory "
              + dir.toAbsolutePath()
              + " is in use by another open run (a BatchRun not yet closed, in this process or"
              + " another); close that one first");
    }
    this.lock = l;
    Path file = dir.resolve(JOURNAL);
    boolean exists = Files.exists(file) && Files.size(file) > 0;
    try {
      this.journal =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      if (exists) {
        String[] header = replay();
        this.runId = header[0];
        this.createdAt = Long.parseLong(header[1]);
        this.resumed = true;
      } else {
        this.runId = UUID.randomUUID().toString();
        this.createdAt = now;
        this.resumed = false;
        JsonWriter w = new JsonWriter().beginObject();
        w.name("format").value(FORMAT).name("version").value(VERSION);
        w.name("run").value(runId).name("created").value(now);
        append(w.endObject());
        headerBytes = journal.size();
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Opens the state directory, creating it and its journal when there is none, and takes its lock.
   *
   * @param dir the directory
   * @param now the time, in epoch seconds, a new run begins at
   * @return the journal
   * @throws IllegalStateException if another open run holds the directory
   * @throws IllegalArgumentException if the directory holds a journal of another format or a later
   *     version, or a damaged one
   * @throws UncheckedIOException if the directory cannot be read or written
   */
  static RunJournal open(Path dir, long now) {
    try {
      return new RunJournal(dir, now);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the batch run's state directory " + dir, e);
    }
  }

  /** Reads the journal, applying each event; returns the header's run id and creation time. */
  private String[] replay() throws IOException {
    List<byte[]> lines = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    long pos = 0;
    long goodEnd = 0;
    boolean torn = false;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (journal.read(buf, pos) > 0) {
      buf.flip();
      while (buf.hasRemaining()) {
        byte b = buf.get();
        pos++;
        if (b == '\n') {
          lines.add(line.toByteArray());
          ends.add(pos);
          line.reset();
        } else {
          line.write(b);
        }
      }
      buf.clear();
    }
    torn = line.size() > 0; // the last line has no line feed: cut short
    String[] header = null;
    for (int i = 0; i < lines.size(); i++) {
      JsonObject o;
      try {
        o = (JsonObject) Json.parse(lines.get(i));
      } catch (RuntimeException e) {
        if (i == lines.size() - 1) {
          torn = true; // a crash between the bytes and their line feed's flush
          break;
        }
        throw new IllegalArgumentException(
            "The batch run's journal "
                + dir.resolve(JOURNAL).toAbsolutePath()
                + " is damaged at line "
                + (i + 1)
                + "; it cannot be resumed",
            e);
      }
      if (i == 0) {
        header = header(o);
        headerBytes = ends.get(0);
      } else {
        try {
          apply(o);
        } catch (IllegalStateException e) {
          throw new IllegalArgumentException(
              "The batch run's journal "
                  + dir.resolve(JOURNAL).toAbsolutePath()
                  + " is damaged at line "
                  + (i + 1)
                  + " ("
                  + e.getMessage()
                  + "); it cannot be resumed",
              e);
        }
      }
      goodEnd = ends.get(i);
    }
    if (header == null) {
      throw new IllegalArgumentException(
          "The batch run's journal " + dir.resolve(JOURNAL).toAbsolutePath() + " has no header");
    }
    if (torn) {
      journal.truncate(goodEnd);
      journal.force(true);
    }
    journal.position(journal.size());
    return header;
  }

  private String[] header(JsonObject o) {
    if (!(o.get("format") instanceof JsonString f) || !f.value().equals(FORMAT)) {
      throw new IllegalArgumentException(
          "The directory "
              + dir.toAbsolutePath()
              + " holds a journal.jsonl that is not a batch run's; give the run a directory of its"
              + " own");
    }
    int version = (int) number(o, "version");
    if (version < 1 || version > VERSION) {
      throw new IllegalArgumentException(
          "The batch run's journal in "
              + dir.toAbsolutePath()
              + " is of version "
              + version
              + ", which this version of the SDK does not read (it reads up to "
              + VERSION
              + ")");
    }
    if (!(o.get("run") instanceof JsonString run)) {
      throw new IllegalArgumentException("The batch run's journal names no run");
    }
    return new String[] {run.value(), Long.toString(number(o, "created"))};
  }

  private void apply(JsonObject o) {
    String event = string(o, "event");
    if (event == null) {
      return;
    }
    switch (event) {
      case "part" -> {
        Part p = new Part((int) number(o, "part"));
        p.rows = number(o, "rows");
        p.bytes = number(o, "bytes");
        pending.add(p);
      }
      case "spooled" -> {
        parts.clear();
        parts.addAll(pending);
        pending.clear();
        rows = number(o, "rows");
        refused = number(o, "refused");
        spooled = true;
      }
      case "cancel" -> cancelled = true;
      default -> {
        Part p = part(o);
        if (p != null) {
          applyToPart(event, p, o);
        }
      }
    }
  }

  /**
   * Replays a part's event: the move of its stage, and what the event says of it.
   *
   * @throws IllegalStateException if the part's stage cannot make the move
   */
  private void applyToPart(String event, Part p, JsonObject o) {
    switch (event) {
      case "uploaded" -> {
        p.moveTo(Stage.UPLOADED);
        p.fileId = string(o, "file");
      }
      case "creating" -> p.moveTo(Stage.CREATING); // its "at" tells a reader when; not needed
      case "created" -> {
        p.moveTo(Stage.RUNNING);
        p.batchId = string(o, "batch");
      }
      case "finished" -> {
        p.moveTo(Stage.FINISHED);
        p.status = string(o, "status");
        p.outputFileId = string(o, "output");
        p.errorFileId = string(o, "error");
        p.total = number(o, "total");
        p.completed = number(o, "completed");
        p.failed = number(o, "failed");
      }
      case "downloaded" -> p.moveTo(Stage.DOWNLOADED);
      case "cleaned" -> p.moveTo(Stage.CLEANED);
      case "skipped" -> p.moveTo(Stage.SKIPPED);
      default -> {
        // an event of a later minor change: nothing this version acts on
      }
    }
  }

  private Part part(JsonObject o) {
    int n = (int) number(o, "part");
    return spooled && n >= 0 && n < parts.size() ? parts.get(n) : null;
  }

  String runId() {
    return runId;
  }

  long createdAt() {
    return createdAt;
  }

  /** Whether the journal existed when opened: a run resumed, whose steps may need reconciling. */
  boolean resumed() {
    return resumed;
  }

  boolean spooled() {
    return spooled;
  }

  boolean cancelled() {
    return cancelled;
  }

  long rows() {
    return rows;
  }

  long refused() {
    return refused;
  }

  List<Part> parts() {
    return parts;
  }

  Path dir() {
    return dir;
  }

  /** Forgets a spool that never completed: the journal keeps its header (and a cancel). */
  void restartSpool() {
    try {
      journal.truncate(headerBytes);
      journal.position(headerBytes);
      journal.force(true);
      if (cancelled) {
        append(event("cancel", null).endObject());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the batch run's journal in " + dir, e);
    }
  }

  /** Commits a spool: its parts, then the event that makes them the run's. */
  void spooled(List<Part> written, long rows, long refused) {
    for (Part p : written) {
      JsonWriter w = event("part", p);
      w.name("rows").value(p.rows).name("bytes").value(p.bytes);
      append(w.endObject());
    }
    JsonWriter w = new JsonWriter().beginObject().name("event").value("spooled");
    w.name("rows").value(rows).name("refused").value(refused).name("parts").value(written.size());
    append(w.endObject());
    parts.clear();
    parts.addAll(written);
    this.rows = rows;
    this.refused = refused;
    this.spooled = true;
  }

  // Each step below checks the part's move, journals it, then makes it: a move the stage cannot
  // make is refused before anything is written.

  void uploaded(Part p, String fileId) {
    p.checkMove(Stage.UPLOADED);
    append(event("uploaded", p).name("file").value(fileId).endObject());
    p.fileId = fileId;
    p.moveTo(Stage.UPLOADED);
  }

  void creating(Part p, long at) {
    p.checkMove(Stage.CREATING);
    append(event("creating", p).name("at").value(at).endObject());
    p.moveTo(Stage.CREATING);
  }

  void created(Part p, String batchId) {
    p.checkMove(Stage.RUNNING);
    append(event("created", p).name("batch").value(batchId).endObject());
    p.batchId = batchId;
    p.moveTo(Stage.RUNNING);
  }

  /** Journals the end of a part's batch, with the status, files and counts set on the part. */
  void finished(Part p) {
    p.checkMove(Stage.FINISHED);
    JsonWriter w = event("finished", p).name("status").value(p.status);
    w.name("output").value(p.outputFileId).name("error").value(p.errorFileId);
    w.name("total").value(p.total).name("completed").value(p.completed);
    append(w.name("failed").value(p.failed).endObject());
    p.moveTo(Stage.FINISHED);
  }

  void downloaded(Part p) {
    move(p, "downloaded", Stage.DOWNLOADED);
  }

  void cleaned(Part p) {
    move(p, "cleaned", Stage.CLEANED);
  }

  void skipped(Part p) {
    move(p, "skipped", Stage.SKIPPED);
  }

  private void move(Part p, String event, Stage next) {
    p.checkMove(next);
    append(event(event, p).endObject());
    p.moveTo(next);
  }

  void cancel() {
    if (!cancelled) {
      append(event("cancel", null).endObject());
      cancelled = true;
    }
  }

  private static JsonWriter event(String name, Part p) {
    JsonWriter w = new JsonWriter().beginObject().name("event").value(name);
    return p == null ? w : w.name("part").value(p.number);
  }

  private void append(JsonWriter w) {
    byte[] bytes = w.toByteArray();
    ByteBuffer line = ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '\n').flip();
    try {
      while (line.hasRemaining()) {
        journal.write(line);
      }
      journal.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the batch run's journal in " + dir, e);
    }
  }

  /** Forces the directory's entries (new and renamed files) to disk, where the platform can. */
  void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform opens a directory (Windows does not): its entries are then as durable
      // as the file system makes them
    }
  }

  /** Releases the lock; the journal stays for a later open. */
  @Override
  public void close() {
    Consumer<AutoCloseable> quietly =
        c -> {
          try {
            if (c != null) {
              c.close();
            }
          } catch (Exception ignored) {
            // closing what a crash would have closed: nothing to tell
          }
        };
    quietly.accept(journal);
    quietly.accept(lock);
    quietly.accept(lockChannel);
  }

  private static String string(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v instanceof JsonString s ? s.value() : null;
  }

  private static long number(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.longValue() : 0;
  }
}
