package io.github.kimisdk.internal.wire.messages;

import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.chat.completions.Fate;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic Messages, {@code POST v1/messages} with {@code x-api-key} and a version header: encodes
 * a {@link ChatRequest} as a Messages request and decodes a Messages reply into a {@link
 * ChatCompletion}; the mapping rules are documented on {@link WireProtocol}. Only chat is served.
 */
public final class MessagesWire extends Wire {

  /** The {@code anthropic-version} header value sent with every request. */
  public static final String VERSION = "2023-06-01";

  /** The smallest thinking budget Messages accepts. */
  static final int MIN_THINKING_BUDGET = 1024;

  private MessagesWire() {
    super(
        "Anthropic Messages",
        "v1/messages",
        Auth.API_KEY_HEADER,
        Map.of("anthropic-version", VERSION),
        false,
        "This client speaks WireProtocol.ANTHROPIC_MESSAGES, which serves chat only; files,"
            + " batches, models, balance and token counting exist on the chat-completions surface."
            + " Use a second client built with Endpoint.GLOBAL, Endpoint.CHINA or Endpoint.KIMI_CODE"
            + " for them",
        (metadata, errors, maxDepth, request) ->
            new MessagesEventHandler(metadata, errors, maxDepth),
        FATES,
        REFUSALS);
  }

  /** What Messages writes and drops of each component; the refusals are {@link #REFUSALS}. */
  private static final List<Fate> FATES =
      withDropsAlike(
          List.of("model", "temperature", "topP", "stream", "tools", "toolChoice", "extraBody"),
          Fate.written("messages", "system", "messages"),
          // the thinking budget is the whole allowance but one token
          Fate.written("maxCompletionTokens", "max_tokens", "thinking"),
          Fate.written("stop", "stop_sequences"),
          Fate.written("thinking", "thinking", "output_config"),
          Fate.dropped(
                  "thinking",
                  "thinking blocks sent back in the history carry the earlier reasoning instead")
              .when("its keep"),
          Fate.written("reasoningEffort", "output_config"),
          Fate.dropped(
              "promptCacheKey",
              "Messages has no cache key, and Kimi caches a repeated prefix without one"),
          Fate.written("safetyIdentifier", "metadata"));

  /** What Messages refuses, in the order checked. */
  private static final List<Refusal> REFUSALS = refusals();

  private static List<Refusal> refusals() {
    List<Refusal> r = new ArrayList<>(chatCompletionsOnly());
    r.add(builtinTools(Set.of(), "use WireProtocol.CHAT_COMPLETIONS for Kimi's tools"));
    r.addAll(penalties(false));
    r.add(effortTwice("output_config"));
    // Kimi's Messages surface sets the time to live some other way, not documented (kimi-api.md,
    // Changes of 2026-11-25); Anthropic's cache_control is not known to be honoured there.
    r.add(
        oneHourCache(
            "Kimi documents no way to ask for it there (Anthropic's cache_control ttl is not known"
                + " to reach Kimi's cache): use WireProtocol.CHAT_COMPLETIONS, or leave"
                + " promptCacheTtl unset for Kimi's five minutes"));
    r.add(
        refusal(
            "responseFormat",
            "a JSON format",
            "ask for JSON in the prompt or with a tool, or use WireProtocol.CHAT_COMPLETIONS",
            q ->
                q.responseFormat() != null && q.responseFormat().type() != ResponseFormat.Type.TEXT
                    ? "response_format " + q.responseFormat().type().name().toLowerCase(Locale.ROOT)
                    : null));
    r.add(
        refusal(
            "messages",
            "a user message holds an image that is not a data: URL",
            "pass the image bytes with ContentPart.image(bytes) or ContentPart.image(path)",
            q ->
                inUserParts(
                    q,
                    p ->
                        p instanceof ContentPart.ImagePart i
                                && !i.url().regionMatches(true, 0, "data:", 0, 5)
                            ? "an image given as an uploaded file (ms://)"
                            : null)));
    r.add(
        refusal(
            "messages",
            "a tool call's arguments are not a JSON object",
            "Messages sends them as a JSON object: repair or drop that call in the history",
            q ->
                inMessages(
                    q,
                    m -> {
                      if (m instanceof AssistantMessage a) {
                        for (ToolCall c : a.toolCalls()) {
                          String problem = argumentsProblem(c);
                          if (problem != null) {
                            return "tool call " + c.id() + " with arguments that are " + problem;
                          }
                        }
                      }
                      return null;
                    })));
    return List.copyOf(r);
  }

