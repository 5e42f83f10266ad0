package io.github.kimisdk.internal.client;

import io.github.kimisdk.Host;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Host}'s translation of a request at the wire: the request as the client adapted and
 * checked it against Kimi's model (its Kimi id, Moonshot's thinking switch, {@code
 * reasoning_content} in the history, the tool-call ids as they came) becomes the request that host
 * reads: its model id, its thinking switch, its reasoning key, its tool-call ids; and a stream asks
 * for its usage ({@code stream_options.include_usage}), which Moonshot puts in the finishing chunk
 * unasked but OpenAI-compatible servers (vLLM, SGLang, ...) send only when asked, so a stream's
 * usage and spend are counted on every host. Nothing else changes, and a host that speaks
 * Moonshot's dialect sends the request as it is. Stateless.
 */
final class Dialect {

  private Dialect() {}

  /**
   * Returns {@code request} as {@code host} reads it.
   *
   * @param host the host
   * @param request the request in Kimi's form, adapted and checked
   * @return the request in the host's form; {@code request} itself when nothing changes
   */
  static ChatRequest translate(Host host, ChatRequest request) {
    if (host.speaksMoonshot()) {
      return request;
    }
    ChatRequest.Builder b = request.toBuilder();
    boolean changed = false;
    String id = host.modelId(request.model());
    if (!id.equals(request.model())) {
      b.model(id);
      changed = true;
    }
    changed |= thinking(host.thinkingSwitch(), request, b);
    if (request.stream() && !request.includeUsage()) {
      b.includeUsage(true);
      changed = true;
    }
    List<Message> messages = request.messages();
    if (host.toolCallIds() == Host.ToolCallIds.KIMI_TEMPLATE) {
      messages = templateIds(messages);
    }
    if (!host.reasoningKey().equals("reasoning_content")) {
      messages = reasoningUnder(host.reasoningKey(), messages);
    }
    if (messages != request.messages()) {
      b.messages(messages);
      changed = true;
    }
    return changed ? b.build() : request;
  }

  /** Writes the request's thinking switch and effort as {@code how} takes them. */
  private static boolean thinking(Host.ThinkingSwitch how, ChatRequest r, ChatRequest.Builder b) {
    Thinking t = r.thinking();
    String effort = t != null && t.effort() != null ? t.effort() : r.reasoningEffort();
    if (how == Host.ThinkingSwitch.MOONSHOT || (t == null && effort == null)) {
      return false;
    }
    boolean on = t == null || t.type() == Thinking.Type.ENABLED;
    b.thinking(null).reasoningEffort(null);
    switch (how) {
      case CHAT_TEMPLATE_KWARGS -> {
        Map<String, JsonValue> kwargs = new LinkedHashMap<>(members(r.extraBody(), KWARGS));
        kwargs.put("thinking", JsonBoolean.of(on));
        if (on && (effort != null || (t != null && "all".equals(t.keep())))) {
          kwargs.put("preserve_thinking", JsonBoolean.TRUE);
        }
        if (on && effort != null) {
          kwargs.put("thinking_effort", JsonString.of(effort));
        }
        b.extraBody(KWARGS, JsonObject.of(kwargs));
      }
      case REASONING_OBJECT -> {
        Map<String, JsonValue> reasoning = new LinkedHashMap<>(members(r.extraBody(), REASONING));
        if (!on) {
          reasoning.put("enabled", JsonBoolean.FALSE);
        } else if (effort != null) {
          reasoning.put("effort", JsonString.of(objectEffort(effort)));
        } else {
          reasoning.put("enabled", JsonBoolean.TRUE);
        }
        b.extraBody(REASONING, JsonObject.of(reasoning));
      }
      case REASONING_EFFORT -> b.reasoningEffort(on ? effort : "none");
      case MOONSHOT -> throw new AssertionError(how);
    }
    return true;
  }

  private static final String KWARGS = "chat_template_kwargs";
  private static final String REASONING = "reasoning";

  /**
   * Kimi's {@code max} as a {@code reasoning} object's effort, whose levels stop at {@code high}
   * (OpenRouter, Together: {@code low}, {@code medium}, {@code high}); other levels as they are.
   */
  static String objectEffort(String effort) {
    return effort.equals("max") ? "high" : effort;
  }

  private static Map<String, JsonValue> members(Map<String, JsonValue> extra, String name) {
    JsonValue v = extra.get(name);
    return v instanceof JsonObject o ? o.members() : Map.of();
  }

  /**
   * Renames the history's tool-call ids to Kimi's template form, {@code functions.NAME:IDX}, {@code
   * IDX} counting the conversation's tool calls from 0, and each tool message's {@code
   * tool_call_id} with its call's. A tool message whose id names no earlier call keeps it.
   */
  static List<Message> templateIds(List<Message> messages) {
    Map<String, String> renamed = new HashMap<>();
    List<Message> out = null;
    int index = 0;
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      Message now = m;
      if (m instanceof AssistantMessage a && !a.toolCalls().isEmpty()) {
        List<ToolCall> calls = new ArrayList<>(a.toolCalls().size());
        boolean differ = false;
        for (ToolCall c : a.toolCalls()) {
          String id = "functions." + (c.name() == null ? "" : c.name()) + ":" + index++;
          if (c.id() != null) {
            renamed.put(c.id(), id);
          }
          differ |= !id.equals(c.id());
          calls.add(new ToolCall(id, c.type(), c.name(), c.arguments(), c.additionalFields()));
        }
        if (differ) {
          now =
              new AssistantMessage(
                  a.content(),
                  a.reasoningContent(),
                  calls,
                  a.name(),
                  a.partial(),
                  a.reasoningSignature(),
                  a.additionalFields());
        }
      } else if (m instanceof ToolMessage t && renamed.containsKey(t.toolCallId())) {
        String id = renamed.get(t.toolCallId());
        if (!id.equals(t.toolCallId())) {
          now = new ToolMessage(id, t.name(), t.content());
        }
      }
      if (now != m && out == null) {
        out = new ArrayList<>(messages.subList(0, i));
      }
      if (out != null) {
        out.add(now);
      }
    }
    return out == null ? messages : out;
  }

  /**
   * Moves each assistant message's reasoning under {@code key}: the host reads only that key in the
   * history (vLLM from 0.16 drops {@code reasoning_content}). A member of that name the reply kept
   * is replaced, so the key is sent once.
   */
  static List<Message> reasoningUnder(String key, List<Message> messages) {
    List<Message> out = null;
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      Message now = m;
      if (m instanceof AssistantMessage a && a.reasoningContent() != null) {
        Map<String, JsonValue> fields = new LinkedHashMap<>(a.additionalFields().members());
        fields.put(key, JsonString.of(a.reasoningContent()));
        now =
            new AssistantMessage(
                a.content(),
                null,
                a.toolCalls(),
                a.name(),
                a.partial(),
                a.reasoningSignature(),
                JsonObject.of(fields));
      }
      if (now != m && out == null) {
        out = new ArrayList<>(messages.subList(0, i));
      }
      if (out != null) {
        out.add(now);
      }
    }
    return out == null ? messages : out;
  }
}
