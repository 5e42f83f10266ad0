package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batch endpoints of {@link FakeKimiServer}. A batch completes as soon as it is created: each
 * input line is answered like a chat request (the responder, then the fake model), successes go to
 * an output file, failures to an error file, both in the file store.
 */
final class FakeBatches {

  private final Clock clock;
  private final FakePlatform files;
  private final java.util.function.Function<RecordedRequest, FakeResponse> chat;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, String> batches = new LinkedHashMap<>();

  FakeBatches(
      Clock clock,
      FakePlatform files,
      java.util.function.Function<RecordedRequest, FakeResponse> chat) {
    this.clock = clock;
    this.files = files;
    this.chat = chat;
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
    String batch;
    synchronized (batches) {
      batch = batches.get(id);
    }
    if (batch == null) {
      return FakeModel.error(404, "resource_not_found_error", "Batch not found: " + id);
    }
    if (cancel && method.equals("POST")) {
      // already completed: cancelling a finished batch leaves it as it is
      return FakeResponse.json(batch);
    }
    if (!cancel && method.equals("GET")) {
      return FakeResponse.json(batch);
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
    StringBuilder output = new StringBuilder();
    StringBuilder errors = new StringBuilder();
    int total = 0;
    int failed = 0;
    long seq = sequence.incrementAndGet();
    String[] lines = new String(in.content(), StandardCharsets.UTF_8).split("\n");
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      total++;
      JsonObject o;
      try {
        o = (JsonObject) Json.parse(line);
      } catch (RuntimeException e) {
        failed++;
        errors.append(resultLine(null, total, seq, 400, "{\"error\":{\"message\":\"bad line\"}}"));
        continue;
      }
      String customId = o.get("custom_id") instanceof JsonString c ? c.value() : null;
      JsonValue chatBody = o.get("body");
      RecordedRequest inner =
          new RecordedRequest(
              "POST",
              "/v1/chat/completions",
              Map.of("Authorization", List.of(request.header("Authorization").orElse(""))),
              Json.writeBytes(chatBody == null ? JsonObject.of() : chatBody));
      FakeResponse r = chat.apply(inner);
      String answer =
          r.parts().isEmpty() ? "{}" : new String(r.parts().get(0).bytes(), StandardCharsets.UTF_8);
      if (r.status() == 200) {
        output.append(resultLine(customId, total, seq, 200, answer));
      } else {
        failed++;
        errors.append(resultLine(customId, total, seq, r.status(), answer));
      }
    }
    String outputId =
        output.length() == 0
            ? null
            : files.store("batch_output.jsonl", "batch_output", bytes(output)).id();
    String errorId =
        errors.length() == 0
            ? null
            : files.store("batch_error.jsonl", "batch_output", bytes(errors)).id();
    long now = clock.millis() / 1000;
    String id = String.format(Locale.ROOT, "batch_%016d", seq);
    JsonWriter w = new JsonWriter().beginObject();
    w.name("id").value(id).name("object").value("batch");
    w.name("endpoint").value("/v1/chat/completions");
    w.name("input_file_id").value(input.value());
    w.name("completion_window").value(window);
    w.name("status").value("completed");
    w.name("output_file_id").value(outputId);
    w.name("error_file_id").value(errorId);
    w.name("created_at").value(now).name("completed_at").value(now);
    w.name("request_counts").beginObject();
    w.name("total")
        .value(total)
        .name("completed")
        .value(total - failed)
        .name("failed")
        .value(failed);
    w.endObject();
    if (body.get("metadata") instanceof JsonObject m) {
      w.name("metadata").value(m);
    }
    String json = w.endObject().toString();
    synchronized (batches) {
      batches.put(id, json);
    }
    return FakeResponse.json(json);
  }

  private FakeResponse list(String fullPath) {
    List<String> all;
    synchronized (batches) {
      all = new ArrayList<>(batches.values());
    }
    java.util.Collections.reverse(all);
    int limit = 20;
    String after = null;
    int q = fullPath.indexOf('?');
    if (q >= 0) {
      for (String kv : fullPath.substring(q + 1).split("&")) {
        if (kv.startsWith("limit=")) {
          limit = Integer.parseInt(kv.substring(6));
        } else if (kv.startsWith("after=")) {
          after = kv.substring(6);
        }
      }
    }
    List<String> page = new ArrayList<>();
    boolean started = after == null;
    for (String b : all) {
      if (started && page.size() < limit) {
        page.add(b);
      }
      if (!started && b.contains("\"id\":\"" + after + "\"")) {
        started = true;
      }
    }
    return FakeResponse.json(
        "{\"object\":\"list\",\"data\":["
            + String.join(",", page)
            + "],\"has_more\":"
            + (started && page.size() == limit)
            + "}");
  }

  private static String resultLine(
      String customId, int n, long seq, int status, String responseBody) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("id").value(String.format(Locale.ROOT, "batch_req_%d_%d", seq, n));
    w.name("custom_id").value(customId);
    w.name("response").beginObject();
    w.name("status_code").value(status);
    w.name("request_id").value(String.format(Locale.ROOT, "fake-batch-%d-%d", seq, n));
    w.name("body").value(Json.parse(responseBody));
    w.endObject();
    w.name("error").nullValue();
    return w.endObject().toString() + "\n";
  }

  private static byte[] bytes(StringBuilder sb) {
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
