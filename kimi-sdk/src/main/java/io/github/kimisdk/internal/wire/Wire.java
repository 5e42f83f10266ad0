package io.github.kimisdk.internal.wire;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.internal.sse.SseEventHandler;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * One wire protocol of chat calls: where a call goes, how the key and the protocol's own headers
 * ride on it, how a request is written and a reply read, whole or as events. Each protocol is one
 * subclass in its own subpackage ({@code wire.chat}, {@code wire.messages}, {@code
 * wire.responses}), a stateless singleton; {@link Wires#get} is the one place a call's wire is
 * chosen. What the protocols share is here: the refusals of what a protocol cannot express, and the
 * request members every protocol writes alike; the event loop is {@link WireEvents}.
 */
public abstract class Wire {

  /** How a protocol sends the key. */
  protected enum Auth {
    /** {@code Authorization: Bearer <key>}. */
    BEARER,
    /** {@code x-api-key: <key>}. */
    API_KEY_HEADER
  }

  /** Makes the handler that turns one response's events into chunks. */
  @FunctionalInterface
  protected interface Events {
    /**
     * Returns the handler of one response.
     *
     * @param metadata the response's status and headers
     * @param errors builds the exceptions
     * @param maxDepth the JSON nesting limit of event payloads
     * @param request the request as sent
     * @return the handler
     */
    SseEventHandler<ChatCompletionChunk> of(
        ResponseMetadata metadata, StreamErrors errors, int maxDepth, ChatRequest request);
  }

  private final String name;
  private final String path;
  private final Auth auth;
  private final Map<String, String> headers;
  private final boolean looseStreams;
  private final String platformRefusal;
  private final Events events;

  /**
   * Creates a protocol.
   *
   * @param name the protocol's name in messages, such as {@code "Responses"}
   * @param path the chat path below the base URL, without leading slash
   * @param auth how the key is sent
   * @param headers the protocol's own headers, set on every request (after the caller's)
   * @param looseStreams whether a 2xx answer to a streaming call typed {@code text/plain} or not at
   *     all is read as an event stream (as OpenAI-compatible servers sometimes send theirs)
   * @param platformRefusal why non-chat calls are refused, or null when they are served
   * @param events makes the handler of one streamed response
   */
  protected Wire(
      String name,
      String path,
      Auth auth,
      Map<String, String> headers,
      boolean looseStreams,
      String platformRefusal,
      Events events) {
    this.name = name;
    this.path = path;
    this.auth = auth;
    this.headers = Map.copyOf(headers);
    this.looseStreams = looseStreams;
    this.platformRefusal = platformRefusal;
    this.events = events;
  }

  /**
   * Returns the chat path below the base URL, without leading slash.
   *
   * @return the path, such as {@code chat/completions}
   */
  public final String chatPath() {
    return path;
  }

  /**
   * Encodes the request body exactly as given (the model's rules were applied before).
   *
   * @param request the request, its {@code stream} flag set as it is to be sent
   * @return the UTF-8 body
   * @throws UnsupportedRequestException when the protocol cannot express the request
   */
  public abstract byte[] encode(ChatRequest request);

  /**
   * Decodes a 2xx non-streaming body, nesting at most {@code maxDepth} levels deep.
   *
   * @param b the buffer
   * @param off where the body starts
   * @param len its length
   * @param maxDepth the nesting limit
   * @return the completion
   * @throws RuntimeException when the body is not this protocol's reply
   */
  public abstract ChatCompletion decode(byte[] b, int off, int len, int maxDepth);

  /**
   * Decodes a whole 2xx body with the default nesting limit.
   *
   * @param b the body
   * @return the completion
   * @throws RuntimeException when the body is not this protocol's reply
   */
  public final ChatCompletion decode(byte[] b) {
    return decode(b, 0, b.length, JsonReader.DEFAULT_MAX_DEPTH);
  }

  /**
   * Returns the handler that turns one response's events into chunks.
   *
   * @param metadata the response's status and headers
   * @param errors builds the exceptions
   * @param maxDepth the JSON nesting limit of event payloads
   * @param request the request as sent, for what a whole answer holds (its choices, its usage)
   * @return the handler, for this response only
   */
  public final SseEventHandler<ChatCompletionChunk> events(
      ResponseMetadata metadata, StreamErrors errors, int maxDepth, ChatRequest request) {
    return events.of(metadata, errors, maxDepth, request);
  }

  /**
   * Sets the key as this protocol sends it, then the protocol's own headers (after the caller's, so
   * they win).
   *
   * @param b the request being built
   * @param key the key, asked of its one holder for this request; never kept
   */
  public final void authorize(HttpRequest.Builder b, String key) {
    if (auth == Auth.BEARER) {
      b.setHeader("Authorization", "Bearer " + key);
    } else {
      b.setHeader("x-api-key", key);
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      b.setHeader(h.getKey(), h.getValue());
    }
  }

  /**
   * Tells whether a 2xx answer to a streaming call that is not typed as an event stream is read as
   * one anyway (see {@link WireEvents#isLooseStream}).
   *
   * @return true for the chat-completions protocol
   */
  public final boolean readsLooseStreams() {
    return looseStreams;
  }

  /**
   * Returns why non-chat calls (files, batches, models, balance) are refused on this protocol.
   *
   * @return the reason, or null when they are served
   */
  public final String platformRefusal() {
    return platformRefusal;
  }

  @Override
  public final String toString() {
    return name;
  }

  // --- what the protocols that are not chat completions refuse alike ---

  /**
   * Returns the refusal of a request member this protocol cannot express.
   *
   * @param what the member, as the user set it
   * @param instead what to do instead
   * @return the exception to throw
   */
  protected final UnsupportedRequestException unsupported(String what, String instead) {
    return new UnsupportedRequestException(
        "The request sets "
            + what
            + ", which Kimi's "
            + name
            + " protocol cannot express; "
            + instead
            + ".");
  }

  /**
   * Refuses what only chat completions express: several choices, log probabilities, a prediction,
   * tools declared in a system message, and video. Kimi's built-in tools are each protocol's to
   * judge ({@link #refuseBuiltinTools}).
   *
   * @param r the request
   * @throws UnsupportedRequestException naming the member and what to do instead
   */
  protected final void refuseChatCompletionsOnly(ChatRequest r) {
    if (r.n() != null && r.n() > 1) {
      throw unsupported(
          "n = " + r.n() + " (several choices per request)",
          "send n separate requests, or use WireProtocol.CHAT_COMPLETIONS");
    }
    if (r.logprobs() != null || r.topLogprobs() != null) {
      throw unsupported("logprobs", "use WireProtocol.CHAT_COMPLETIONS for log probabilities");
    }
    if (r.prediction() != null) {
      throw unsupported("prediction", "leave it unset, or use WireProtocol.CHAT_COMPLETIONS");
    }
    for (Message m : r.messages()) {
      if (m instanceof SystemMessage s && s.declaresTools()) {
        throw unsupported(
            "tools declared in a system message (kimi-k3's dynamic tools; "
                + name
                + " has one"
                + " tools list)",
            "declare them in the request's tools, or use WireProtocol.CHAT_COMPLETIONS");
      }
      if (m instanceof UserMessage u) {
        for (ContentPart p : u.content()) {
          if (p instanceof ContentPart.VideoPart) {
            throw unsupported("video content", "use WireProtocol.CHAT_COMPLETIONS for video");
          }
        }
      }
      if (m instanceof AssistantMessage a
          && a.reasoningContent() == null
          && (a.content() == null || a.content().isEmpty())
          && a.toolCalls().isEmpty()) {
        throw unsupported(
            "an assistant message with no content, reasoning or tool calls",
            "leave the empty message out of the history");
      }
    }
  }

  /**
   * Refuses every one of Kimi's built-in tools, for a protocol that has none.
   *
   * @param r the request
   * @throws UnsupportedRequestException naming the first built-in tool
   */
  protected final void refuseBuiltinTools(ChatRequest r) {
    for (Tool t : r.tools()) {
      if (t instanceof BuiltinTool b) {
        throw unsupported(
            "the built-in tool " + b.name(), "use WireProtocol.CHAT_COMPLETIONS for Kimi's tools");
      }
    }
  }

  /**
   * Refuses a presence or frequency penalty, which only chat completions express.
   *
   * @param r the request
   * @param zeroIsUnset whether a penalty of 0, which changes nothing, is let through (and dropped)
   * @throws UnsupportedRequestException when a penalty is set
   */
  protected final void refusePenalties(ChatRequest r, boolean zeroIsUnset) {
    if (r.presencePenalty() != null && !(zeroIsUnset && r.presencePenalty() == 0)) {
      throw unsupported("presence_penalty", "leave it unset");
    }
    if (r.frequencyPenalty() != null && !(zeroIsUnset && r.frequencyPenalty() == 0)) {
      throw unsupported("frequency_penalty", "leave it unset");
    }
  }

  /**
   * Refuses an effort set twice: by the request's effort setting and inside the extra body member
   * where this protocol carries it.
   *
   * @param r the request
   * @param member the extra body member that carries the effort
   * @throws UnsupportedRequestException when both are set
   */
  protected final void refuseEffortTwice(ChatRequest r, String member) {
    if (effort(r) != null && r.extraBody().containsKey(member)) {
      throw unsupported(
          "an effort and an extra body field "
              + member
              + " (where "
              + name
              + " carries the effort)",
          "set the effort once, either with the effort setting or inside " + member);
    }
  }

  /**
   * Returns the effort of a request: {@code thinking.effort}, which wins, else {@code
   * reasoning_effort}; null when neither is set.
   *
   * @param r the request
   * @return the effort, or null
   */
  protected static String effort(ChatRequest r) {
    if (r.thinking() != null && r.thinking().effort() != null) {
      return r.thinking().effort();
    }
    return r.reasoningEffort();
  }

  /**
   * Writes the sampling members every protocol names alike, {@code temperature} and {@code top_p},
   * when set.
   *
   * @param w the writer, inside the request object
   * @param r the request
   */
  public static void writeSampling(JsonWriter w, ChatRequest r) {
    if (r.temperature() != null) {
      w.name("temperature").value((double) r.temperature());
    }
    if (r.topP() != null) {
      w.name("top_p").value((double) r.topP());
    }
  }

  /**
   * Writes what chat completions and Responses both name alike of a function tool: its {@code
   * name}, and its {@code description}, {@code parameters} and {@code strict} when set.
   *
   * @param w the writer, inside the tool's object
   * @param f the tool
   */
  public static void writeFunction(JsonWriter w, FunctionTool f) {
    w.name("name").value(f.name());
    if (f.description() != null) {
      w.name("description").value(f.description());
    }
    if (f.parameters() != null) {
      w.name("parameters").value(f.parameters());
    }
    if (f.strict() != null) {
      w.name("strict").value((boolean) f.strict());
    }
  }

  /**
   * Returns a string member of a reply object, or null when it is absent or not a string.
   *
   * @param o the object
   * @param member the member's name
   * @return the string, or null
   */
  public static String string(JsonObject o, String member) {
    return o.get(member) instanceof JsonString s ? s.value() : null;
  }
}
