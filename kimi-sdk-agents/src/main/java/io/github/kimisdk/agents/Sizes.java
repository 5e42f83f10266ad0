package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a request weighs before it is sent: its prompt in tokens, as the SDK's counter counts it
 * (every assistant message's reasoning included, as K3 and {@code keep: "all"} count it: an upper
 * bound elsewhere) scaled by what the server counted for the last request ({@link #calibrate}), and
 * its body in bytes, as the chat completions wire writes it (the JSON text of each string, escapes
 * included, and a fixed allowance for the members around it). Each message is weighed once and
 * remembered while it stays in the history.
 *
 * <p>Thread model: one instance per drive of a run (or per compaction of a conversation), used by
 * the thread that drives it alone.
 */
final class Sizes {
  /** What a message's JSON carries beyond its strings: braces, member names, the role. */
  private static final int MESSAGE_BYTES = 48;

  /** A request's members beyond its messages and tools (model, settings, cache key). */
  private static final int REQUEST_BYTES = 400;

  private final RequestTokens counter;
  private Map<Message, int[]> weighed = new IdentityHashMap<>();
  private double calibration = 1.0;

  // The last request's overhead in tokens (its tools' declaration, the default system prompt when
  // its messages do not open with one, the generation prompt: all RequestTokens.overhead reads)
  // and its tools' bytes, kept while the tools stay the same: a run's requests repeat them.
  private List<Tool> lastTools;
  private boolean lastOpensWithSystem;
  private int lastOverhead;
  private long lastToolsBytes;

  Sizes(RequestTokens counter) {
    this.counter = counter;
  }

  /** A request's weight: its prompt tokens (calibrated) and its body's bytes. */
  record Weight(int tokens, long bytes) {}

  Weight weigh(ChatRequest request) {
    return weigh(request, request.messages());
  }

  /** The weight of {@code request} sent with {@code messages} instead of its own. */
  Weight weigh(ChatRequest request, List<? extends Message> messages) {
    List<Tool> tools = request.tools();
    if (!tools.equals(lastTools)) {
      lastTools = List.copyOf(tools);
      lastToolsBytes = toolsBytes(tools);
      lastOverhead = -1;
    }
    long tokens = 0;
    if (!messages.isEmpty()) {
      boolean opensWithSystem = messages.get(0) instanceof SystemMessage;
      if (lastOverhead < 0 || opensWithSystem != lastOpensWithSystem) {
        lastOverhead = counter.overhead(request.toBuilder().messages(messages).build());
        lastOpensWithSystem = opensWithSystem;
      }
      tokens = lastOverhead;
    }
    long bytes = REQUEST_BYTES + lastToolsBytes;
    for (Message m : messages) {
      int[] w = weighed.computeIfAbsent(m, x -> new int[] {counter.countMessage(x), bytes(x)});
      tokens += w[0];
      bytes += w[1];
    }
    return new Weight((int) Math.min(Integer.MAX_VALUE, Math.ceil(tokens * calibration)), bytes);
  }

  /** Forgets the weights of every message but {@code messages} (those left in the history). */
  void retain(List<? extends Message> messages) {
    Map<Message, int[]> kept = new IdentityHashMap<>(messages.size() * 2);
    for (Message m : messages) {
      int[] w = weighed.get(m);
      if (w != null) {
        kept.put(m, w);
      }
    }
    weighed = kept;
  }

  /** The tokens of one message, uncalibrated. */
  int tokens(Message m) {
    return counter.countMessage(m);
  }

  /**
   * Learns from what the server counted: the next estimates are scaled by how far the last one fell
   * short of {@code actualPrompt} (never scaled down: the counter's count is the floor).
   */
  void calibrate(int estimatedPrompt, int actualPrompt) {
    if (estimatedPrompt > 0 && actualPrompt > 0) {
      double raw = estimatedPrompt / calibration;
      calibration = Math.max(1.0, Math.min(4.0, actualPrompt / raw));
    }
  }

  /** The bytes of a message as chat completions writes it. */
  static int bytes(Message m) {
    long n = MESSAGE_BYTES;
    if (m instanceof SystemMessage s) {
      n += json(s.content()) + json(s.name());
      for (FunctionTool t : s.tools()) {
        n += toolBytes(t);
      }
    } else if (m instanceof UserMessage u) {
      n += json(u.name());
      for (ContentPart p : u.content()) {
        if (p instanceof ContentPart.TextPart t) {
          n += json(t.text()) + 24;
        } else if (p instanceof ContentPart.ImagePart i) {
          n += json(i.url()) + 40;
        } else if (p instanceof ContentPart.VideoPart v) {
          n += json(v.url()) + 40;
        }
      }
    } else if (m instanceof AssistantMessage a) {
      n += json(a.content()) + json(a.reasoningContent()) + json(a.name()) + 24;
      for (ToolCall c : a.toolCalls()) {
        n += json(c.id()) + json(c.name()) + json(c.arguments()) + 64;
      }
      n += a.additionalFields().isEmpty() ? 0 : Json.write(a.additionalFields()).length();
    } else if (m instanceof ToolMessage t) {
      n += json(t.toolCallId()) + json(t.name()) + json(t.content());
    } else {
      throw new AssertionError(m);
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static long toolsBytes(List<Tool> tools) {
    long n = 0;
    for (Tool t : tools) {
      n += t instanceof FunctionTool f ? toolBytes(f) : 64;
    }
    return n;
  }

  private static long toolBytes(FunctionTool t) {
    JsonValue p = t.parameters();
    return 64 + json(t.name()) + json(t.description()) + (p == null ? 0 : Json.write(p).length());
  }

  /**
   * The UTF-8 length of a string written as a JSON string, quotes and escapes included; 0 for null.
   */
  static long json(String s) {
    if (s == null) {
      return 0;
    }
    long n = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
        n += 2;
      } else if (c < 0x20) {
        n += 6;
      } else if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
