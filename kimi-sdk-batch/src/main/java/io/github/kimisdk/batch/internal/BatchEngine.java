package io.github.kimisdk.batch.internal;

import io.github.kimisdk.base.text.Untrusted;
import io.github.kimisdk.batch.BatchProgress;
import io.github.kimisdk.batch.internal.Part.Stage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.Errors;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.FileObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A resumable run of many rows through Kimi's batch API, over a state directory ({@link
 * RunJournal}): the rows are written to disk and split into parts ({@link Spool}), each part is
 * uploaded and made a batch, the batches are polled until they end, their result files are
 * downloaded, and the results are read back from disk ({@link Results}).
 *
 * <p><b>Crash safety.</b> Every step that changes the server is journalled before it is relied on,
 * and a step whose effect may have happened without its record is reconciled when the run resumes,
 * never repeated blindly: a part's upload is looked for among the account's files by its name (the
 * run's id and the part's number) before it is uploaded again; a batch's creation is journalled as
 * an intent first, and a resumed run that finds an intent without its batch looks for the batch
 * among the account's batches by its metadata (the run's id and the part's number) before creating
 * one. A download is written to a temporary file and renamed once whole; a spool cut short is
 * written again from the first row. What is left: a create whose request is still on its way to
 * Kimi when the resumed run lists the batches would not be found; a crashed process's request has
 * reached the server or died with its connection long before another process lists them.
 *
 * <p><b>Thread model.</b> One thread at a time runs {@link #await} (a second is refused); {@link
 * #cancel} may come from any thread, at any time, and {@link #progress} too. The parts and the
 * journal are guarded by {@code this}; calls to the server are made outside it.
 */
public final class BatchEngine implements AutoCloseable {

  /** The metadata keys naming a batch's run and part, by which a resumed run finds its batches. */
  public static final String RUN_KEY = "kimi_sdk_run";

  /** See {@link #RUN_KEY}. */
  public static final String PART_KEY = "kimi_sdk_part";

  /**
   * The most bytes a result file may have: Kimi stores at most 10 GB for an account, so no file it
   * serves can be larger.
   */
  static final long MAX_FILE_BYTES = 10L * 1024 * 1024 * 1024;

  /** How far before the run's start a resumed run looks for its batches: clocks disagree. */
  static final long CLOCK_SKEW_SECONDS = 3600;

  /**
   * A run's settings.
   *
   * @param dir the state directory
   * @param completionWindow each batch's completion window
   * @param metadata the metadata each batch carries beside the run's own two keys
   * @param maxRows the most rows in one batch
   * @param maxBytes the most bytes of one batch's input file
   * @param pollInterval the wait between two polls of the running batches
   * @param deleteServerFiles whether a batch's files are deleted from Kimi once its results are on
   *     disk
   * @param maxLine the most bytes of one line of a result file
   */
  public record Settings(
      Path dir,
      String completionWindow,
      Map<String, String> metadata,
      int maxRows,
      long maxBytes,
      Duration pollInterval,
      boolean deleteServerFiles,
      int maxLine) {}

  /**
   * What a run asks of time, and where a test stops it as a crash would: the real clock, a real
   * wait, and no stop, unless a test says otherwise.
   */
  public static class Hooks {

    /** The hooks of a run in production. */
    public static final Hooks NONE = new Hooks();

    /** Creates the hooks of a run in production; a test overrides what it needs. */
    public Hooks() {}

    /**
     * Called between an action and the journal line that records it, and after each recorded step;
     * a test throws here to crash the run at that point.
     *
     * @param step the step's name
     * @param part the part, or -1
     */
    public void step(String step, int part) {}

    /**
     * Returns the monotonic time, in nanoseconds, the run's timeout is measured on.
     *
     * @return the time
     */
    public long nanoTime() {
      return System.nanoTime();
    }

    /**
     * Returns the time, in seconds since the epoch, the journal writes.
     *
     * @return the time
     */
    public long epochSeconds() {
      return System.currentTimeMillis() / 1000;
    }

    /**
     * Waits {@code d} instead of the run, or lets it wait for real.
     *
     * @param d the wait
     * @return true if this waited (a test advancing a clock), false to wait for real
     */
    public boolean pause(Duration d) {
      return false;
    }
  }

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.batch");

  private final Settings settings;
  private final Remote remote;
  private final Hooks hooks;
  private final RunJournal journal;
  private final ReentrantLock running = new ReentrantLock();
  private boolean wake; // guarded by this: cancel() asks a waiting await to look now
  private boolean reconciled; // whether this process looked for what a crash may have left
  private Map<String, FileObject> foundFiles = Map.of(); // by name; only read by await's thread
  private Map<Integer, Batch> foundBatches = Map.of(); // by part; only read by await's thread

  private BatchEngine(Settings settings, Remote remote, Hooks hooks) {
    this.settings = settings;
    this.remote = remote;
    this.hooks = hooks;
    this.journal = RunJournal.open(settings.dir(), hooks.epochSeconds());
  }

  /**
   * Opens a run over its state directory: a new one, or the one the directory holds.
   *
   * @param settings the settings
   * @param remote Kimi's endpoints, and the lines of a batch's files as the client writes and reads
   *     them
   * @param hooks time and crash points
   * @return the run
   * @throws IllegalStateException if another open run holds the directory
   * @throws IllegalArgumentException if the directory holds something else
   * @throws UncheckedIOException if the directory cannot be read or written
   */
  public static BatchEngine open(Settings settings, Remote remote, Hooks hooks) {
    return new BatchEngine(settings, remote, hooks);
  }

  /**
   * Returns the run's id, which its batches' metadata and its files' names carry.
   *
   * @return the id
   */
  public String runId() {
    return journal.runId();
  }

  /**
   * Takes the run as far as it goes within {@code timeout}: writes the rows to disk if they are not
   * yet, creates the batches not yet created (none once cancelled), polls the running ones, and
   * downloads each one's results once it ended, reporting where the run stands after each step that
   * changed it.
   *
   * @param rows the rows, read only if the directory holds none yet
   * @param timeout how long to go on
   * @param progress told where the run stands, on this thread
   * @return where the run stands: {@link BatchProgress#finished()} unless it was cut short
   * @throws KimiException for a call that failed, a {@link io.github.kimisdk.errors
   *     .KimiTimeoutException} when the timeout passes first, a {@link CancelledException} when the
   *     thread is interrupted
   * @throws IllegalStateException if another thread is in this method
   */
  public BatchProgress await(
      Iterator<Map.Entry<String, ChatRequest>> rows,
      Duration timeout,
      Consumer<BatchProgress> progress) {
    if (!running.tryLock()) {
      throw new IllegalStateException(
          "await is already running on another thread; one thread at a time takes a run on");
    }
    try {
      long deadline = hooks.nanoTime() + Math.max(0, timeout.toNanos());
      BatchProgress[] last = {null};
      Consumer<BatchProgress> report =
          c -> {
            if (!c.equals(last[0])) {
              last[0] = c;
              progress.accept(c);
            }
          };
      if (!spool(rows)) {
        BatchProgress c = progress();
        report.accept(c);
        return c;
      }
      report.accept(progress());
      reconcile();
      submit(report);
      while (true) {
        poll();
        fetch(report);
        BatchProgress c = progress();
        report.accept(c);
        if (c.finished()) {
          return c;
        }
        long left = deadline - hooks.nanoTime();
        if (left <= 0) {
          throw Errors.exceptions()
              .timeout(
                  "The batch run "
                      + runId()
                      + " has "
                      + (c.batches() - c.batchesDone())
                      + " of its "
                      + c.batches()
                      + " batches still running after "
                      + human(timeout)
                      + "; they keep running on the server: call await again (in this process"
                      + " or another, on the same state directory), or cancel the run",
                  null,
                  null);
        }
        pause(Duration.ofNanos(Math.min(left, settings.pollInterval().toNanos())));
      }
    } finally {
      running.unlock();
    }
  }

  /** Writes the rows unless the directory holds them; false when the run has none to go on with. */
  private boolean spool(Iterator<Map.Entry<String, ChatRequest>> rows) {
    synchronized (this) {
      if (journal.spooled()) {
        return true;
      }
      if (journal.cancelled()) {
        return false;
      }
      journal.restartSpool();
    }
    Spool spool =
        new Spool(settings.dir(), settings.maxRows(), settings.maxBytes(), remote::inputLine);
    spool.clear();
    Spool.Written written = spool.write(rows, this::cancelled);
    hooks.step("spooling", -1);
    if (written == null) {
      spool.clear(); // cancelled while reading the rows: none of them is the run's
      return false;
    }
    journal.syncDirectory();
    synchronized (this) {
      journal.spooled(written.parts(), written.rows(), written.refused());
    }
    hooks.step("spooled", -1);
    return true;
  }

  private synchronized boolean cancelled() {
    return journal.cancelled();
  }

  /**
   * A resumed run looks once for what a crash may have left on the server unrecorded: an upload of
   * a part not journalled as uploaded, and a batch whose creation was intended but not journalled.
   */
  private void reconcile() {
    if (reconciled || !journal.resumed()) {
      return;
    }
    reconciled = true;
    List<Part> unuploaded = new ArrayList<>();
    Map<Integer, Part> intended = new HashMap<>();
    synchronized (this) {
      for (Part p : journal.parts()) {
        if (p.stage() == Stage.SPOOLED) {
          unuploaded.add(p);
        }
        if (p.stage() == Stage.CREATING) {
          intended.put(p.number, p);
        }
      }
    }
    if (!unuploaded.isEmpty()) {
      Map<String, FileObject> byName = new LinkedHashMap<>();
      for (FileObject f : remote.files()) {
        if (f.filename() != null && f.filename().startsWith(runId() + "-")) {
          FileObject earlier = byName.putIfAbsent(f.filename(), f);
          if (earlier != null) {
            deleteQuietly(f.id()); // a second upload of one part: only one is used
          }
        }
      }
      foundFiles = byName;
    }
    if (!intended.isEmpty()) {
      Map<Integer, Batch> byPart = new HashMap<>();
      String after = null;
      long since = journal.createdAt() - CLOCK_SKEW_SECONDS;
      scan:
      while (byPart.size() < intended.size()) {
        List<Batch> page = remote.list(after, 100);
        for (Batch b : page) {
          if (b.createdAt() != 0 && b.createdAt() < since) {
            break scan; // older than the run: listed newest first, none further is its
          }
          Integer part = partOf(b);
          if (part != null && intended.containsKey(part)) {
            byPart.putIfAbsent(part, b);
          }
        }
        if (page.isEmpty()) {
          break;
        }
        after = page.get(page.size() - 1).id();
      }
      foundBatches = byPart;
    }
  }

  /** The part a batch of this run was created for, or null for another run's or none. */
  private Integer partOf(Batch b) {
    if (!runId().equals(b.metadata().get(RUN_KEY))) {
      return null;
    }
    try {
      return Integer.valueOf(b.metadata().getOrDefault(PART_KEY, ""));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Uploads and creates every part not yet created; once cancelled, marks the rest skipped, but for
   * a batch whose creation a crash left unjournalled and the reconciling found: that one is taken
   * on (and cancelled), not left running on the server unwatched.
   */
  private void submit(Consumer<BatchProgress> report) {
    List<Part> parts;
    synchronized (this) {
      parts = List.copyOf(journal.parts());
    }
    for (Part p : parts) {
      synchronized (this) {
        if (!p.stage().beforeCreation()) {
          continue;
        }
        if (journal.cancelled() && !foundBatches.containsKey(p.number)) {
          journal.skipped(p);
          continue;
        }
      }
      upload(p);
      create(p);
      report.accept(progress());
    }
  }

  private void upload(Part p) {
    if (p.stage() != Stage.SPOOLED) {
      return;
    }
    String name = fileName(p);
    FileObject found = foundFiles.get(name);
    if (found == null || found.bytes() != p.bytes) {
      hooks.step("uploading", p.number);
      found = remote.upload(settings.dir().resolve(p.file("part")), name);
      hooks.step("uploaded", p.number);
    }
    String fileId = id(found.id(), "an uploaded file's id");
    synchronized (this) {
      journal.uploaded(p, fileId);
    }
  }

  private String fileName(Part p) {
    return runId() + "-" + p.file("part");
  }

  private void create(Part p) {
    Batch b = foundBatches.get(p.number);
    if (b == null) {
      synchronized (this) {
        journal.creating(p, hooks.epochSeconds());
      }
      hooks.step("creating", p.number);
      Map<String, String> metadata = new LinkedHashMap<>(settings.metadata());
      metadata.put(RUN_KEY, runId());
      metadata.put(PART_KEY, Integer.toString(p.number));
      b = remote.create(p.fileId, settings.completionWindow(), metadata);
      hooks.step("created", p.number);
    }
    String batchId = id(b.id(), "a batch id");
    boolean cancel;
    synchronized (this) {
      journal.created(p, batchId);
      cancel = updateToCancel(p, b);
    }
    if (cancel) {
      cancelQuietly(p);
    }
  }

  /**
   * Returns an id Kimi answered, as the journal keeps it and later calls send it back: not blank,
   * at most 256 characters, no control characters.
   *
   * @throws KimiException (a decoding error) for anything else
   */
  private String id(String id, String what) {
    if (id == null
        || id.isBlank()
        || id.length() > 256
        || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw Errors.exceptions()
          .decoding(
              "Kimi answered "
                  + what
                  + " the batch run cannot keep: "
                  + (id == null ? "none" : "\"" + kept(id, 64) + "\""),
              null,
              null);
    }
    return id;
  }

  /**
   * A server's short text ({@code s}: a batch's status, an id it answered) as the run keeps it in
   * its journal and messages: at most {@code max} characters, its control characters escaped, so
   * that it can forge no line; null stays null.
   */
  static String kept(String s, int max) {
    return s == null ? null : Untrusted.escape(s.length() > max ? s.substring(0, max) + "..." : s);
  }

  /** A duration as a message says it: {@code 250 ms}, {@code 30 s}, {@code 5 min}. */
  static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + " ms";
    }
    long s = d.toSeconds();
    if (s % 60 == 0 && s >= 60) {
      return (s / 60) + " min";
    }
    return s + " s";
  }

  /** Takes a batch's state as seen; a final one is journalled with its files. */
  private void update(Part p, Batch b) {
    if (!p.stage().running()) {
      return;
    }
    p.status = kept(b.status(), 64);
    p.total = b.total();
    p.completed = b.completed();
    p.failed = b.failed();
    if (b.isFinished()) {
      hooks.step("finished", p.number);
      p.outputFileId = b.outputFileId() == null ? null : id(b.outputFileId(), "an output file id");
      p.errorFileId = b.errorFileId() == null ? null : id(b.errorFileId(), "an error file id");
      journal.finished(p);
    }
  }

  /**
   * Takes a batch's state as seen and tells whether to cancel it: the run was cancelled and the
   * batch still runs, and is now marked cancelling. Called holding this engine's lock; the caller
   * cancels it after letting go.
   */
  private boolean updateToCancel(Part p, Batch b) {
    update(p, b);
    boolean cancel = journal.cancelled() && p.stage() == Stage.RUNNING;
    if (cancel) {
      p.moveTo(Stage.CANCELLING);
    }
    return cancel;
  }

  /** Asks for every running batch's state once, and cancels those still running once cancelled. */
  private void poll() {
    List<Part> parts;
    synchronized (this) {
      parts = List.copyOf(journal.parts());
    }
    for (Part p : parts) {
      String id;
      synchronized (this) {
        if (!p.stage().running()) {
          continue;
        }
        id = p.batchId;
      }
      Batch b = remote.get(id);
      boolean cancel;
      synchronized (this) {
        cancel = updateToCancel(p, b);
      }
      if (cancel) {
        cancelQuietly(p);
      }
    }
  }

  /** Downloads the results of every batch that ended, then deletes its files from Kimi. */
  private void fetch(Consumer<BatchProgress> report) {
    List<Part> parts;
    synchronized (this) {
      parts = List.copyOf(journal.parts());
    }
    for (Part p : parts) {
      boolean get;
      synchronized (this) {
        get = p.stage() == Stage.FINISHED;
      }
      if (get) {
        download(p.outputFileId, p.file("output"));
        download(p.errorFileId, p.file("errors"));
        hooks.step("downloading", p.number);
        journal.syncDirectory();
        synchronized (this) {
          journal.downloaded(p);
        }
        hooks.step("downloaded", p.number);
        report.accept(progress());
      }
      boolean clean;
      synchronized (this) {
        clean = settings.deleteServerFiles() && p.stage() == Stage.DOWNLOADED;
      }
      if (clean) {
        for (String id : new String[] {p.fileId, p.outputFileId, p.errorFileId}) {
          if (id != null) {
            deleteQuietly(id);
          }
        }
        synchronized (this) {
          journal.cleaned(p);
        }
      }
    }
  }

  private void download(String fileId, String name) {
    Path target = settings.dir().resolve(name);
    if (fileId == null) {
      return;
    }
    Path partial = settings.dir().resolve(name + ".download");
    remote.download(fileId, partial, MAX_FILE_BYTES);
    try {
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target, e);
    }
  }

  private void deleteQuietly(String fileId) {
    try {
      remote.delete(fileId);
    } catch (NotFoundException gone) {
      // deleted before a crash, or by someone else: what was wanted
    } catch (KimiException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "Could not delete file "
                  + fileId
                  + " of batch run "
                  + runId()
                  + ": "
                  + e.getMessage());
    }
  }

  private void cancelQuietly(Part p) {
    try {
      remote.cancel(p.batchId);
    } catch (KimiException e) {
      // a batch that ended meanwhile cannot be cancelled; the next poll sees how it ended
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "Cancelling batch " + p.batchId + " answered: " + e.getMessage());
    }
  }

  private void pause(Duration d) {
    if (hooks.pause(d)) {
      return;
    }
    long end = System.nanoTime() + d.toNanos();
    synchronized (this) {
      try {
        while (!wake) {
          long left = end - System.nanoTime();
          if (left <= 0) {
            break;
          }
          wait(Math.max(1, left / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException(
            CancelledException.Reason.INTERRUPTED,
            "Waiting for the batch run "
                + runId()
                + " was interrupted; its batches keep running (call await again, or cancel it)",
            e);
      }
      wake = false;
    }
  }

  /**
   * Cancels the run: no batch is created from now on (in this process or a resumed one), and each
   * batch still running is asked to cancel; {@link #await} then waits for them to end and fetches
   * what they finished.
   */
  public void cancel() {
    List<Part> toCancel = new ArrayList<>();
    synchronized (this) {
      journal.cancel();
      for (Part p : journal.parts()) {
        if (p.stage() == Stage.RUNNING) {
          p.moveTo(Stage.CANCELLING);
          toCancel.add(p);
        }
      }
      wake = true;
      notifyAll();
    }
    toCancel.forEach(this::cancelQuietly);
  }

  /**
   * Returns where the run stands.
   *
   * @return the progress
   */
  public synchronized BatchProgress progress() {
    long completed = 0;
    long failed = journal.refused();
    int done = 0;
    List<Part> parts = journal.parts();
    for (Part p : parts) {
      completed += p.completed;
      failed += p.failed;
      done += p.stage().done() ? 1 : 0;
    }
    boolean finished =
        (journal.spooled() && done == parts.size()) || (!journal.spooled() && journal.cancelled());
    return new BatchProgress(
        journal.rows(), parts.size(), done, completed, failed, journal.cancelled(), finished);
  }

  /**
   * Reads the results of a finished run back from disk, one row at a time.
   *
   * @return the outcomes; close it to close the file being read
   * @throws IllegalStateException if the run has not finished
   */
  public Results results() {
    List<Part> parts;
    synchronized (this) {
      if (!progress().finished()) {
        throw new IllegalStateException(
            "The batch run "
                + runId()
                + " has not finished: call await until it returns, then read the results");
      }
      parts = List.copyOf(journal.parts());
    }
    return new Results(settings.dir(), parts, settings.maxLine(), remote::readLine);
  }

  /** Releases the state directory; the run can be opened again, here or in another process. */
  @Override
  public void close() {
    journal.close();
  }
}
