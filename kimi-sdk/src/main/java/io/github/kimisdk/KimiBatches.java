package io.github.kimisdk;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.client.PlatformCalls;
import io.github.kimisdk.internal.client.Scheduler;
import io.github.kimisdk.internal.codec.ChatCodec;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * <p>Every call has an {@code ...Async} variant returning a {@link CompletableFuture} that
 * completes exceptionally with a {@link KimiException}. Kimi limits batch metadata to 16 pairs,
 * keys of up to 64 characters and values of up to 512, and the completion window to 12 hours
 * through 7 days; {@link #create} checks both before sending.
 */
public final class KimiBatches {

  private static final String PREFIX = "request-";

  private final KimiClient client;

  KimiBatches(KimiClient client) {
    this.client = client;
  }

  /**
   * Writes the requests as JSONL, uploads it with purpose {@code batch} and creates the batch.
   *
   * @param requests the chat requests, at least one; a {@code stream} flag is turned off
   * @param completionWindow how long the server may take, such as {@code "24h"}
   * @param metadata up to 16 key/value pairs kept with the batch; may be empty
   * @return the created batch
   * @throws IllegalArgumentException if {@code requests} is empty
   * @throws ApiException if Kimi refused the upload or the batch
   * @throws KimiException for any other failure
   */
  public Batch create(
      List<ChatRequest> requests, String completionWindow, Map<String, String> metadata) {
    return client.await(createAsync(requests, completionWindow, metadata));
  }

  /**
   * Creates a batch without blocking (see {@link #create}); the arguments are checked before
   * anything is sent.
   *
   * @param requests the chat requests, at least one
   * @param completionWindow how long the server may take, {@code "12h"} to {@code "7d"}
   * @param metadata up to 16 pairs; keys up to 64 characters, values up to 512
   * @return the future batch; it completes exceptionally with a {@link KimiException}
   * @throws IllegalArgumentException if {@code requests} is empty, or the window or metadata break
   *     Kimi's limits
   */
  public CompletableFuture<Batch> createAsync(
      List<ChatRequest> requests, String completionWindow, Map<String, String> metadata) {
    Objects.requireNonNull(requests, "requests");
    checkWindow(completionWindow);
    checkMetadata(metadata);
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("requests must not be empty");
    }
    byte[] input = jsonl(requests);
    return client
        .calls()
        .compose(
            client.files().uploadBytesAsync(input, "batch.jsonl", FilePurpose.BATCH),
            file -> sendCreate(file, completionWindow, metadata));
  }

  private CompletableFuture<Batch> sendCreate(
      FileObject input, String completionWindow, Map<String, String> metadata) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("input_file_id").value(input.id());
    w.name("endpoint").value("/v1/chat/completions");
    w.name("completion_window").value(completionWindow);
    if (!metadata.isEmpty()) {
      w.name("metadata").beginObject();
      metadata.forEach((k, v) -> w.name(k).value(v));
      w.endObject();
    }
    byte[] body = w.endObject().toByteArray();
    return decodeAsync(
        client.send(
            "POST", "batches", HttpRequest.BodyPublishers.ofByteArray(body), "application/json"));
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
   */
  public Batch get(String batchId) {
    return client.await(getAsync(batchId));
  }

  /**
   * Returns a batch's current state without blocking (see {@link #get(String)}).
   *
   * @param batchId the batch id
   * @return the future batch; it completes exceptionally with a {@link KimiException}
   * @throws IllegalArgumentException if {@code batchId} is blank
   */
  public CompletableFuture<Batch> getAsync(String batchId) {
    return decodeAsync(client.send("GET", "batches/" + segment(batchId), null, null));
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
    return client.await(listAsync(after, limit));
  }

  /**
   * Lists batches without blocking (see {@link #list(String, int)}).
   *
   * @param after the id to list after, or null to start at the newest
   * @param limit how many to return, 1 to 100
   * @return the future batches; it completes exceptionally with a {@link KimiException}
   * @throws IllegalArgumentException if {@code limit} is outside 1..100
   */
  public CompletableFuture<List<Batch>> listAsync(String after, int limit) {
    if (limit < 1 || limit > 100) {
      throw new IllegalArgumentException("limit must be in [1, 100]: " + limit);
    }
    String query = "batches?limit=" + limit + (after == null ? "" : "&after=" + segment(after));
    return client.calls().map(client.send("GET", query, null, null), this::decodeList);
  }

  private List<Batch> decodeList(KimiResponse<byte[]> r) {
    JsonObject o = PlatformCalls.object(r, client.errors(), "a batch list");
    List<Batch> out = new ArrayList<>();
    if (o.get("data") instanceof JsonArray data) {
      for (JsonValue v : data.values()) {
        if (v instanceof JsonObject b) {
          out.add(decode(b, r));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Asks the server to cancel a batch ({@code POST /batches/{id}/cancel}).
   *
   * @param batchId the batch id
   * @return the batch, usually {@code cancelling}
   * @throws NotFoundException if there is no such batch
   * @throws KimiException for any other failure
   */
  public Batch cancel(String batchId) {
    return client.await(cancelAsync(batchId));
  }

  /**
   * Asks the server to cancel a batch without blocking (see {@link #cancel(String)}).
   *
   * @param batchId the batch id
   * @return the future batch; it completes exceptionally with a {@link KimiException}
   * @throws IllegalArgumentException if {@code batchId} is blank
   */
  public CompletableFuture<Batch> cancelAsync(String batchId) {
    return decodeAsync(
        client.send(
            "POST",
            "batches/" + segment(batchId) + "/cancel",
            HttpRequest.BodyPublishers.noBody(),
            null));
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
    return client.await(awaitFinishedAsync(batchId, pollInterval, timeout));
  }

  /**
   * Polls a batch without blocking a thread until it is finished (see {@link #awaitFinished}).
   * Cancelling the returned future stops polling; it does not cancel the batch.
   *
   * @param batchId the batch id
   * @param pollInterval the wait between polls, at least 1 second
   * @param timeout how long to wait in all
   * @return the future finished batch; it completes exceptionally with a {@link KimiException},
   *     {@link KimiTimeoutException} when the timeout passes first
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
    return client.await(awaitResultsAsync(batchId, requests, pollInterval, timeout));
  }

  /**
   * Waits without blocking until a batch is finished, then fetches its results (see {@link
   * #awaitResults}). Cancelling the returned future stops polling or the download.
   *
   * @param batchId the batch id
   * @param requests the same list given to {@link #create}
   * @param pollInterval the wait between polls, at least 1 second
   * @param timeout how long to wait in all
   * @return the future results, in input order; it completes exceptionally with a {@link
   *     KimiException}
   * @throws IllegalArgumentException if {@code batchId} is blank or a duration is out of range
   */
  public CompletableFuture<List<BatchResult>> awaitResultsAsync(
      String batchId, List<ChatRequest> requests, Duration pollInterval, Duration timeout) {
    Objects.requireNonNull(requests, "requests");
    return client
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
    private final Scheduler scheduler = client.scheduler();
    private volatile CompletableFuture<Batch> current;
    private volatile Batch last;

    Poll(String batchId, Duration interval, Duration timeout) {
      this.batchId = batchId;
      this.interval = interval;
      this.timeout = timeout;
    }

    CompletableFuture<Batch> start() {
      result.whenComplete(
          (r, e) -> {
            CompletableFuture<Batch> c = current;
            if (c != null) {
              c.cancel(true);
            }
          });
      scheduler.schedule(this::expire, timeout);
      poll();
      return client.tracked(result); // closing the client ends the polling
    }

    private void expire() {
      if (result.isDone()) {
        return;
      }
      Batch b = last;
      result.completeExceptionally(
          new KimiTimeoutException(
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

    private void poll() {
      if (result.isDone()) {
        return;
      }
      CompletableFuture<Batch> f;
      try {
        f = getAsync(batchId);
      } catch (RuntimeException e) {
        result.completeExceptionally(client.calls().kimi(e));
        return;
      }
      current = f;
      f.whenComplete(
          (b, e) -> {
            if (e != null) {
              result.completeExceptionally(client.calls().failure(e));
            } else if (b.isFinished()) {
              result.complete(b);
            } else {
              last = b;
              if (!result.isDone()) {
                scheduler.schedule(this::poll, interval);
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
    return client.await(resultsAsync(batch, requests));
  }

  /**
   * Downloads and matches a batch's results without blocking (see {@link #results}).
   *
   * @param batch the batch, as returned after it finished
   * @param requests the same list given to {@link #create}
   * @return the future results, in input order; it completes exceptionally with a {@link
   *     KimiException}
   */
  public CompletableFuture<List<BatchResult>> resultsAsync(
      Batch batch, List<ChatRequest> requests) {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(requests, "requests");
    CompletableFuture<String> output = text(batch.outputFileId());
    return client
        .calls()
        .compose(
            output,
            o -> client.calls().map(text(batch.errorFileId()), e -> match(batch, requests, o, e)));
  }

  private CompletableFuture<String> text(String fileId) {
    if (fileId == null || fileId.isEmpty()) {
      return CompletableFuture.completedFuture("");
    }
    return client.calls().map(client.files().contentAsync(fileId), FileContent::text);
  }

  private List<BatchResult> match(
      Batch batch, List<ChatRequest> requests, String outputText, String errorText) {
    BatchResult[] out = new BatchResult[requests.size()];
    String[] ids = {batch.outputFileId(), batch.errorFileId()};
    String[] texts = {outputText, errorText};
    for (int f = 0; f < 2; f++) {
      String fileId = ids[f];
      String text = texts[f];
      for (String line : text.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        BatchResult r = line(line, requests, fileId);
        if (r != null) {
          out[r.index()] = r;
        }
      }
    }
    List<BatchResult> all = new ArrayList<>(out.length);
    for (int i = 0; i < out.length; i++) {
      all.add(
          out[i] != null
              ? out[i]
              : new BatchResult(
                  i,
                  PREFIX + i,
                  requests.get(i),
                  null,
                  new BatchResult.Error(
                      0,
                      null,
                      "No result for this request (batch status " + batch.status() + ")")));
    }
    return List.copyOf(all);
  }

  private BatchResult line(String line, List<ChatRequest> requests, String fileId) {
    JsonObject o;
    try {
      o = (JsonObject) Json.parse(line);
    } catch (RuntimeException e) {
      throw client.errors().decoding(null, "Batch result file " + fileId + " has a bad line", e);
    }
    String customId = PlatformCalls.string(o, "custom_id");
    if (customId == null || !customId.startsWith(PREFIX)) {
      return null;
    }
    int index;
    try {
      index = Integer.parseInt(customId.substring(PREFIX.length()));
    } catch (NumberFormatException e) {
      return null;
    }
    if (index < 0 || index >= requests.size()) {
      return null;
    }
    ChatRequest request = requests.get(index);
    JsonObject response = o.get("response") instanceof JsonObject r ? r : null;
    int status =
        response != null && response.get("status_code") instanceof JsonNumber n ? n.intValue() : 0;
    if (response != null
        && status >= 200
        && status < 300
        && response.get("body") instanceof JsonObject body) {
      byte[] b = Json.writeBytes(body);
      ChatCompletion c;
      try {
        c = ChatCodec.decodeCompletion(b, 0, b.length);
      } catch (RuntimeException e) {
        throw client
            .errors()
            .decoding(null, "Batch result " + customId + " is not a completion", e);
      }
      return new BatchResult(index, customId, request, c, null);
    }
    JsonObject error = o.get("error") instanceof JsonObject e ? e : null;
    if (error == null
        && response != null
        && response.get("body") instanceof JsonObject body
        && body.get("error") instanceof JsonObject e) {
      error = e;
    }
    String type = null;
    String message = "Request failed with HTTP " + status;
    if (error != null) {
      type = PlatformCalls.string(error, "type");
      if (type == null) {
        type = PlatformCalls.string(error, "code");
      }
      if (error.get("message") instanceof JsonString m) {
        message = m.value();
      }
    }
    return new BatchResult(
        index, customId, request, null, new BatchResult.Error(status, type, message));
  }

  static byte[] jsonl(List<ChatRequest> requests) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < requests.size(); i++) {
      ChatRequest r = Objects.requireNonNull(requests.get(i), "requests[" + i + "]");
      ChatRequest once = r.stream() ? r.toBuilder().stream(false).build() : r;
      byte[] head =
          ("{\"custom_id\":\""
                  + PREFIX
                  + i
                  + "\",\"method\":\"POST\","
                  + "\"url\":\"/v1/chat/completions\",\"body\":")
              .getBytes(StandardCharsets.UTF_8);
      out.write(head, 0, head.length);
      byte[] body = ChatCodec.encodeRequest(once);
      out.write(body, 0, body.length);
      out.write('}');
      out.write('\n');
    }
    return out.toByteArray();
  }

  private CompletableFuture<Batch> decodeAsync(CompletableFuture<KimiResponse<byte[]>> f) {
    return client.calls().map(f, this::decode);
  }

  private Batch decode(KimiResponse<byte[]> r) {
    return decode(PlatformCalls.object(r, client.errors(), "a batch"), r);
  }

  private Batch decode(JsonObject o, KimiResponse<byte[]> r) {
    String id = PlatformCalls.string(o, "id");
    String status = PlatformCalls.string(o, "status");
    if (id == null || status == null) {
      throw client.errors().decoding(r.metadata(), "A batch has no id or status", null);
    }
    JsonObject counts = o.get("request_counts") instanceof JsonObject c ? c : JsonObject.of();
    Map<String, String> metadata = new LinkedHashMap<>();
    if (o.get("metadata") instanceof JsonObject m) {
      m.members()
          .forEach(
              (k, v) -> {
                if (v instanceof JsonString s) {
                  metadata.put(k, s.value());
                }
              });
    }
    return new Batch(
        id,
        status,
        PlatformCalls.string(o, "input_file_id"),
        PlatformCalls.string(o, "output_file_id"),
        PlatformCalls.string(o, "error_file_id"),
        PlatformCalls.string(o, "completion_window"),
        PlatformCalls.number(o, "created_at"),
        (int) PlatformCalls.number(counts, "total"),
        (int) PlatformCalls.number(counts, "completed"),
        (int) PlatformCalls.number(counts, "failed"),
        metadata);
  }

  private static String segment(String id) {
    Objects.requireNonNull(id, "batchId");
    if (id.isBlank()) {
      throw new IllegalArgumentException("batchId must not be blank");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
