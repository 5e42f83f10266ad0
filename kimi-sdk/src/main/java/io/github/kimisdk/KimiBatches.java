package io.github.kimisdk;

import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.Errors;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.MalformedBodyException;
import io.github.kimisdk.internal.http.ServerText;
import io.github.kimisdk.internal.platform.PlatformCodec;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchLine;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.platform.FileContent;
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
            file -> createFromFileAsync(file.id(), completionWindow, metadata));
  }

  /** Creates a batch over an uploaded input file ({@code POST /batches}). */
  private CompletableFuture<Batch> createFromFileAsync(
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
   * Creates a batch over an input file already uploaded with purpose {@code batch} ({@code POST
   * /batches}): for input files of one's own, too large to hold in memory, written with {@link
   * #inputLine} and uploaded with {@link KimiFiles#upload(java.nio.file.Path, String, FilePurpose)}
   * (as kimi-sdk-batch's {@code BatchRun} does).
   *
   * @param inputFileId the uploaded input file's id
   * @param completionWindow how long the server may take, {@code "12h"} to {@code "7d"}
   * @param metadata up to 16 key/value pairs kept with the batch; may be empty
   * @return the created batch
   * @throws IllegalArgumentException if {@code inputFileId} is blank, or the window or metadata
   *     break Kimi's limits
   * @throws KimiException if the call fails
   */
  public Batch createFromFile(
      String inputFileId, String completionWindow, Map<String, String> metadata) {
    segment(inputFileId);
    checkWindow(completionWindow);
    checkMetadata(metadata);
    return scope.await(createFromFileAsync(inputFileId, completionWindow, metadata));
  }

  /**
   * Returns the line of a batch input file that asks for {@code request} under {@code customId}:
   * the request adapted to its model and checked as this client's chat call would be ({@link
   * KimiClient#adapt}, then the model's checks), without a {@code stream} flag, as JSON followed by
   * a line feed, in UTF-8. What {@link #create} writes for each of its requests; for input files of
   * one's own.
   *
   * @param customId the {@code custom_id} its result comes back under; not blank
   * @param request the request
   * @return the line's bytes
   * @throws IllegalArgumentException if {@code customId} is blank
   * @throws io.github.kimisdk.errors.PreflightException if the request's model would reject it
   */
  public byte[] inputLine(String customId, ChatRequest request) {
    Objects.requireNonNull(customId, "customId");
    if (customId.isBlank()) {
      throw new IllegalArgumentException("customId must not be blank");
    }
    return PlatformCodec.batchLine(customId, scope.checked(request));
  }

  /**
   * Reads one line of a batch's output or error file: its {@code custom_id}, and the completion of
   * a {@code 2xx} response or else what failed (the status inside the batch, the error's type and
   * message, kept as the client keeps a server's text: the key redacted, control characters
   * escaped, cut to a few KiB). For result files of one's own, read a line at a time.
   *
   * @param line the line, without its line feed
   * @return the line's outcome; its {@code customId} is null when the line names none
   * @throws io.github.kimisdk.errors.DecodingException if the line is not a JSON object, or a
   *     {@code 2xx} body is not a completion
   */
  public BatchLine readLine(String line) {
    Objects.requireNonNull(line, "line");
    PlatformCodec.BatchLine b;
    try {
      b = PlatformCodec.batchLine(line, (String) null);
    } catch (MalformedBodyException e) {
      throw Errors.exceptions()
          .decoding(scope.core().errors().text().keep(e.getMessage(), 500), e, null);
    }
    BatchResult.Error error = b.error();
    if (error != null) {
      ServerText text = scope.core().errors().text();
      error =
          new BatchResult.Error(
              error.httpStatus(),
              text.keep(error.type(), 256),
              text.keep(error.message(), ServerText.MAX_MESSAGE));
    }
    return new BatchLine(b.customId(), b.completion(), error);
  }

  /**
   * Checks a completion window against Kimi's documented limits: 12 hours to 7 days, written like
   * {@code "24h"} or {@code "3d"}; what {@link #create} checks before sending, for a tool that
   * takes a window from its user.
   *
   * @param window the window
   * @throws IllegalArgumentException if it is out of range or malformed, saying which are taken
   * @throws NullPointerException if {@code window} is null
   */
  public static void checkWindow(String window) {
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

  /**
   * Checks a batch's metadata against Kimi's documented limits: 16 pairs, keys of 1 to 64
   * characters, values of up to 512; what {@link #create} checks before sending.
   *
   * @param metadata the pairs
   * @throws IllegalArgumentException if they break a limit, naming it
   * @throws NullPointerException if {@code metadata}, a key or a value is null
   */
  public static void checkMetadata(Map<String, String> metadata) {
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
