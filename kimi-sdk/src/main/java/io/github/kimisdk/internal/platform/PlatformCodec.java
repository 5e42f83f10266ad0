package io.github.kimisdk.internal.platform;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.internal.http.MalformedBodyException;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonToken;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.platform.Balance;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchResult;
import io.github.kimisdk.platform.FileContent;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the bodies of Kimi's platform endpoints, every one in this class: the model
 * list, token counts, files, balance and batches (their JSONL input and result files); Kimi Code's
 * answers, which come through the generic request path as JSON, are read by {@code KimiCode} with
 * the same {@link MalformedBodyException}. A decoder fails with {@link MalformedBodyException}
 * saying what the body lacks; the transport turns that into a decoding error with the response's
 * metadata and request id.
 */
public final class PlatformCodec {

  private static final JsonReader.Names LIST = JsonReader.Names.of("data");
  private static final JsonReader.Names MODEL =
      JsonReader.Names.of(
          "id",
          "owned_by",
          "created",
          "context_length",
          "supports_reasoning",
          "supports_image_in",
          "supports_video_in",
          "display_name",
          "supports_tool_use",
          "supports_thinking_type",
          "think_efforts",
          "support_efforts",
          "default_effort",
          "protocol");
  private static final JsonReader.Names EFFORTS =
      JsonReader.Names.of("support", "valid_efforts", "default_effort");
  private static final JsonReader.Names COUNT = JsonReader.Names.of("total_tokens");

  private PlatformCodec() {}

  /**
   * Decodes {@code {"object":"list","data":[...]}}; entries without an {@code id} are skipped.
   *
   * @param b the body
   * @return the models, in the server's order
   */
  public static List<ListedModel> decodeModels(byte[] b) {
    JsonReader r = JsonReader.of(b);
    List<ListedModel> out = new ArrayList<>();
    r.beginObject();
    while (r.hasNext()) {
      if (r.selectName(LIST) == 0 && r.peek() == JsonToken.BEGIN_ARRAY) {
        r.beginArray();
        while (r.hasNext()) {
          ListedModel m = readModel(r);
          if (m != null) {
            out.add(m);
          }
        }
        r.endArray();
      } else {
        r.skipValue();
      }
    }
    r.endObject();
    r.endDocument();
    return out;
  }

