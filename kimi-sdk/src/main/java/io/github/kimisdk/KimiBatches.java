package io.github.kimisdk;

import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.Errors;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.internal.batch.BatchEngine;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.platform.PlatformCodec;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.platform.FileContent;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Kimi's batch API ({@code /batches}), reached through {@link KimiClient#batches()}. The SDK writes
 * the JSONL input from {@link ChatRequest}s, giving request {@code i} the {@code custom_id} {@code
 * "request-i"}, and matches the results back to the requests.
 *
 * <pre>{@code
 * List<ChatRequest> requests = List.of(ChatRequest.of("kimi-k2.6", "a"), ChatRequest.of("kimi-k2.6", "b"));
 * Batch batch = kimi.batches().create(requests, "24h", Map.of());
 * List<BatchResult> results = kimi.batches().awaitResults(
 *     batch.id(), requests, Duration.ofMinutes(1), Duration.ofHours(24));
 * for (BatchResult r : results) {
 *   System.out.println(r.isSuccess() ? r.completion().text() : r.error().message());
 * }
 * }</pre>
 *
 * <p>Every operation has the forms the client's have: blocking, and {@code ...Async} returning a
 * {@link CompletableFuture} that completes exceptionally with a {@link KimiException}. Settings of
 * a call's own come from a derived client ({@code kimi.withOptions(options).batches()}); a waiting
 * operation applies them to each of its polls and downloads. Kimi limits batch metadata to 16
 * pairs, keys of up to 64 characters and values of up to 512, and the completion window to 12 hours
 * through 7 days; {@link #create} checks both before sending.
 */
public final class KimiBatches {

  private final ClientScope scope;
  private final KimiFiles files;

  KimiBatches(ClientScope scope, KimiFiles files) {
    this.scope = scope;
    this.files = files;
  }

  /**
   * Writes the requests as JSONL, uploads it with purpose {@code batch} and creates the batch.
   *
   * @param requests the chat requests, at least one; a {@code stream} flag is turned off
   * @param completionWindow how long the server may take, {@code "12h"} to {@code "7d"}
   * @param metadata up to 16 key/value pairs kept with the batch; may be empty
   * @return the created batch
   * @throws IllegalArgumentException if {@code requests} is empty, or the window or metadata break
   *     Kimi's limits
   * @throws KimiException if a call fails
   */
  public Batch create(
      List<ChatRequest> requests, String completionWindow, Map<String, String> metadata) {
    return scope.await(createAsync(requests, completionWindow, metadata));
  }

  /**
   * Creates a batch without blocking; the arguments are checked before anything is sent.
   *
   * @param requests the chat requests, at least one
   * @param completionWindow how long the server may take
   * @param metadata up to 16 key/value pairs; may be empty
   * @return the future batch
   * @throws IllegalArgumentException if the arguments break Kimi's limits
   */
  public CompletableFuture<Batch> createAsync(
      List<ChatRequest> requests, String completionWindow, Map<String, String> metadata) {
    Objects.requireNonNull(requests, "requests");
    checkWindow(completionWindow);
    checkMetadata(metadata);
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("requests must not be empty");
    }
    List<ChatRequest> adapted = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      // each line is sent as a chat call would send it: adapted to its model by the client
      adapted.add(scope.adapt(Objects.requireNonNull(requests.get(i), "requests[" + i + "]")));
    }
    byte[] input = PlatformCodec.batchInput(adapted);
    return scope
        .calls()
        .compose(
            files.uploadBytesAsync(input, "batch.jsonl", FilePurpose.BATCH),
            file -> createFromFile(file.id(), completionWindow, metadata));
  }

  /** Creates a batch over an uploaded input file ({@code POST /batches}). */
  CompletableFuture<Batch> createFromFile(
      String inputFileId, String completionWindow, Map<String, String> metadata) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("input_file_id").value(inputFileId);
    w.name("endpoint").value("/v1/chat/completions");
    w.name("completion_window").value(completionWindow);
    if (!metadata.isEmpty()) {
      w.name("metadata").beginObject();
      metadata.forEach((k, v) -> w.name(k).value(v));
      w.endObject();
    }
    return scope.platform(
        "POST",
        "batches",
        HttpRequest.BodyPublishers.ofByteArray(w.endObject().toByteArray()),
        "application/json",
        true,
        PlatformCodec::batch);
  }

  /**
   * Opens a run of many rows through the batch API, in bounded memory and resumable (see {@link
   * BatchRun}): nothing is read or sent until {@link BatchRun#await}. A state directory that holds
   * a run already is that run, taken on where it stood; {@code rows} are then read only if the run
   * had not written them all to disk, and must be the same rows in the same order.
   *
   * <pre>{@code
   * try (BatchRun run = kimi.batches().run(rows, BatchRun.Options.builder(dir).build())) {
   *   run.await(Duration.ofHours(24));
   *   try (Stream<BatchRun.Result> results = run.results()) {
   *     results.forEach(r -> System.out.println(r.customId() + ": " + r.isSuccess()));
   *   }
   * }
   * }</pre>
   *
   * <p>Each row's request is adapted to its model and checked as a chat call's would be; a row the
   * client refuses (a request its model rejects, or a line larger than a batch may be) is not sent
   * and comes back as a failed result. The calls to Kimi carry this client's settings, and a
   * derived client's options ({@code kimi.withOptions(options).batches()}) apply to each of them.
   *
   * @param rows the rows, read once, on the thread that first calls {@code await}; closed by {@link
   *     BatchRun#close()}
   * @param options the run's options
   * @return the run, holding its state directory until closed
   * @throws IllegalStateException if another open run holds the state directory
   * @throws IllegalArgumentException if the state directory holds something that is not a run
   * @throws java.io.UncheckedIOException if the state directory cannot be read or written
   */
  public BatchRun run(Stream<BatchRun.Row> rows, BatchRun.Options options) {
    return run(rows, options, BatchEngine.Hooks.NONE);
  }

  /** {@link #run(Stream, BatchRun.Options)} with a test's clock, waits and crash points. */
  BatchRun run(Stream<BatchRun.Row> rows, BatchRun.Options options, BatchEngine.Hooks hooks) {
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(options, "options");
    scope.ensureOpen();
    BatchEngine.Settings settings =
        new BatchEngine.Settings(
            options.stateDirectory(),
            options.completionWindow(),
            options.metadata(),
            options.maxRowsPerBatch(),
            options.maxBytesPerBatch(),
            options.pollInterval(),
            options.deleteServerFiles(),
            (int) Math.min(scope.config().maxResponseBytes(), Integer.MAX_VALUE - 8));
    BatchEngine engine =
        BatchEngine.open(
            settings, new Remote(), scope::checked, scope.core().errors().text(), hooks);
    return new BatchRun(engine, rows, options);
  }

  /**
   * Kimi's file and batch endpoints, as a run asks for them: blocking, with this client's calls.
   */
  private final class Remote implements io.github.kimisdk.internal.batch.Remote {
    @Override
    public FileObject upload(java.nio.file.Path file, String filename) {
      return files.upload(file, filename, FilePurpose.BATCH);
    }

    @Override
    public List<FileObject> files() {
      return files.list();
    }

    @Override
    public Batch create(String inputFileId, String completionWindow, Map<String, String> metadata) {
      return scope.await(createFromFile(inputFileId, completionWindow, metadata));
    }

    @Override
    public List<Batch> list(String after, int limit) {
      return KimiBatches.this.list(after, limit);
    }

    @Override
    public Batch get(String batchId) {
      return KimiBatches.this.get(batchId);
    }

    @Override
    public void cancel(String batchId) {
      KimiBatches.this.cancel(batchId);
    }

    @Override
    public void download(String fileId, java.nio.file.Path target, long limit) {
      scope.await(files.downloadAsync(fileId, target, limit));
    }

    @Override
    public void delete(String fileId) {
      files.delete(fileId);
    }
  }

  /** Kimi's documented completion windows: 12 hours to 7 days, written like {@code "24h"}. */
  static void checkWindow(String window) {
    Objects.requireNonNull(window, "completionWindow");
    long hours = -1;
    if (window.matches("[0-9]{1,4}[hd]")) {
      long n = Long.parseLong(window.substring(0, window.length() - 1));
      hours = window.endsWith("d") ? n * 24 : n;
    }
    if (hours < 12 || hours > 7 * 24) {
      throw new IllegalArgumentException(
          "completionWindow must be from \"12h\" to \"7d\" (hours like \"24h\" or days like"
              + " \"3d\"): \""
              + window
              + "\"");
    }
  }

  /** Kimi's documented metadata limits: 16 pairs, keys up to 64 characters, values up to 512. */
  static void checkMetadata(Map<String, String> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    if (metadata.size() > 16) {
      throw new IllegalArgumentException(
          "metadata holds at most 16 pairs; remove " + (metadata.size() - 16) + " of them");
    }
    metadata.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "metadata key");
          Objects.requireNonNull(v, "metadata value of " + k);
          if (k.isEmpty() || k.length() > 64) {
            throw new IllegalArgumentException(
                "metadata keys must be 1 to 64 characters: '" + k + "' has " + k.length());
          }
          if (v.length() > 512) {
            throw new IllegalArgumentException(
                "metadata values must be at most 512 characters: the value of '"
                    + k
                    + "' has "
                    + v.length());
          }
        });
  }

  /**
   * Returns a batch's current state ({@code GET /batches/{id}}).
   *
   * @param batchId the batch id
   * @return the batch
   * @throws NotFoundException if there is no such batch
   * @throws KimiException for any other failure
   * @throws IllegalArgumentException if {@code batchId} is blank
   */
  public Batch get(String batchId) {
    return scope.await(getAsync(batchId));
  }

  /**
   * Returns a batch's current state without blocking.
   *
   * @param batchId the batch id
   * @return the future batch
   * @throws IllegalArgumentException if {@code batchId} is blank
   */
  public CompletableFuture<Batch> getAsync(String batchId) {
    return scope.platform(
        "GET", "batches/" + segment(batchId), null, null, true, PlatformCodec::batch);
  }

  /**
   * Lists batches, newest first ({@code GET /batches}).
   *
   * @param after the id to list after (for paging), or null to start at the newest
   * @param limit how many to return, 1 to 100
   * @return the batches
   * @throws IllegalArgumentException if {@code limit} is outside 1..100
   * @throws KimiException if the call fails
   */
  public List<Batch> list(String after, int limit) {
    return scope.await(listAsync(after, limit));
  }

  /**
   * Lists batches without blocking.
   *
   * @param after the id to list after, or null to start at the newest
   * @param limit how many to return, 1 to 100
   * @return the future batches
   * @throws IllegalArgumentException if {@code limit} is outside 1..100
   */
  public CompletableFuture<List<Batch>> listAsync(String after, int limit) {
    if (limit < 1 || limit > 100) {
      throw new IllegalArgumentException("limit must be in [1, 100]: " + limit);
    }
    String query = "batches?limit=" + limit + (after == null ? "" : "&after=" + segment(after));
    return scope.platform("GET", query, null, null, true, PlatformCodec::batches);
  }

  /**
   * Asks the server to cancel a batch ({@code POST /batches/{id}/cancel}).
   *
   * @param batchId the batch id
   * @return the batch, usually {@code cancelling}
   * @throws NotFoundException if there is no such batch
   * @throws KimiException for any other failure
   * @throws IllegalArgumentException if {@code batchId} is blank
   */
  public Batch cancel(String batchId) {
    return scope.await(cancelAsync(batchId));
  }

  /**
   * Asks the server to cancel a batch without blocking.
   *
   * @param batchId the batch id
   * @return the future batch
   * @throws IllegalArgumentException if {@code batchId} is blank
   */
  public CompletableFuture<Batch> cancelAsync(String batchId) {
    return scope.platform(
        "POST",
        "batches/" + segment(batchId) + "/cancel",
        HttpRequest.BodyPublishers.noBody(),
        null,
        true,
        PlatformCodec::batch);
  }

  /**
   * Polls a batch until it is {@linkplain Batch#isFinished() finished}, then returns it. Each poll
   * is one {@code GET /batches/{id}}, counted against the client's {@link RateLimit} if it has one.
   *
   * <pre>{@code
   * Batch done = kimi.batches().awaitFinished(batch.id(), Duration.ofSeconds(30), Duration.ofHours(24));
   * List<BatchResult> results = kimi.batches().results(done, requests);
   * }</pre>
   *
   * @param batchId the batch id
   * @param pollInterval the wait between polls, at least 1 second
   * @param timeout how long to wait in all
   * @return the finished batch ({@code completed}, {@code failed}, {@code expired} or {@code
   *     cancelled})
   * @throws KimiTimeoutException if the batch is still running when the timeout passes (the batch
   *     itself keeps running; call again, or {@link #cancel(String)} it)
   * @throws KimiException if a poll fails
   * @throws IllegalArgumentException if {@code batchId} is blank or a duration is out of range
   */
  public Batch awaitFinished(String batchId, Duration pollInterval, Duration timeout) {
    return scope.await(awaitFinishedAsync(batchId, pollInterval, timeout));
  }

  /**
   * Polls a batch without blocking a thread until it is finished (see {@link #awaitFinished}).
   * Cancelling the returned future stops polling; it does not cancel the batch.
   *
   * @param batchId the batch id
   * @param pollInterval the wait between polls, at least 1 second
   * @param timeout how long to wait in all
   * @return the future finished batch; {@link KimiTimeoutException} when the timeout passes first
   * @throws IllegalArgumentException if {@code batchId} is blank or a duration is out of range
   */
  public CompletableFuture<Batch> awaitFinishedAsync(
      String batchId, Duration pollInterval, Duration timeout) {
    segment(batchId);
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(timeout, "timeout");
    if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "pollInterval must be at least 1 second (every poll is a request counted against your"
              + " RPM): "
              + pollInterval);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    scope.ensureOpen();
    return new Poll(batchId, pollInterval, timeout).start();
  }

  /**
   * Waits until a batch is finished and returns its results matched to {@code requests} (see {@link
   * #awaitFinished} and {@link #results}).
   *
   * @param batchId the batch id
   * @param requests the same list given to {@link #create}
   * @param pollInterval the wait between polls, at least 1 second
   * @param timeout how long to wait in all
   * @return one result per request, in input order
   * @throws KimiTimeoutException if the batch is still running when the timeout passes
   * @throws KimiException if a poll or a download fails
   */
  public List<BatchResult> awaitResults(
      String batchId, List<ChatRequest> requests, Duration pollInterval, Duration timeout) {
    return scope.await(awaitResultsAsync(batchId, requests, pollInterval, timeout));
  }

  /**
   * Waits without blocking until a batch is finished, then fetches its results (see {@link
   * #awaitResults}). Cancelling the returned future stops polling or the download.
   *
   * @param batchId the batch id
   * @param requests the same list given to {@link #create}
   * @param pollInterval the wait between polls, at least 1 second
   * @param timeout how long to wait in all
   * @return the future results, in input order
   * @throws IllegalArgumentException if {@code batchId} is blank or a duration is out of range
   */
  public CompletableFuture<List<BatchResult>> awaitResultsAsync(
      String batchId, List<ChatRequest> requests, Duration pollInterval, Duration timeout) {
    Objects.requireNonNull(requests, "requests");
    return scope
        .calls()
        .compose(
            awaitFinishedAsync(batchId, pollInterval, timeout), b -> resultsAsync(b, requests));
  }

  /** One polling loop: get, and if not finished, schedule the next get; a timer ends it. */
  private final class Poll {
    private final String batchId;
    private final Duration interval;
    private final Duration timeout;
    private final CompletableFuture<Batch> result = new CompletableFuture<>();
    private final Scheduler scheduler = scope.core().scheduler();
    // the waiter's context, captured where the wait starts
    private final ContextPropagator.Captured caller = scope.captureContext();
    private volatile CompletableFuture<Batch> current;
    private volatile Batch last;
    private volatile Runnable withdraw = () -> {};
    private volatile Runnable withdrawExpiry = () -> {};

    Poll(String batchId, Duration interval, Duration timeout) {
      this.batchId = batchId;
      this.interval = interval;
      this.timeout = timeout;
    }

    CompletableFuture<Batch> start() {
      result.whenComplete(
          (r, e) -> {
            withdraw.run();
            withdrawExpiry.run();
            CompletableFuture<Batch> c = current;
            if (c != null) {
              c.cancel(true);
            }
          });
      withdrawExpiry = scheduler.schedule(this::expire, timeout);
      poll();
      // closing the client ends the polling; the waiter's stages run in its context
      return scope.calls().propagation().handOut(scope.core().tracked(result));
    }

    private void expire() {
      if (result.isDone()) {
        return;
      }
      Batch b = last;
      result.completeExceptionally(
          Errors.exceptions()
              .timeout(
                  "Batch "
                      + batchId
                      + " is still "
                      + (b == null ? "not reported" : b.status())
                      + " after "
                      + ErrorFactory.human(timeout)
                      + "; it keeps running on the server: wait again, or cancel it with"
                      + " batches().cancel(id)",
                  null,
                  null));
    }

    /** Polls from the timer, in the waiter's context: the next get is its call. */
    private void pollInContext() {
      ContextPropagator.Scope s = caller.restore();
      try {
        poll();
      } finally {
        s.close();
      }
    }

    private void poll() {
      if (result.isDone()) {
        return;
      }
      CompletableFuture<Batch> f;
      try {
        f = getAsync(batchId);
      } catch (RuntimeException e) {
        result.completeExceptionally(scope.calls().kimi(e));
        return;
      }
      current = f;
      f.whenComplete(
          (b, e) -> {
            if (e != null) {
              result.completeExceptionally(scope.calls().failure(e));
            } else if (b.isFinished()) {
              result.complete(b);
            } else {
              last = b;
              if (!result.isDone()) {
                withdraw = scheduler.schedule(this::pollInContext, interval);
              }
            }
          });
    }
  }

  /**
   * Downloads a batch's output (and error) files and matches each line back to {@code requests} by
   * its {@code custom_id}. A request with no result line gets an error result.
   *
   * @param batch the batch, as returned after it finished
   * @param requests the same list given to {@link #create}
   * @return one result per request, in input order
   * @throws KimiException if a download fails or a line cannot be read
   */
  public List<BatchResult> results(Batch batch, List<ChatRequest> requests) {
    return scope.await(resultsAsync(batch, requests));
  }

  /**
   * Downloads and matches a batch's results without blocking (see {@link #results}).
   *
   * @param batch the batch, as returned after it finished
   * @param requests the same list given to {@link #create}
   * @return the future results, in input order
   */
  public CompletableFuture<List<BatchResult>> resultsAsync(
      Batch batch, List<ChatRequest> requests) {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(requests, "requests");
    return scope
        .calls()
        .compose(
            text(batch.outputFileId()),
            o ->
                scope
                    .calls()
                    .map(
                        text(batch.errorFileId()),
                        e -> PlatformCodec.batchResults(batch, requests, o, e)));
  }

  private CompletableFuture<String> text(String fileId) {
    if (fileId == null || fileId.isEmpty()) {
      return CompletableFuture.completedFuture("");
    }
    return scope.calls().map(files.contentAsync(fileId), FileContent::text);
  }

  private static String segment(String id) {
    Objects.requireNonNull(id, "batchId");
    if (id.isBlank()) {
      throw new IllegalArgumentException("batchId must not be blank");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
