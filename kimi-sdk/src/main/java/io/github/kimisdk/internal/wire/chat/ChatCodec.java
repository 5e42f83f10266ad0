package io.github.kimisdk.internal.wire.chat;

import static io.github.kimisdk.internal.wire.chat.Lenient.fields;
import static io.github.kimisdk.internal.wire.chat.Lenient.keep;
import static io.github.kimisdk.internal.wire.chat.Lenient.parseInteger;
import static io.github.kimisdk.internal.wire.chat.Lenient.readBoolean;
import static io.github.kimisdk.internal.wire.chat.Lenient.readInt;
import static io.github.kimisdk.internal.wire.chat.Lenient.readInteger;
import static io.github.kimisdk.internal.wire.chat.Lenient.readLong;
import static io.github.kimisdk.internal.wire.chat.Lenient.readString;

import io.github.kimisdk.base.bind.JsonKind;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Logprobs;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.chat.completions.RequestFields;
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
 * hand, field by field. A request's messages and tools are written in the chat completions form
 * ({@link MessageForm}), which batch lines, token counting and the saved form write too; a reply is
 * read here alone, from the bytes to the records.
 *
 * <p>Decoding is lenient where the server owns the values ({@link Lenient}): members the records do
 * not model are kept in their {@code additionalFields}, {@code null} is accepted for every field,
 * ids and other strings may arrive as numbers, and unknown finish reasons keep their raw string.
 * Malformed JSON is a {@link io.github.kimisdk.json.JsonException}, and so is a stream's tool-call
 * {@code index} that is not an integer: read as missing, it would misplace the fragment.
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
      MessageForm.writeMessage(w, m);
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
        MessageForm.writeTool(w, t);
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
  // Decoding: a reply from the bytes to the records, all of it here. A completion and a chunk
  // share their members, and each kind of object has one reader: the envelope around the choices,
  // a choice, an assistant message whole (a completion's) or in fragments (a chunk's delta), a
  // tool call likewise, a usage. ChunkFastPath reads the usual chunks by the same names, faster.

  /** An envelope's members, in the order servers write them. */
  static final String[] ENVELOPE_MEMBERS = {
    "id", "object", "created", "model", "choices", "usage", "system_fingerprint"
  };

  /** A choice's members: a chunk's has a delta, a completion's a message. */
  static final String[] CHOICE_MEMBERS = {
    "index", "delta", "finish_reason", "usage", "logprobs", "message"
  };

  /**
   * An assistant message's members; a delta has the first four and the last. {@code reasoning} is
   * where vLLM (from 0.16), OpenRouter and Together put the reasoning Kimi puts in {@code
   * reasoning_content}: read as the reasoning when {@code reasoning_content} is absent, kept among
   * the other members when both came and differ.
   */
  static final String[] MESSAGE_MEMBERS = {
    "role", "content", "reasoning_content", "tool_calls", "name", "partial", "reasoning"
  };

  /** A tool call's members; its {@code index} only a stream's fragments need. */
  static final String[] TOOL_CALL_MEMBERS = {"index", "id", "type", "function"};

  /** A tool call's {@code function}'s members. */
  static final String[] FUNCTION_MEMBERS = {"name", "arguments"};

  /** A usage's members; the two {@code *_tokens_details} objects hold more counts. */
  static final String[] USAGE_MEMBERS = {
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cached_tokens",
    "prompt_tokens_details",
    "completion_tokens_details",
    "cache_creation_input_tokens"
  };

  /** The counts of {@code prompt_tokens_details}. */
  static final String[] PROMPT_DETAILS_MEMBERS = {"cached_tokens", "cache_write_tokens"};

  /** The counts of {@code completion_tokens_details}. */
  static final String[] COMPLETION_DETAILS_MEMBERS = {"reasoning_tokens"};

  private static final JsonReader.Names ENVELOPE = JsonReader.Names.of(ENVELOPE_MEMBERS);
  private static final JsonReader.Names CHOICE = JsonReader.Names.of(CHOICE_MEMBERS);
  private static final JsonReader.Names MESSAGE = JsonReader.Names.of(MESSAGE_MEMBERS);
  private static final JsonReader.Names TOOL_CALL = JsonReader.Names.of(TOOL_CALL_MEMBERS);
  private static final JsonReader.Names FUNCTION = JsonReader.Names.of(FUNCTION_MEMBERS);
  private static final JsonReader.Names USAGE = JsonReader.Names.of(USAGE_MEMBERS);
  private static final JsonReader.Names PROMPT_DETAILS =
      JsonReader.Names.of(PROMPT_DETAILS_MEMBERS);
  private static final JsonReader.Names COMPLETION_DETAILS =
      JsonReader.Names.of(COMPLETION_DETAILS_MEMBERS);
  private static final JsonReader.Names PART = JsonReader.Names.of("type", "text");

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
    Envelope<Choice> e = readEnvelope(r, null, true, ChatCodec::readChoice);
    return new ChatCompletion(
        e.id, e.object, e.created, e.model, e.choices, e.usage, e.fingerprint, fields(e.extra));
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
    // A chunk's "object", always "chat.completion.chunk", is skipped: that saves a string.
    Envelope<ChunkChoice> e = readEnvelope(r, knownId, false, ChatCodec::readChunkChoice);
    return new ChatCompletionChunk(
        e.id, e.created, e.model, e.choices, e.usage, e.fingerprint, fields(e.extra));
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

  /** Reads one element of an array, given its position among the elements read so far. */
  @FunctionalInterface
  private interface Element<T> {
    T read(JsonReader r, int position);
  }

  /**
   * Reads an array (or {@code null}, as empty) whose elements {@code element} reads, leaving out
   * {@code null} elements. One element, the usual case, takes no growable list.
   */
  private static <T> List<T> readArray(JsonReader r, Element<T> element) {
    if (r.nextIfNull()) {
      return List.of();
    }
    T first = null;
    List<T> more = null;
    int count = 0;
    r.beginArray();
    while (r.hasNext()) {
      if (r.nextIfNull()) {
        continue;
      }
      T e = element.read(r, count);
      if (count == 0) {
        first = e;
      } else {
        if (more == null) {
          more = new ArrayList<>(4);
          more.add(first);
        }
        more.add(e);
      }
      count++;
    }
    r.endArray();
    return count == 0 ? List.of() : more == null ? List.of(first) : more;
  }

  /**
   * Reads a completion's or a chunk's object, its choices with {@code choice}. {@code knownId} is
   * as {@link #readChunk(JsonReader, String)} says; {@code object} is kept only if {@code
   * keepObject}.
   */
  private static <C> Envelope<C> readEnvelope(
      JsonReader r, String knownId, boolean keepObject, Element<C> choice) {
    Envelope<C> e = new Envelope<>();
    boolean first = true;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(ENVELOPE)) {
        case 0 -> e.id = first && knownId != null ? skip(r, knownId) : readString(r);
        case 1 -> e.object = keepObject ? readString(r) : skip(r, null);
        case 2 -> e.created = readLong(r);
        case 3 -> e.model = readString(r);
        case 4 -> e.choices = readArray(r, choice);
        case 5 -> e.usage = readUsage(r);
        case 6 -> e.fingerprint = readString(r);
        default -> e.extra = keep(r, e.extra);
      }
      first = false;
    }
    r.endObject();
    return e;
  }

  /** Skips a value; returns {@code value}. */
  private static <T> T skip(JsonReader r, T value) {
    r.skipValue();
    return value;
  }

  /**
   * Reads a choice; {@code position} is its index unless it says otherwise. A completion's choice
   * skips a {@code delta}; a chunk's keeps a {@code message} among its other members.
   */
  private static ChoiceMembers readChoiceMembers(JsonReader r, int position, boolean chunk) {
    ChoiceMembers c = new ChoiceMembers();
    c.index = position;
    r.beginObject();
    while (r.hasNext()) {
      int member = r.selectName(CHOICE);
      if (member == 5 && chunk) {
        member = -1; // "message": another member of a chunk's choice
      }
      switch (member) {
        case 0 -> c.index = readInt(r, c.index);
        case 1 -> c.delta = chunk ? readDelta(r) : skip(r, null);
        case 2 -> c.finish = FinishReason.of(readString(r));
        case 3 -> c.usage = readUsage(r);
        case 4 -> c.logprobs = readLogprobs(r);
        case 5 -> c.message = readAssistantMessage(r);
        default -> c.extra = keep(r, c.extra);
      }
    }
    r.endObject();
    return c;
  }

  private static Choice readChoice(JsonReader r, int position) {
    ChoiceMembers c = readChoiceMembers(r, position, false);
    AssistantMessage message = c.message;
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
    return new Choice(c.index, message, c.finish, c.usage, c.logprobs, fields(c.extra));
  }

  private static ChunkChoice readChunkChoice(JsonReader r, int position) {
    ChoiceMembers c = readChoiceMembers(r, position, true);
    return new ChunkChoice(c.index, c.delta, c.finish, c.usage, c.logprobs, fields(c.extra));
  }

  /**
   * Reads an assistant message's object, its tool calls with {@code call}. A fragment (a chunk's
   * delta) keeps its {@code role} and holds no {@code name} or {@code partial} of its own (they are
   * kept among its other members); a whole message's role is always {@code "assistant"}.
   */
  private static <T> MessageMembers<T> readMessageMembers(
      JsonReader r, boolean fragment, Element<T> call) {
    MessageMembers<T> m = new MessageMembers<>();
    r.beginObject();
    while (r.hasNext()) {
      int member = r.selectName(MESSAGE);
      if (fragment && (member == 4 || member == 5)) {
        member = -1; // "name" and "partial": another member of a delta
      }
      switch (member) {
        case 0 -> m.role = fragment ? readRole(r) : skip(r, null);
        case 1 -> m.content = readContent(r);
        case 2 -> m.reasoning = readString(r);
        case 3 -> m.calls = readArray(r, call);
        case 4 -> m.name = readString(r);
        case 5 -> m.partial = readBoolean(r);
        case 6 -> {
          JsonToken t = r.peek();
          if (t == JsonToken.STRING) {
            m.otherReasoning = r.nextString();
          } else if (t == JsonToken.NULL) {
            r.nextNull(); // no reasoning, as the fast path reads it
          } else {
            m.extra = keep(r, m.extra);
          }
        }
        default -> m.extra = keep(r, m.extra);
      }
    }
    r.endObject();
    if (m.otherReasoning != null) {
      if (m.reasoning == null) {
        m.reasoning = m.otherReasoning;
      } else if (!m.reasoning.equals(m.otherReasoning)) {
        m.extra = m.extra == null ? new java.util.LinkedHashMap<>(4) : m.extra;
        m.extra.put("reasoning", JsonString.of(m.otherReasoning));
      }
    }
    return m;
  }

  /**
   * Reads an assistant message object, as a completion's choice holds it.
   *
   * @param r the reader, before the object
   * @return the message, or null when the value is {@code null}
   */
  static AssistantMessage readAssistantMessage(JsonReader r) {
    if (r.nextIfNull()) {
      return null;
    }
    MessageMembers<ToolCall> m = readMessageMembers(r, false, ChatCodec::readToolCall);
    // A partial flag without content cannot be rebuilt as a partial message; the server never
    // sends one, so keep the text and drop the flag rather than fail.
    boolean partial = m.partial && m.content != null && !m.content.isEmpty();
    return new AssistantMessage(
        m.content, m.reasoning, m.calls, m.name, partial, null, fields(m.extra));
  }

  private static Delta readDelta(JsonReader r) {
    if (r.nextIfNull()) {
      return null;
    }
    MessageMembers<ToolCallDelta> m = readMessageMembers(r, true, ChatCodec::readToolCallDelta);
    if (m.role == null
        && m.content == null
        && m.reasoning == null
        && m.calls.isEmpty()
        && m.extra == null) {
      return Delta.EMPTY;
    }
    return new Delta(m.role, m.content, m.reasoning, m.calls, null, fields(m.extra));
  }

  private static String readRole(JsonReader r) {
    String role = readString(r);
    // The role is always "assistant" in practice: share the constant instead of a new string.
    return "assistant".equals(role) ? "assistant" : role;
  }

  /**
   * Reads message content: a string, or (leniently) an array of parts whose texts are joined.
   *
   * @param r the reader, before the value
   * @return the text, or null for {@code null}
   */
  private static String readContent(JsonReader r) {
    if (r.peek() != JsonToken.BEGIN_ARRAY) {
      return readString(r);
    }
    StringBuilder sb = new StringBuilder();
    r.beginArray();
    while (r.hasNext()) {
      if (r.peek() != JsonToken.BEGIN_OBJECT) {
        r.skipValue();
        continue;
      }
      r.beginObject();
      while (r.hasNext()) {
        if (r.selectName(PART) == 1) {
          String t = readString(r);
          if (t != null) {
            sb.append(t);
          }
        } else {
          r.skipValue();
        }
      }
      r.endObject();
    }
    r.endArray();
    return sb.toString();
  }

  private static ToolCall readToolCall(JsonReader r, int position) {
    ToolCallDelta c = readCall(r, false);
    return new ToolCall(c.id(), c.type(), c.name(), c.arguments(), c.additionalFields());
  }

  private static ToolCallDelta readToolCallDelta(JsonReader r, int position) {
    return readCall(r, true);
  }

  /**
   * Reads a tool call, whole or a stream's fragment, as a fragment; a whole call's place is its
   * position, so only a fragment reads its {@code index}.
   */
  private static ToolCallDelta readCall(JsonReader r, boolean fragment) {
    Integer index = null;
    String id = null;
    String type = null;
    String[] function = null;
    Map<String, JsonValue> extra = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(TOOL_CALL)) {
        case 0 -> index = fragment ? readToolCallIndex(r) : skip(r, null);
        case 1 -> id = readString(r);
        case 2 -> type = readString(r);
        case 3 -> function = readFunction(r);
        default -> extra = keep(r, extra);
      }
    }
    r.endObject();
    return function == null
        ? new ToolCallDelta(index, id, type, null, null, fields(extra))
        : new ToolCallDelta(index, id, type, function[0], function[1], fields(extra));
  }

  /**
   * Reads a tool call's {@code {"name": ..., "arguments": ...}} as {name, arguments}, either null
   * when absent; null for {@code null}.
   */
  private static String[] readFunction(JsonReader r) {
    if (r.nextIfNull()) {
      return null;
    }
    String[] function = new String[2];
    r.beginObject();
    while (r.hasNext()) {
      int member = r.selectName(FUNCTION);
      if (member >= 0) {
        function[member] = member == 0 ? readString(r) : readArguments(r);
      } else {
        r.skipValue();
      }
    }
    r.endObject();
    return function;
  }

  /** Reads arguments: a string as it is, or (leniently) an object or array as its JSON text. */
  private static String readArguments(JsonReader r) {
    JsonToken t = r.peek();
    if (t == JsonToken.BEGIN_OBJECT || t == JsonToken.BEGIN_ARRAY) {
      return r.nextValue().toString();
    }
    return readString(r);
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
          throw new JsonException(
              "a tool call's index must be an integer, not " + JsonKind.of(t), -1, -1, -1, path);
        }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What the readers above gather of each kind of object before they build its record: a
  // completion and a chunk, a choice and an assistant message each come whole or as a stream's
  // fragment, and one reader serves both.

  /** A completion's or a chunk's members around their choices. */
  private static final class Envelope<C> {
    String id;
    String object;
    long created;
    String model;
    List<C> choices = List.of();
    Usage usage;
    String fingerprint;
    Map<String, JsonValue> extra;
  }

  /** A choice's members: a completion's holds a message, a chunk's a delta. */
  private static final class ChoiceMembers {
    int index;
    AssistantMessage message;
    Delta delta;
    FinishReason finish;
    Usage usage;
    Logprobs logprobs;
    Map<String, JsonValue> extra;
  }

  /** An assistant message's members, whole or a chunk's delta. */
  private static final class MessageMembers<T> {
    String role;
    String content;
    String reasoning;
    String otherReasoning; // a string "reasoning" member
    List<T> calls = List.of();
    String name;
    boolean partial;
    Map<String, JsonValue> extra;
  }

  // ---------------------------------------------------------------------------------------------
  // Usage: counts as numbers or strings, the cached count at the top level or in
  // prompt_tokens_details, cache writes in either spelling, the server's other members kept.

  /** Where a usage's counts are gathered ({@link #usage}), by what they count. */
  static final int PROMPT = 0;

  static final int COMPLETION = 1;
  static final int TOTAL = 2;
  static final int CACHED = 3;
  static final int DETAILS_CACHED = 4;
  static final int REASONING = 5;
  static final int CREATION = 6;
  static final int DETAILS_WRITE = 7;
  static final int COUNTS = 8;

  /**
   * The slot of each member of {@link #USAGE_MEMBERS} that is a count (-1 for the two details
   * objects), and of each member of the details objects.
   */
  static final int[] USAGE_SLOTS = {PROMPT, COMPLETION, TOTAL, CACHED, -1, -1, CREATION};

  static final int[] PROMPT_DETAILS_SLOTS = {DETAILS_CACHED, DETAILS_WRITE};
  static final int[] COMPLETION_DETAILS_SLOTS = {REASONING};

  /**
   * Returns the usage of the counts gathered (absent ones null): the prompt tokens written to the
   * cache from whichever spelling arrived, {@code prompt_tokens_details.cache_write_tokens}, else
   * {@code cache_creation_input_tokens}, never their sum, since a server that sends both counts the
   * same tokens twice (kimi-api.md, Changes of 2026-11-25); the cached tokens likewise from the top
   * level, else {@code prompt_tokens_details}.
   */
  static Usage usage(Integer[] counts, JsonObject extra) {
    return new Usage(
        orZero(counts[PROMPT]),
        orZero(counts[COMPLETION]),
        orZero(counts[TOTAL]),
        counts[CACHED] != null ? counts[CACHED] : counts[DETAILS_CACHED],
        counts[REASONING],
        extra,
        counts[DETAILS_WRITE] != null ? counts[DETAILS_WRITE] : counts[CREATION]);
  }

  private static int orZero(Integer count) {
    return count == null ? 0 : count;
  }

  /**
   * Reads a usage object as a reply carries it.
   *
   * @param r the reader, before the value
   * @return the usage, or null for {@code null}
   */
  static Usage readUsage(JsonReader r) {
    if (r.nextIfNull()) {
      return null;
    }
    Integer[] counts = new Integer[COUNTS];
    Map<String, JsonValue> extra = null;
    r.beginObject();
    while (r.hasNext()) {
      int member = r.selectName(USAGE);
      if (member == 4) {
        readDetails(r, PROMPT_DETAILS, PROMPT_DETAILS_SLOTS, counts);
      } else if (member == 5) {
        readDetails(r, COMPLETION_DETAILS, COMPLETION_DETAILS_SLOTS, counts);
      } else if (member >= 0) {
        counts[USAGE_SLOTS[member]] = readInteger(r);
      } else {
        extra = keep(r, extra);
      }
    }
    r.endObject();
    return usage(counts, fields(extra));
  }

  /**
   * Reads the counts named by {@code names} of a {@code *_tokens_details} object into their {@code
   * slots}; other members, and a value that is no object, are skipped.
   */
  private static void readDetails(
      JsonReader r, JsonReader.Names names, int[] slots, Integer[] counts) {
    if (r.peek() != JsonToken.BEGIN_OBJECT) {
      r.skipValue();
      return;
    }
    r.beginObject();
    while (r.hasNext()) {
      int i = r.selectName(names);
      if (i >= 0) {
        counts[slots[i]] = readInteger(r);
      } else {
        r.skipValue();
      }
    }
    r.endObject();
  }

  // ---------------------------------------------------------------------------------------------
  // Log probabilities

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
