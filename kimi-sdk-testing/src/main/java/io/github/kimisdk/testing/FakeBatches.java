package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The batch endpoints of {@link FakeKimiServer}, as Kimi's: {@code POST /v1/batches}, {@code GET
 * /v1/batches} (newest first, {@code after} and {@code limit}), {@code GET /v1/batches/{id}} and
 * {@code POST /v1/batches/{id}/cancel}. Each input line is answered like a chat request (the
 * responder, then the fake model); successes go to an output file, failures to an error file, both
 * written to disk as the lines are answered and stored as files of purpose {@code batch_output}.
 *
 * <p><b>Time.</b> With no {@link #duration} a batch is answered whole when it is created and is
 * {@code completed} at once. With one, a batch is {@code validating} when created, then {@code
 * in_progress}, its lines answered in proportion to the time passed on the server's clock (so a
 * test that moves a clock moves the batches, and one on the system clock waits), and {@code
 * completed} once the duration has passed; a duration longer than the completion window ends it
 * {@code expired} at the window, with what it answered by then. A batch advances when it is read
 * (got, listed or cancelled): nothing runs between requests. Cancelling one that is {@code
 * validating}, {@code in_progress} or {@code finalizing} makes it {@code cancelling}, and the next
 * read {@code cancelled}, with the lines answered so far; cancelling any other leaves it as it is.
 *
 * <p>Memory holds each batch's state and position in its input, never its lines: an input of
 * 100,000 lines and more is read from disk a line at a time, and its results written to disk.
 */
final class FakeBatches implements AutoCloseable {

  private final Clock clock;
  private final FakePlatform files;
  private final Function<RecordedRequest, FakeResponse> chat;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, Job> jobs = new LinkedHashMap<>(); // guarded by itself
  private volatile Duration duration = Duration.ZERO;
  private volatile int failEvery; // 0: none

  FakeBatches(Clock clock, FakePlatform files, Function<RecordedRequest, FakeResponse> chat) {
    this.clock = clock;
    this.files = files;
    this.chat = chat;
  }

  /** Sets how long batches created from now on take; zero completes them when created. */
  void duration(Duration d) {
    duration = d;
  }

  /** Makes every {@code n}-th line of each batch created from now on fail; 0 for none. */
  void failEvery(int n) {
    failEvery = n;
  }

  /** How many batches were created. */
  int created() {
    synchronized (jobs) {
      return jobs.size();
    }
  }

  FakeResponse respond(RecordedRequest request, String path) {
    String method = request.method();
    if (path.equals("/v1/batches") && method.equals("POST")) {
      return create(request);
    }
    if (path.equals("/v1/batches") && method.equals("GET")) {
      return list(request.path());
    }
    String rest = path.substring("/v1/batches/".length());
    boolean cancel = rest.endsWith("/cancel");
    String id = cancel ? rest.substring(0, rest.length() - "/cancel".length()) : rest;
    Job job;
    synchronized (jobs) {
      job = jobs.get(id);
    }
    if (job == null) {
      return FakeModel.error(404, "resource_not_found_error", "Batch not found: " + id);
    }
    if (cancel && method.equals("POST")) {
      return FakeResponse.json(job.cancel());
    }
    if (!cancel && method.equals("GET")) {
      return FakeResponse.json(job.read());
    }
    return FakeModel.error(405, "invalid_request_error", "Method not allowed: " + method);
  }

