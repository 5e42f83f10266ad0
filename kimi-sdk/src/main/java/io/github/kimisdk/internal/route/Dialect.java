package io.github.kimisdk.internal.route;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
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
import java.util.function.UnaryOperator;

/**
 * A {@link Host}'s translation of a request at the wire: the request as the client adapted and
 * checked it against Kimi's model (its Kimi id, Moonshot's thinking switch, {@code
 * reasoning_content} in the history, the tool-call ids as they came) becomes the request that host
 * reads: its model id, its thinking switch, its reasoning key, its tool-call ids, the message
 * members its schema takes, its form of continuing a reply the request ends with ({@link
 * Host.Continuation}, so that {@code StreamException.resumeRequest()} is continued on every host
 * rather than started over); and a stream asks for its usage ({@code
 * stream_options.include_usage}), which Moonshot puts in the finishing chunk unasked but
 * OpenAI-compatible servers (vLLM, SGLang, ...) send only when asked, so a stream's usage and spend
 * are counted on every host. Nothing else changes, and a host that speaks Moonshot's dialect sends
 * the request as it is. Stateless.
 */
public final class Dialect {

  private Dialect() {}

  /**
   * Returns {@code request} as {@code host} reads it.
   *
   * @param host the host
   * @param request the request in Kimi's form, adapted and checked
   * @return the request in the host's form; {@code request} itself when nothing changes
   * @throws ConfigurationException if the host's message schema cannot take it ({@link #check})
   */
  public static ChatRequest translate(Host host, ChatRequest request) {
    if (host.speaksMoonshot()) {
      return request;
    }
    check(host, request);
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
    if (host.messageSchema() == Host.MessageSchema.STRICT) {
      messages = strict(messages);
    }
    if (!host.reasoningKey().equals("reasoning_content")) {
      messages = reasoningUnder(host.reasoningKey(), messages);
    }
    if (host.continuation() != Host.Continuation.PARTIAL && endsPartial(messages)) {
      messages = continued(host.continuation(), messages, b);
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
    boolean keepAll = on && t != null && "all".equals(t.keep());
    b.thinking(null).reasoningEffort(null);
    switch (how) {
      case CHAT_TEMPLATE_KWARGS -> {
        Map<String, JsonValue> kwargs = new LinkedHashMap<>(members(r.extraBody(), KWARGS));
        kwargs.put("thinking", JsonBoolean.of(on));
        if (on && (effort != null || keepAll)) {
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
          reasoning.put("effort", JsonString.of("none")); // OpenRouter's off switch
        } else if (effort != null) {
          reasoning.put("effort", JsonString.of(effort)); // max and xhigh are its levels too
        } else {
          reasoning.put("enabled", JsonBoolean.TRUE);
        }
        b.extraBody(REASONING, JsonObject.of(reasoning));
      }
      case REASONING_EFFORT -> b.reasoningEffort(on ? effort : "none");
      case REASONING_ENABLED_AND_EFFORT -> {
        Map<String, JsonValue> reasoning = new LinkedHashMap<>(members(r.extraBody(), REASONING));
        reasoning.put("enabled", JsonBoolean.of(on));
        b.extraBody(REASONING, JsonObject.of(reasoning));
        if (on && effort != null) {
          b.reasoningEffort(upToHigh(effort));
        }
      }
      case REASONING_EFFORT_AND_HISTORY -> {
        if (!on) {
          b.reasoningEffort("none");
        } else if (effort != null) {
          b.reasoningEffort(effort);
        } else {
          b.thinking(Thinking.enabled()); // {"type":"enabled"}: never beside reasoning_effort
        }
        if (keepAll) {
          b.extraBody(HISTORY, JsonString.of("preserved"));
        }
      }
      case MOONSHOT -> throw new AssertionError(how);
    }
    return true;
  }

  private static final String KWARGS = "chat_template_kwargs";
  private static final String REASONING = "reasoning";
  private static final String HISTORY = "reasoning_history";

  /**
   * An effort as a host whose documented levels stop at {@code high} takes it (Together: {@code
   * low}, {@code medium}, {@code high}): K3's {@code max} as {@code high}, the others as they are.
   */
  static String upToHigh(String effort) {
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
    int[] index = {0};
    return replaced(
        messages,
        m -> {
          if (m instanceof AssistantMessage a && !a.toolCalls().isEmpty()) {
            List<ToolCall> calls = new ArrayList<>(a.toolCalls().size());
            boolean differ = false;
            for (ToolCall c : a.toolCalls()) {
              String id = "functions." + (c.name() == null ? "" : c.name()) + ":" + index[0]++;
              if (c.id() != null) {
                renamed.put(c.id(), id);
              }
              differ |= !id.equals(c.id());
              calls.add(new ToolCall(id, c.type(), c.name(), c.arguments(), c.additionalFields()));
            }
            return differ
                ? new AssistantMessage(
                    a.content(),
                    a.reasoningContent(),
                    calls,
                    a.name(),
                    a.partial(),
                    a.reasoningSignature(),
                    a.additionalFields())
                : m;
          }
          if (m instanceof ToolMessage t && renamed.containsKey(t.toolCallId())) {
            String id = renamed.get(t.toolCallId());
            return id.equals(t.toolCallId()) ? m : new ToolMessage(id, t.name(), t.content());
          }
          return m;
        });
  }

  /**
   * Returns {@code messages} with each message {@code change} gives for it, in order; the list
   * itself when it gives each back unchanged.
   */
  private static List<Message> replaced(List<Message> messages, UnaryOperator<Message> change) {
    List<Message> out = null;
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      Message now = change.apply(m);
      if (now != m && out == null) {
        out = new ArrayList<>(messages.subList(0, i));
      }
      if (out != null) {
        out.add(now);
      }
    }
    return out == null ? messages : out;
  }

