package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A host of Kimi's model set up wrong, as {@link FakeKimiServer#misconfigure} plays it ({@code
 * --misconfigure} on the command line): the faults Moonshot's vendor verifier exists for, each as
 * the server in question shows it, in any dialect, so that a host check is tested against each.
 *
 * <ul>
 *   <li>{@code no-reasoning-parser}: the model's raw output in {@code content}, no reasoning field
 *       (vLLM or SGLang started without {@code --reasoning-parser}): K3's channels, {@code
 *       <|open|>think<|sep|>...<|close|>think<|sep|><|open|>response<|sep|>...<|close|>response<|sep|><|close|>message<|sep|>},
 *       or K2's {@code <think>...</think>};
 *   <li>{@code k2-reasoning-parser}: K3 split by K2's reasoning parser ({@code --reasoning-parser
 *       kimi_k2}), which knows no K3 marker: on vLLM (whose {@code kimi_k2} parser takes a reply
 *       without {@code </think>} for reasoning still under way) the whole output arrives as
 *       reasoning, K3's channel markers included, and no content; on SGLang (whose {@code
 *       KimiK2Detector} starts reasoning only at {@code <think>}) it arrives as content; with
 *       thinking off, as content on both; a K2 model is split as usual;
 *   <li>{@code ignores-thinking-switch}: thinking off is not read, so the model thinks (a chat
 *       template that ignores the switch, or a switch the host does not take); the request is still
 *       judged as sent;
 *   <li>{@code no-tool-parser}: a tool call arrives as Kimi's raw markers in {@code content} and
 *       {@code finish_reason} is {@code stop} (no {@code --tool-call-parser}, or K2's for K3): K3's
 *       {@code <|open|>tools<|sep|><|open|>call tool="NAME" index="1"<|sep|>...}, K2's {@code
 *       <|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>...};
 *   <li>{@code no-stream-usage}: a stream carries no usage, whatever {@code stream_options} asks;
 *   <li>{@code retired=MODEL}: the host no longer serves Kimi's {@code MODEL}: {@code GET
 *       /v1/models} leaves it out and a call naming it gets the host's own 404 (vLLM's "The model
 *       `moonshotai/Kimi-K3` does not exist.").
 * </ul>
 *
 * <p>The markers are those vLLM's and SGLang's {@code kimi_k2} and {@code kimi_k3} parsers look
 * for. The faults apply to the model's own answers to {@code POST /v1/chat/completions} (a scripted
 * reply included), in its form before the dialect writes it in the host's words; other endpoints,
 * surfaces and errors are as usual. Immutable.
 */
final class FakeMisconfiguration {

  /** One fault a server can have. */
  enum Fault {
    NO_REASONING_PARSER("no-reasoning-parser"),
    K2_REASONING_PARSER("k2-reasoning-parser"),
    IGNORES_THINKING_SWITCH("ignores-thinking-switch"),
    NO_TOOL_PARSER("no-tool-parser"),
    NO_STREAM_USAGE("no-stream-usage");

    final String spec;

    Fault(String spec) {
      this.spec = spec;
    }
  }

  /** A server set up right. */
  static final FakeMisconfiguration NONE =
      new FakeMisconfiguration(EnumSet.noneOf(Fault.class), List.of());

  private static final String RETIRED = "retired";

  // K3's channels (vLLM's and SGLang's kimi_k3 parsers) and K2's markers (their kimi_k2 parsers)
  static final String THINK_OPEN = "<|open|>think<|sep|>";
  static final String THINK_CLOSE = "<|close|>think<|sep|>";
  static final String RESPONSE_OPEN = "<|open|>response<|sep|>";
  static final String RESPONSE_CLOSE = "<|close|>response<|sep|>";
  static final String MESSAGE_CLOSE = "<|close|>message<|sep|>";
  static final String TOOLS_OPEN = "<|open|>tools<|sep|>";
  static final String TOOLS_CLOSE = "<|close|>tools<|sep|>";

  private final Set<Fault> faults;
  private final List<String> retired;

  private FakeMisconfiguration(Set<Fault> faults, List<String> retired) {
    this.faults = Collections.unmodifiableSet(faults);
    this.retired = List.copyOf(retired);
  }

