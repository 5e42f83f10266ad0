package io.github.kimisdk.chat;

import io.github.kimisdk.chat.format.SavedForm;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.ToolCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Holds the history of one conversation under a stable id, and saves it to JSON so it can be
 * continued after a restart.
 *
 * <pre>{@code
 * Conversation chat = Conversation.create();           // random id
 * chat.addUser("Name three rivers");
 * chat.addReply(kimi.chat(chat.request("kimi-k2.6").build()));
 * chat.save(Path.of("chat.json"));
 * // ... later, in another process
 * Conversation again = Conversation.load(Path.of("chat.json"));
 * again.addUser("And three lakes");
 * again.addReply(kimi.chat(again.request("kimi-k2.6").build()));
 * }</pre>
 *
 * <p>The id is sent as {@code prompt_cache_key} by {@link #request(String)}, which improves Kimi's
 * prefix-cache hits and is required by Kimi Code, and with it the conversation's cache time to live
 * when one is set ({@link #promptCacheTtl(CacheTtl)}). Replies are kept exactly as received, {@code
 * reasoning_content} included, so tool-call turns replay correctly on thinking models.
 *
 * <p>The history is checked as it grows: a tool message must answer a call of the latest assistant
 * message that is still open, and no other message may follow until every call is answered ({@link
 * #pendingToolCalls()} lists the open ones). An agent's run ({@code kimi-sdk-agents}) keeps whole
 * tool turns of its own in the same form.
 *
 * <p>It counts the tokens of its replies per model ({@link #usage()}, {@link #usageByModel()}) as
 * {@link #addReply(ChatCompletion)} adds them, and {@link #addUsage(String, Usage)} for calls whose
 * messages arrive another way; a price table turns them into money: {@code
 * kimi.prices().spend(conversation)}.
 *
 * <p>The saved form is a JSON object {@code {"format": "kimi-sdk.conversation", "version": 1, "id":
 * ..., "messages": [...], "usage": {...}}} whose messages are written as chat completions send them
 * (an assistant message's {@code reasoning_signature} beside its reasoning), whose optional {@code
 * usage} holds the tokens per model, and whose optional {@code prompt_cache_ttl} ({@code "5m"} or
 * {@code "1h"}) the time to live. The form is the SDK's own, apart from what a wire sends: a change
 * to it is a new {@link #VERSION}, and a file saved by an earlier version of the SDK keeps loading.
 * Instances are thread-safe.
 */
public final class Conversation {

  /** The value of the {@code format} field of a saved conversation. */
  public static final String FORMAT = "kimi-sdk.conversation";

  /** The version of the saved form this class writes, and the newest it reads. */
  public static final int VERSION = SavedForm.VERSION;

  private final String id;
  private final List<Message> messages = new ArrayList<>();
  private final Set<String> openCalls = new LinkedHashSet<>(); // guarded by this
  private final Map<String, Usage> usage = new LinkedHashMap<>(); // guarded by this
  private AssistantMessage openCallsOwner; // guarded by this
  private CacheTtl promptCacheTtl; // guarded by this

  private Conversation(String id) {
    this.id = id;
  }

  /**
   * Creates an empty conversation with a random id.
   *
   * @return the conversation
   */
  public static Conversation create() {
    return new Conversation(UUID.randomUUID().toString());
  }

  /**
   * Creates an empty conversation with the given id, for example a thread id of your application.
   *
   * @param id the id, not blank
   * @return the conversation
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException if {@code id} is blank
   */
  public static Conversation withId(String id) {
    Objects.requireNonNull(id, "conversation id must not be null");
    if (id.isBlank()) {
      throw new IllegalArgumentException("conversation id must not be blank");
    }
    return new Conversation(id);
  }

  /**
   * Returns the conversation's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Sets how long Kimi keeps this conversation's prefix in its cache: every {@link
   * #request(String)} asks for it ({@link ChatRequest.Builder#promptCacheTtl}), and {@code
   * PriceTable.spend(conversation)} prices the cache writes at it. A long pause between turns (a
   * user who answers after ten minutes) is where {@link CacheTtl#ONE_HOUR} pays: each write costs
   * more, each later hit is a hit rather than a new write.
   *
   * @param ttl the time to live; null to ask for nothing (Kimi's five minutes, or the client's
   *     default)
   * @return this conversation
   */
  public synchronized Conversation promptCacheTtl(CacheTtl ttl) {
    this.promptCacheTtl = ttl;
    return this;
  }

  /**
   * Returns the time to live this conversation's requests ask for.
   *
   * @return the time to live; null when it asks for none
   */
  public synchronized CacheTtl promptCacheTtl() {
    return promptCacheTtl;
  }

  /**
   * Returns the history so far.
   *
   * @return an immutable copy of the messages, in order
   */
  public synchronized List<Message> messages() {
    return List.copyOf(messages);
  }

  /**
   * Returns the number of messages.
   *
   * @return the size of the history
   */
  public synchronized int size() {
    return messages.size();
  }

  /**
   * Returns the tool calls of the latest assistant message that no tool message answers yet.
   *
   * @return the open calls, in order; empty when none
   */
  public synchronized List<ToolCall> pendingToolCalls() {
    if (openCallsOwner == null) {
      return List.of();
    }
    List<ToolCall> out = new ArrayList<>();
    for (ToolCall c : openCallsOwner.toolCalls()) {
      if (openCalls.contains(c.id())) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Appends a message.
   *
   * @param message the message
   * @return this conversation
   * @throws NullPointerException if {@code message} is null
   * @throws IllegalArgumentException if the message breaks the order of a tool turn: a tool message
   *     that answers no open call, or another message while calls are open; or a partial assistant
   *     message, which belongs in one request only
   */
  public synchronized Conversation add(Message message) {
    Objects.requireNonNull(message, "message must not be null");
    check(message);
    messages.add(message);
    if (message instanceof ToolMessage t) {
      openCalls.remove(t.toolCallId());
      if (openCalls.isEmpty()) {
        openCallsOwner = null;
      }
    } else if (message instanceof AssistantMessage a && a.hasToolCalls()) {
      openCallsOwner = a;
      for (ToolCall c : a.toolCalls()) {
        openCalls.add(c.id());
      }
    }
    return this;
  }

  private void check(Message message) {
    if (message instanceof ToolMessage t) {
      if (!openCalls.contains(t.toolCallId())) {
        throw new IllegalArgumentException(
            "tool message for call \""
                + t.toolCallId()
                + "\" answers no open tool call; open calls: "
                + openCalls);
      }
      return;
    }
    if (!openCalls.isEmpty()) {
      throw new IllegalArgumentException(
          "the tool calls "
              + openCalls
              + " must each be answered by a tool message before another "
              + message.role()
              + " message");
    }
    if (message instanceof AssistantMessage a && a.partial()) {
      throw new IllegalArgumentException(
          "a partial assistant message is a one-request prefix, not history; add the completed"
              + " reply instead");
    }
  }

  /**
   * Appends messages in order; on a rule violation the messages before it stay appended.
   *
   * @param messages the messages
   * @return this conversation
   * @throws NullPointerException if {@code messages} or an element is null
   * @throws IllegalArgumentException as {@link #add(Message)} does
   */
  public synchronized Conversation addAll(Collection<? extends Message> messages) {
    Objects.requireNonNull(messages, "messages must not be null");
    for (Message m : messages) {
      add(m);
    }
    return this;
  }

  /**
   * Appends a system message.
   *
   * @param content the instructions
   * @return this conversation
   * @throws NullPointerException if {@code content} is null
   * @throws IllegalArgumentException if {@code content} is empty, or tool calls are open
   */
  public Conversation addSystem(String content) {
    return add(Message.system(content));
  }

  /**
   * Appends a user message.
   *
   * @param text the text
   * @return this conversation
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code text} is empty, or tool calls are open
   */
  public Conversation addUser(String text) {
    return add(Message.user(text));
  }

  /**
   * Appends the model's reply (the first choice's message) exactly as received, and counts its
   * usage under the model the reply names.
   *
   * @param completion the reply
   * @return the appended message, whose tool calls (if any) are now open
   * @throws NullPointerException if {@code completion} is null
   * @throws IllegalArgumentException if the completion has no choice, or tool calls are open
   */
  public synchronized AssistantMessage addReply(ChatCompletion completion) {
    Objects.requireNonNull(completion, "completion must not be null");
    if (completion.choices().isEmpty()) {
      throw new IllegalArgumentException("the completion has no choice to add: " + completion.id());
    }
    AssistantMessage reply = completion.choices().get(0).message();
    add(reply);
    if (completion.usage() != null) {
      addUsage(completion.model() == null ? "" : completion.model(), completion.usage());
    }
    return reply;
  }

  /**
   * Counts the tokens of calls made for this conversation whose replies were added another way, for
   * example by an agent's run of {@code kimi-sdk-agents}.
   *
   * @param model the model that answered
   * @param usage the tokens of the calls
   * @return this conversation
   * @throws NullPointerException if an argument is null
   */
  public synchronized Conversation addUsage(String model, Usage usage) {
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(usage, "usage must not be null");
    this.usage.merge(model, strip(usage), Usage::plus);
    return this;
  }

  /**
   * Returns the tokens of every call counted so far, over all models.
   *
   * @return the summed usage; zero counts when nothing was counted
   */
  public synchronized Usage usage() {
    Usage sum = new Usage(0, 0, 0, null, null);
    for (Usage u : usage.values()) {
      sum = sum.plus(u);
    }
    return sum;
  }

  /**
   * Returns the tokens counted so far per model, in the order the models first answered; {@code
   * kimi.prices().spend(conversation)} prices them.
   *
   * @return an immutable copy, by model id
   */
  public synchronized Map<String, Usage> usageByModel() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(usage));
  }

  /** A usage without the server's extra fields, which a sum cannot keep. */
  private static Usage strip(Usage u) {
    return u.additionalFields().isEmpty()
        ? u
        : new Usage(
            u.promptTokens(),
            u.completionTokens(),
            u.totalTokens(),
            u.cachedTokens(),
            u.reasoningTokens(),
            null,
            u.cacheWriteTokens());
  }

  /**
   * Starts a request holding the history, with the id as {@code prompt_cache_key} and the
   * conversation's {@link #promptCacheTtl() time to live}, if any.
   *
   * @param model the model id, such as {@code kimi-k2.6}
   * @return the builder; add settings and build
   * @throws NullPointerException if {@code model} is null
   */
  public synchronized ChatRequest.Builder request(String model) {
    return ChatRequest.builder(model)
        .messages(messages)
        .promptCacheKey(id)
        .promptCacheTtl(promptCacheTtl);
  }

  /**
   * Returns the conversation in its saved JSON form.
   *
   * @return pretty-printed JSON
   */
  public synchronized String toJson() {
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("format").value(FORMAT);
    w.name("version").value(VERSION);
    w.name("id").value(id);
    if (promptCacheTtl != null) {
      w.name("prompt_cache_ttl").value(promptCacheTtl.wireValue());
    }
    w.name("messages").beginArray();
    for (Message m : messages) {
      SavedForm.writeSavedMessage(w, m);
    }
    w.endArray();
    if (!usage.isEmpty()) {
      w.name("usage").beginObject();
      for (Map.Entry<String, Usage> e : usage.entrySet()) {
        w.name(e.getKey());
        SavedForm.writeUsage(w, e.getValue());
      }
      w.endObject();
    }
    w.endObject();
    return Json.writePretty(Json.parse(w.toString()));
  }

  /**
   * Saves the conversation to a file as UTF-8 JSON, replacing it atomically where the file system
   * allows (written to a sibling temporary file, then moved).
   *
   * @param file the file
   * @throws NullPointerException if {@code file} is null
   * @throws IOException if the file cannot be written
   */
  public void save(Path file) throws IOException {
    Objects.requireNonNull(file, "file must not be null");
    byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
    Path abs = file.toAbsolutePath();
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    try {
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Loads a conversation saved with {@link #save(Path)}.
   *
   * @param file the file
   * @return the conversation
   * @throws NullPointerException if {@code file} is null
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is not a saved conversation; the message says
   *     where it is wrong
   */
  public static Conversation load(Path file) throws IOException {
    Objects.requireNonNull(file, "file must not be null");
    return fromJson(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Reads a conversation from its saved JSON form ({@link #toJson()}).
   *
   * @param json the JSON text
   * @return the conversation
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException if the text is not a saved conversation; the message says
   *     where it is wrong
   */
  public static Conversation fromJson(String json) {
    Objects.requireNonNull(json, "json must not be null");
    JsonValue root;
    try {
      root = Json.parse(json);
    } catch (JsonException e) {
      throw new IllegalArgumentException("a saved conversation must be JSON: " + e.getMessage(), e);
    }
    if (!(root instanceof JsonObject o)
        || !(o.get("format") instanceof JsonString f)
        || !f.value().equals(FORMAT)) {
      throw new IllegalArgumentException(
          "not a saved conversation: expected an object with \"format\": \"" + FORMAT + "\"");
    }
    if (!(o.get("version") instanceof JsonNumber v) || v.intValue() != VERSION) {
      throw new IllegalArgumentException(
          "unsupported conversation version " + o.get("version") + "; this SDK reads " + VERSION);
    }
    if (!(o.get("id") instanceof JsonString id) || id.value().isBlank()) {
      throw new IllegalArgumentException("a saved conversation needs a non-blank \"id\"");
    }
    if (!(o.get("messages") instanceof JsonArray list)) {
      throw new IllegalArgumentException("a saved conversation needs a \"messages\" array");
    }
    Conversation c = new Conversation(id.value());
    JsonValue ttl = o.get("prompt_cache_ttl");
    if (ttl != null) {
      if (!(ttl instanceof JsonString t)) {
        throw new IllegalArgumentException("\"prompt_cache_ttl\" must be \"5m\" or \"1h\": " + ttl);
      }
      c.promptCacheTtl = CacheTtl.ofWireValue(t.value());
    }
    for (int i = 0; i < list.size(); i++) {
      try {
        c.add(SavedForm.readMessage(list.get(i).asObject()));
      } catch (IllegalArgumentException | NullPointerException | JsonException e) {
        throw new IllegalArgumentException("saved message " + i + ": " + e.getMessage(), e);
      }
    }
    JsonValue saved = o.get("usage");
    if (saved != null && !(saved instanceof JsonObject)) {
      throw new IllegalArgumentException("\"usage\" of a saved conversation must be an object");
    }
    if (saved instanceof JsonObject byModel) {
      for (Map.Entry<String, JsonValue> e : byModel.members().entrySet()) {
        if (!(e.getValue() instanceof JsonObject u)) {
          throw new IllegalArgumentException(
              "the saved usage of " + e.getKey() + " must be an object");
        }
        try {
          c.addUsage(e.getKey(), SavedForm.readUsage(u));
        } catch (IllegalArgumentException | JsonException bad) {
          throw new IllegalArgumentException(
              "the saved usage of " + e.getKey() + ": " + bad.getMessage(), bad);
        }
      }
    }
    return c;
  }

  /**
   * Describes the conversation without its content.
   *
   * @return a short description with the id and the number of messages
   */
  @Override
  public synchronized String toString() {
    return "Conversation[id=" + id + ", messages=" + messages.size() + "]";
  }
}
