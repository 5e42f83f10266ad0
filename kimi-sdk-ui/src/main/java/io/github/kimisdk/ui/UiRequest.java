package io.github.kimisdk.ui;

import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A page's request as the AI SDK's client sends it ({@code useChat}'s default transport: {@code
 * POST} with a JSON body of the chat's {@code id}, its {@code messages}, the {@code trigger} and
 * the {@code messageId}), read strictly: a body larger than the limit is refused unread past it
 * ({@code 413}); one that is not JSON, or whose members or parts are not what the AI SDK sends, is
 * refused naming where ({@code 400}). Reading is one pass over the bytes, and nesting, message and
 * part counts are bounded.
 *
 * <pre>{@code
 * UiRequest r = UiRequest.read(body, UiRequest.DEFAULT_MAX_BYTES);    // throws UiRequestException
 * try (ChatStream s = kimi.stream(ChatRequest.builder("kimi-k2.6").messages(r.textHistory()).build())) {
 *   UiResponse.of(s).writeTo(out);
 * }
 * }</pre>
 *
 * @param chatId the chat's id ({@code id})
 * @param trigger {@code submit-message} or {@code regenerate-message}
 * @param messageId the message the request continues or replaces, or null
 * @param messages the conversation as the page holds it
 */
public record UiRequest(String chatId, String trigger, String messageId, List<UiMessage> messages) {

  /** The largest body read by default: 1 MiB. */
  public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

  /** The most messages a request may hold. */
  public static final int MAX_MESSAGES = 2000;

  /** The most parts one message may hold. */
  public static final int MAX_PARTS = 2000;

  private static final int MAX_DEPTH = 64;
  private static final int MAX_ID_CHARS = 256;
  private static final Set<String> TRIGGERS = Set.of("submit-message", "regenerate-message");
  private static final Set<String> ROLES = Set.of("user", "assistant", "system");
  private static final Set<String> TOOL_STATES =
      Set.of(
          "input-streaming",
          "input-available",
          "approval-requested",
          "approval-responded",
          "output-available",
          "output-error",
          "output-denied");

  /**
   * Checks and copies the components.
   *
   * @param chatId the chat's id
   * @param trigger the trigger
   * @param messageId the message id, or null
   * @param messages the messages
   * @throws NullPointerException if an argument but {@code messageId} is null
   */
  public UiRequest {
    Objects.requireNonNull(chatId, "chatId must not be null");
    Objects.requireNonNull(trigger, "trigger must not be null");
    messages = List.copyOf(messages);
  }

  /**
   * Reads a request body from a stream, at most {@code maxBytes} of it.
   *
   * @param body the body; read to its end or one byte past the limit, not closed
   * @param maxBytes the largest body accepted
   * @return the request
   * @throws UiRequestException with status 413 when the body is larger than {@code maxBytes}, 400
   *     when it is not a request the AI SDK sends
   * @throws UncheckedIOException if reading fails
   */
  public static UiRequest read(InputStream body, long maxBytes) {
    Objects.requireNonNull(body, "body must not be null");
    return parse(readBounded(body, maxBytes));
  }

