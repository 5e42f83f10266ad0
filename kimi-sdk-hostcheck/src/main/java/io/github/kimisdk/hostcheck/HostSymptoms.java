package io.github.kimisdk.hostcheck;

import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a host's answers to the host check ({@link HostCheck}) show, read from their JSON as the
 * host wrote them (which of {@code reasoning_content} and {@code reasoning} it used, what its
 * {@code content} holds), and what to change for each fault: the one place that knows Kimi's raw
 * markers and the server flags that keep them out of a reply. Stateless but for {@link Stream},
 * which one probe's subscriber feeds on one thread at a time.
 *
 * <p>The markers are those the servers' own Kimi parsers look for: K2's {@code <think>} and {@code
 * </think>} and its tool-call section ({@code <|tool_calls_section_begin|>}, vLLM's {@code kimi_k2}
 * reasoning and tool parsers, SGLang's {@code KimiK2Detector}); K3's channels, {@code
 * <|open|>think<|sep|>} ... {@code <|close|>think<|sep|>}, {@code <|open|>response<|sep|>}, {@code
 * <|close|>message<|sep|>} and {@code <|open|>tools<|sep|><|open|>call tool="..."} (vLLM's {@code
 * kimi_k3} parsers, SGLang's {@code KimiK3Detector} and {@code kimik3_format}). Each scan is one
 * {@code indexOf} per marker over a text the client already bounded: linear in the reply.
 */
final class HostSymptoms {

  private HostSymptoms() {}

  /** Markers of reasoning that a missing reasoning parser leaves in {@code content}. */
  static final List<String> THINK_MARKERS =
      List.of("<|open|>think<|sep|>", "<|close|>think<|sep|>", "<think>", "</think>");

  /**
   * Markers that a missing (or K2's, for K3) reasoning parser leaves in {@code content}: Kimi's
   * think markers and K3's response and message channels, which K3's parser strips.
   */
  static final List<String> CONTENT_MARKERS =
      List.of(
          "<|open|>think<|sep|>",
          "<|close|>think<|sep|>",
          "<think>",
          "</think>",
          "<|open|>response<|sep|>",
          "<|close|>response<|sep|>",
          "<|close|>message<|sep|>");

  /**
   * K3's channel markers, which K2's reasoning parser does not know: inside the reasoning they say
   * that K3's output was split by K2's parser (vLLM's then keeps the whole output as reasoning).
   */
  static final List<String> K3_CHANNEL_MARKERS =
      List.of(
          "<|close|>think<|sep|>",
          "<|open|>response<|sep|>",
          "<|close|>response<|sep|>",
          "<|close|>message<|sep|>",
          "<|open|>tools<|sep|>");

  /** Markers of a tool call that a missing (or K2's, for K3) tool parser leaves in content. */
  static final List<String> TOOL_MARKERS =
      List.of(
          "<|open|>tools<|sep|>",
          "<|open|>call tool=",
          "<|tool_calls_section_begin|>",
          "<|tool_call_begin|>",
          "<|tool_call_argument_begin|>");

  /**
   * Returns the first of {@code markers} that {@code text} holds, in the list's order, or null.
   *
   * @param text a reply's text; null holds none
   * @param markers the markers
   * @return the marker, or null
   */
  static String marker(String text, List<String> markers) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    for (String m : markers) {
      if (text.contains(m)) {
        return m;
      }
    }
    return null;
  }

  /**
   * One tool call of a reply.
   *
   * @param name the function's name, or null
   * @param arguments its arguments as the host wrote them, or null
   */
  record Call(String name, String arguments) {}

  /**
   * One reply as the host wrote it.
   *
   * @param content the {@code content}, joined over a stream's deltas; null when none came
   * @param reasoningContent the text under {@code reasoning_content}, or null
   * @param reasoning the text under {@code reasoning}, or null
   * @param calls the tool calls, in order
   * @param finish the {@code finish_reason}, or null
   * @param usage whether the reply carried usage
   * @param tokens the total tokens the usage reported; 0 without usage
   */
  record Reply(
      String content,
      String reasoningContent,
      String reasoning,
      List<Call> calls,
      String finish,
      boolean usage,
      long tokens) {

    /** The reasoning under either key; null when the reply has none. */
    String anyReasoning() {
      if (reasoningContent != null && !reasoningContent.isEmpty()) {
        return reasoningContent;
      }
      return reasoning != null && !reasoning.isEmpty() ? reasoning : null;
    }

    /** The reasoning under {@code key}, the preset's; null when there is none under it. */
    String reasoningUnder(String key) {
      String r = key.equals("reasoning") ? reasoning : reasoningContent;
      return r == null || r.isEmpty() ? null : r;
    }

    /** The key the reply's reasoning came under, preferring {@code key}; null without any. */
    String keyUsed(String key) {
      if (reasoningUnder(key) != null) {
        return key;
      }
      if (reasoningContent != null && !reasoningContent.isEmpty()) {
        return "reasoning_content";
      }
      return reasoning != null && !reasoning.isEmpty() ? "reasoning" : null;
    }
  }

  /**
   * Reads a whole (not streamed) completion's first choice.
   *
   * @param body the completion's JSON
   * @return the reply; an empty one when the body is not a completion
   */
  static Reply whole(JsonValue body) {
    String content = null;
    String reasoningContent = null;
    String reasoning = null;
    String finish = null;
    List<Call> calls = new ArrayList<>();
    if (body instanceof JsonObject o
        && o.get("choices") instanceof JsonArray choices
        && !choices.isEmpty()
        && choices.get(0) instanceof JsonObject choice) {
      finish = string(choice.get("finish_reason"));
      if (choice.get("message") instanceof JsonObject m) {
        content = string(m.get("content"));
        reasoningContent = string(m.get("reasoning_content"));
        reasoning = string(m.get("reasoning"));
        if (m.get("tool_calls") instanceof JsonArray tc) {
          for (JsonValue v : tc.values()) {
            if (v instanceof JsonObject call && call.get("function") instanceof JsonObject f) {
              calls.add(new Call(string(f.get("name")), string(f.get("arguments"))));
            }
          }
        }
      }
    }
    long tokens = body instanceof JsonObject o ? tokens(o.get("usage")) : -1;
    return new Reply(
        content,
        reasoningContent,
        reasoning,
        List.copyOf(calls),
        finish,
        tokens >= 0,
        Math.max(0, tokens));
  }

  /**
   * A stream's reply, read one event at a time: the first choice's deltas joined, tool calls joined
   * by {@code index}, and usage wherever the host put it (a usage-only chunk, a chunk's top-level
   * {@code usage}, or Moonshot's, inside the finishing choice). An event carrying a top-level
   * {@code error} (SGLang's queue full on a 200 stream, OpenRouter's error chunk) is kept for the
   * check to judge.
   */
  static final class Stream {
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoningContent = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final Map<Integer, String[]> calls = new LinkedHashMap<>(); // index -> name, arguments
    private boolean anyContent;
    private boolean anyReasoningContent;
    private boolean anyReasoning;
    private String finish;
    private long tokens = -1;
    private JsonObject error;
    private int events;

    /** Reads one event's data; {@code [DONE]} and data that is not a JSON object are skipped. */
    void event(JsonValue data) {
      events++;
      if (!(data instanceof JsonObject chunk)) {
        return;
      }
      if (chunk.get("error") instanceof JsonObject e && error == null) {
        error = e;
      }
      long t = tokens(chunk.get("usage"));
      if (!(chunk.get("choices") instanceof JsonArray choices)) {
        tokens = Math.max(tokens, t);
        return;
      }
      for (JsonValue v : choices.values()) {
        if (!(v instanceof JsonObject choice)
            || (choice.get("index") instanceof JsonNumber n && n.intValue() != 0)) {
          continue;
        }
        t = Math.max(t, tokens(choice.get("usage")));
        String f = string(choice.get("finish_reason"));
        if (f != null) {
          finish = f;
        }
        if (choice.get("delta") instanceof JsonObject d) {
          delta(d);
        }
      }
      tokens = Math.max(tokens, t);
    }

    private void delta(JsonObject d) {
      if (d.get("content") instanceof JsonString s) {
        content.append(s.value());
        anyContent = true;
      }
      if (d.get("reasoning_content") instanceof JsonString s) {
        reasoningContent.append(s.value());
        anyReasoningContent = true;
      }
      if (d.get("reasoning") instanceof JsonString s) {
        reasoning.append(s.value());
        anyReasoning = true;
      }
      if (d.get("tool_calls") instanceof JsonArray tc) {
        for (JsonValue v : tc.values()) {
          if (!(v instanceof JsonObject call)) {
            continue;
          }
          int index = call.get("index") instanceof JsonNumber n ? n.intValue() : calls.size();
          String[] c = calls.computeIfAbsent(index, k -> new String[] {null, ""});
          if (call.get("function") instanceof JsonObject f) {
            if (f.get("name") instanceof JsonString name && !name.value().isEmpty()) {
              c[0] = name.value();
            }
            if (f.get("arguments") instanceof JsonString args) {
              c[1] = c[1] + args.value();
            }
          }
        }
      }
    }

    /** The error an event carried, or null. */
    JsonObject error() {
      return error;
    }

    /** How many events were read. */
    int events() {
      return events;
    }

    /** The reply the events read so far make. */
    Reply reply() {
      List<Call> out = new ArrayList<>(calls.size());
      for (String[] c : calls.values()) {
        out.add(new Call(c[0], c[1]));
      }
      return new Reply(
          anyContent ? content.toString() : null,
          anyReasoningContent ? reasoningContent.toString() : null,
          anyReasoning ? reasoning.toString() : null,
          List.copyOf(out),
          finish,
          tokens >= 0,
          Math.max(0, tokens));
    }
  }

  private static String string(JsonValue v) {
    return v instanceof JsonString s ? s.value() : null;
  }

  /** A usage object's total tokens (or prompt plus completion); -1 when there is no usage. */
  private static long tokens(JsonValue usage) {
    if (!(usage instanceof JsonObject u)) {
      return -1;
    }
    if (u.get("total_tokens") instanceof JsonNumber total) {
      return Math.max(0, total.longValue());
    }
    long sum = 0;
    if (u.get("prompt_tokens") instanceof JsonNumber p) {
      sum += Math.max(0, p.longValue());
    }
    if (u.get("completion_tokens") instanceof JsonNumber c) {
      sum += Math.max(0, c.longValue());
    }
    return sum;
  }

  // ---- what to change ----

  /** The kind of server behind a host, which decides how a fix is said. */
  enum Server {
    /** vLLM: its flags. */
    VLLM,
    /** SGLang: its flags. */
    SGLANG,
    /** A team's own server of another kind, or one behind {@code Host.compatible}. */
    OTHER,
    /** A vendor's deployment, which the team cannot restart: tell the vendor. */
    VENDOR,
    /** Moonshot's own API. */
    MOONSHOT
  }

  /** The kind of server {@code host} names. */
  static Server server(Host host) {
    return switch (host.name().toLowerCase(Locale.ROOT)) {
      case "vllm" -> Server.VLLM;
      case "sglang" -> Server.SGLANG;
      case "moonshot", "moonshot-cn", "kimi-code" -> Server.MOONSHOT;
      case "openrouter", "fireworks", "together" -> Server.VENDOR;
      default -> Server.OTHER;
    };
  }

  /** The parser family of a model: {@code kimi_k3} for K3's, {@code kimi_k2} for K2.x's. */
  static String parser(boolean k3) {
    return k3 ? "kimi_k3" : "kimi_k2";
  }

  /** What to change when a reply's reasoning is left in (or K3's markers split into) its text. */
  static String reasoningParserFix(Host host, boolean k3) {
    String flag = "--reasoning-parser " + parser(k3);
    return switch (server(host)) {
      case VLLM -> "start vLLM with " + flag;
      case SGLANG -> "start SGLang with " + flag;
      case OTHER ->
          "start the server with Kimi's reasoning parser (" + flag + " on vLLM and SGLang)";
      case VENDOR, MOONSHOT ->
          host.name()
              + " serves the model without Kimi's "
              + parser(k3)
              + " reasoning parser: report it to "
              + host.name()
              + ", and send calls to another target meanwhile";
    };
  }

  /** What to change when a tool call comes back as raw markers, or tools are refused. */
  static String toolParserFix(Host host, boolean k3) {
    String p = parser(k3);
    return switch (server(host)) {
      case VLLM -> "start vLLM with --enable-auto-tool-choice --tool-call-parser " + p;
      case SGLANG -> "start SGLang with --tool-call-parser " + p;
      case OTHER ->
          "start the server with Kimi's tool parser (vLLM: --enable-auto-tool-choice"
              + " --tool-call-parser "
              + p
              + "; SGLang: --tool-call-parser "
              + p
              + ")";
      case VENDOR, MOONSHOT ->
          host.name()
              + " serves the model without Kimi's "
              + p
              + " tool parser: report it to "
              + host.name()
              + ", and send tool calls to another target meanwhile";
    };
  }

  /** What to change when a stream brings no usage. */
  static String streamUsageFix(Host host) {
    return switch (server(host)) {
      case VLLM ->
          "vLLM sends a stream's usage when stream_options.include_usage asks, which the client"
              + " sends: a proxy in front drops it or the last chunk; or start vLLM with"
              + " --enable-force-include-usage";
      case SGLANG ->
          "SGLang sends a stream's usage when stream_options.include_usage asks, which the client"
              + " sends: check the proxy in front and the SGLang release";
      case MOONSHOT ->
          "Moonshot's API puts usage in a stream's finishing chunk: a proxy in front dropped it";
      case VENDOR, OTHER ->
          host.name()
              + " ignores stream_options.include_usage, which the client sends: streamed calls"
              + " count no tokens and no spend there; report it, or stream elsewhere";
    };
  }

  /** What to change when thinking off still brings reasoning: the switch the host reads. */
  static String thinkingSwitchFix(Host host) {
    Server s = server(host);
    return switch (host.thinkingSwitch()) {
      case MOONSHOT ->
          s == Server.MOONSHOT
              ? "Moonshot's API ignored thinking {\"type\":\"disabled\"}: report it to Moonshot"
              : "the preset sends Moonshot's thinking object, which this host does not read: use"
                  + " the host's preset (Host.vllm, Host.sglang), or"
                  + " withThinkingSwitch(Host.ThinkingSwitch.CHAT_TEMPLATE_KWARGS) for a vLLM or"
                  + " SGLang server (REASONING_OBJECT or REASONING_EFFORT for a vendor, as its"
                  + " docs say)";
      case CHAT_TEMPLATE_KWARGS ->
          s == Server.VENDOR
              ? "the host ignores chat_template_kwargs.thinking: choose the switch its docs name"
                  + " (withThinkingSwitch(Host.ThinkingSwitch.REASONING_OBJECT or"
                  + " REASONING_EFFORT))"
              : "the server's chat template ignores chat_template_kwargs.thinking: serve the"
                  + " model's own chat template (no --chat-template) on a vLLM or SGLang whose"
                  + " Kimi template reads it";
      case REASONING_OBJECT ->
          "the host ignores the reasoning object: try"
              + " withThinkingSwitch(Host.ThinkingSwitch.REASONING_EFFORT), or the switch its docs"
              + " name";
      case REASONING_EFFORT ->
          "the host ignores reasoning_effort \"none\": try"
              + " withThinkingSwitch(Host.ThinkingSwitch.REASONING_OBJECT), or the switch its docs"
              + " name";
      case REASONING_ENABLED_AND_EFFORT ->
          "the host ignores reasoning.enabled false: try"
              + " withThinkingSwitch(Host.ThinkingSwitch.REASONING_OBJECT), or the switch its docs"
              + " name";
      case REASONING_EFFORT_AND_HISTORY ->
          "the host ignores reasoning_effort \"none\": try"
              + " withThinkingSwitch(Host.ThinkingSwitch.REASONING_ENABLED_AND_EFFORT), or the"
              + " switch its docs name";
    };
  }

  /**
   * What to change when reasoning came under another key than the one the preset sends an earlier
   * turn's reasoning back under.
   */
  static String reasoningKeyFix(String used) {
    return "withReasoningKey(\""
        + used
        + "\"): the host answers reasoning under "
        + used
        + ", and a host reads it back in the history under its own key (vLLM 0.16 and later drop"
        + " reasoning_content there)";
  }

  /** Whether a refusal's text says the model is unknown, in any host's words seen so far. */
  static boolean namesUnknownModel(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("does not exist")
        || m.contains("not found the model")
        || m.contains("not a valid model")
        || m.contains("model not found")
        || m.contains("unable to access model")
        || m.contains("no such model")
        || m.contains("unknown model");
  }

  /** Whether a refusal's text is about a sampling value (Kimi's "invalid temperature: ..."). */
  static boolean aboutSampling(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("temperature")
        || m.contains("top_p")
        || m.contains("penalty")
        || m.contains("invalid n");
  }

  /** Whether a refusal's text is about tools (vLLM: "auto" tool choice requires ...). */
  static boolean aboutTools(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("tool");
  }
}
