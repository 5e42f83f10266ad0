package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.RunHost;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The form of what the workflow hands its activities and gets back, as Temporal's history keeps it:
 * JSON text of this module's own, each with {@code "format"} and {@code "version"} (1), so that a
 * history one build recorded replays on the next. A request is written whole (every component of
 * {@link ChatRequest}; {@code PayloadsTest} fails when one is added and not written here), its
 * messages in the saved form of {@link Conversation}; a reply keeps what the loop and its listener
 * read (id, model, the choices' messages, finish reasons and usage, the server's extra members),
 * not its log probabilities nor the HTTP response it came in (which belong to the call, not the
 * run).
 */
final class Payloads {
  private Payloads() {}

  static final String REQUEST = "kimi-sdk.temporal.request";
  static final String REPLY = "kimi-sdk.temporal.reply";
  static final String JOB = "kimi-sdk.temporal.tool-job";
  static final String OUTCOME = "kimi-sdk.temporal.tool-outcome";
  static final String TOOLS = "kimi-sdk.temporal.tools";
  static final int VERSION = 1;

  // ---- requests ----

  static String request(ChatRequest r) {
    JsonObject.Builder o = head(REQUEST);
    o.put("model", r.model());
    o.put("messages", messages(r.messages()));
    opt(o, "max_completion_tokens", r.maxCompletionTokens());
    opt(o, "temperature", r.temperature());
    opt(o, "top_p", r.topP());
    opt(o, "n", r.n());
    opt(o, "presence_penalty", r.presencePenalty());
    opt(o, "frequency_penalty", r.frequencyPenalty());
    if (r.stop() != null) {
      JsonArray.Builder a = JsonArray.builder();
      r.stop().forEach(a::add);
      o.put("stop", a.build());
    }
    o.put("stream", r.stream());
    o.put("include_usage", r.includeUsage());
    if (r.responseFormat() != null) {
      ResponseFormat f = r.responseFormat();
      JsonObject.Builder b = JsonObject.builder().put("type", f.type().name());
      optText(b, "name", f.name());
      optValue(b, "schema", f.schema());
      if (f.strict() != null) {
        b.put("strict", f.strict());
      }
      o.put("response_format", b.build());
    }
    if (r.tools() != null) {
      o.put("tools", tools(r.tools()));
    }
    if (r.toolChoice() != null) {
      o.put("tool_choice", toolChoice(r.toolChoice()));
    }
    if (r.thinking() != null) {
      Thinking t = r.thinking();
      JsonObject.Builder b = JsonObject.builder().put("type", t.type().name());
      optText(b, "keep", t.keep());
      optText(b, "effort", t.effort());
      o.put("thinking", b.build());
    }
    optText(o, "reasoning_effort", r.reasoningEffort());
    optText(o, "prompt_cache_key", r.promptCacheKey());
    optText(o, "safety_identifier", r.safetyIdentifier());
    if (r.extraBody() != null) {
      o.put("extra_body", JsonObject.of(new LinkedHashMap<>(r.extraBody())));
    }
    if (r.logprobs() != null) {
      o.put("logprobs", r.logprobs());
    }
    opt(o, "top_logprobs", r.topLogprobs());
    if (r.prediction() != null) {
      Prediction p = r.prediction();
      JsonObject.Builder b = JsonObject.builder();
      optText(b, "text", p.text());
      if (p.parts() != null) {
        JsonArray.Builder a = JsonArray.builder();
        p.parts().forEach(a::add);
        b.put("parts", a.build());
      }
      o.put("prediction", b.build());
    }
    if (r.promptCacheTtl() != null) {
      o.put("prompt_cache_ttl", r.promptCacheTtl().name());
    }
    return Json.write(o.build());
  }

