package io.github.kimisdk.internal.wire.chat;

import static io.github.kimisdk.chat.format.Lenient.fields;
import static io.github.kimisdk.chat.format.Lenient.keep;
import static io.github.kimisdk.chat.format.Lenient.parseInteger;
import static io.github.kimisdk.chat.format.Lenient.readInt;
import static io.github.kimisdk.chat.format.Lenient.readLong;
import static io.github.kimisdk.chat.format.Lenient.readString;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Logprobs;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.format.RequestFields;
import io.github.kimisdk.chat.format.SavedForm;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonToken;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Encodes chat requests to UTF-8 JSON and decodes chat completions and stream chunks from it, by
 * hand, field by field. Messages, tool calls, tools and usage are written and read through {@link
 * SavedForm}, the SDK's record form: version 1 of it is what chat completions take.
 *
 * <p>Decoding is lenient where the server owns the values: unknown fields are skipped, {@code null}
 * is accepted for every field, ids and other strings may arrive as numbers, and unknown finish
 * reasons keep their raw string. Malformed JSON is a {@link io.github.kimisdk.json.JsonException},
 * and so is a stream's tool-call {@code index} that is not an integer: read as missing, it would
 * misplace the fragment.
 */
public final class ChatCodec {
  private ChatCodec() {}

  /**
   * Tells whether {@code name} is a top-level request field that {@link #encodeRequest} writes
   * itself.
   *
   * @param name a JSON member name
   * @return true for a known request field
   */
  public static boolean isRequestField(String name) {
    return RequestFields.contains(name);
  }

  // ---------------------------------------------------------------------------------------------
  // Encoding

  // How many request bodies were encoded: a test checks that a call encodes its request once per
  // attempt, whatever checks the client runs first.
  private static final LongAdder REQUESTS = new LongAdder();

  /**
   * Returns how many request bodies were encoded so far; for tests.
   *
   * @return the count
   */
  public static long requestEncodings() {
    return REQUESTS.sum();
  }

  /**
   * Encodes a request as the JSON body of {@code POST /chat/completions}, exactly as given: what a
   * model needs changed is changed before, by {@code ModelInfo.adapt}.
   *
   * @param request the request
   * @return the UTF-8 body
   */
  public static byte[] encodeRequest(ChatRequest request) {
    JsonWriter w = new JsonWriter();
    writeRequest(w, request);
    return w.toByteArray();
  }