  /**
   * Reads a spec, {@code KIND[,KIND...]} with {@code retired=MODEL} as a kind; blank for none.
   *
   * @throws IllegalArgumentException for an unknown kind, a kind named twice or a blank model,
   *     listing the kinds taken
   */
  static FakeMisconfiguration parse(String spec) {
    if (spec.isBlank()) {
      return NONE;
    }
    EnumSet<Fault> faults = EnumSet.noneOf(Fault.class);
    List<String> retired = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq >= 0 && p.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals(RETIRED)) {
        String model = p.substring(eq + 1).strip();
        if (model.isEmpty() || retired.contains(model)) {
          throw new IllegalArgumentException(
              model.isEmpty()
                  ? "retired= names the model the host no longer serves, such as retired=kimi-k3"
                  : "retired=" + model + " is named twice");
        }
        retired.add(model);
        continue;
      }
      Fault f = null;
      for (Fault each : Fault.values()) {
        if (each.spec.equals(p.toLowerCase(Locale.ROOT))) {
          f = each;
        }
      }
      if (f == null) {
        throw new IllegalArgumentException("unknown misconfiguration '" + p + "': use " + kinds());
      }
      if (!faults.add(f)) {
        throw new IllegalArgumentException(f.spec + " is named twice");
      }
    }
    return new FakeMisconfiguration(faults, retired);
  }

  /** The kinds a spec takes, for messages and the usage. */
  static String kinds() {
    List<String> names = new ArrayList<>();
    for (Fault f : Fault.values()) {
      names.add(f.spec);
    }
    names.add(RETIRED + "=MODEL");
    return String.join(", ", names);
  }

  /** Kimi's ids of the models the host no longer serves. */
  List<String> retired() {
    return retired;
  }

  /** Whether the host has {@code fault}. */
  boolean has(Fault fault) {
    return faults.contains(fault);
  }

  /**
   * Returns {@code backend} with this setup's faults in the model's answers; {@code backend} itself
   * when there is none.
   */
  FakeSurface.Backend over(FakeSurface.Backend backend) {
    return faults.isEmpty() ? backend : new Misconfigured(backend);
  }

  /** Returns the spec, canonical: the kinds in order, then the retired models. */
  @Override
  public String toString() {
    List<String> out = new ArrayList<>();
    for (Fault f : faults) {
      out.add(f.spec);
    }
    for (String m : retired) {
      out.add(RETIRED + "=" + m);
    }
    return String.join(",", out);
  }

  // ---- the backend with the faults ----

  /** The server's backend, whose model answers as the misconfigured host passes them on. */
  private final class Misconfigured implements FakeSurface.Backend {
    private final FakeSurface.Backend backend;

    Misconfigured(FakeSurface.Backend backend) {
      this.backend = backend;
    }

    @Override
    public FakeResponse responder(RecordedRequest request) {
      return backend.responder(request);
    }

    @Override
    public FakeResponse model(
        RecordedRequest chat,
        FakeKimiServer.StreamedToolCallIds streamedIds,
        FakeResponse.Answer scripted) {
      return answer(chat, c -> backend.model(c, streamedIds, scripted));
    }

    @Override
    public FakeResponse model(
        RecordedRequest chat,
        FakeKimiServer.StreamedToolCallIds streamedIds,
        FakeResponse.Answer scripted,
        boolean moonshotHistory) {
      return answer(chat, c -> backend.model(c, streamedIds, scripted, moonshotHistory));
    }

    @Override
    public FakeDialect dialect() {
      return backend.dialect();
    }

    @Override
    public List<String> modelIds() {
      return backend.modelIds();
    }

    @Override
    public boolean lenient() {
      return backend.lenient();
    }

    @Override
    public FakeResponse endpoints(RecordedRequest request) {
      return ChatSurface.INSTANCE.claims(request)
          ? answer(request, backend::endpoints)
          : backend.endpoints(request);
    }

    @Override
    public boolean replaying() {
      return backend.replaying();
    }

    /**
     * The model's answer to {@code chat} (the request in Kimi's form) as the misconfigured host
     * passes it on: judged as sent, then, where the host ignores thinking off, answered as if it
     * were on, and written with the host's faults.
     */
    private FakeResponse answer(
        RecordedRequest chat, Function<RecordedRequest, FakeResponse> model) {
      FakeResponse r = model.apply(chat);
      if (r.status() != 200 || !(chat.json() instanceof JsonObject body)) {
        return r;
      }
      if (has(Fault.IGNORES_THINKING_SWITCH) && thinkingOff(body)) {
        FakeResponse thought = model.apply(thinking(chat, body));
        if (thought.status() == 200) {
          r = thought;
        }
      }
      String id = body.get("model") instanceof JsonString s ? s.value() : "";
      boolean k3 = FakeRules.k3(ModelCatalog.defaults().lookup(id));
      Writer w = new Writer(k3, backend.dialect() == FakeDialect.SGLANG);
      if (!r.streamed()) {
        return FakeSurface.translateBody(r, w::completion);
      }
      return r.withParts(w.stream().translate(r.parts()));
    }
  }

  private static boolean thinkingOff(JsonObject body) {
    return body.get("thinking") instanceof JsonObject t
        && t.get("type") instanceof JsonString type
        && type.value().equals("disabled");
  }

  /**
   * The request as a host that ignores the switch passes it on: thinking as the model's default
   * (on), and without the sampling values the request set for thinking off, which the template's
   * thinking mode does not read.
   */
  private static RecordedRequest thinking(RecordedRequest chat, JsonObject body) {
    Map<String, JsonValue> out = new LinkedHashMap<>(body.members());
    for (String member :
        List.of(
            "thinking",
            "reasoning_effort",
            "temperature",
            "top_p",
            "n",
            "presence_penalty",
            "frequency_penalty")) {
      out.remove(member);
    }
    return new RecordedRequest(
        chat.method(), chat.path(), chat.headers(), Json.writeBytes(JsonObject.of(out)));
  }

  // ---- the answers, written with the faults ----

  /** How a reply's reasoning reaches the client. */
  private enum Split {
    /** Split as Kimi's parser splits it. */
    PARSED,
    /** Not split: the raw output in content. */
    RAW,
    /** All of it as reasoning (vLLM's K2 parser on K3 with thinking on). */
    REASONING
  }

  /** Writes one answer with the faults; a stream's state is its own. */
  private final class Writer {
    private final boolean k3;
    private final boolean sglang;

    Writer(boolean k3, boolean sglang) {
      this.k3 = k3;
      this.sglang = sglang;
    }

    /** How a reply that has reasoning (or not) is split. */
    Split split(boolean reasoning) {
      if (has(Fault.NO_REASONING_PARSER)) {
        return Split.RAW;
      }
      if (has(Fault.K2_REASONING_PARSER) && k3) {
        return sglang || !reasoning ? Split.RAW : Split.REASONING;
      }
      return Split.PARSED;
    }

    /** A whole completion with the faults; null when it is not one. */
    String completion(String json) {
      if (!(Json.parse(json) instanceof JsonObject o)
          || !(o.get("choices") instanceof JsonArray choices)) {
        return null;
      }
      List<JsonValue> written = new ArrayList<>();
      for (JsonValue c : choices.values()) {
        if (!(c instanceof JsonObject choice)
            || !(choice.get("message") instanceof JsonObject message)) {
          written.add(c);
          continue;
        }
        Map<String, JsonValue> ch = new LinkedHashMap<>(choice.members());
        Map<String, JsonValue> m = new LinkedHashMap<>(message.members());
        String reasoning = string(m.remove("reasoning_content"));
        String content = string(m.get("content"));
        String tools = null;
        if (has(Fault.NO_TOOL_PARSER)
            && m.get("tool_calls") instanceof JsonArray calls
            && !calls.isEmpty()) {
          tools = toolMarkup(calls.values());
          m.remove("tool_calls");
          if (ch.get("finish_reason") instanceof JsonString f && f.value().equals("tool_calls")) {
            ch.put("finish_reason", JsonString.of("stop"));
          }
        }
        switch (split(reasoning != null)) {
          case PARSED -> {
            if (reasoning != null) {
              m.put("reasoning_content", JsonString.of(reasoning));
            }
            if (tools != null) {
              m.put("content", JsonString.of((content == null ? "" : content) + tools));
            }
          }
          case RAW -> m.put("content", JsonString.of(raw(reasoning, content, tools)));
          case REASONING -> {
            m.put(
                "reasoning_content",
                JsonString.of(
                    reasoning
                        + THINK_CLOSE
                        + RESPONSE_OPEN
                        + (content == null ? "" : content)
                        + RESPONSE_CLOSE
                        + (tools == null ? "" : tools)
                        + MESSAGE_CLOSE));
            m.put("content", JsonNull.INSTANCE);
          }
        }
        ch.put("message", JsonObject.of(m));
        written.add(JsonObject.of(ch));
      }
      Map<String, JsonValue> out = new LinkedHashMap<>(o.members());
      out.put("choices", JsonArray.of(written));
      return Json.write(JsonObject.of(out));
    }

    /** The model's raw output, as a server without (the right) reasoning parser passes it on. */
    String raw(String reasoning, String content, String tools) {
      String c = content == null ? "" : content;
      String t = tools == null ? "" : tools;
      if (!k3) {
        return (reasoning == null ? "" : "<think>" + reasoning + "</think>") + c + t;
      }
      return (reasoning == null ? "" : THINK_OPEN + reasoning + THINK_CLOSE)
          + (c.isEmpty() && tools != null ? "" : RESPONSE_OPEN + c + RESPONSE_CLOSE)
          + t
          + MESSAGE_CLOSE;
    }

    /** Tool calls as the model writes them, for a server without (the right) tool parser. */
    String toolMarkup(List<JsonValue> calls) {
      StringBuilder sb = new StringBuilder();
      int i = 0;
      for (JsonValue v : calls) {
        if (!(v instanceof JsonObject call) || !(call.get("function") instanceof JsonObject f)) {
          continue;
        }
        String id = string(call.get("id"));
        call(sb, i++, id, string(f.get("name")), string(f.get("arguments")));
      }
      return k3
          ? TOOLS_OPEN + sb + TOOLS_CLOSE
          : "<|tool_calls_section_begin|>" + sb + "<|tool_calls_section_end|>";
    }

    private void call(StringBuilder sb, int index, String id, String name, String arguments) {
      String n = name == null ? "" : name;
      String args = arguments == null ? "" : arguments;
      if (!k3) {
        sb.append("<|tool_call_begin|>")
            .append(id != null && !id.isEmpty() ? id : "functions." + n + ":" + index)
            .append("<|tool_call_argument_begin|>")
            .append(args)
            .append("<|tool_call_end|>");
        return;
      }
      sb.append("<|open|>call tool=\"").append(n).append("\" index=\"").append(index + 1);
      sb.append("\"<|sep|>");
      JsonValue parsed;
      try {
        parsed = Json.parse(args);
      } catch (RuntimeException notJson) {
        parsed = null;
      }
      if (parsed instanceof JsonObject o) {
        for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
          JsonValue v = e.getValue();
          String type =
              v instanceof JsonString
                  ? "string"
                  : v instanceof JsonNumber
                      ? "number"
                      : v instanceof JsonBoolean ? "boolean" : "json";
          sb.append("<|open|>argument key=\"")
              .append(e.getKey())
              .append("\" type=\"")
              .append(type)
              .append("\"<|sep|>")
              .append(v instanceof JsonString s ? s.value() : Json.write(v))
              .append("<|close|>argument<|sep|>");
        }
      } else {
        sb.append("<|open|>json<|sep|>").append(args).append("<|close|>json<|sep|>");
      }
      sb.append("<|close|>call<|sep|>");
    }

    Stream stream() {
      return new Stream();
    }

    /**
     * A chat stream's events with the faults, one event at a time: reasoning and content deltas
     * re-split, tool-call deltas held and written out as markers with the finishing chunk, usage
     * dropped; choice 0's state (the check's and the verifier's streams ask for one choice).
     */
    private final class Stream extends SseTranslator {
      private Split mode; // decided by the first delta with text
      private boolean thinkOpen;
      private boolean thinkClosed;
      private boolean responseOpen;
      private final Map<Integer, String[]> calls = new LinkedHashMap<>(); // id, name, arguments

      @Override
      String end(boolean dropped) {
        return "";
      }

      @Override
      void translate(String event, StringBuilder out) {
        String data = data(event);
        if (data == null || data.strip().equals("[DONE]")) {
          out.append(event);
          return;
        }
        JsonObject chunk;
        try {
          chunk = Json.parse(data).asObject();
        } catch (RuntimeException notAChunk) {
          out.append(event);
          return;
        }
        Map<String, JsonValue> c = new LinkedHashMap<>(chunk.members());
        if (has(Fault.NO_STREAM_USAGE) && c.remove("usage") != null) {
          if (c.get("choices") instanceof JsonArray a && a.isEmpty()) {
            return; // a usage-only chunk: not sent at all
          }
        }
        if (c.get("choices") instanceof JsonArray choices) {
          List<JsonValue> written = new ArrayList<>();
          for (JsonValue v : choices.values()) {
            written.add(v instanceof JsonObject choice ? choice(choice) : v);
          }
          c.put("choices", JsonArray.of(written));
        }
        out.append("data: ").append(Json.write(JsonObject.of(c))).append("\n\n");
      }

      private JsonValue choice(JsonObject choice) {
        Map<String, JsonValue> ch = new LinkedHashMap<>(choice.members());
        if (has(Fault.NO_STREAM_USAGE)) {
          ch.remove("usage");
        }
        if (choice.get("index") instanceof JsonNumber n && n.intValue() != 0) {
          return JsonObject.of(ch);
        }
        Map<String, JsonValue> d =
            choice.get("delta") instanceof JsonObject delta
                ? new LinkedHashMap<>(delta.members())
                : new LinkedHashMap<>();
        String r = string(d.remove("reasoning_content"));
        String content = string(d.get("content"));
        if (has(Fault.NO_TOOL_PARSER) && d.remove("tool_calls") instanceof JsonArray tc) {
          hold(tc);
        }
        if (mode == null && r != null && !r.isEmpty()) {
          mode = split(true);
        } else if (mode == null && content != null && !content.isEmpty()) {
          mode = split(false);
        }
        StringBuilder reasoningOut = new StringBuilder();
        StringBuilder contentOut = new StringBuilder();
        Split m = mode == null ? Split.PARSED : mode;
        if (r != null && !r.isEmpty()) {
          if (m == Split.RAW) {
            contentOut.append(thinkOpen ? "" : k3 ? THINK_OPEN : "<think>").append(r);
            thinkOpen = true;
          } else {
            reasoningOut.append(r);
            thinkOpen = true;
          }
        }
        if (content != null && !content.isEmpty()) {
          if (m == Split.PARSED) {
            contentOut.append(content);
          } else {
            StringBuilder into = m == Split.RAW ? contentOut : reasoningOut;
            if (thinkOpen && !thinkClosed) {
              into.append(k3 ? THINK_CLOSE : "</think>");
              thinkClosed = true;
            }
            if (k3 && !responseOpen) {
              into.append(RESPONSE_OPEN);
              responseOpen = true;
            }
            into.append(content);
          }
        }
        if (ch.get("finish_reason") instanceof JsonString finish) {
          String tools = calls.isEmpty() ? null : toolMarkup(held());
          if (tools != null && finish.value().equals("tool_calls")) {
            ch.put("finish_reason", JsonString.of("stop"));
          }
          if (m == Split.PARSED) {
            if (tools != null) {
              contentOut.append(tools);
            }
          } else {
            StringBuilder into = m == Split.RAW ? contentOut : reasoningOut;
            if (thinkOpen && !thinkClosed) {
              into.append(k3 ? THINK_CLOSE : "</think>");
              thinkClosed = true;
            }
            if (k3 && responseOpen) {
              into.append(RESPONSE_CLOSE);
            }
            into.append(tools == null ? "" : tools).append(k3 ? MESSAGE_CLOSE : "");
          }
        }
        if (reasoningOut.length() > 0) {
          d.put("reasoning_content", JsonString.of(reasoningOut.toString()));
        }
        if (contentOut.length() > 0) {
          d.put("content", JsonString.of(contentOut.toString()));
        } else if (content != null && !content.isEmpty()) {
          d.remove("content"); // moved into the reasoning
        }
        ch.put("delta", JsonObject.of(d));
        return JsonObject.of(ch);
      }

      private void hold(JsonArray deltas) {
        for (JsonValue v : deltas.values()) {
          if (!(v instanceof JsonObject call)) {
            continue;
          }
          int index = call.get("index") instanceof JsonNumber n ? n.intValue() : calls.size();
          String[] c = calls.computeIfAbsent(index, k -> new String[] {null, null, ""});
          if (call.get("id") instanceof JsonString id && !id.value().isEmpty()) {
            c[0] = id.value();
          }
          if (call.get("function") instanceof JsonObject f) {
            if (f.get("name") instanceof JsonString name) {
              c[1] = name.value();
            }
            if (f.get("arguments") instanceof JsonString args) {
              c[2] = c[2] + args.value();
            }
          }
        }
      }

      /** The held calls as whole tool calls. */
      private List<JsonValue> held() {
        List<JsonValue> out = new ArrayList<>();
        for (String[] c : calls.values()) {
          JsonObject.Builder call = JsonObject.builder();
          if (c[0] != null) {
            call.put("id", c[0]);
          }
          call.put("type", "function");
          call.put(
              "function",
              JsonObject.builder()
                  .put("name", c[1] == null ? "" : c[1])
                  .put("arguments", c[2])
                  .build());
          out.add(call.build());
        }
        return out;
      }
    }
  }

  private static String string(JsonValue v) {
    return v instanceof JsonString s ? s.value() : null;
  }
}