  private static ListedModel readModel(JsonReader r) {
    if (r.peek() != JsonToken.BEGIN_OBJECT) {
      r.skipValue();
      return null;
    }
    String id = null;
    String ownedBy = null;
    String displayName = null;
    long created = 0;
    Integer context = null;
    Boolean reasoning = null;
    Boolean image = null;
    Boolean video = null;
    Boolean toolUse = null;
    String thinkingType = null;
    List<String> thinkEfforts = null; // from think_efforts, when its support is true
    String thinkDefault = null;
    List<String> flatEfforts = null; // the older flat support_efforts
    String flatDefault = null;
    String protocol = null;
    r.beginObject();
    while (r.hasNext()) {
      int field = r.selectName(MODEL);
      if (field >= 0 && r.nextIfNull()) {
        continue;
      }
      switch (field) {
        case 0 -> id = r.nextString();
        case 1 -> ownedBy = string(r);
        case 2 -> created = r.peek() == JsonToken.NUMBER ? r.nextLong() : skip(r, 0L);
        case 3 ->
            context =
                r.peek() == JsonToken.NUMBER
                    ? (int) Math.min(Integer.MAX_VALUE, r.nextLong())
                    : skip(r, null);
        case 4 -> reasoning = bool(r);
        case 5 -> image = bool(r);
        case 6 -> video = bool(r);
        case 7 -> displayName = string(r);
        case 8 -> toolUse = bool(r);
        case 9 -> thinkingType = string(r);
        case 10 -> {
          if (r.peek() != JsonToken.BEGIN_OBJECT) {
            r.skipValue();
            break;
          }
          boolean support = false;
          List<String> valid = null;
          String def = null;
          r.beginObject();
          while (r.hasNext()) {
            int f = r.selectName(EFFORTS);
            if (f >= 0 && r.nextIfNull()) {
              continue;
            }
            switch (f) {
              case 0 -> support = Boolean.TRUE.equals(bool(r));
              case 1 -> valid = strings(r);
              case 2 -> def = string(r);
              default -> r.skipValue();
            }
          }
          r.endObject();
          if (support) {
            thinkEfforts = valid == null ? List.of() : valid;
            thinkDefault = def;
          }
        }
        case 11 -> flatEfforts = strings(r);
        case 12 -> flatDefault = string(r);
        case 13 -> protocol = string(r);
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (id == null) {
      return null;
    }
    boolean nested = thinkEfforts != null;
    return new ListedModel(
        id,
        ownedBy,
        created,
        context,
        reasoning,
        image,
        video,
        displayName,
        toolUse,
        thinkingType,
        nested ? thinkEfforts : flatEfforts,
        nested ? thinkDefault : flatDefault,
        protocol);
  }

  // Capability fields are read leniently: a value of an unexpected type counts as absent.

  private static Boolean bool(JsonReader r) {
    return r.peek() == JsonToken.BOOLEAN ? r.nextBoolean() : skip(r, null);
  }

  private static String string(JsonReader r) {
    return r.peek() == JsonToken.STRING ? r.nextString() : skip(r, null);
  }

  private static List<String> strings(JsonReader r) {
    if (r.peek() != JsonToken.BEGIN_ARRAY) {
      return skip(r, null);
    }
    List<String> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      String s = string(r);
      if (s != null && !s.isBlank() && !out.contains(s)) {
        out.add(s);
      }
    }
    r.endArray();
    return out;
  }

  private static <T> T skip(JsonReader r, T value) {
    r.skipValue();
    return value;
  }

  /**
   * Encodes the token-count request: {@code model} and {@code messages}, the fields Moonshot
   * documents for {@code POST /tokenizers/estimate-token-count}.
   *
   * @param request the chat request whose prompt is counted
   * @return the body
   */
  public static byte[] encodeCountRequest(ChatRequest request) {
    JsonWriter w = new JsonWriter();
    w.beginObject().name("model").value(request.model()).name("messages").beginArray();
    for (Message m : request.messages()) {
      MessageForm.writeMessage(w, m);
    }
    return w.endArray().endObject().toByteArray();
  }

  /**
   * Decodes {@code {"data":{"total_tokens":N}}}.
   *
   * @param b the body
   * @return N
   * @throws IllegalArgumentException if the body has no {@code data.total_tokens}
   */
  public static int decodeCount(byte[] b) {
    JsonReader r = JsonReader.of(b);
    long total = -1;
    r.beginObject();
    while (r.hasNext()) {
      if (r.selectName(LIST) == 0 && r.peek() == JsonToken.BEGIN_OBJECT) {
        r.beginObject();
        while (r.hasNext()) {
          if (r.selectName(COUNT) == 0 && r.peek() == JsonToken.NUMBER) {
            total = r.nextLong();
          } else {
            r.skipValue();
          }
        }
        r.endObject();
      } else {
        r.skipValue();
      }
    }
    r.endObject();
    r.endDocument();
    if (total < 0 || total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("no data.total_tokens in the token count response");
    }
    return (int) total;
  }

  // --------------------------------------------------------------------------------------------
  // JSON objects: files, balance, batches, Kimi Code

  /**
   * Parses a body that must be a JSON object.
   *
   * @param b the body
   * @param what what the body should be, for the message ({@code "a file object"})
   * @return the object
   * @throws MalformedBodyException if it is not JSON or not an object
   */
  public static JsonObject object(byte[] b, String what) {
    JsonValue v;
    try {
      v = Json.parse(b);
    } catch (RuntimeException e) {
      throw new MalformedBodyException("The response is not " + what + " (malformed JSON)", e);
    }
    if (v instanceof JsonObject o) {
      return o;
    }
    throw new MalformedBodyException("The response is not " + what + " (not a JSON object)", null);
  }

  /**
   * Decodes a file object ({@code POST /files}, {@code GET /files/{id}}).
   *
   * @param b the body
   * @return the file
   */
  public static FileObject file(byte[] b) {
    return file(object(b, "a file object"));
  }

  /**
   * Decodes a file list ({@code GET /files}).
   *
   * @param b the body
   * @return the files, in the server's order
   */
  public static List<FileObject> files(byte[] b) {
    return list(object(b, "a file list"), PlatformCodec::file);
  }

  /** Decodes each object of a list's {@code data} array, in order; anything else is skipped. */
  private static <T> List<T> list(JsonObject o, java.util.function.Function<JsonObject, T> decode) {
    List<T> out = new ArrayList<>();
    if (o.get("data") instanceof JsonArray data) {
      for (JsonValue v : data.values()) {
        if (v instanceof JsonObject item) {
          out.add(decode.apply(item));
        }
      }
    }
    return List.copyOf(out);
  }

  private static FileObject file(JsonObject o) {
    String id = string(o, "id");
    if (id == null) {
      throw new MalformedBodyException("A file object has no id", null);
    }
    return new FileObject(
        id,
        number(o, "bytes"),
        number(o, "created_at"),
        string(o, "filename"),
        FilePurpose.of(string(o, "purpose")),
        string(o, "status"),
        string(o, "status_details"));
  }

  /**
   * Decodes a file's content ({@code GET /files/{id}/content}): its text, and its JSON when it is
   * JSON.
   *
   * @param b the body
   * @return the content
   */
  public static FileContent content(byte[] b) {
    String text = new String(b, StandardCharsets.UTF_8);
    JsonValue json = null;
    String t = text.strip();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        json = Json.parse(b);
      } catch (RuntimeException notJson) {
        // JSONL (batch output) or text that merely starts with a brace: text only
        json = null;
      }
    }
    return new FileContent(text, json);
  }

  /**
   * Decodes a deletion result ({@code DELETE /files/{id}}).
   *
   * @param b the body
   * @return whether the server reported the file deleted
   */
  public static boolean deleted(byte[] b) {
    return object(b, "a deletion result").get("deleted") instanceof JsonBoolean d && d.value();
  }

  /**
   * Decodes the balance ({@code GET /users/me/balance}).
   *
   * @param b the body
   * @return the balance
   */
  public static Balance balance(byte[] b) {
    JsonObject o = object(b, "a balance");
    if (!(o.get("data") instanceof JsonObject data)) {
      throw new MalformedBodyException("The balance response has no data", null);
    }
    return new Balance(
        decimal(data, "available_balance"),
        decimal(data, "voucher_balance"),
        decimal(data, "cash_balance"));
  }

  /**
   * Decodes a batch ({@code POST /batches}, {@code GET /batches/{id}}, its cancel).
   *
   * @param b the body
   * @return the batch
   */
  public static Batch batch(byte[] b) {
    return batch(object(b, "a batch"));
  }

  /**
   * Decodes a batch list ({@code GET /batches}).
   *
   * @param b the body
   * @return the batches, newest first as the server sends them
   */
  public static List<Batch> batches(byte[] b) {
    return list(object(b, "a batch list"), PlatformCodec::batch);
  }

  private static Batch batch(JsonObject o) {
    String id = string(o, "id");
    String status = string(o, "status");
    if (id == null || status == null) {
      throw new MalformedBodyException("A batch has no id or status", null);
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
        string(o, "input_file_id"),
        string(o, "output_file_id"),
        string(o, "error_file_id"),
        string(o, "completion_window"),
        number(o, "created_at"),
        (int) number(counts, "total"),
        (int) number(counts, "completed"),
        (int) number(counts, "failed"),
        metadata);
  }

  /** How a batch line names its request: this prefix and the request's index. */
  private static final String PREFIX = "request-";

  /**
   * Writes chat requests as a batch's JSONL input, each line's {@code custom_id} naming its index.
   * A line's body is a chat completions request in Kimi's format, written by the chat wire: it
   * carries no version of the SDK's, so golden lines (test resources {@code formats/}) hold it.
   *
   * @param requests the requests, each as it is to be sent (adapted to its model); a {@code stream}
   *     flag is turned off
   * @return the JSONL
   */
  public static byte[] batchInput(List<ChatRequest> requests) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < requests.size(); i++) {
      ChatRequest r = Objects.requireNonNull(requests.get(i), "requests[" + i + "]");
      byte[] line = batchLine(PREFIX + i, r);
      out.write(line, 0, line.length);
    }
    return out.toByteArray();
  }

  /**
   * Writes one line of a batch's JSONL input, its line feed included: {@code custom_id}, method,
   * URL and the chat completions body the chat wire writes.
   *
   * @param customId the line's {@code custom_id}
   * @param request the request as it is to be sent (adapted to its model); a {@code stream} flag is
   *     turned off
   * @return the line's UTF-8 bytes
   */
  public static byte[] batchLine(String customId, ChatRequest request) {
    ChatRequest once = request.stream() ? request.toBuilder().stream(false).build() : request;
    byte[] head = new JsonWriter().value(customId).toByteArray();
    byte[] body = ChatCodec.encodeRequest(once);
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + body.length + 80);
    out.writeBytes(LINE_START);
    out.writeBytes(head);
    out.writeBytes(LINE_MIDDLE);
    out.writeBytes(body);
    out.write('}');
    out.write('\n');
    return out.toByteArray();
  }

  private static final byte[] LINE_START = "{\"custom_id\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] LINE_MIDDLE =
      ",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
          .getBytes(StandardCharsets.UTF_8);

  /**
   * Matches the lines of a batch's output and error files back to its requests by {@code
   * custom_id}; a request with no line gets an error result.
   *
   * @param batch the finished batch
   * @param requests the requests the batch was created from
   * @param outputText the output file's text, {@code ""} when there is none
   * @param errorText the error file's text, {@code ""} when there is none
   * @return one result per request, in input order
   */
  public static List<BatchResult> batchResults(
      Batch batch, List<ChatRequest> requests, String outputText, String errorText) {
    BatchResult[] out = new BatchResult[requests.size()];
    String[] ids = {batch.outputFileId(), batch.errorFileId()};
    String[] texts = {outputText, errorText};
    for (int f = 0; f < 2; f++) {
      for (String line : texts[f].split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        BatchResult r = batchLine(line, requests, ids[f]);
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

  private static BatchResult batchLine(String line, List<ChatRequest> requests, String fileId) {
    BatchLine b = batchLine(line, fileId);
    String customId = b.customId();
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
    return new BatchResult(index, customId, requests.get(index), b.completion(), b.error());
  }

  /**
   * One line of a batch's output or error file: the request's {@code custom_id} (null when the line
   * has none) and exactly one of its completion and its failure.
   *
   * @param customId the {@code custom_id}, or null
   * @param completion the reply of a 2xx line, or null
   * @param error why the request failed, or null
   */
  public record BatchLine(String customId, ChatCompletion completion, BatchResult.Error error) {}

  /**
   * Decodes one line of a batch's output or error file: a 2xx {@code response} whose {@code body}
   * is a completion, or else a failure from the line's {@code error} (or the body's), with the
   * status inside the batch. The texts are kept as the server wrote them; the caller bounds them.
   *
   * @param line the line, without its line feed
   * @param fileId the file it came from, for the message of a malformed line; null when unknown
   * @return the line
   * @throws MalformedBodyException if the line is not a JSON object, or a 2xx body is not a
   *     completion
   */
  public static BatchLine batchLine(String line, String fileId) {
    JsonObject o;
    try {
      o = (JsonObject) Json.parse(line);
    } catch (RuntimeException e) {
      throw new MalformedBodyException(
          fileId == null
              ? "A batch result line is not a JSON object"
              : "Batch result file " + fileId + " has a bad line",
          e);
    }
    String customId = string(o, "custom_id");
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
        throw new MalformedBodyException("Batch result " + customId + " is not a completion", e);
      }
      return new BatchLine(customId, c, null);
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
      type = string(error, "type");
      if (type == null) {
        type = string(error, "code");
      }
      if (error.get("message") instanceof JsonString m) {
        message = m.value();
      }
    }
    return new BatchLine(customId, null, new BatchResult.Error(status, type, message));
  }

  private static String string(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  private static long number(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.longValue() : 0;
  }

  private static BigDecimal decimal(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.bigDecimalValue() : BigDecimal.ZERO;
  }
}