  /** Tells whether the last message is a partial assistant message: a reply to continue. */
  static boolean endsPartial(List<Message> messages) {
    return !messages.isEmpty()
        && messages.get(messages.size() - 1) instanceof AssistantMessage a
        && a.partial();
  }

  private static final String CONTINUE = "continue_final_message";
  private static final String GENERATION_PROMPT = "add_generation_prompt";

  /**
   * Writes the partial assistant message that ends {@code messages} in the form {@code how} takes:
   * without its {@code partial} member (which neither vLLM, SGLang nor OpenRouter reads), and for
   * {@link Host.Continuation#CONTINUE_FINAL_MESSAGE} with {@code continue_final_message: true} and
   * {@code add_generation_prompt: false} on the request.
   */
  private static List<Message> continued(
      Host.Continuation how, List<Message> messages, ChatRequest.Builder b) {
    int last = messages.size() - 1;
    AssistantMessage a = (AssistantMessage) messages.get(last);
    switch (how) {
      case CONTINUE_FINAL_MESSAGE -> {
        b.extraBody(CONTINUE, JsonBoolean.TRUE);
        b.extraBody(GENERATION_PROMPT, JsonBoolean.FALSE);
      }
      case PREFILL -> {}
      case PARTIAL, NONE -> throw new AssertionError(how); // sent as it is; refused by check
    }
    List<Message> out = new ArrayList<>(messages);
    out.set(
        last,
        new AssistantMessage(
            a.content(),
            a.reasoningContent(),
            a.toolCalls(),
            a.name(),
            false,
            a.reasoningSignature(),
            a.additionalFields()));
    return out;
  }

