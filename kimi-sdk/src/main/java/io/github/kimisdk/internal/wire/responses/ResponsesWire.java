package io.github.kimisdk.internal.wire.responses;

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
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Responses, {@code POST responses} below the chat-completions base with a bearer key; every other
 * endpoint stays served on the same base. Encodes a {@link ChatRequest} as a stateless Responses
 * request ({@code store: false}, the whole conversation as {@code input}) and decodes a Responses
 * reply into a {@link ChatCompletion}; the mapping rules are documented on {@link
 * WireProtocol#RESPONSES}.
 */
public final class ResponsesWire extends Wire {

  /** The usage members {@link #usage} models; every other one is kept as it came. */
  private static final Set<String> USAGE_MEMBERS =
      Set.of(
          "input_tokens",
          "output_tokens",
          "total_tokens",
          "input_tokens_details",
          "output_tokens_details",
          "cached_tokens",
          "cache_creation_input_tokens");

  /**
   * Members Kimi's Responses surface answers with a 400 (kimi-api.md, changes of 2026-11-25, second
   * look), which a request could carry only as extra body fields: the SDK's tool types cannot
   * express them.
   */
  static final List<String> REFUSED_MEMBERS =
      List.of("defer_loading", "search_context_size", "blocked_domains", "prompt_cache_breakpoint");

  private ResponsesWire() {
    super(
        "Responses",
        "responses",
        Auth.BEARER,
        Map.of(),
        false,
        null,
        (metadata, errors, maxDepth, request) ->
            new ResponsesEventHandler(metadata, errors, maxDepth),
        FATES,
        REFUSALS);
  }

  /** What Responses writes and drops of each component; the refusals are {@link #REFUSALS}. */
  private static final List<Fate> FATES =
      withDropsAlike(
          List.of(
              "model",
              "temperature",
              "topP",
              "stream",
              "tools",
              "toolChoice",
              "promptCacheKey",
              "safetyIdentifier",
              "extraBody"),
          Fate.written("messages", "input"),
          Fate.written("maxCompletionTokens", "max_output_tokens"),
          Fate.dropped("presencePenalty", "a penalty of 0 changes nothing").when("0"),
          Fate.dropped("frequencyPenalty", "a penalty of 0 changes nothing").when("0"),
          Fate.written("responseFormat", "text").when("a JSON format"),
          Fate.written("thinking", "thinking", "reasoning"),
          Fate.written("reasoningEffort", "reasoning"));

  /** What Responses refuses, in the order checked. */
  private static final List<Refusal> REFUSALS = refusals();

  private static List<Refusal> refusals() {
    List<Refusal> r = new ArrayList<>(chatCompletionsOnly());
    r.add(
        builtinTools(
            Set.of(Tool.WEB_SEARCH),
            "Kimi's Responses surface runs only $web_search (sent as its web_search tool); use"
                + " WireProtocol.CHAT_COMPLETIONS for Kimi's other built-in tools"));
    r.add(
        refusal(
            "extraBody",
            "it holds " + String.join(", ", REFUSED_MEMBERS),
            "Kimi's Responses surface answers it with a 400 (its web_search tool takes no"
                + " search_context_size or blocked_domains, and it loads no tool later): leave it"
                + " out",
            q -> {
              for (String member : REFUSED_MEMBERS) {
                if (q.extraBody().containsKey(member)) {
                  return "the extra body field " + member;
                }
              }
              return null;
            }));
    r.addAll(penalties(true));
    r.add(
        refusal(
            "stop",
            null,
            "leave them unset, or use WireProtocol.CHAT_COMPLETIONS",
            q -> q.stop().isEmpty() ? null : "stop sequences"));
    // Kimi says its surfaces differ in how the time to live is set, and documents none for
    // Responses (kimi-api.md, Changes of 2026-11-25).
    r.add(
        oneHourCache(
            "Kimi documents no way to ask for it there: use WireProtocol.CHAT_COMPLETIONS, or leave"
                + " promptCacheTtl unset for Kimi's five minutes"));
    r.add(effortTwice("reasoning"));
    r.add(
        refusal(
            "messages",
            "a user message holds an uploaded image (ms://)",
            "pass the image bytes with ContentPart.image(bytes) or ContentPart.image(path), or use"
                + " WireProtocol.CHAT_COMPLETIONS",
            q ->
                inUserParts(
                    q,
                    p ->
                        p instanceof ContentPart.ImagePart i
                                && i.url().regionMatches(true, 0, "ms://", 0, 5)
                            ? "an image given as an uploaded file (ms://)"
                            : null)));
    r.add(
        refusal(
            "messages",
            "an assistant message is partial (a prefill)",
            "use WireProtocol.CHAT_COMPLETIONS to continue a reply",
            q ->
                inMessages(
                    q,
                    m ->
                        m instanceof AssistantMessage a && a.partial()
                            ? "a partial assistant message (prefill)"
                            : null)));
    return List.copyOf(r);
  }

  /**
   * The one instance: the protocol holds no state. After its declaration, which it reads; typed
   * {@code Wire} so that verifying {@link io.github.kimisdk.internal.wire.Wires#get} does not load
   * this class for a client that never speaks its protocol.
   */
  public static final Wire INSTANCE = new ResponsesWire();

  @Override
  protected byte[] write(ChatRequest r) {
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("model").value(r.model());
    w.name("store").value(false); // Kimi keeps no history: 400 for true
    w.name("input").beginArray();
    for (Message m : r.messages()) {
      writeItems(w, m);
    }
    w.endArray();
    if (r.maxCompletionTokens() != null) {
      w.name("max_output_tokens").value((long) r.maxCompletionTokens());
    }
    writeSampling(w, r);
    if (r.stream()) {
      w.name("stream").value(true);
    }
    if (r.responseFormat() != null && r.responseFormat().type() != ResponseFormat.Type.TEXT) {
      ResponseFormat f = r.responseFormat();
      w.name("text").beginObject().name("format").beginObject();
      if (f.type() == ResponseFormat.Type.JSON_OBJECT) {
        w.name("type").value("json_object");
      } else {
        w.name("type").value("json_schema");
        w.name("name").value(f.name());
        w.name("schema").value(f.schema());
        if (f.strict() != null) {
          w.name("strict").value((boolean) f.strict());
        }
      }
      w.endObject().endObject();
    }
    if (!r.tools().isEmpty()) {
      w.name("tools").beginArray();
      for (Tool t : r.tools()) {
        if (t instanceof FunctionTool f) {
          w.beginObject().name("type").value("function");
          MessageForm.writeFunction(w, f);
          w.endObject();
        } else {
          // $web_search, the one built-in check lets through: Kimi runs the search itself
          w.beginObject().name("type").value("web_search").endObject();
        }
      }
      w.endArray();
    }
    if (r.toolChoice() != null) {
      w.name("tool_choice");
      ToolChoice c = r.toolChoice();
      if (c instanceof ToolChoice.Function f) {
        w.beginObject().name("type").value("function").name("name").value(f.name()).endObject();
      } else if (c == ToolChoice.Mode.AUTO) {
        w.value("auto");
      } else if (c == ToolChoice.Mode.NONE) {
        w.value("none");
      } else if (c == ToolChoice.Mode.REQUIRED) {
        w.value("required");
      } else {
        throw new AssertionError(c);
      }
    }
    if (r.thinking() != null) {
      // Kimi's own member, as on chat completions; the effort goes in reasoning below
      Thinking t = r.thinking();
      w.name("thinking").beginObject().name("type").value(t.isEnabled() ? "enabled" : "disabled");
      if (t.keep() != null) {
        w.name("keep").value(t.keep());
      }
      w.endObject();
    }
    String effort = effort(r);
    if (effort != null) {
      // as Moonshot's own Responses client asks for it, with the reasoning summarised back
      w.name("reasoning").beginObject().name("effort").value(effort);
      w.name("summary").value("auto").endObject();
    }
    if (r.promptCacheKey() != null) {
      w.name("prompt_cache_key").value(r.promptCacheKey());
    }
    if (r.safetyIdentifier() != null) {
      w.name("safety_identifier").value(r.safetyIdentifier());
    }
    for (Map.Entry<String, JsonValue> e : r.extraBody().entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
    return w.toByteArray();
  }

  /** Writes the input items one message stands for. */
  private static void writeItems(JsonWriter w, Message m) {
    if (m instanceof SystemMessage s) {
      w.beginObject().name("type").value("message").name("role").value("system");
      w.name("content").value(s.content()).endObject();
    } else if (m instanceof UserMessage u) {
      w.beginObject().name("type").value("message").name("role").value("user").name("content");
      if (u.content().size() == 1 && u.content().get(0) instanceof ContentPart.TextPart t) {
        w.value(t.text());
      } else {
        w.beginArray();
        for (ContentPart p : u.content()) {
          if (p instanceof ContentPart.TextPart t) {
            w.beginObject().name("type").value("input_text").name("text").value(t.text());
          } else if (p instanceof ContentPart.ImagePart i) {
            w.beginObject().name("type").value("input_image").name("image_url").value(i.url());
          } else {
            throw new AssertionError(p); // videos were refused by check
          }
          w.endObject();
        }
        w.endArray();
      }
      w.endObject();
    } else if (m instanceof AssistantMessage a) {
      if (a.reasoningContent() != null || a.reasoningSignature() != null) {
        // written even when empty, as chat completions write reasoning_content: a thinking
        // model refuses a replayed tool turn without it
        w.beginObject().name("type").value("reasoning").name("summary").beginArray();
        if (a.reasoningContent() != null) {
          w.beginObject().name("type").value("summary_text");
          w.name("text").value(a.reasoningContent()).endObject();
        }
        w.endArray();
        if (a.reasoningSignature() != null) {
          w.name("encrypted_content").value(a.reasoningSignature());
        }
        w.endObject();
      }
      if (!empty(a.content())) {
        w.beginObject().name("type").value("message").name("role").value("assistant");
        w.name("content").beginArray().beginObject().name("type").value("output_text");
        w.name("text").value(a.content()).endObject().endArray().endObject();
      }
      for (ToolCall c : a.toolCalls()) {
        w.beginObject().name("type").value("function_call");
        w.name("call_id").value(c.id() == null ? "" : c.id());
        w.name("name").value(c.name() == null ? "" : c.name());
        w.name("arguments").value(c.arguments() == null ? "" : c.arguments());
        w.endObject();
      }
    } else if (m instanceof ToolMessage t) {
      w.beginObject().name("type").value("function_call_output");
      w.name("call_id").value(t.toolCallId());
      w.name("output").value(t.content()).endObject();
    } else {
      throw new AssertionError(m);
    }
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }

  /** Decodes a non-streaming Responses reply: a completion with one choice. */
  @Override
  public ChatCompletion decode(byte[] b, int off, int len, int maxDepth) {
    return response(Json.parse(b, off, len, maxDepth).asObject());
  }

  /**
   * Decodes a response object, also the one a stream's last event carries.
   *
   * @param o the response
   * @return the completion, with one choice
   * @throws IllegalArgumentException if {@code o} has no output array
   */
  static ChatCompletion response(JsonObject o) {
    if (!(o.get("output") instanceof JsonArray output)) {
      throw new IllegalArgumentException("the response has no output array");
    }
    Output out = new Output();
    for (JsonValue v : output.values()) {
      if (v instanceof JsonObject item) {
        out.add(item);
      }
    }
    AssistantMessage message =
        new AssistantMessage(
            out.text == null ? null : out.text.toString(),
            out.reasoning == null ? null : out.reasoning.toString(),
            out.calls,
            null,
            false,
            out.signature);
    Usage usage = o.get("usage") instanceof JsonObject u ? usage(u) : null;
    return new ChatCompletion(
        string(o, "id"),
        "chat.completion",
        o.get("created_at") instanceof JsonNumber n ? n.longValue() : 0,
        string(o, "model"),
        List.of(new Choice(0, message, finishReason(o, !out.calls.isEmpty()), null)),
        usage,
        null);
  }

  /** What the output items of one response hold, joined. */
  static final class Output {
    StringBuilder text;
    StringBuilder reasoning;
    String signature;
    final List<ToolCall> calls = new ArrayList<>();

    void add(JsonObject item) {
      String type = string(item, "type");
      if ("message".equals(type)) {
        String t = messageText(item);
        if (t != null) {
          text = text == null ? new StringBuilder(t) : text.append(t);
        }
      } else if ("reasoning".equals(type)) {
        String t = reasoningText(item);
        if (t != null) {
          reasoning = reasoning == null ? new StringBuilder(t) : reasoning.append(t);
        }
        String enc = string(item, "encrypted_content");
        if (enc != null) {
          signature = enc;
        }
      } else if ("function_call".equals(type)) {
        calls.add(call(item));
      }
      // other items (built-in tool calls of other vendors) have no chat-completions equivalent
    }
  }

  /** A {@code function_call} item as a tool call; missing arguments are {@code ""}. */
  static ToolCall call(JsonObject item) {
    String id = string(item, "call_id");
    if (id == null) {
      id = string(item, "id");
    }
    String args = string(item, "arguments");
    return ToolCall.function(id, string(item, "name"), args == null ? "" : args);
  }

  /** The {@code output_text} parts of a message item, joined; null when it has none. */
  static String messageText(JsonObject item) {
    if (!(item.get("content") instanceof JsonArray parts)) {
      return item.get("content") instanceof JsonString s ? s.value() : null;
    }
    StringBuilder sb = null;
    for (JsonValue v : parts.values()) {
      if (v instanceof JsonObject p && "output_text".equals(string(p, "type"))) {
        String t = string(p, "text");
        if (t != null) {
          sb = sb == null ? new StringBuilder(t) : sb.append(t);
        }
      }
    }
    return sb == null ? null : sb.toString();
  }

  /**
   * The text of a reasoning item: its summary parts joined by a blank line, else (servers that send
   * the reasoning itself) its {@code reasoning_text} content parts; null when it has neither.
   */
  static String reasoningText(JsonObject item) {
    String s = joined(item.get("summary"), "summary_text", SUMMARY_SEPARATOR);
    return s != null ? s : joined(item.get("content"), "reasoning_text", "");
  }

  /** What joins the parts of a reasoning summary, streamed or whole. */
  static final String SUMMARY_SEPARATOR = "\n\n";

  private static String joined(JsonValue parts, String type, String separator) {
    if (!(parts instanceof JsonArray a)) {
      return null;
    }
    StringBuilder sb = null;
    for (JsonValue v : a.values()) {
      if (v instanceof JsonObject p && type.equals(string(p, "type"))) {
        String t = string(p, "text");
        if (t != null) {
          sb = sb == null ? new StringBuilder(t) : sb.append(separator).append(t);
        }
      }
    }
    return sb == null ? null : sb.toString();
  }

  /**
   * Maps a response's {@code status} and {@code incomplete_details.reason} onto a finish reason:
   * {@code completed} to {@code tool_calls} when the output calls tools and {@code stop} otherwise,
   * {@code incomplete} for {@code max_output_tokens} to {@code length} and for {@code
   * content_filter} to {@code content_filter}; other reasons and statuses pass through as open
   * values; no status is null. An {@code incomplete} response that gives no reason is {@code
   * length}: the answer was cut, and a cap is the common cause (LiteLLM's Responses bridge and
   * agent clients on Codex's Responses map a bare {@code incomplete} so; Vercel's AI SDK reads only
   * the reason and says {@code stop}; openai-java and OpenAI's Node client map nothing).
   *
   * @param o the response
   * @param callsTools whether its output calls tools
   * @return the finish reason
   */
  static FinishReason finishReason(JsonObject o, boolean callsTools) {
    String status = string(o, "status");
    if (status == null) {
      return null;
    }
    switch (status) {
      case "completed":
        return callsTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
      case "incomplete":
        {
          String reason =
              o.get("incomplete_details") instanceof JsonObject d ? string(d, "reason") : null;
          if ("max_output_tokens".equals(reason)) {
            return FinishReason.LENGTH;
          }
          if ("content_filter".equals(reason)) {
            return FinishReason.CONTENT_FILTER;
          }
          return reason != null ? FinishReason.of(reason) : FinishReason.LENGTH;
        }
      default:
        return FinishReason.of(status);
    }
  }

  /**
   * Maps Responses usage onto {@link Usage}: {@code input_tokens} (cached ones included) to prompt
   * tokens, {@code output_tokens} to completion tokens, {@code input_tokens_details.cached_tokens}
   * (else a top-level {@code cached_tokens}) to cached tokens, {@code
   * output_tokens_details.reasoning_tokens} to reasoning tokens, and the written tokens from {@code
   * input_tokens_details.cache_write_tokens}, else {@code cache_creation_input_tokens} (never their
   * sum). Other members are kept.
   *
   * @param u the usage object
   * @return the usage
   */
  static Usage usage(JsonObject u) {
    JsonObject in = u.get("input_tokens_details") instanceof JsonObject d ? d : JsonObject.of();
    JsonObject out = u.get("output_tokens_details") instanceof JsonObject d ? d : JsonObject.of();
    int prompt = count(u.get("input_tokens"), 0);
    int completion = count(u.get("output_tokens"), 0);
    int total = count(u.get("total_tokens"), prompt + completion);
    Integer cached = integer(in.get("cached_tokens"));
    if (cached == null) {
      cached = integer(u.get("cached_tokens"));
    }
    Integer written = integer(in.get("cache_write_tokens"));
    if (written == null) {
      written = integer(u.get("cache_creation_input_tokens"));
    }
    Map<String, JsonValue> extra = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : u.members().entrySet()) {
      if (!USAGE_MEMBERS.contains(e.getKey())) {
        extra.put(e.getKey(), e.getValue());
      }
    }
    return new Usage(
        prompt,
        completion,
        total,
        cached,
        integer(out.get("reasoning_tokens")),
        extra.isEmpty() ? null : JsonObject.of(extra),
        written);
  }

  private static int count(JsonValue v, int otherwise) {
    Integer i = integer(v);
    return i == null ? otherwise : Math.max(0, i);
  }

  private static Integer integer(JsonValue v) {
    if (!(v instanceof JsonNumber n)) {
      return null;
    }
    long l = n.longValue();
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l));
  }
}