  static ChatRequest request(String json) {
    JsonObject o = open(json, REQUEST);
    List<String> stop = null;
    if (o.get("stop") instanceof JsonArray a) {
      stop = new ArrayList<>();
      for (JsonValue v : a.values()) {
        stop.add(v.asString());
      }
    }
    ResponseFormat format = null;
    if (o.get("response_format") instanceof JsonObject f) {
      format =
          new ResponseFormat(
              ResponseFormat.Type.valueOf(f.get("type").asString()),
              text(f, "name"),
              value(f, "schema"),
              f.get("strict") instanceof JsonBoolean b ? b.value() : null);
    }
    Thinking thinking = null;
    if (o.get("thinking") instanceof JsonObject t) {
      thinking =
          new Thinking(
              Thinking.Type.valueOf(t.get("type").asString()), text(t, "keep"), text(t, "effort"));
    }
    Map<String, JsonValue> extra = null;
    if (o.get("extra_body") instanceof JsonObject e) {
      extra = new LinkedHashMap<>(e.members());
    }
    Prediction prediction = null;
    if (o.get("prediction") instanceof JsonObject p) {
      List<String> parts = null;
      if (p.get("parts") instanceof JsonArray a) {
        parts = new ArrayList<>();
        for (JsonValue v : a.values()) {
          parts.add(v.asString());
        }
      }
      prediction = new Prediction(text(p, "text"), parts);
    }
    return new ChatRequest(
        o.get("model").asString(),
        messages(o.get("messages").asArray()),
        integer(o, "max_completion_tokens"),
        decimal(o, "temperature"),
        decimal(o, "top_p"),
        integer(o, "n"),
        decimal(o, "presence_penalty"),
        decimal(o, "frequency_penalty"),
        stop,
        bool(o, "stream"),
        bool(o, "include_usage"),
        format,
        o.get("tools") instanceof JsonArray t ? tools(t) : null,
        o.get("tool_choice") == null ? null : toolChoice(o.get("tool_choice")),
        thinking,
        text(o, "reasoning_effort"),
        text(o, "prompt_cache_key"),
        text(o, "safety_identifier"),
        extra,
        o.get("logprobs") instanceof JsonBoolean b ? b.value() : null,
        integer(o, "top_logprobs"),
        prediction,
        o.get("prompt_cache_ttl") instanceof JsonString s ? CacheTtl.valueOf(s.value()) : null);
  }

  /** Messages in the saved form of a conversation (every member, reasoning and all, kept). */
  private static JsonArray messages(List<Message> messages) {
    Conversation c = Conversation.withId("payload");
    c.addAll(messages);
    return Json.parse(c.toJson()).asObject().get("messages").asArray();
  }

  private static List<Message> messages(JsonArray saved) {
    JsonObject c =
        JsonObject.builder()
            .put("format", Conversation.FORMAT)
            .put("version", Conversation.VERSION)
            .put("id", "payload")
            .put("messages", saved)
            .build();
    return Conversation.fromJson(Json.write(c)).messages();
  }

  private static JsonArray tools(List<Tool> tools) {
    JsonArray.Builder a = JsonArray.builder();
    for (Tool t : tools) {
      if (t instanceof FunctionTool f) {
        a.add(function(f));
      } else if (t instanceof BuiltinTool b) {
        a.add(JsonObject.builder().put("type", "builtin").put("name", b.name()).build());
      } else {
        throw new AssertionError(t);
      }
    }
    return a.build();
  }

  private static List<Tool> tools(JsonArray a) {
    List<Tool> out = new ArrayList<>();
    for (JsonValue v : a.values()) {
      JsonObject t = v.asObject();
      if (t.get("type").asString().equals("builtin")) {
        out.add(new BuiltinTool(t.get("name").asString()));
      } else {
        out.add(function(t));
      }
    }
    return out;
  }

  private static JsonObject function(FunctionTool f) {
    JsonObject.Builder b = JsonObject.builder().put("type", "function").put("name", f.name());
    optText(b, "description", f.description());
    optValue(b, "parameters", f.parameters());
    if (f.strict() != null) {
      b.put("strict", f.strict());
    }
    return b.build();
  }