  /**
   * Reads a request body already in memory.
   *
   * @param body the body
   * @return the request
   * @throws UiRequestException with status 400 when it is not a request the AI SDK sends
   */
  public static UiRequest parse(byte[] body) {
    Objects.requireNonNull(body, "body must not be null");
    JsonValue root;
    try {
      root = Json.parse(body, 0, body.length, MAX_DEPTH);
    } catch (JsonException e) {
      throw bad("the request body is not JSON (" + e.getMessage() + ")");
    }
    if (!(root instanceof JsonObject o)) {
      throw bad("the request body must be a JSON object with id, messages and trigger");
    }
    String id = string(o, "id", "id");
    if (id.isEmpty() || id.length() > MAX_ID_CHARS) {
      throw bad("id must be 1 to " + MAX_ID_CHARS + " characters");
    }
    String trigger = string(o, "trigger", "trigger");
    if (!TRIGGERS.contains(trigger)) {
      throw bad("trigger must be submit-message or regenerate-message");
    }
    String messageId = null;
    JsonValue mid = o.get("messageId");
    if (mid != null && !mid.isNull()) {
      if (!(mid instanceof JsonString s) || s.value().length() > MAX_ID_CHARS) {
        throw bad("messageId must be a string of at most " + MAX_ID_CHARS + " characters");
      }
      messageId = s.value();
    }
    if (!(o.get("messages") instanceof JsonArray list)) {
      throw bad("messages must be an array of UI messages");
    }
    if (list.isEmpty() || list.size() > MAX_MESSAGES) {
      throw bad("messages must hold 1 to " + MAX_MESSAGES + " messages");
    }
    List<UiMessage> messages = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      messages.add(message(list.get(i), "messages[" + i + "]"));
    }
    return new UiRequest(id, trigger, messageId, messages);
  }

  /**
   * Returns the conversation's text as messages for a chat request: each user message's text and
   * each assistant message's text, in order; tool parts and reasoning are left out, so a stateless
   * chat never takes a tool result or an approval from the page (a durable run keeps those: {@link
   * AgentChat}).
   *
   * @return the messages, without the empty ones
   */
  public List<Message> textHistory() {
    List<Message> out = new ArrayList<>();
    for (UiMessage m : messages) {
      String text = m.text();
      if (text.isEmpty()) {
        continue;
      }
      if (m.role().equals("user")) {
        out.add(Message.user(text));
      } else if (m.role().equals("assistant")) {
        out.add(Message.assistant(text));
      }
    }
    return out;
  }

  static byte[] readBounded(InputStream in, long maxBytes) {
    if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxBytes must be in [1, 2^31 - 9]: " + maxBytes);
    }
    byte[] buf = new byte[(int) Math.min(maxBytes + 1, 64 * 1024)];
    int n = 0;
    try {
      while (true) {
        if (n == buf.length) {
          if (n > maxBytes) {
            break;
          }
          buf = java.util.Arrays.copyOf(buf, (int) Math.min(maxBytes + 1, (long) buf.length * 2));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed", e);
    }
    if (n > maxBytes) {
      throw new UiRequestException(
          413,
          "the request body is larger than this server's limit of "
              + maxBytes
              + " bytes; nothing was run");
    }
    return java.util.Arrays.copyOf(buf, n);
  }

  private static UiMessage message(JsonValue v, String where) {
    if (!(v instanceof JsonObject m)) {
      throw bad(where + " must be an object with id, role and parts");
    }
    String id = string(m, "id", where + ".id");
    if (id.length() > MAX_ID_CHARS) {
      throw bad(where + ".id must be at most " + MAX_ID_CHARS + " characters");
    }
    String role = string(m, "role", where + ".role");
    if (!ROLES.contains(role)) {
      throw bad(where + ".role must be user, assistant or system");
    }
    if (!(m.get("parts") instanceof JsonArray parts)) {
      throw bad(where + ".parts must be an array");
    }
    if (parts.size() > MAX_PARTS) {
      throw bad(where + ".parts holds more than " + MAX_PARTS + " parts");
    }
    List<JsonObject> out = new ArrayList<>(parts.size());
    for (int j = 0; j < parts.size(); j++) {
      out.add(part(parts.get(j), where + ".parts[" + j + "]"));
    }
    return new UiMessage(id, role, out);
  }

  private static JsonObject part(JsonValue v, String where) {
    if (!(v instanceof JsonObject p)) {
      throw bad(where + " must be an object with a type");
    }
    String type = string(p, "type", where + ".type");
    switch (type) {
      case "text":
      case "reasoning":
        string(p, "text", where + ".text");
        return p;
      case "step-start":
        return p;
      case "file":
      case "reasoning-file":
        string(p, "mediaType", where + ".mediaType");
        string(p, "url", where + ".url");
        return p;
      case "source-url":
        string(p, "sourceId", where + ".sourceId");
        string(p, "url", where + ".url");
        return p;
      case "source-document":
        string(p, "sourceId", where + ".sourceId");
        string(p, "mediaType", where + ".mediaType");
        string(p, "title", where + ".title");
        return p;
      case "custom":
        string(p, "kind", where + ".kind");
        return p;
      default:
        break;
    }
    if (type.startsWith("data-")) {
      return p;
    }
    if (type.equals("dynamic-tool") || type.startsWith("tool-")) {
      tool(p, type, where);
      return p;
    }
    throw bad(
        where
            + ".type is not a part the AI SDK sends (text, reasoning, tool-NAME, dynamic-tool, file,"
            + " source-url, source-document, step-start, data-NAME)");
  }

  private static void tool(JsonObject p, String type, String where) {
    if (type.equals("dynamic-tool")) {
      string(p, "toolName", where + ".toolName");
    } else if (type.length() == "tool-".length()) {
      throw bad(where + ".type must name the tool: tool-NAME");
    }
    String id = string(p, "toolCallId", where + ".toolCallId");
    if (id.isEmpty() || id.length() > MAX_ID_CHARS) {
      throw bad(where + ".toolCallId must be 1 to " + MAX_ID_CHARS + " characters");
    }
    String state = string(p, "state", where + ".state");
    if (!TOOL_STATES.contains(state)) {
      throw bad(where + ".state is not a tool state of the AI SDK: " + TOOL_STATES);
    }
    boolean approval = state.startsWith("approval-") || state.equals("output-denied");
    if (approval) {
      if (!(p.get("approval") instanceof JsonObject a)) {
        throw bad(where + ".approval must be an object with the approval's id");
      }
      string(a, "id", where + ".approval.id");
      JsonValue approved = a.get("approved");
      boolean responded = !state.equals("approval-requested");
      if (responded && !(approved instanceof JsonBoolean)) {
        throw bad(where + ".approval.approved must be true or false");
      }
      JsonValue reason = a.get("reason");
      if (reason != null && !reason.isNull() && !(reason instanceof JsonString)) {
        throw bad(where + ".approval.reason must be a string");
      }
    }
    if (state.equals("output-error")) {
      string(p, "errorText", where + ".errorText");
    }
    if (state.equals("output-available") && !p.has("output")) {
      throw bad(where + ".output is missing");
    }
  }

  private static String string(JsonObject o, String name, String where) {
    JsonValue v = o.get(name);
    if (!(v instanceof JsonString s)) {
      throw bad(where + " must be a string");
    }
    return s.value();
  }

  private static UiRequestException bad(String what) {
    return new UiRequestException(400, "malformed request: " + what + "; nothing was run");
  }
}