  /**
   * The one instance: the protocol holds no state. After its declaration, which it reads; typed
   * {@code Wire} so that verifying {@link io.github.kimisdk.internal.wire.Wires#get} does not load
   * this class for a client that never speaks its protocol.
   */
  public static final Wire INSTANCE = new MessagesWire();

  @Override
  protected int defaultOutputCap(int modelDefault) {
    return WireProtocol.DEFAULT_MAX_TOKENS; // max_tokens is required: written when none is set
  }

  @Override
  protected byte[] write(ChatRequest r) {
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("model").value(r.model());
    int maxTokens =
        r.maxCompletionTokens() != null ? r.maxCompletionTokens() : WireProtocol.DEFAULT_MAX_TOKENS;
    w.name("max_tokens").value((long) maxTokens);
    StringBuilder system = null;
    for (Message m : r.messages()) {
      if (m instanceof SystemMessage s) {
        system = system == null ? new StringBuilder() : system.append("\n\n");
        system.append(s.content());
      }
    }
    if (system != null) {
      w.name("system").value(system.toString());
    }
    w.name("messages").beginArray();
    writeMessages(w, r.messages());
    w.endArray();
    writeSampling(w, r);
    if (!r.stop().isEmpty()) {
      w.name("stop_sequences").beginArray();
      for (String s : r.stop()) {
        w.value(s);
      }
      w.endArray();
    }
    if (r.stream()) {
      w.name("stream").value(true);
    }
    if (!r.tools().isEmpty()) {
      w.name("tools").beginArray();
      for (Tool t : r.tools()) {
        FunctionTool f = (FunctionTool) t; // built-in tools were refused by check
        w.beginObject().name("name").value(f.name());
        if (f.description() != null) {
          w.name("description").value(f.description());
        }
        w.name("input_schema");
        if (f.parameters() != null) {
          w.value(f.parameters());
        } else {
          w.beginObject().name("type").value("object");
          w.name("properties").beginObject().endObject().endObject();
        }
        w.endObject();
      }
      w.endArray();
    }
    if (r.toolChoice() != null) {
      w.name("tool_choice").beginObject();
      ToolChoice c = r.toolChoice();
      if (c instanceof ToolChoice.Function f) {
        w.name("type").value("tool").name("name").value(f.name());
      } else if (c == ToolChoice.Mode.AUTO) {
        w.name("type").value("auto");
      } else if (c == ToolChoice.Mode.NONE) {
        w.name("type").value("none");
      } else if (c == ToolChoice.Mode.REQUIRED) {
        w.name("type").value("any");
      } else {
        throw new AssertionError(c);
      }
      w.endObject();
    }
    if (r.thinking() != null) {
      w.name("thinking").beginObject();
      if (r.thinking().type() == Thinking.Type.ENABLED) {
        w.name("type").value("enabled");
        w.name("budget_tokens").value((long) thinkingBudget(maxTokens));
      } else {
        w.name("type").value("disabled");
      }
      w.endObject();
    }
    String effort = effort(r);
    if (effort != null) {
      w.name("output_config").beginObject().name("effort").value(effort).endObject();
    }
    if (r.safetyIdentifier() != null) {
      w.name("metadata").beginObject().name("user_id").value(r.safetyIdentifier()).endObject();
    }
    for (Map.Entry<String, JsonValue> e : r.extraBody().entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
    return w.toByteArray();
  }

  /** Returns the thinking budget for a reply allowance: all of it but one token, at least 1024. */
  static int thinkingBudget(int maxTokens) {
    return Math.max(MIN_THINKING_BUDGET, maxTokens - 1);
  }

  /**
   * Writes the non-system messages, merging tool results and user messages that follow each other
   * into one user turn. A turn that is a single text is written as a plain string.
   */
  private static void writeMessages(JsonWriter w, List<Message> messages) {
    List<Message> turn = new ArrayList<>();
    for (Message m : messages) {
      if (m instanceof SystemMessage) {
        continue;
      }
      if (m instanceof ToolMessage || m instanceof UserMessage) {
        turn.add(m);
      } else if (m instanceof AssistantMessage a) {
        writeUserTurn(w, turn);
        writeAssistant(w, a);
      } else {
        throw new AssertionError(m);
      }
    }
    writeUserTurn(w, turn);
  }

  private static void writeUserTurn(JsonWriter w, List<Message> turn) {
    if (turn.isEmpty()) {
      return;
    }
    w.beginObject().name("role").value("user").name("content");
    if (turn.size() == 1
        && turn.get(0) instanceof UserMessage u
        && u.content().size() == 1
        && u.content().get(0) instanceof ContentPart.TextPart t) {
      w.value(t.text());
    } else {
      w.beginArray();
      for (Message m : turn) {
        if (m instanceof ToolMessage t) {
          w.beginObject().name("type").value("tool_result");
          w.name("tool_use_id").value(t.toolCallId());
          w.name("content").value(t.content());
          w.endObject();
        } else {
          writeUserParts(w, (UserMessage) m);
        }
      }
      w.endArray();
    }
    w.endObject();
    turn.clear();
  }

  private static void writeUserParts(JsonWriter w, UserMessage u) {
    for (ContentPart p : u.content()) {
      w.beginObject();
      if (p instanceof ContentPart.TextPart t) {
        w.name("type").value("text").name("text").value(t.text());
      } else if (p instanceof ContentPart.ImagePart i) {
        String url = i.url();
        int comma = url.indexOf(',');
        int semi = url.lastIndexOf(';', comma);
        w.name("type").value("image").name("source").beginObject();
        w.name("type").value("base64");
        w.name("media_type").value(url.substring(5, semi).toLowerCase(Locale.ROOT));
        w.name("data").value(url.substring(comma + 1));
        w.endObject();
      } else {
        throw new AssertionError(p); // videos were refused by check
      }
      w.endObject();
    }
  }

  private static void writeAssistant(JsonWriter w, AssistantMessage a) {
    w.beginObject().name("role").value("assistant").name("content").beginArray();
    if (a.reasoningContent() != null) {
      w.beginObject().name("type").value("thinking").name("thinking").value(a.reasoningContent());
      if (a.reasoningSignature() != null) {
        w.name("signature").value(a.reasoningSignature());
      }
      w.endObject();
    }
    if (a.content() != null && !a.content().isEmpty()) {
      w.beginObject().name("type").value("text").name("text").value(a.content()).endObject();
    }
    for (ToolCall c : a.toolCalls()) {
      w.beginObject().name("type").value("tool_use");
      w.name("id").value(c.id() == null ? "" : c.id());
      w.name("name").value(c.name() == null ? "" : c.name());
      w.name("input").value(c.argumentsJson()); // a JSON object: checked by REFUSALS
      w.endObject();
    }
    w.endArray().endObject();
  }

  /** Returns why a call's arguments are not the JSON object Messages sends, or null. */
  private static String argumentsProblem(ToolCall c) {
    try {
      return c.argumentsJson() instanceof JsonObject ? null : "not a JSON object";
    } catch (RuntimeException e) {
      return "not valid JSON (" + e.getMessage() + ")";
    }
  }

  /** Decodes a non-streaming Messages reply: a completion with one choice. */
  @Override
  public ChatCompletion decode(byte[] b, int off, int len, int maxDepth) {
    JsonObject o = Json.parse(b, off, len, maxDepth).asObject();
    if (!(o.get("content") instanceof JsonArray content)) {
      throw new IllegalArgumentException("the message has no content array");
    }
    StringBuilder text = null;
    StringBuilder thinking = null;
    StringBuilder signature = null;
    List<ToolCall> calls = new ArrayList<>();
    for (JsonValue v : content.values()) {
      if (!(v instanceof JsonObject block)) {
        continue;
      }
      String type = string(block, "type");
      if ("text".equals(type)) {
        text = append(text, string(block, "text"));
      } else if ("thinking".equals(type)) {
        thinking = append(thinking, string(block, "thinking"));
        signature = append(signature, string(block, "signature"));
      } else if ("tool_use".equals(type)) {
        JsonValue input = block.get("input");
        calls.add(
            ToolCall.function(
                string(block, "id"),
                string(block, "name"),
                input == null ? "{}" : Json.write(input)));
      }
      // other blocks (redacted_thinking, server tool blocks) have no chat-completions equivalent
    }
    AssistantMessage message =
        new AssistantMessage(
            text == null ? null : text.toString(),
            thinking == null ? null : thinking.toString(),
            calls,
            null,
            false,
            signature == null ? null : signature.toString());
    Usage usage = o.get("usage") instanceof JsonObject u ? usage(u, null) : null;
    return new ChatCompletion(
        string(o, "id"),
        "chat.completion",
        0,
        string(o, "model"),
        List.of(new Choice(0, message, finishReason(string(o, "stop_reason")), null)),
        usage,
        null);
  }

  /**
   * Maps a stop reason onto a finish reason; unknown ones pass through as open values.
   *
   * @param stopReason the Messages stop reason; may be null
   * @return the finish reason, null for null
   */
  public static FinishReason finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    switch (stopReason) {
      case "end_turn":
      case "stop_sequence":
        return FinishReason.STOP;
      case "max_tokens":
        return FinishReason.LENGTH;
      case "tool_use":
        return FinishReason.TOOL_CALLS;
      case "refusal":
        return FinishReason.CONTENT_FILTER;
      default:
        return FinishReason.of(stopReason);
    }
  }