  private FakeResponse create(RecordedRequest request) {
    if (!(request.json() instanceof JsonObject body)
        || !(body.get("input_file_id") instanceof JsonString input)) {
      return FakeModel.error(400, "invalid_request_error", "Invalid request: input_file_id");
    }
    FakePlatform.StoredFile in = files.file(input.value());
    if (in == null || !in.purpose().equals("batch")) {
      return FakeModel.error(
          400, "invalid_request_error", "Invalid request: no batch input file " + input.value());
    }
    String window = body.get("completion_window") instanceof JsonString w ? w.value() : "24h";
    long seq = sequence.incrementAndGet();
    String id = String.format(Locale.ROOT, "batch_%016d", seq);
    Job job =
        new Job(
            id,
            seq,
            in,
            window,
            body.get("metadata") instanceof JsonObject m ? m : null,
            request.header("Authorization").orElse(""),
            duration,
            failEvery);
    synchronized (jobs) {
      jobs.put(id, job);
    }
    return FakeResponse.json(job.created());
  }

  private FakeResponse list(String fullPath) {
    List<Job> all;
    synchronized (jobs) {
      all = new ArrayList<>(jobs.values());
    }
    java.util.Collections.reverse(all);
    int limit = 20;
    String after = null;
    int q = fullPath.indexOf('?');
    if (q >= 0) {
      for (String kv : fullPath.substring(q + 1).split("&")) {
        if (kv.startsWith("limit=")) {
          try {
            limit = Math.max(1, Math.min(100, Integer.parseInt(kv.substring(6))));
          } catch (NumberFormatException e) {
            return FakeModel.error(400, "invalid_request_error", "Invalid request: limit");
          }
        } else if (kv.startsWith("after=")) {
          after = java.net.URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8);
        }
      }
    }
    int from = 0;
    if (after != null) {
      from = all.size();
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i).id.equals(after)) {
          from = i + 1;
          break;
        }
      }
    }
    List<Job> page = all.subList(from, Math.min(all.size(), from + limit));
    StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
    for (int i = 0; i < page.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(page.get(i).read());
    }
    sb.append("],\"first_id\":");
    sb.append(page.isEmpty() ? "null" : "\"" + page.get(0).id + "\"");
    sb.append(",\"last_id\":");
    sb.append(page.isEmpty() ? "null" : "\"" + page.get(page.size() - 1).id + "\"");
    return FakeResponse.json(
        sb.append(",\"has_more\":").append(from + page.size() < all.size()).append('}').toString());
  }

  @Override
  public void close() {
    List<Job> all;
    synchronized (jobs) {
      all = new ArrayList<>(jobs.values());
    }
    all.forEach(Job::closeFiles);
  }

  /** The completion window in milliseconds: {@code "24h"}, {@code "3d"}; 24 hours if unreadable. */
  static long windowMillis(String window) {
    if (window.matches("[0-9]{1,4}[hd]")) {
      long n = Long.parseLong(window.substring(0, window.length() - 1));
      return Duration.ofHours(window.endsWith("d") ? n * 24 : n).toMillis();
    }
    return Duration.ofHours(24).toMillis();
  }

  /** One batch: its state, and where it is in its input. Guarded by itself. */
  private final class Job {
    final String id;
    final long seq;
    final FakePlatform.StoredFile input;
    final String window;
    final JsonObject metadata;
    final String authorization;
    final long duration; // milliseconds; 0: answered when created
    final int failEvery;
    final long createdAt; // milliseconds on the server's clock
    String status;
    long total;
    long done; // lines answered
    long failed; // of them, failed
    long inProgressAt;
    long finalizingAt;
    long endedAt; // completed, expired or cancelled at; 0 while running
    long cancellingAt;
    InputStream reader; // the input from the next line on; null until read, and once ended
    Path outputPath;
    Path errorPath;
    OutputStream output;
    OutputStream errors;
    String outputFileId;
    String errorFileId;

    Job(
        String id,
        long seq,
        FakePlatform.StoredFile input,
        String window,
        JsonObject metadata,
        String authorization,
        Duration duration,
        int failEvery) {
      this.id = id;
      this.seq = seq;
      this.input = input;
      this.window = window;
      this.metadata = metadata;
      this.authorization = authorization;
      this.duration = duration.toMillis();
      this.failEvery = failEvery;
      this.createdAt = clock.millis();
      this.total = countLines();
      this.status = "validating";
    }

    synchronized String created() {
      if (duration == 0) {
        advance();
      }
      return json();
    }

    synchronized String read() {
      advance();
      return json();
    }

    synchronized String cancel() {
      advance();
      if (status.equals("validating")
          || status.equals("in_progress")
          || status.equals("finalizing")) {
        status = "cancelling";
        cancellingAt = clock.millis();
      }
      return json();
    }

    /** Brings the batch up to the server's clock. */
    private void advance() {
      if (endedAt != 0) {
        return;
      }
      long now = clock.millis();
      if (status.equals("cancelling")) {
        end("cancelled", now);
        return;
      }
      long elapsed = Math.max(0, now - createdAt);
      long windowMillis = windowMillis(window);
      if (duration == 0 || elapsed >= duration) {
        if (duration > windowMillis) {
          answer(total * windowMillis / duration);
          end("expired", createdAt + windowMillis);
          return;
        }
        answer(total);
        finalizingAt = createdAt + duration;
        end("completed", now);
        return;
      }
      if (elapsed >= windowMillis) {
        answer(total * windowMillis / duration);
        end("expired", createdAt + windowMillis);
        return;
      }
      if (inProgressAt == 0) {
        inProgressAt = now;
      }
      status = "in_progress";
      answer(total * elapsed / duration);
    }

    /** Answers lines until {@code target} are. */
    private void answer(long target) {
      try {
        if (done >= target) {
          return;
        }
        if (reader == null) {
          reader = new BufferedInputStream(input.open(), 1 << 16);
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (done < target) {
          line.reset();
          int b;
          while ((b = reader.read()) >= 0 && b != '\n') {
            line.write(b);
          }
          if (isBlank(line)) {
            if (b < 0) {
              return; // counted lines are all answered
            }
            continue;
          }
          done++;
          answerLine(line.toByteArray());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("FakeKimiServer cannot read batch " + id, e);
      }
    }

    private void answerLine(byte[] bytes) throws IOException {
      JsonObject o;
      try {
        o = (JsonObject) Json.parse(bytes);
      } catch (RuntimeException e) {
        fail(
            null, 400, "{\"error\":{\"message\":\"bad line\",\"type\":\"invalid_request_error\"}}");
        return;
      }
      String customId = o.get("custom_id") instanceof JsonString c ? c.value() : null;
      if (failEvery > 0 && done % failEvery == 0) {
        fail(
            customId,
            500,
            "{\"error\":{\"message\":\"The server had an error while processing your request\","
                + "\"type\":\"server_error\"}}");
        return;
      }
      JsonValue chatBody = o.get("body");
      RecordedRequest inner =
          new RecordedRequest(
              "POST",
              "/v1/chat/completions",
              Map.of("Authorization", List.of(authorization)),
              Json.writeBytes(chatBody == null ? JsonObject.of() : chatBody));
      FakeResponse r = chat.apply(inner);
      String answer =
          r.parts().isEmpty() ? "{}" : new String(r.parts().get(0).bytes(), StandardCharsets.UTF_8);
      if (r.status() == 200) {
        if (output == null) {
          outputPath = files.newFile("batch-output-");
          output = new BufferedOutputStream(Files.newOutputStream(outputPath), 1 << 16);
        }
        output.write(resultLine(customId, 200, answer));
      } else {
        fail(customId, r.status(), answer);
      }
    }

    private void fail(String customId, int status, String answer) throws IOException {
      failed++;
      if (errors == null) {
        errorPath = files.newFile("batch-errors-");
        errors = new BufferedOutputStream(Files.newOutputStream(errorPath), 1 << 16);
      }
      errors.write(resultLine(customId, status, answer));
    }

    private byte[] resultLine(String customId, int status, String responseBody) {
      JsonWriter w = new JsonWriter().beginObject();
      w.name("id").value(String.format(Locale.ROOT, "batch_req_%d_%d", seq, done));
      w.name("custom_id").value(customId);
      w.name("response").beginObject();
      w.name("status_code").value(status);
      w.name("request_id").value(String.format(Locale.ROOT, "fake-batch-%d-%d", seq, done));
      JsonValue body;
      try {
        body = Json.parse(responseBody);
      } catch (RuntimeException notJson) {
        body = JsonString.of(responseBody);
      }
      w.name("body").value(body);
      w.endObject();
      w.name("error").nullValue();
      byte[] b = w.endObject().toByteArray();
      byte[] line = new byte[b.length + 1];
      System.arraycopy(b, 0, line, 0, b.length);
      line[b.length] = '\n';
      return line;
    }

    /** Ends the batch: its result files become stored files. */
    private void end(String finalStatus, long at) {
      status = finalStatus;
      endedAt = Math.max(at, createdAt);
      closeFiles();
      if (outputPath != null) {
        outputFileId = files.store("batch_output.jsonl", "batch_output", outputPath).id();
      }
      if (errorPath != null) {
        errorFileId = files.store("batch_error.jsonl", "batch_output", errorPath).id();
      }
    }

    synchronized void closeFiles() {
      for (AutoCloseable c : new AutoCloseable[] {reader, output, errors}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception ignored) {
            // what was written stays readable; the storage directory goes at close
          }
        }
      }
      reader = null;
      output = null;
      errors = null;
    }

    private long countLines() {
      long n = 0;
      try (InputStream in = input.open()) {
        boolean content = false;
        byte[] buf = new byte[1 << 16];
        for (int read = in.read(buf); read >= 0; read = in.read(buf)) {
          for (int i = 0; i < read; i++) {
            byte b = buf[i];
            if (b == '\n') {
              n += content ? 1 : 0;
              content = false;
            } else if (b != ' ' && b != '\r' && b != '\t') {
              content = true;
            }
          }
        }
        return n + (content ? 1 : 0);
      } catch (IOException e) {
        throw new UncheckedIOException("FakeKimiServer cannot read batch input " + input.id(), e);
      }
    }

    private boolean isBlank(ByteArrayOutputStream line) {
      for (byte c : line.toByteArray()) {
        if (c != ' ' && c != '\r' && c != '\t') {
          return false;
        }
      }
      return true;
    }

    private String json() {
      JsonWriter w = new JsonWriter().beginObject();
      w.name("id").value(id).name("object").value("batch");
      w.name("endpoint").value("/v1/chat/completions");
      w.name("errors").nullValue();
      w.name("input_file_id").value(input.id());
      w.name("completion_window").value(window);
      w.name("status").value(status);
      w.name("output_file_id").value(outputFileId);
      w.name("error_file_id").value(errorFileId);
      w.name("created_at").value(createdAt / 1000);
      w.name("in_progress_at").value(inProgressAt == 0 ? null : (Long) (inProgressAt / 1000));
      w.name("expires_at").value((createdAt + windowMillis(window)) / 1000);
      w.name("finalizing_at").value(finalizingAt == 0 ? null : (Long) (finalizingAt / 1000));
      w.name("completed_at").value(status.equals("completed") ? (Long) (endedAt / 1000) : null);
      w.name("failed_at").nullValue();
      w.name("expired_at").value(status.equals("expired") ? (Long) (endedAt / 1000) : null);
      w.name("cancelling_at").value(cancellingAt == 0 ? null : (Long) (cancellingAt / 1000));
      w.name("cancelled_at").value(status.equals("cancelled") ? (Long) (endedAt / 1000) : null);
      w.name("request_counts").beginObject();
      w.name("total").value(total).name("completed").value(done - failed);
      w.name("failed").value(failed);
      w.endObject();
      if (metadata != null) {
        w.name("metadata").value(metadata);
      }
      return w.endObject().toString();
    }
  }
}