  /**
   * Writes a request as a JSON object, exactly as given.
   *
   * @param w the writer
   * @param r the request
   */
  public static void writeRequest(JsonWriter w, ChatRequest r) {
    REQUESTS.increment();
    w.beginObject();
    w.name("model").value(r.model());
    w.name("messages").beginArray();
    for (Message m : r.messages()) {
      SavedForm.writeMessage(w, m);
    }
    w.endArray();
    if (r.maxCompletionTokens() != null) {
      w.name("max_completion_tokens").value((long) r.maxCompletionTokens());
    }
    Wire.writeSampling(w, r);
    if (r.n() != null) {
      w.name("n").value((long) r.n());
    }
    if (r.presencePenalty() != null) {
      w.name("presence_penalty").value((double) r.presencePenalty());
    }
    if (r.frequencyPenalty() != null) {
      w.name("frequency_penalty").value((double) r.frequencyPenalty());
    }
    if (!r.stop().isEmpty()) {
      w.name("stop").beginArray();
      for (String s : r.stop()) {
        w.value(s);
      }
      w.endArray();
    }
    if (r.stream()) {
      w.name("stream").value(true);
      if (r.includeUsage()) {
        w.name("stream_options").beginObject().name("include_usage").value(true).endObject();
      }
    }
    if (r.responseFormat() != null) {
      w.name("response_format");
      writeResponseFormat(w, r.responseFormat());
    }
    if (!r.tools().isEmpty()) {
      w.name("tools").beginArray();
      for (Tool t : r.tools()) {
        SavedForm.writeTool(w, t);
      }
      w.endArray();
    }
    if (r.toolChoice() != null) {
      w.name("tool_choice");
      writeToolChoice(w, r.toolChoice());
    }
    if (r.thinking() != null) {
      w.name("thinking");
      writeThinking(w, r.thinking());
    }
    if (r.reasoningEffort() != null) {
      w.name("reasoning_effort").value(r.reasoningEffort());
    }
    if (r.promptCacheKey() != null) {
      w.name("prompt_cache_key").value(r.promptCacheKey());
    }
    if (r.promptCacheTtl() != null) {
      // the one mode a generated Moonshot client knows (kimi-api.md, Changes of 2026-11-25)
      w.name("prompt_cache_options").beginObject().name("mode").value("implicit");
      w.name("ttl").value(r.promptCacheTtl().wireValue()).endObject();
    }
    if (r.safetyIdentifier() != null) {
      w.name("safety_identifier").value(r.safetyIdentifier());
    }
    if (r.logprobs() != null) {
      w.name("logprobs").value((boolean) r.logprobs());
    }
    if (r.topLogprobs() != null) {
      w.name("top_logprobs").value((long) r.topLogprobs());
    }
    if (r.prediction() != null) {
      w.name("prediction").beginObject().name("type").value("content").name("content");
      Prediction p = r.prediction();
      if (p.text() != null) {
        w.value(p.text());
      } else {
        w.beginArray();
        for (String part : p.parts()) {
          w.beginObject().name("type").value("text").name("text").value(part).endObject();
        }
        w.endArray();
      }
      w.endObject();
    }
    for (Map.Entry<String, JsonValue> e : r.extraBody().entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
  }

  private static void writeToolChoice(JsonWriter w, ToolChoice c) {
    if (c instanceof ToolChoice.Mode m) {
      switch (m) {
        case AUTO:
          w.value("auto");
          break;
        case NONE:
          w.value("none");
          break;
        case REQUIRED:
          w.value("required");
          break;
        default:
          throw new AssertionError(m);
      }
    } else if (c instanceof ToolChoice.Function f) {
      w.beginObject();
      w.name("type").value("function");
      w.name("function").beginObject().name("name").value(f.name()).endObject();
      w.endObject();
    } else {
      throw new AssertionError(c);
    }
  }

  private static void writeResponseFormat(JsonWriter w, ResponseFormat f) {
    w.beginObject();
    switch (f.type()) {
      case TEXT:
        w.name("type").value("text");
        break;
      case JSON_OBJECT:
        w.name("type").value("json_object");
        break;
      case JSON_SCHEMA:
        w.name("type").value("json_schema");
        w.name("json_schema").beginObject();
        w.name("name").value(f.name());
        w.name("schema").value(f.schema());
        if (f.strict() != null) {
          w.name("strict").value((boolean) f.strict());
        }
        w.endObject();
        break;
      default:
        throw new AssertionError(f);
    }
    w.endObject();
  }

  private static void writeThinking(JsonWriter w, Thinking t) {
    w.beginObject();
    w.name("type").value(t.isEnabled() ? "enabled" : "disabled");
    if (t.keep() != null) {
      w.name("keep").value(t.keep());
    }
    if (t.effort() != null) {
      w.name("effort").value(t.effort());
    }
    // no budget_tokens: Kimi's chat completions ignore it (kimi-api.md section 2.6)
    w.endObject();
  }

  // ---------------------------------------------------------------------------------------------
  // Decoding

  private static final JsonReader.Names COMPLETION =
      JsonReader.Names.of(
          "id", "object", "created", "model", "choices", "usage", "system_fingerprint");
  // Chunk decoding uses its own name sets: fewer names of equal length means fewer comparisons.
  private static final JsonReader.Names CHUNK =
      JsonReader.Names.of(
          "id", "created", "model", "choices", "usage", "system_fingerprint", "object");
  private static final JsonReader.Names CHUNK_CHOICE =
      JsonReader.Names.of("index", "delta", "finish_reason", "usage", "logprobs");
  private static final JsonReader.Names DELTA =
      JsonReader.Names.of("role", "content", "reasoning_content", "tool_calls");
  private static final JsonReader.Names CHOICE =
      JsonReader.Names.of("index", "message", "delta", "finish_reason", "usage", "logprobs");
  private static final JsonReader.Names TOOL_CALL =
      JsonReader.Names.of("index", "id", "type", "function");

  /**
   * Decodes a non-streamed chat completion.
   *
   * @param b the buffer
   * @param off where the JSON starts
   * @param len its length in bytes
   * @return the completion
   * @throws io.github.kimisdk.json.JsonException if the input is not a JSON object, or is malformed
   */
  public static ChatCompletion decodeCompletion(byte[] b, int off, int len) {
    return decodeCompletion(b, off, len, JsonReader.DEFAULT_MAX_DEPTH);
  }

  /**
   * Decodes a non-streamed chat completion nested at most {@code maxDepth} levels.
   *
   * @param b the buffer
   * @param off where the JSON starts
   * @param len its length in bytes
   * @param maxDepth the nesting limit for arrays and objects
   * @return the completion
   * @throws io.github.kimisdk.json.JsonException if the input is not a JSON object, is malformed or
   *     nested too deeply
   */
  public static ChatCompletion decodeCompletion(byte[] b, int off, int len, int maxDepth) {
    JsonReader r = JsonReader.of(b, off, len, maxDepth);
    ChatCompletion c = readCompletion(r);
    r.endDocument();
    return c;
  }

  /**
   * Decodes a non-streamed chat completion.
   *
   * @param b the UTF-8 JSON
   * @return the completion
   * @throws io.github.kimisdk.json.JsonException if the input is malformed
   */
  public static ChatCompletion decodeCompletion(byte[] b) {
    return decodeCompletion(b, 0, b.length);
  }

  /**
   * Decodes one stream chunk (the {@code data} of one server-sent event).
   *
   * @param b the buffer
   * @param off where the JSON starts
   * @param len its length in bytes
   * @return the chunk
   * @throws io.github.kimisdk.json.JsonException if the input is not a JSON object, or is malformed
   */
  public static ChatCompletionChunk decodeChunk(byte[] b, int off, int len) {
    return decodeChunk(b, off, len, JsonReader.DEFAULT_MAX_DEPTH);
  }

  /**
   * Decodes one stream chunk nested at most {@code maxDepth} levels. Chunks in the shape servers
   * send are read straight from the bytes by {@link ChunkFastPath}; anything else (and every error)
   * goes through the general {@link JsonReader} path, which gives the same result.
   *
   * @param b the buffer
   * @param off where the JSON starts
   * @param len its length in bytes
   * @param maxDepth the nesting limit for arrays and objects
   * @return the chunk
   * @throws io.github.kimisdk.json.JsonException if the input is not a JSON object, is malformed or
   *     nested too deeply
   */
  public static ChatCompletionChunk decodeChunk(byte[] b, int off, int len, int maxDepth) {
    if (maxDepth >= ChunkFastPath.DEPTH) {
      // The chunks servers send, straight from the bytes; null for anything else.
      ChatCompletionChunk c = ChunkFastPath.decode(b, off, len);
      if (c != null) {
        return c;
      }
    }
    return decodeChunkGeneral(b, off, len, maxDepth);
  }

  /**
   * Decodes one stream chunk with the general {@link JsonReader} path, which {@link ChunkFastPath}
   * falls back to; the tests compare the two.
   */
  static ChatCompletionChunk decodeChunkGeneral(byte[] b, int off, int len, int maxDepth) {
    JsonReader r = JsonReader.of(b, off, len, maxDepth);
    String knownId = knownChunkId(b, off, len);
    ChatCompletionChunk c = readChunk(r, knownId);
    r.endDocument();
    if (knownId == null) {
      rememberChunkId(c.id());
    }
    return c;
  }

  /**
   * Decodes one stream chunk.
   *
   * @param b the UTF-8 JSON
   * @return the chunk
   * @throws io.github.kimisdk.json.JsonException if the input is malformed
   */
  public static ChatCompletionChunk decodeChunk(byte[] b) {
    return decodeChunk(b, 0, b.length);
  }

  /**
   * Reads a chat completion object.
   *
   * @param r the reader, before the object
   * @return the completion
   */
  public static ChatCompletion readCompletion(JsonReader r) {
    String id = null;
    String object = null;
    long created = 0;
    String model = null;
    List<Choice> choices = List.of();
    Usage usage = null;
    String fingerprint = null;
    Map<String, JsonValue> extra = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(COMPLETION)) {
        case 0:
          id = readString(r);
          break;
        case 1:
          object = readString(r);
          break;
        case 2:
          created = readLong(r);
          break;
        case 3:
          model = readString(r);
          break;
        case 4:
          choices = readChoices(r);
          break;
        case 5:
          usage = SavedForm.readUsage(r);
          break;
        case 6:
          fingerprint = readString(r);
          break;
        default:
          extra = keep(r, extra);
      }
    }
    r.endObject();
    return new ChatCompletion(
        id, object, created, model, choices, usage, fingerprint, fields(extra));
  }

  /**
   * Reads a chat completion chunk object.
   *
   * @param r the reader, before the object
   * @return the chunk
   */
  public static ChatCompletionChunk readChunk(JsonReader r) {
    return readChunk(r, null);
  }

  /**
   * Reads a chunk; {@code knownId}, when not null, is the value of the chunk's first member {@code
   * id}, already recognised in the raw bytes, so that member is skipped instead of decoded.
   */
  private static ChatCompletionChunk readChunk(JsonReader r, String knownId) {
    String id = null;
    long created = 0;
    String model = null;
    List<ChatCompletionChunk.ChunkChoice> choices = List.of();
    Usage usage = null;
    String fingerprint = null;
    Map<String, JsonValue> extra = null;
    boolean first = true;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(CHUNK)) {
        case 0:
          if (first && knownId != null) {
            r.skipValue();
            id = knownId;
          } else {
            id = readString(r);
          }
          break;
        case 1:
          created = readLong(r);
          break;
        case 2:
          model = readString(r);
          break;
        case 3:
          choices = readChunkChoices(r);
          break;
        case 4:
          usage = SavedForm.readUsage(r);
          break;
        case 5:
          fingerprint = readString(r);
          break;
        case 6:
          // "object", always "chat.completion.chunk": skipping it saves a string.
          r.skipValue();
          break;
        default:
          extra = keep(r, extra);
      }
      first = false;
    }
    r.endObject();
    return new ChatCompletionChunk(id, created, model, choices, usage, fingerprint, fields(extra));
  }

  // A stream repeats its id in every chunk. The last id seen is kept with its raw bytes so the
  // next chunk can share the String instead of decoding a new one. Races between streams only
  // cost a miss: the holder is immutable, so a racy read sees a consistent pair.
  private static CachedId lastChunkId;

  /** An id and its raw form at the start of a chunk: {@code {"id":"<id>"}. */
  private record CachedId(byte[] raw, String value) {}

  /** Returns the cached id if the chunk starts with {@code {"id":"<cached id>"}, else null. */
  private static String knownChunkId(byte[] b, int off, int len) {
    CachedId c = lastChunkId;
    if (c == null) {
      return null;
    }
    int n = c.raw.length;
    if (len < n || !Arrays.equals(b, off, off + n, c.raw, 0, n)) {
      return null;
    }
    return c.value;
  }

  /** Remembers {@code id} if its JSON form is its plain ASCII bytes (no escapes needed). */
  private static void rememberChunkId(String id) {
    if (id == null || id.length() > 128) {
      return;
    }
    for (int i = 0; i < id.length(); i++) {
      char ch = id.charAt(i);
      if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
        return;
      }
    }
    lastChunkId = new CachedId(("{\"id\":\"" + id + "\"").getBytes(StandardCharsets.US_ASCII), id);
  }

  private static List<Choice> readChoices(JsonReader r) {
    if (r.nextIfNull()) {
      return List.of();
    }
    List<Choice> list = new ArrayList<>(1);
    r.beginArray();
    while (r.hasNext()) {
      if (r.nextIfNull()) {
        continue;
      }
      int index = list.size();
      AssistantMessage message = null;
      FinishReason finish = null;
      Usage usage = null;
      Logprobs logprobs = null;
      Map<String, JsonValue> extra = null;
      r.beginObject();
      while (r.hasNext()) {
        switch (r.selectName(CHOICE)) {
          case 0:
            index = readInt(r, index);
            break;
          case 1:
            message = SavedForm.readAssistantMessage(r);
            break;
          case 3:
            finish = FinishReason.of(readString(r));
            break;
          case 4:
            usage = SavedForm.readUsage(r);
            break;
          case 2: // "delta", which only a chunk's choice has
            r.skipValue();
            break;
          case 5:
            logprobs = readLogprobs(r);
            break;
          default:
            extra = keep(r, extra);
        }
      }
      r.endObject();
      if (message != null) {
        List<ToolCall> calls = ToolCall.withIds(message.toolCalls());
        if (calls != message.toolCalls()) { // kimi-k3 may leave ids blank: give them one
          message =
              new AssistantMessage(
                  message.content(),
                  message.reasoningContent(),
                  calls,
                  message.name(),
                  message.partial(),
                  message.reasoningSignature(),
                  message.additionalFields());
        }
      }
      list.add(new Choice(index, message, finish, usage, logprobs, fields(extra)));
    }
    r.endArray();
    return list;
  }

  private static List<ChatCompletionChunk.ChunkChoice> readChunkChoices(JsonReader r) {
    if (r.nextIfNull()) {
      return List.of();
    }
    // Almost every chunk has exactly one choice: hold it without a growable list.
    ChatCompletionChunk.ChunkChoice first = null;
    List<ChatCompletionChunk.ChunkChoice> more = null;
    int count = 0;
    r.beginArray();
    while (r.hasNext()) {
      if (r.nextIfNull()) {
        continue;
      }
      ChatCompletionChunk.ChunkChoice c = readChunkChoice(r, count);
      if (count == 0) {
        first = c;
      } else {
        if (more == null) {
          more = new ArrayList<>(4);
          more.add(first);
        }
        more.add(c);
      }
      count++;
    }
    r.endArray();
    if (count == 0) {
      return List.of();
    }
    return more == null ? List.of(first) : more;
  }

  private static ChatCompletionChunk.ChunkChoice readChunkChoice(JsonReader r, int position) {
    int index = position;
    ChatCompletionChunk.Delta delta = null;
    FinishReason finish = null;
    Usage usage = null;
    Logprobs logprobs = null;
    Map<String, JsonValue> extra = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(CHUNK_CHOICE)) {
        case 0:
          index = readInt(r, index);
          break;
        case 1:
          delta = readDelta(r);
          break;
        case 2:
          finish = FinishReason.of(readString(r));
          break;
        case 3:
          usage = SavedForm.readUsage(r);
          break;
        case 4:
          logprobs = readLogprobs(r);
          break;
        default:
          extra = keep(r, extra);
      }
    }
    r.endObject();
    return new ChatCompletionChunk.ChunkChoice(
        index, delta, finish, usage, logprobs, fields(extra));
  }

  private static ChatCompletionChunk.Delta readDelta(JsonReader r) {
    if (r.nextIfNull()) {
      return null;
    }
    String role = null;
    String content = null;
    String reasoning = null;
    List<ChatCompletionChunk.ToolCallDelta> calls = List.of();
    Map<String, JsonValue> extra = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(DELTA)) {
        case 0:
          role = readRole(r);
          break;
        case 1:
          content = SavedForm.readContent(r);
          break;
        case 2:
          reasoning = readString(r);
          break;
        case 3:
          calls = readToolCallDeltas(r);
          break;
        default:
          extra = keep(r, extra);
      }
    }
    r.endObject();
    if (role == null && content == null && reasoning == null && calls.isEmpty() && extra == null) {
      return ChatCompletionChunk.Delta.EMPTY;
    }
    return new ChatCompletionChunk.Delta(role, content, reasoning, calls, null, fields(extra));
  }

  private static String readRole(JsonReader r) {
    String role = readString(r);
    // The role is always "assistant" in practice: share the constant instead of a new string.
    return "assistant".equals(role) ? "assistant" : role;
  }

  private static List<ChatCompletionChunk.ToolCallDelta> readToolCallDeltas(JsonReader r) {
    if (r.nextIfNull()) {
      return List.of();
    }
    ChatCompletionChunk.ToolCallDelta first = null;
    List<ChatCompletionChunk.ToolCallDelta> more = null;
    r.beginArray();
    while (r.hasNext()) {
      if (r.nextIfNull()) {
        continue;
      }
      Integer index = null;
      String id = null;
      String type = null;
      String[] fn = null;
      Map<String, JsonValue> extra = null;
      r.beginObject();
      while (r.hasNext()) {
        switch (r.selectName(TOOL_CALL)) {
          case 0:
            index = readToolCallIndex(r);
            break;
          case 1:
            id = readString(r);
            break;
          case 2:
            type = readString(r);
            break;
          case 3:
            fn = SavedForm.readFunction(r);
            break;
          default:
            extra = keep(r, extra);
        }
      }
      r.endObject();
      ChatCompletionChunk.ToolCallDelta d =
          new ChatCompletionChunk.ToolCallDelta(
              index, id, type, fn == null ? null : fn[0], fn == null ? null : fn[1], fields(extra));
      if (first == null) {
        first = d;
      } else {
        if (more == null) {
          more = new ArrayList<>(4);
          more.add(first);
        }
        more.add(d);
      }
    }
    r.endArray();
    if (first == null) {
      return List.of();
    }
    return more == null ? List.of(first) : more;
  }

  /**
   * Reads a tool-call fragment's {@code index}: an integer (also written as a string, leniently),
   * or null when it is {@code null}. Anything else is a malformed chunk, not a missing index: read
   * as missing, it would place the fragment by position and finish the stream with a call whose
   * arguments went elsewhere (vercel/ai keeps fixtures with {@code "index":"zero"}).
   *
   * @throws JsonException if the index is not an integer
   */
  private static Integer readToolCallIndex(JsonReader r) {
    switch (r.peek()) {
      case NULL:
        r.nextNull();
        return null;
      case NUMBER:
        return r.nextInt(); // throws, with the position, for a fraction or a value beyond an int
      case STRING:
        {
          String path = r.path();
          String s = r.nextString();
          Integer index = parseInteger(s);
          if (index == null) {
            throw new JsonException(
                "a tool call's index must be an integer, not the string \""
                    + (s.length() > 32 ? s.substring(0, 32) + "..." : s)
                    + "\"",
                -1,
                -1,
                -1,
                path);
          }
          return index;
        }
      default:
        {
          String path = r.path();
          JsonToken t = r.peek();
          r.skipValue();
          String what =
              t == JsonToken.BOOLEAN
                  ? "a boolean"
                  : t == JsonToken.BEGIN_OBJECT ? "an object" : "an array";
          throw new JsonException(
              "a tool call's index must be an integer, not " + what, -1, -1, -1, path);
        }
    }
  }

  /**
   * Reads a choice's {@code logprobs} leniently: the {@code content} and {@code refusal} entries
   * with {@code token}, {@code logprob}, {@code bytes} and {@code top_logprobs}; what has another
   * shape is left out. Its other members are kept as they came.
   */
  private static Logprobs readLogprobs(JsonReader r) {
    JsonValue v = r.nextValue();
    if (!(v instanceof JsonObject o)) {
      return null;
    }
    Map<String, JsonValue> extra = null;
    for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
      if (!e.getKey().equals("content") && !e.getKey().equals("refusal")) {
        if (extra == null) {
          extra = new LinkedHashMap<>(4);
        }
        extra.put(e.getKey(), e.getValue());
      }
    }
    boolean content = o.get("content") instanceof JsonArray;
    boolean refusal = o.get("refusal") instanceof JsonArray;
    if (extra == null && !content && !refusal) {
      return null; // nothing of a known shape
    }
    return new Logprobs(tokens(o.get("content")), tokens(o.get("refusal")), fields(extra));
  }

  /** Reads the entries of a token list of {@code logprobs}, leaving out those of another shape. */
  private static List<Logprobs.Token> tokens(JsonValue list) {
    if (!(list instanceof JsonArray array)) {
      return List.of();
    }
    List<Logprobs.Token> tokens = new ArrayList<>(array.size());
    for (JsonValue e : array.values()) {
      if (e instanceof JsonObject t && t.get("logprob") instanceof JsonNumber lp) {
        List<Logprobs.Alternative> top = new ArrayList<>();
        if (t.get("top_logprobs") instanceof JsonArray alternatives) {
          for (JsonValue a : alternatives.values()) {
            if (a instanceof JsonObject ao && ao.get("logprob") instanceof JsonNumber alp) {
              top.add(
                  new Logprobs.Alternative(
                      stringOrNull(ao.get("token")), alp.doubleValue(), bytes(ao.get("bytes"))));
            }
          }
        }
        tokens.add(
            new Logprobs.Token(
                stringOrNull(t.get("token")), lp.doubleValue(), bytes(t.get("bytes")), top));
      }
    }
    return tokens;
  }

  private static String stringOrNull(JsonValue v) {
    return v instanceof JsonString s ? s.value() : null;
  }

  private static List<Integer> bytes(JsonValue v) {
    if (!(v instanceof JsonArray a)) {
      return null;
    }
    List<Integer> out = new ArrayList<>(a.size());
    for (JsonValue b : a.values()) {
      if (b instanceof JsonNumber n) {
        out.add(n.intValue());
      }
    }
    return out;
  }
}