  /**
   * Maps Messages usage onto {@link Usage}: prompt tokens are input plus cache reads and writes,
   * cached tokens are the cache reads, cache-write tokens the writes ({@code
   * cache_creation_input_tokens}). Fields missing from {@code u} are taken from {@code earlier}
   * (the usage of {@code message_start} when {@code u} is a {@code message_delta}'s).
   *
   * @param u the usage object
   * @param earlier the raw usage seen before; null when none
   * @return the usage
   */
  static Usage usage(JsonObject u, JsonObject earlier) {
    long input = number(u, earlier, "input_tokens");
    long cacheRead = number(u, earlier, "cache_read_input_tokens");
    long cacheWrite = number(u, earlier, "cache_creation_input_tokens");
    long output = number(u, earlier, "output_tokens");
    int prompt = (int) (Math.max(0, input) + Math.max(0, cacheRead) + Math.max(0, cacheWrite));
    int completion = (int) Math.max(0, output);
    return new Usage(
        prompt,
        completion,
        prompt + completion,
        cacheRead < 0 ? null : (int) cacheRead,
        null,
        null,
        cacheWrite < 0 ? null : (int) cacheWrite);
  }

  private static long number(JsonObject u, JsonObject earlier, String name) {
    if (u.get(name) instanceof JsonNumber n) {
      return n.longValue();
    }
    if (earlier != null && earlier.get(name) instanceof JsonNumber n) {
      return n.longValue();
    }
    return -1;
  }

  private static StringBuilder append(StringBuilder sb, String s) {
    if (s == null) {
      return sb;
    }
    return sb == null ? new StringBuilder(s) : sb.append(s);
  }
}