  private static FunctionTool function(JsonObject t) {
    return new FunctionTool(
        t.get("name").asString(),
        text(t, "description"),
        value(t, "parameters"),
        t.get("strict") instanceof JsonBoolean b ? b.value() : null);
  }

  private static JsonValue toolChoice(ToolChoice c) {
    if (c instanceof ToolChoice.Mode m) {
      return JsonString.of(m.name());
    } else if (c instanceof ToolChoice.Function f) {
      return JsonObject.builder().put("function", f.name()).build();
    }
    throw new AssertionError(c);
  }

  private static ToolChoice toolChoice(JsonValue v) {
    if (v instanceof JsonString s) {
      return ToolChoice.Mode.valueOf(s.value());
    }
    return new ToolChoice.Function(v.asObject().get("function").asString());
  }

  // ---- replies ----

  static String reply(ChatCompletion c) {
    JsonObject.Builder o = head(REPLY);
    optText(o, "id", c.id());
    optText(o, "object", c.object());
    o.put("created", c.created());
    optText(o, "model", c.model());
    JsonArray.Builder choices = JsonArray.builder();
    for (Choice ch : c.choices()) {
      JsonObject.Builder b = JsonObject.builder().put("index", ch.index());
      Conversation one = Conversation.withId("payload");
      one.add(ch.message());
      b.put("message", Json.parse(one.toJson()).asObject().get("messages").asArray().get(0));
      if (ch.finishReason() != null) {
        b.put("finish_reason", ch.finishReason().value());
      }
      if (ch.usage() != null) {
        b.put("usage", usage(ch.usage()));
      }
      if (ch.additionalFields() != null && !ch.additionalFields().members().isEmpty()) {
        b.put("additional_fields", ch.additionalFields());
      }
      choices.add(b.build());
    }
    o.put("choices", choices.build());
    if (c.usage() != null) {
      o.put("usage", usage(c.usage()));
    }
    optText(o, "system_fingerprint", c.systemFingerprint());
    if (c.additionalFields() != null && !c.additionalFields().members().isEmpty()) {
      o.put("additional_fields", c.additionalFields());
    }
    return Json.write(o.build());
  }

  static ChatCompletion reply(String json) {
    JsonObject o = open(json, REPLY);
    List<Choice> choices = new ArrayList<>();
    for (JsonValue v : o.get("choices").asArray().values()) {
      JsonObject ch = v.asObject();
      AssistantMessage m = (AssistantMessage) messages(JsonArray.of(ch.get("message"))).get(0);
      choices.add(
          new Choice(
              ch.get("index").asInt(),
              m,
              ch.get("finish_reason") instanceof JsonString s ? FinishReason.of(s.value()) : null,
              ch.get("usage") instanceof JsonObject u ? usage(u) : null,
              null,
              ch.get("additional_fields") instanceof JsonObject a ? a : null));
    }
    return new ChatCompletion(
        text(o, "id"),
        text(o, "object"),
        o.get("created").asLong(),
        text(o, "model"),
        choices,
        o.get("usage") instanceof JsonObject u ? usage(u) : null,
        text(o, "system_fingerprint"),
        o.get("additional_fields") instanceof JsonObject a ? a : null,
        null);
  }

  private static JsonObject usage(Usage u) {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("prompt_tokens", u.promptTokens())
            .put("completion_tokens", u.completionTokens())
            .put("total_tokens", u.totalTokens());
    opt(b, "cached_tokens", u.cachedTokens());
    opt(b, "reasoning_tokens", u.reasoningTokens());
    opt(b, "cache_write_tokens", u.cacheWriteTokens());
    if (u.additionalFields() != null && !u.additionalFields().members().isEmpty()) {
      b.put("additional_fields", u.additionalFields());
    }
    return b.build();
  }

