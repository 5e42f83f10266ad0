package io.github.kimisdk.chat;

import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Folds the chunks of a stream into a {@link ChatCompletion} whose assistant messages can be sent
 * straight back as history.
 *
 * <ul>
 *   <li>Content and {@code reasoning_content} fragments are joined per choice; a reasoning that
 *       arrived only as {@code ""} stays {@code ""} (thinking models reject a tool-call message
 *       without it), and a field that never arrived stays null.
 *   <li>Reasoning-signature fragments (Anthropic Messages) are joined like reasoning.
 *   <li>Tool-call fragments are joined by {@code index}. A fragment without an index is placed by
 *       position: one with an id starts a new call, and one without an id continues the call at the
 *       same position among the calls most recently started. A call's name and type are the first
 *       that arrive, its id the last that is not blank (as OpenAI's own client accumulates; a
 *       Responses stream tells in a later fragment the id the server recorded for a call). A call
 *       whose id never arrived (or arrived blank, as kimi-k3 may stream it) gets one ({@link
 *       ToolCall#withIds}).
 *   <li>Log probabilities, when asked for, are joined per choice in the order they arrive: those of
 *       the content, and those of a refusal ({@link Logprobs#refusal()}) likewise.
 *   <li>Members the records do not model are kept at every level, as in a whole reply: those of a
 *       chunk reach the completion's {@code additionalFields}, of a choice the choice's, of a delta
 *       the message's, of a tool-call fragment the call's, and of log probabilities theirs. A
 *       delta's and log probabilities' strings and arrays are fragments, joined in order like
 *       content; any other value, and every value at the other levels, is replaced by a later
 *       chunk's; a {@code null} replaces nothing.
 *   <li>Usage is taken from the top level of a chunk, else from its choice; the last one seen wins.
 *       Each choice also keeps its own last usage.
 *   <li>Id, model, created and system fingerprint come from the first chunk that has them.
 * </ul>
 *
 * <pre>{@code
 * ChatAccumulator acc = new ChatAccumulator();
 * for (ChatCompletionChunk chunk : stream) {
 *   System.out.print(chunk.text());
 *   acc.add(chunk);
 * }
 * ChatCompletion completion = acc.toCompletion();
 * }</pre>
 *
 * <p>Not thread-safe: feed it from one thread, or guard it.
 */
public final class ChatAccumulator {
  private String id;
  private String model;
  private long created;
  private String systemFingerprint;
  private Usage usage;
  private LinkedHashMap<String, JsonValue> extra;
  private int chunks;
  private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();
  // The state of the choice the last fragment went to: chunks of one choice come in a row.
  private ChoiceState lastChoice;
  private int lastIndex;

  /** Creates an empty accumulator. */
  public ChatAccumulator() {}

  /**
   * Adds one chunk.
   *
   * @param chunk the next chunk of the stream
   * @throws NullPointerException if {@code chunk} is null
   */
  public void add(ChatCompletionChunk chunk) {
    Objects.requireNonNull(chunk, "chunk must not be null");
    chunks++;
    if (id == null) {
      id = chunk.id();
    }
    if (model == null) {
      model = chunk.model();
    }
    if (created == 0) {
      created = chunk.created();
    }
    if (systemFingerprint == null) {
      systemFingerprint = chunk.systemFingerprint();
    }
    Usage u = chunk.usage();
    if (u != null) {
      usage = u;
    }
    // members the chunk does not model carry over to the completion; a later chunk's win
    extra = replace(extra, chunk.additionalFields());
    for (ChatCompletionChunk.ChunkChoice c : chunk.choices()) {
      ChoiceState state = lastChoice;
      if (state == null || c.index() != lastIndex) {
        state = choices.computeIfAbsent(c.index(), i -> new ChoiceState());
        lastChoice = state;
        lastIndex = c.index();
      }
      state.add(c);
    }
  }

  /**
   * Returns the number of chunks added so far.
   *
   * @return the count
   */
  public int chunkCount() {
    return chunks;
  }

  /**
   * Returns the content of the first choice so far.
   *
   * @return the text, {@code ""} when none has arrived
   */
  public String text() {
    ChoiceState s = choices.isEmpty() ? null : choices.firstEntry().getValue();
    return s == null || s.content == null ? "" : s.content.toString();
  }

  /**
   * Returns the reasoning of the first choice so far.
   *
   * @return the reasoning, {@code ""} when none has arrived
   */
  public String reasoning() {
    ChoiceState s = choices.isEmpty() ? null : choices.firstEntry().getValue();
    return s == null || s.reasoning == null ? "" : s.reasoning.toString();
  }

  /**
   * Returns the usage seen so far.
   *
   * @return the last usage seen, or null when none has arrived
   */
  public Usage usage() {
    return usage;
  }

  /**
   * Returns the completion the chunks added so far make up. It can be called at any time, for
   * example to keep what arrived before a stream broke off.
   *
   * @return the completion, with choices in index order
   */
  public ChatCompletion toCompletion() {
    List<Choice> list = new ArrayList<>(choices.size());
    for (Map.Entry<Integer, ChoiceState> e : choices.entrySet()) {
      list.add(e.getValue().toChoice(e.getKey()));
    }
    return new ChatCompletion(
        id,
        "chat.completion",
        created,
        model,
        list,
        usage,
        systemFingerprint,
        extra == null ? null : JsonObject.of(extra));
  }

  /** Puts {@code later}'s members into {@code extra} (made on first use); null replaces nothing. */
  private static LinkedHashMap<String, JsonValue> replace(
      LinkedHashMap<String, JsonValue> extra, JsonObject later) {
    if (later.isEmpty()) {
      return extra;
    }
    LinkedHashMap<String, JsonValue> m = extra == null ? new LinkedHashMap<>() : extra;
    for (Map.Entry<String, JsonValue> e : later.members().entrySet()) {
      if (!(e.getValue() instanceof JsonNull) || !m.containsKey(e.getKey())) {
        m.put(e.getKey(), e.getValue());
      }
    }
    return m;
  }

  private static JsonObject object(LinkedHashMap<String, JsonValue> extra) {
    return extra == null ? null : JsonObject.of(extra);
  }

  /** What has arrived for one choice. */
  private static final class ChoiceState {
    StringBuilder content;
    StringBuilder reasoning;
    StringBuilder signature;
    FinishReason finishReason;
    Usage usage;
    Logprobs logprobs;
    LinkedHashMap<String, JsonValue> extra;
    LinkedHashMap<String, JsonValue> messageExtra;
    final TreeMap<Integer, CallState> calls = new TreeMap<>();

    /** The calls started by the latest chunk that started index-less calls, by position. */
    List<CallState> lastStarted = List.of();

    void add(ChatCompletionChunk.ChunkChoice c) {
      ChatCompletionChunk.Delta d = c.delta();
      if (d.content() != null) {
        if (content == null) {
          content = new StringBuilder();
        }
        content.append(d.content());
      }
      if (d.reasoningContent() != null) {
        if (reasoning == null) {
          reasoning = new StringBuilder();
        }
        reasoning.append(d.reasoningContent());
      }
      if (d.reasoningSignature() != null) {
        if (signature == null) {
          signature = new StringBuilder();
        }
        signature.append(d.reasoningSignature());
      }
      if (!d.toolCalls().isEmpty()) {
        addToolCalls(d.toolCalls());
      }
      if (!d.additionalFields().isEmpty()) {
        // fragments of members the delta does not model, such as refusal, join like content
        if (messageExtra == null) {
          messageExtra = new LinkedHashMap<>();
        }
        for (Map.Entry<String, JsonValue> e : d.additionalFields().members().entrySet()) {
          messageExtra.put(e.getKey(), Logprobs.join(messageExtra.get(e.getKey()), e.getValue()));
        }
      }
      extra = replace(extra, c.additionalFields());
      if (c.finishReason() != null) {
        finishReason = c.finishReason();
      }
      if (c.usage() != null) {
        usage = c.usage();
      }
      if (c.logprobs() != null) {
        logprobs = logprobs == null ? c.logprobs() : logprobs.plus(c.logprobs());
      }
    }

    private void addToolCalls(List<ChatCompletionChunk.ToolCallDelta> fragments) {
      List<CallState> started = null;
      for (int pos = 0; pos < fragments.size(); pos++) {
        ChatCompletionChunk.ToolCallDelta f = fragments.get(pos);
        CallState call;
        if (f.index() != null) {
          call = calls.computeIfAbsent(f.index(), i -> new CallState());
        } else if (f.id() != null && !f.id().isBlank()) {
          call = findById(f.id());
          if (call == null) {
            call = new CallState();
            calls.put(calls.isEmpty() ? 0 : calls.lastKey() + 1, call);
          }
          if (started == null) {
            started = new ArrayList<>();
          }
          started.add(call);
        } else if (pos < lastStarted.size()) {
          call = lastStarted.get(pos);
        } else if (!calls.isEmpty()) {
          call = calls.lastEntry().getValue();
        } else {
          call = new CallState();
          calls.put(0, call);
        }
        call.add(f);
      }
      if (started != null) {
        lastStarted = started;
      }
    }

    private CallState findById(String id) {
      for (CallState s : calls.values()) {
        if (id.equals(s.id)) {
          return s;
        }
      }
      return null;
    }

    Choice toChoice(int index) {
      List<ToolCall> toolCalls = new ArrayList<>(calls.size());
      for (CallState s : calls.values()) {
        toolCalls.add(new ToolCall(s.id, s.type, s.name, s.arguments.toString(), object(s.extra)));
      }
      AssistantMessage message =
          new AssistantMessage(
              content == null ? null : content.toString(),
              reasoning == null ? null : reasoning.toString(),
              ToolCall.withIds(toolCalls),
              null,
              false,
              signature == null ? null : signature.toString(),
              object(messageExtra));
      return new Choice(index, message, finishReason, usage, logprobs, object(extra));
    }
  }

  /** What has arrived for one tool call. */
  private static final class CallState {
    String id;
    String type;
    String name;
    final StringBuilder arguments = new StringBuilder();
    LinkedHashMap<String, JsonValue> extra;

    void add(ChatCompletionChunk.ToolCallDelta f) {
      // Some servers repeat id, type and name in every fragment: the first type and name win. A
      // later id that is not blank (kimi-k3 may stream blank ones) replaces an earlier one, as
      // OpenAI's own client accumulates: a Responses call's end event may name the id the server
      // recorded, which a tool result must name, in place of the one it was announced with.
      if (f.id() != null && !f.id().isBlank()) {
        id = f.id();
      } else if (id == null) {
        id = f.id();
      }
      if (type == null) {
        type = f.type();
      }
      if (name == null || name.isEmpty()) {
        name = f.name();
      }
      if (f.arguments() != null) {
        arguments.append(f.arguments());
      }
      extra = replace(extra, f.additionalFields());
    }
  }
}