  /**
   * Refuses a request its host cannot take without a change to what the model reads: one that ends
   * with a partial assistant message on a host that documents no way to continue a reply ({@link
   * Host.Continuation#NONE}, which would start the answer over), and, on a host with a strict
   * message schema ({@link Host.MessageSchema#STRICT}), a partial assistant message its form sends
   * with the {@code partial} member, or tools declared on a system message (a partial message is
   * always the last: {@code ChatRequest} refuses one elsewhere). Called before anything is sent,
   * for the client's own host and every fallback target's.
   *
   * @param host the host
   * @param request the request in Kimi's form
   * @throws ConfigurationException naming the host, the message and what to do
   */
  public static void check(Host host, ChatRequest request) {
    List<Message> messages = request.messages();
    int last = messages.size() - 1;
    if (host.continuation() == Host.Continuation.NONE && endsPartial(messages)) {
      throw new ConfigurationException(
          "messages["
              + last
              + "] is a partial assistant message, a reply to continue, and "
              + host.name()
              + " documents no way to continue a reply: it would start the answer over and"
              + " repeat its words; send it to a host that continues one (Moonshot's partial"
              + " mode, vLLM's or SGLang's continue_final_message, OpenRouter's prefill), or"
              + " declare the host's form with Host.withContinuation");
    }
    if (host.messageSchema() != Host.MessageSchema.STRICT) {
      return;
    }
    if (host.continuation() == Host.Continuation.PARTIAL && endsPartial(messages)) {
      throw new ConfigurationException(
          "messages["
              + last
              + "] is a partial assistant message, which "
              + host.name()
              + "'s message schema does not take (only role, content, reasoning_content,"
              + " tool_calls and tool_call_id); send it to a host that continues a partial"
              + " reply (Moonshot), or leave partial unset");
    }
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (m instanceof SystemMessage s && s.declaresTools()) {
        throw new ConfigurationException(
            "messages["
                + i
                + "] declares tools on a system message (K3's dynamic tools), which "
                + host.name()
                + "'s message schema does not take; declare them in the request's tools, or"
                + " send the request to a host that takes them (Moonshot, vLLM, SGLang)");
      }
    }
  }

  /**
   * Writes the messages as a host with a strict message schema takes them: each without its {@code
   * name} and without the members a reply carried beside the modelled ones, each tool call without
   * its extra members; what the check refuses ({@link #check}) never reaches here.
   */
  static List<Message> strict(List<Message> messages) {
    return replaced(
        messages,
        m -> {
          if (m instanceof SystemMessage s && s.name() != null) {
            return new SystemMessage(s.content(), null, s.tools());
          }
          if (m instanceof UserMessage u && u.name() != null) {
            return new UserMessage(u.content(), null);
          }
          if (m instanceof ToolMessage t && t.name() != null) {
            return new ToolMessage(t.toolCallId(), null, t.content());
          }
          if (m instanceof AssistantMessage a && !plain(a)) {
            List<ToolCall> calls = new ArrayList<>(a.toolCalls().size());
            for (ToolCall c : a.toolCalls()) {
              calls.add(new ToolCall(c.id(), c.type(), c.name(), c.arguments()));
            }
            return new AssistantMessage(
                a.content(),
                a.reasoningContent(),
                calls,
                null,
                a.partial(),
                a.reasoningSignature(),
                null);
          }
          return m;
        });
  }

  /** Tells whether an assistant message carries nothing a strict schema refuses. */
  private static boolean plain(AssistantMessage a) {
    if (a.name() != null || !a.additionalFields().members().isEmpty()) {
      return false;
    }
    for (ToolCall c : a.toolCalls()) {
      if (!c.additionalFields().members().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Moves each assistant message's reasoning under {@code key}: the host reads only that key in the
   * history (vLLM from 0.16 drops {@code reasoning_content}). A member of that name the reply kept
   * is replaced, so the key is sent once.
   */
  static List<Message> reasoningUnder(String key, List<Message> messages) {
    return replaced(
        messages,
        m -> {
          if (!(m instanceof AssistantMessage a) || a.reasoningContent() == null) {
            return m;
          }
          Map<String, JsonValue> fields = new LinkedHashMap<>(a.additionalFields().members());
          fields.put(key, JsonString.of(a.reasoningContent()));
          return new AssistantMessage(
              a.content(),
              null,
              a.toolCalls(),
              a.name(),
              a.partial(),
              a.reasoningSignature(),
              JsonObject.of(fields));
        });
  }
}
