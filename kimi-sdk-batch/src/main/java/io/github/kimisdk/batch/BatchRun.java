package io.github.kimisdk.batch;

import io.github.kimisdk.KimiBatches;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiFiles;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.batch.internal.BatchEngine;
import io.github.kimisdk.batch.internal.Outcome;
import io.github.kimisdk.batch.internal.Remote;
import io.github.kimisdk.batch.internal.Results;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchLine;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Many rows through Kimi's batch API, in bounded memory and resumable, opened with {@link
 * #open(KimiClient, Stream, Options)} (artifact {@code kimi-sdk-batch}, on the Batch API's own
 * calls of {@link KimiBatches} and {@link KimiFiles}): the rows (each a {@code custom_id} and a
 * {@link ChatRequest}) are written to a state directory as JSONL, split into batches within Kimi's
 * limits, uploaded and created; the batches are polled, with progress, until they end; their result
 * files are downloaded; and the results stream back from disk, each keyed by its row's {@code
 * custom_id}, a failed row as a value.
 *
 * <pre>{@code
 * BatchRun.Options options =
 *     BatchRun.Options.builder(Path.of("state/nightly"))
 *         .onProgress(p -> System.out.println(p.done() + " of " + p.rows() + " rows"))
 *         .build();
 * try (Stream<BatchRun.Row> rows =
 *         texts.stream().map(t -> BatchRun.Row.of(t.id(), ChatRequest.of("kimi-k2.6", t.text())));
 *     BatchRun run = BatchRun.open(kimi, rows, options)) {
 *   run.await(Duration.ofHours(24));
 *   try (Stream<BatchRun.Result> results = run.results()) {
 *     results.forEach(r -> save(r.customId(), r.isSuccess() ? r.completion().text() : null));
 *   }
 * }
 * }</pre>
 *
 * <p><b>Resuming.</b> Everything a run needs is in its state directory; a process that dies (a
 * crash, {@code kill -9}, a machine restarted) loses nothing. Opening the same directory again, in
 * the same process or another, with the same rows in the same order, takes the run on where the
 * journal left it: no batch is created twice, no row is lost, and rows already written are not read
 * again. A step whose effect may have reached Kimi without being journalled is looked for on the
 * server before it is repeated: an upload among the account's files by its name, and a batch (whose
 * creation is journalled as an intent first) among the account's batches by its metadata, which
 * carries the run's id and the batch's number under {@code kimi_sdk_run} and {@code kimi_sdk_part}.
 *
 * <p><b>Memory.</b> Nothing held grows with the number of rows: one row at a time is written, the
 * files go to and from Kimi streamed, and the results are read back one line at a time (each line
 * bounded by {@link KimiClient#DEFAULT_MAX_RESPONSE_BYTES}, as a reply's body is by default). What
 * grows is the disk: the input, about the size of the requests as JSON, and the results.
 *
 * <p><b>Thread model.</b> One thread at a time may be in {@link #await}; {@link #cancel()} and
 * {@link #progress()} may be called from any thread at any time. The rows are read on the thread
 * that calls {@code await}, and the progress listener is called on it.
 */
public final class BatchRun implements AutoCloseable {

  private final BatchEngine engine;
  private final Stream<Row> rows;
  private final Options options;
  private Iterator<Map.Entry<String, ChatRequest>> source; // taken once, by the first await

  private BatchRun(BatchEngine engine, Stream<Row> rows, Options options) {
    this.engine = engine;
    this.rows = rows;
    this.options = options;
  }

  /**
   * Opens a run of many rows through {@code kimi}'s batch API, in bounded memory and resumable:
   * nothing is read or sent until {@link #await}. A state directory that holds a run already is
   * that run, taken on where it stood; {@code rows} are then read only if the run had not written
   * them all to disk, and must be the same rows in the same order.
   *
   * <p>Each row's request is adapted to its model and checked as a chat call's would be ({@link
   * KimiBatches#inputLine}); a row the client refuses (a request its model rejects, or a line
   * larger than a batch may be) is not sent and comes back as a failed result. The calls to Kimi
   * carry the client's settings, and a derived client's options ({@code kimi.withOptions(options)})
   * apply to each of them.
   *
   * @param kimi the client whose batch and file endpoints the run calls
   * @param rows the rows, read once, on the thread that first calls {@code await}; closed by {@link
   *     #close()}
   * @param options the run's options
   * @return the run, holding its state directory until closed
   * @throws IllegalStateException if another open run holds the state directory
   * @throws IllegalArgumentException if the state directory holds something that is not a run
   * @throws UncheckedIOException if the state directory cannot be read or written
   */
  public static BatchRun open(KimiClient kimi, Stream<Row> rows, Options options) {
    return open(kimi, rows, options, BatchEngine.Hooks.NONE);
  }

  /** {@link #open(KimiClient, Stream, Options)} with a test's clock, waits and crash points. */
  static BatchRun open(
      KimiClient kimi, Stream<Row> rows, Options options, BatchEngine.Hooks hooks) {
    Objects.requireNonNull(kimi, "kimi");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(options, "options");
    BatchEngine.Settings settings =
        new BatchEngine.Settings(
            options.stateDirectory(),
            options.completionWindow(),
            options.metadata(),
            options.maxRowsPerBatch(),
            options.maxBytesPerBatch(),
            options.pollInterval(),
            options.deleteServerFiles(),
            (int) Math.min(KimiClient.DEFAULT_MAX_RESPONSE_BYTES, Integer.MAX_VALUE - 8));
    BatchEngine engine = BatchEngine.open(settings, new ClientRemote(kimi), hooks);
    return new BatchRun(engine, rows, options);
  }

  /** Kimi's file and batch endpoints, as a run asks for them: blocking, with the client's calls. */
  private static final class ClientRemote implements Remote {
    private final KimiFiles files;
    private final KimiBatches batches;

    ClientRemote(KimiClient kimi) {
      this.files = kimi.files();
      this.batches = kimi.batches();
    }

    @Override
    public FileObject upload(Path file, String filename) {
      return files.upload(file, filename, FilePurpose.BATCH);
    }

    @Override
    public List<FileObject> files() {
      return files.list();
    }

    @Override
    public Batch create(String inputFileId, String completionWindow, Map<String, String> metadata) {
      return batches.createFromFile(inputFileId, completionWindow, metadata);
    }

    @Override
    public List<Batch> list(String after, int limit) {
      return batches.list(after, limit);
    }

    @Override
    public Batch get(String batchId) {
      return batches.get(batchId);
    }

    @Override
    public void cancel(String batchId) {
      batches.cancel(batchId);
    }

    @Override
    public void download(String fileId, Path target, long limit) {
      files.download(fileId, target, limit);
    }

    @Override
    public byte[] inputLine(String customId, ChatRequest request) {
      return batches.inputLine(customId, request);
    }

    @Override
    public BatchLine readLine(String line) {
      return batches.readLine(line);
    }

    @Override
    public void delete(String fileId) {
      files.delete(fileId);
    }
  }

  /**
   * Returns the run's id: its batches carry it in their metadata ({@code kimi_sdk_run}), and its
   * uploads in their names.
   *
   * @return the id
   */
  public String id() {
    return engine.runId();
  }

  /**
   * Takes the run on until every batch has ended and its results are on disk, or until {@code
   * timeout} passes. On a new run it first reads the rows and writes them to disk, then uploads and
   * creates the batches; on a resumed one it goes on from where the journal stands. Between polls
   * it waits the options' poll interval; the progress listener hears of every change, on this
   * thread. Cancelled ({@link #cancel()}), it creates no more batches and waits for the running
   * ones to stop.
   *
   * @param timeout how long to go on; the batches keep running after it passes
   * @return where the run stands, {@link BatchProgress#finished()}
   * @throws KimiTimeoutException if the timeout passes first: call again to go on
   * @throws KimiException if a call to Kimi fails: the journal keeps what was done, so calling
   *     again (here or, after a restart, on a run opened again) goes on from there
   * @throws CancelledException if the thread is interrupted while it waits (its interrupt status is
   *     set again)
   * @throws IllegalArgumentException if two rows bound for the same batch share a {@code custom_id}
   * @throws IllegalStateException if another thread is in this method, or the rows were already
   *     read by a call that failed while reading them (open the run again, with the rows)
   * @throws UncheckedIOException if the state directory cannot be read or written
   */
  public BatchProgress await(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return engine.await(rows(), timeout, options.onProgress());
  }

  private synchronized Iterator<Map.Entry<String, ChatRequest>> rows() {
    if (source == null) {
      Iterator<Row> it = rows.iterator();
      source =
          new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Map.Entry<String, ChatRequest> next() {
              Row r = Objects.requireNonNull(it.next(), "a row of the stream is null");
              return Map.entry(r.customId(), r.request());
            }
          };
    }
    return source;
  }

  /**
   * Cancels the run, from any thread: no batch is created from now on (the journal says so, so a
   * resumed run creates none either), and every batch still running is asked to cancel (Kimi then
   * reports it {@code cancelling}, then {@code cancelled}). {@link #await} goes on until they have
   * stopped and fetches what they finished; each row they did not finish gets a failure.
   *
   * @throws UncheckedIOException if the journal cannot be written
   */
  public void cancel() {
    engine.cancel();
  }

  /**
   * Returns where the run stands, as the last poll saw it.
   *
   * @return the progress
   */
  public BatchProgress progress() {
    return engine.progress();
  }

  /**
   * Streams the results of a finished run from disk: one per row, grouped by batch (each batch's
   * answered rows, then its failed ones, then those it left without a line) and then the rows
   * refused before sending; not in row order ({@link Result#index()} gives it). Reading holds one
   * batch's {@code custom_id}s and one result line at a time. The stream may be read again, as
   * often as wanted, also by a run opened later on the same directory.
   *
   * @return the results; close the stream (try-with-resources) to close the file it reads
   * @throws IllegalStateException if the run has not finished ({@link #await} has not returned)
   */
  public Stream<Result> results() {
    Results read = engine.results();
    Iterator<Result> it =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return read.hasNext();
          }

          @Override
          public Result next() {
            Outcome o = read.next();
            return new Result(o.customId(), o.index(), o.completion(), o.error());
          }
        };
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(read::close);
  }

  /**
   * Closes the rows' stream and releases the state directory, which a later run may open again. The
   * batches are not touched: running ones keep running on the server. Not while another thread is
   * in {@link #await}: cancel the run, or let it return, first.
   */
  @Override
  public void close() {
    try {
      rows.close();
    } finally {
      engine.close();
    }
  }

  /** Returns the run's id and state directory. */
  @Override
  public String toString() {
    return RecordText.of("BatchRun")
        .add("id", id())
        .add("stateDirectory", options.stateDirectory())
        .toString();
  }

  /**
   * One row of a run: a chat request and the {@code custom_id} its result comes back under.
   *
   * @param customId the row's id, unique within its batch (make it unique in the run: results are
   *     keyed by it)
   * @param request the request; sent as the client would send it, adapted to its model, with no
   *     {@code stream} flag
   */
  public record Row(String customId, ChatRequest request) {

    /**
     * Validates the row.
     *
     * @param customId the row's id
     * @param request the request
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code customId} is blank
     */
    public Row {
      Objects.requireNonNull(customId, "customId");
      Objects.requireNonNull(request, "request");
      if (customId.isBlank()) {
        throw new IllegalArgumentException("customId must not be blank");
      }
    }

    /**
     * Returns a row.
     *
     * @param customId the row's id
     * @param request the request
     * @return the row
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code customId} is blank
     */
    public static Row of(String customId, ChatRequest request) {
      return new Row(customId, request);
    }
  }

  /**
   * One row's outcome: exactly one of {@link #completion()} and {@link #error()} is non-null. A row
   * Kimi failed carries the status and error its line gave; a row with no result at all (its batch
   * expired, was cancelled, or failed as a whole), or refused before sending (a request its model
   * would reject, a line over the batch size), carries status 0 and says why.
   *
   * @param customId the row's {@code custom_id}
   * @param index the row's position among the rows given, from 0
   * @param completion the reply, or null
   * @param error why the row failed, or null
   */
  public record Result(
      String customId, long index, ChatCompletion completion, BatchResult.Error error) {

    /**
     * Validates that exactly one of {@code completion} and {@code error} is set.
     *
     * @param customId the row's {@code custom_id}
     * @param index the row's position
     * @param completion the reply, or null
     * @param error the failure, or null
     * @throws NullPointerException if {@code customId} is null
     * @throws IllegalArgumentException if both or neither of {@code completion} and {@code error}
     *     are set
     */
    public Result {
      Objects.requireNonNull(customId, "customId");
      if ((completion == null) == (error == null)) {
        throw new IllegalArgumentException("exactly one of completion and error must be set");
      }
    }

    /**
     * Tells whether the row was answered.
     *
     * @return true if there is a completion
     */
    public boolean isSuccess() {
      return completion != null;
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("Result")
          .add("customId", customId)
          .add("index", index)
          .add("completion", completion)
          .add("error", error)
          .toString();
    }
  }

  /**
   * How a run splits, sends and waits, and where it keeps its state; made by {@link
   * #builder(Path)}.
   *
   * @param stateDirectory the directory of the run's journal, its input and its results; one
   *     directory per run
   * @param completionWindow each batch's completion window, {@code "12h"} to {@code "7d"}
   * @param metadata up to 14 metadata pairs for every batch (Kimi takes 16; the run uses 2)
   * @param maxRowsPerBatch the most rows in one batch
   * @param maxBytesPerBatch the most bytes of one batch's input file
   * @param pollInterval the wait between two polls of the running batches, at least 1 second; each
   *     poll is one {@code GET /batches/{id}} per running batch
   * @param deleteServerFiles whether a batch's input, output and error files are deleted from Kimi
   *     once its results are on disk (Kimi keeps at most 1,000 files and 10 GB per account)
   * @param onProgress told where the run stands after every change, on the thread in {@link #await}
   */
  public record Options(
      Path stateDirectory,
      String completionWindow,
      Map<String, String> metadata,
      int maxRowsPerBatch,
      long maxBytesPerBatch,
      Duration pollInterval,
      boolean deleteServerFiles,
      Consumer<BatchProgress> onProgress) {

    /**
     * The default number of rows in one batch: 10,000. Kimi documents no limit on the lines of a
     * batch's input; this is a conservative choice (OpenAI's batch API, which Kimi's mirrors, takes
     * 50,000), and {@link Builder#maxRowsPerBatch} changes it.
     */
    public static final int DEFAULT_MAX_ROWS_PER_BATCH = 10_000;

    /**
     * The default size of one batch's input file: 50 MB, half of the 100 MB Kimi documents for a
     * file, so that a batch stays within it with room to spare.
     */
    public static final long DEFAULT_MAX_BYTES_PER_BATCH = 50_000_000L;

    /** The largest input file Kimi documents: 100 MB. */
    public static final long MAX_BYTES_PER_BATCH = 100_000_000L;

    /** The default wait between two polls: one minute. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(1);

    /**
     * Validates and copies the options.
     *
     * @param stateDirectory the run's directory
     * @param completionWindow each batch's completion window
     * @param metadata metadata for every batch; null is none
     * @param maxRowsPerBatch the most rows in one batch
     * @param maxBytesPerBatch the most bytes of one batch's input file
     * @param pollInterval the wait between two polls
     * @param deleteServerFiles whether to delete a batch's files from Kimi once fetched
     * @param onProgress the progress listener; null is none
     * @throws NullPointerException if {@code stateDirectory}, {@code completionWindow} or {@code
     *     pollInterval} is null
     * @throws IllegalArgumentException if a value breaks Kimi's limits or is out of range
     */
    public Options {
      Objects.requireNonNull(stateDirectory, "stateDirectory");
      KimiBatches.checkWindow(completionWindow);
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
      if (metadata.size() > 14) {
        throw new IllegalArgumentException(
            "metadata holds at most 14 pairs (Kimi takes 16 and the run names itself in 2);"
                + " remove "
                + (metadata.size() - 14)
                + " of them");
      }
      if (metadata.containsKey(BatchEngine.RUN_KEY) || metadata.containsKey(BatchEngine.PART_KEY)) {
        throw new IllegalArgumentException(
            "metadata keys "
                + BatchEngine.RUN_KEY
                + " and "
                + BatchEngine.PART_KEY
                + " are the run's own; name yours otherwise");
      }
      KimiBatches.checkMetadata(metadata);
      if (maxRowsPerBatch < 1) {
        throw new IllegalArgumentException(
            "maxRowsPerBatch must be at least 1: " + maxRowsPerBatch);
      }
      if (maxBytesPerBatch < 1 || maxBytesPerBatch > MAX_BYTES_PER_BATCH) {
        throw new IllegalArgumentException(
            "maxBytesPerBatch must be from 1 to "
                + MAX_BYTES_PER_BATCH
                + " (Kimi's 100 MB per file): "
                + maxBytesPerBatch);
      }
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "pollInterval must be at least 1 second (every poll is a request per running batch,"
                + " counted against your RPM): "
                + pollInterval);
      }
      onProgress = onProgress == null ? p -> {} : onProgress;
    }

    /**
     * Starts options for a run kept in {@code stateDirectory}, with the defaults: a {@code "24h"}
     * window, no metadata of yours, {@link #DEFAULT_MAX_ROWS_PER_BATCH} rows and {@link
     * #DEFAULT_MAX_BYTES_PER_BATCH} bytes per batch, {@link #DEFAULT_POLL_INTERVAL}, server files
     * deleted once fetched, no progress listener.
     *
     * @param stateDirectory the run's directory, created if missing
     * @return the builder
     * @throws NullPointerException if {@code stateDirectory} is null
     */
    public static Builder builder(Path stateDirectory) {
      return new Builder(Objects.requireNonNull(stateDirectory, "stateDirectory"));
    }

    /** Returns every option but the listener. */
    @Override
    public String toString() {
      return RecordText.of("Options")
          .add("stateDirectory", stateDirectory)
          .add("completionWindow", completionWindow)
          .add("metadata", metadata)
          .add("maxRowsPerBatch", maxRowsPerBatch)
          .add("maxBytesPerBatch", maxBytesPerBatch)
          .add("pollInterval", pollInterval)
          .flag("deleteServerFiles", deleteServerFiles)
          .toString();
    }

    /** Builds {@link Options}; each setter checks nothing, {@link #build()} checks all. */
    public static final class Builder {
      private final Path stateDirectory;
      private String completionWindow = "24h";
      private Map<String, String> metadata = Map.of();
      private int maxRowsPerBatch = DEFAULT_MAX_ROWS_PER_BATCH;
      private long maxBytesPerBatch = DEFAULT_MAX_BYTES_PER_BATCH;
      private Duration pollInterval = DEFAULT_POLL_INTERVAL;
      private boolean deleteServerFiles = true;
      private Consumer<BatchProgress> onProgress;

      private Builder(Path stateDirectory) {
        this.stateDirectory = stateDirectory;
      }

      /**
       * Sets each batch's completion window, {@code "12h"} to {@code "7d"} ({@code "24h"} by
       * default).
       *
       * @param completionWindow the window
       * @return this builder
       */
      public Builder completionWindow(String completionWindow) {
        this.completionWindow = completionWindow;
        return this;
      }

      /**
       * Sets metadata every batch carries, up to 14 pairs.
       *
       * @param metadata the pairs
       * @return this builder
       */
      public Builder metadata(Map<String, String> metadata) {
        this.metadata = metadata;
        return this;
      }

      /**
       * Sets the most rows in one batch ({@link #DEFAULT_MAX_ROWS_PER_BATCH} by default).
       *
       * @param maxRowsPerBatch the rows, at least 1
       * @return this builder
       */
      public Builder maxRowsPerBatch(int maxRowsPerBatch) {
        this.maxRowsPerBatch = maxRowsPerBatch;
        return this;
      }

      /**
       * Sets the most bytes of one batch's input file ({@link #DEFAULT_MAX_BYTES_PER_BATCH} by
       * default, at most {@link #MAX_BYTES_PER_BATCH}); a row longer than this is refused before
       * sending, as a failed result.
       *
       * @param maxBytesPerBatch the bytes
       * @return this builder
       */
      public Builder maxBytesPerBatch(long maxBytesPerBatch) {
        this.maxBytesPerBatch = maxBytesPerBatch;
        return this;
      }

      /**
       * Sets the wait between two polls ({@link #DEFAULT_POLL_INTERVAL} by default, at least 1
       * second).
       *
       * @param pollInterval the wait
       * @return this builder
       */
      public Builder pollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
        return this;
      }

      /**
       * Sets whether a batch's files are deleted from Kimi once its results are on disk (true by
       * default).
       *
       * @param deleteServerFiles whether to delete them
       * @return this builder
       */
      public Builder deleteServerFiles(boolean deleteServerFiles) {
        this.deleteServerFiles = deleteServerFiles;
        return this;
      }

      /**
       * Sets the listener told where the run stands after every change, on the thread in {@link
       * #await}.
       *
       * @param onProgress the listener
       * @return this builder
       */
      public Builder onProgress(Consumer<BatchProgress> onProgress) {
        this.onProgress = onProgress;
        return this;
      }

      /**
       * Builds the options.
       *
       * @return the options
       * @throws IllegalArgumentException if a value breaks Kimi's limits or is out of range
       */
      public Options build() {
        return new Options(
            stateDirectory,
            completionWindow,
            metadata,
            maxRowsPerBatch,
            maxBytesPerBatch,
            pollInterval,
            deleteServerFiles,
            onProgress);
      }
    }
  }
}