  private static Usage usage(JsonObject o) {
    return new Usage(
        o.get("prompt_tokens").asInt(),
        o.get("completion_tokens").asInt(),
        o.get("total_tokens").asInt(),
        integer(o, "cached_tokens"),
        integer(o, "reasoning_tokens"),
        o.get("additional_fields") instanceof JsonObject a ? a : null,
        integer(o, "cache_write_tokens"));
  }

  // ---- tool calls ----

  static String job(RunHost.ToolJob j) {
    return Json.write(
        head(JOB)
            .put("run_id", j.runId())
            .put("step", j.step())
            .put("position", j.position())
            .put("tool", j.tool())
            .put("arguments", j.arguments())
            .put("idempotency_key", j.idempotencyKey())
            .put("rerun", j.rerun())
            .build());
  }

  static RunHost.ToolJob job(String json) {
    JsonObject o = open(json, JOB);
    return new RunHost.ToolJob(
        o.get("run_id").asString(),
        o.get("step").asInt(),
        o.get("position").asInt(),
        o.get("tool").asString(),
        o.get("arguments").asString(),
        o.get("idempotency_key").asString(),
        o.get("rerun").asBoolean());
  }

  static String outcome(RunHost.ToolOutcome t) {
    return Json.write(head(OUTCOME).put("content", t.content()).put("error", t.error()).build());
  }

  static RunHost.ToolOutcome outcome(String json) {
    JsonObject o = open(json, OUTCOME);
    return new RunHost.ToolOutcome(o.get("content").asString(), o.get("error").asBoolean());
  }

  static String functionTools(List<FunctionTool> tools) {
    JsonArray.Builder a = JsonArray.builder();
    tools.forEach(t -> a.add(function(t)));
    return Json.write(head(TOOLS).put("tools", a.build()).build());
  }

  static List<FunctionTool> functionTools(String json) {
    List<FunctionTool> out = new ArrayList<>();
    for (JsonValue v : open(json, TOOLS).get("tools").asArray().values()) {
      out.add(function(v.asObject()));
    }
    return List.copyOf(out);
  }

  // ---- helpers ----

  private static JsonObject.Builder head(String format) {
    return JsonObject.builder().put("format", format).put("version", VERSION);
  }

  private static JsonObject open(String json, String format) {
    JsonObject o = Json.parse(json).asObject();
    if (!(o.get("format") instanceof JsonString f) || !f.value().equals(format)) {
      throw new IllegalArgumentException("not a " + format + " payload");
    }
    if (!(o.get("version") instanceof JsonNumber v) || v.intValue() != VERSION) {
      throw new IllegalArgumentException(
          "unsupported "
              + format
              + " version "
              + o.get("version")
              + "; this build reads "
              + VERSION
              + " (a history written by a newer build needs that build's workers)");
    }
    return o;
  }

  private static void opt(JsonObject.Builder b, String name, Number n) {
    if (n instanceof Integer i) {
      b.put(name, i.intValue());
    } else if (n instanceof Double d) {
      b.put(name, d.doubleValue());
    } else if (n != null) {
      throw new AssertionError(n.getClass());
    }
  }

  private static void optText(JsonObject.Builder b, String name, String s) {
    if (s != null) {
      b.put(name, s);
    }
  }

  private static void optValue(JsonObject.Builder b, String name, JsonValue v) {
    if (v != null) {
      b.put(name, JsonObject.builder().put("value", v).build());
    }
  }

  private static String text(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  /** A value kept as-is, wrapped so that a JSON null stays apart from an absent one. */
  private static JsonValue value(JsonObject o, String name) {
    if (o.get(name) instanceof JsonObject w) {
      JsonValue v = w.get("value");
      return v == null ? JsonNull.INSTANCE : v;
    }
    return null;
  }

  private static Integer integer(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.intValue() : null;
  }

  private static Double decimal(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.doubleValue() : null;
  }

  private static boolean bool(JsonObject o, String name) {
    return o.get(name) instanceof JsonBoolean b && b.value();
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
