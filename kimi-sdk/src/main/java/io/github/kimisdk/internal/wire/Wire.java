package io.github.kimisdk.internal.wire;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.chat.completions.Fate;
import io.github.kimisdk.chat.completions.RequestFields;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.Tool;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One wire protocol of chat calls: where a call goes, how the key and the protocol's own headers
 * ride on it, how a request is written and a reply read, whole or as events. Each protocol is one
 * subclass in its own subpackage ({@code wire.chat}, {@code wire.messages}, {@code
 * wire.responses}), a stateless singleton; {@link Wires#get} is the one place a call's wire is
 * chosen. Each declares what it does with every request component ({@link #fates()}: written,
 * dropped with a reason, or refused with the fix), and its refusals run from that declaration. What
 * the protocols share is here: the refusals of what only chat completions express, and the request
 * members every protocol writes alike; the event loop is {@link WireEvents}.
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
  private final List<Fate> fates;
  private final List<Refusal> refusals;

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
   * @param fates what the protocol writes and drops of each request component
   * @param refusals what it refuses, checked in this order before a request is written
   */
  protected Wire(
      String name,
      String path,
      Auth auth,
      Map<String, String> headers,
      boolean looseStreams,
      String platformRefusal,
      Events events,
      List<Fate> fates,
      List<Refusal> refusals) {
    this.name = name;
    this.path = path;
    this.auth = auth;
    this.headers = Map.copyOf(headers);
    this.looseStreams = looseStreams;
    this.platformRefusal = platformRefusal;
    this.events = events;
    List<Fate> all = new ArrayList<>(fates);
    for (Refusal r : refusals) {
      all.add(r.fate());
    }
    this.fates = List.copyOf(all);
    this.refusals = List.copyOf(refusals);
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
   * Returns the output cap {@code request} is sent with: its {@code maxCompletionTokens}, else the
   * cap the protocol writes when a request has none, else {@code modelDefault} (the model's default
   * output, which the server applies).
   *
   * @param request the request
   * @param modelDefault the model's default output
   * @return the cap, in tokens
   */
  public final int outputCap(ChatRequest request, int modelDefault) {
    Integer cap = request.maxCompletionTokens();
    return cap != null ? cap : defaultOutputCap(modelDefault);
  }

  /**
   * Returns the cap this protocol writes for a request that sets none; by default none is written,
   * and the model's default applies.
   *
   * @param modelDefault the model's default output
   * @return the cap
   */
  protected int defaultOutputCap(int modelDefault) {
    return modelDefault;
  }

  /**
   * Encodes the request body exactly as given (the model's rules were applied before), once the
   * protocol's declared refusals found nothing ({@link #check}).
   *
   * @param request the request, its {@code stream} flag set as it is to be sent
   * @return the UTF-8 body
   * @throws UnsupportedRequestException when the protocol cannot express the request
   */
  public final byte[] encode(ChatRequest request) {
    check(request);
    return write(request);
  }

  /**
   * Writes a request that {@link #check} let through, exactly as given.
   *
   * @param request the request
   * @return the UTF-8 body
   */
  protected abstract byte[] write(ChatRequest request);

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

  // --- the declaration: what the protocol does with each request component ---

  /**
   * A refusal a protocol declares: its fate, and how it finds in a request what the protocol cannot
   * express. Kept apart from {@link Fate}, which names no request type.
   *
   * @param fate the refusal's fate, {@link Fate.Kind#REFUSED}
   * @param finds returns what the request sets that is refused, in the words of the message (such
   *     as {@code "n = 3 (several choices per request)"}), or null when the refusal does not apply
   */
  protected record Refusal(Fate fate, Function<ChatRequest, String> finds) {}

  /**
   * Returns a refusal of a component.
   *
   * @param component the {@code ChatRequest} component
   * @param when the values refused, such as {@code "n above 1"}; null for every value
   * @param fix what to do instead
   * @param finds what the request sets that is refused, or null
   * @return the refusal
   */
  protected static Refusal refusal(
      String component, String when, String fix, Function<ChatRequest, String> finds) {
    return new Refusal(new Fate(component, Fate.Kind.REFUSED, List.of(), fix, when), finds);
  }

  /**
   * Returns what this protocol does with each request component, in the order declared: each
   * component has at least one fate, and one fate per case when its value decides.
   *
   * @return the fates
   */
  public final List<Fate> fates() {
    return fates;
  }

  /**
   * Refuses a request this protocol cannot express: the first of its declared refusals that finds
   * something in the request.
   *
   * @param r the request
   * @throws UnsupportedRequestException naming the component, what it sets and what to do instead
   */
  public final void check(ChatRequest r) {
    for (int i = 0; i < refusals.size(); i++) { // no iterator: chat completions has no refusals
      Refusal refusal = refusals.get(i);
      String what = refusal.finds().apply(r);
      if (what != null) {
        throw new UnsupportedRequestException(
            refusal.fate().component(),
            "The request sets "
                + what
                + ", which Kimi's "
                + name
                + " protocol cannot express; "
                + refusal.fate().why()
                + ".");
      }
    }
  }

  /**
   * What only the protocols other than chat completions share, in a class of its own so that a
   * client speaking chat completions never makes it (nor the lambdas in it).
   */
  private static final class Alike {
    static final List<Fate> DROPPED =
        List.of(
            Fate.dropped("n", "the protocol gives one reply per request, as n = 1 asks")
                .when("n = 1"),
            Fate.dropped(
                "includeUsage", "usage always arrives, with a whole reply and in a stream"),
            Fate.dropped(
                    "responseFormat", "the protocol answers in free text, as a text format asks")
                .when("a text format"),
            Fate.dropped("messages", "the protocol has no names of messages; their content is sent")
                .when("a message has a name"),
            Fate.dropped(
                    "reasoningEffort",
                    "the thinking setting's effort wins, as kimi-k3 applies it over"
                        + " reasoning_effort")
                .when("the thinking setting carries an effort too"),
            Fate.dropped(
                    "promptCacheTtl", "five minutes is Kimi's default, which needs nothing sent")
                .when("CacheTtl.FIVE_MINUTES"));

    static final List<Refusal> CHAT_COMPLETIONS_ONLY =
        List.of(
            refusal(
                "n",
                "n above 1",
                "send n separate requests, or use WireProtocol.CHAT_COMPLETIONS",
                r ->
                    r.n() != null && r.n() > 1
                        ? "n = " + r.n() + " (several choices per request)"
                        : null),
            // before logprobs, which a request with top_logprobs always sets
            refusal(
                "topLogprobs",
                null,
                "use WireProtocol.CHAT_COMPLETIONS for log probabilities",
                r -> r.topLogprobs() != null ? "top_logprobs " + r.topLogprobs() : null),
            refusal(
                "logprobs",
                null,
                "use WireProtocol.CHAT_COMPLETIONS for log probabilities",
                r -> r.logprobs() != null ? "logprobs" : null),
            refusal(
                "prediction",
                null,
                "leave it unset, or use WireProtocol.CHAT_COMPLETIONS",
                r -> r.prediction() != null ? "prediction" : null),
            refusal(
                "messages",
                "a system message declares tools",
                "declare them in the request's tools, or use WireProtocol.CHAT_COMPLETIONS",
                r ->
                    inMessages(
                        r,
                        m ->
                            m instanceof SystemMessage s && s.declaresTools()
                                ? "tools declared in a system message (kimi-k3's dynamic tools;"
                                    + " this protocol has one tools list)"
                                : null)),
            refusal(
                "messages",
                "a user message holds a video",
                "use WireProtocol.CHAT_COMPLETIONS for video",
                r ->
                    inUserParts(
                        r, p -> p instanceof ContentPart.VideoPart ? "video content" : null)),
            refusal(
                "messages",
                "an assistant message has no content, reasoning or tool calls",
                "leave the empty message out of the history",
                r ->
                    inMessages(
                        r,
                        m ->
                            m instanceof AssistantMessage a
                                    && a.reasoningContent() == null
                                    && (a.content() == null || a.content().isEmpty())
                                    && a.toolCalls().isEmpty()
                                ? "an assistant message with no content, reasoning or tool calls"
                                : null)));
  }

  /**
   * Returns what the protocols that are not chat completions drop alike, each with why that changes
   * nothing ({@code n = 1}, the usage switch, a text format, the names of messages, an effort the
   * thinking setting overrides, Kimi's default cache time), followed by the components a protocol
   * writes as chat completions does and then its own fates.
   *
   * @param writtenAlike the components the protocol writes as chat completions does
   * @param own the protocol's own fates
   * @return the fates
   */
  protected static List<Fate> withDropsAlike(List<String> writtenAlike, Fate... own) {
    List<Fate> all = new ArrayList<>(Alike.DROPPED);
    all.addAll(RequestFields.writtenAlike(writtenAlike.toArray(String[]::new)));
    all.addAll(List.of(own));
    return List.copyOf(all);
  }

  /**
   * Returns the refusals of what only chat completions express: several choices, log probabilities,
   * a prediction, tools declared in a system message, video, and an empty assistant message. Kimi's
   * built-in tools and the penalties are each protocol's to judge.
   *
   * @return the refusals, in the order they are checked
   */
  protected static List<Refusal> chatCompletionsOnly() {
    return Alike.CHAT_COMPLETIONS_ONLY;
  }

  /**
   * Returns the first description {@code what} gives of a message of the request.
   *
   * @param r the request
   * @param what describes a message that is refused, or returns null
   * @return the description, or null when no message is refused
   */
  protected static String inMessages(ChatRequest r, Function<Message, String> what) {
    for (Message m : r.messages()) {
      String found = what.apply(m);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /**
   * Returns the first description {@code what} gives of a part of the request's user messages.
   *
   * @param r the request
   * @param what describes a part that is refused, or returns null
   * @return the description, or null when no part is refused
   */
  protected static String inUserParts(ChatRequest r, Function<ContentPart, String> what) {
    return inMessages(
        r,
        m -> {
          if (m instanceof UserMessage u) {
            for (ContentPart p : u.content()) {
              String found = what.apply(p);
              if (found != null) {
                return found;
              }
            }
          }
          return null;
        });
  }

  /**
   * Returns the refusal of a one-hour prompt cache, for a protocol on which Kimi documents no way
   * to ask for one (five minutes, Kimi's default, needs nothing sent).
   *
   * @param fix what to do instead
   * @return the refusal
   */
  protected static Refusal oneHourCache(String fix) {
    return refusal(
        "promptCacheTtl",
        "CacheTtl.ONE_HOUR",
        fix,
        r -> r.promptCacheTtl() == CacheTtl.ONE_HOUR ? "promptCacheTtl(CacheTtl.ONE_HOUR)" : null);
  }

  /**
   * Returns the refusal of Kimi's built-in tools but those a protocol runs.
   *
   * @param runs the built-in tools the protocol runs, by name
   * @param fix what to do instead
   * @return the refusal
   */
  protected static Refusal builtinTools(Set<String> runs, String fix) {
    return refusal(
        "tools",
        runs.isEmpty()
            ? "a built-in tool"
            : "a built-in tool other than " + String.join(", ", runs),
        fix,
        r -> {
          for (Tool t : r.tools()) {
            if (t instanceof BuiltinTool b && !runs.contains(b.name())) {
              return "the built-in tool " + b.name();
            }
          }
          return null;
        });
  }

  /**
   * Returns the refusals of a presence and a frequency penalty, which only chat completions
   * express.
   *
   * @param zeroDropped whether a penalty of 0, which changes nothing, is let through (and dropped)
   * @return the two refusals
   */
  protected static List<Refusal> penalties(boolean zeroDropped) {
    String when = zeroDropped ? "other than 0" : null;
    return List.of(
        refusal(
            "presencePenalty",
            when,
            "leave it unset, or use WireProtocol.CHAT_COMPLETIONS",
            r -> penalty(r.presencePenalty(), zeroDropped) ? "presence_penalty" : null),
        refusal(
            "frequencyPenalty",
            when,
            "leave it unset, or use WireProtocol.CHAT_COMPLETIONS",
            r -> penalty(r.frequencyPenalty(), zeroDropped) ? "frequency_penalty" : null));
  }

  private static boolean penalty(Double p, boolean zeroDropped) {
    return p != null && !(zeroDropped && p == 0);
  }

  /**
   * Returns the refusal of an effort set twice: by the request's effort setting and inside the
   * extra body member where this protocol carries it.
   *
   * @param member the extra body member that carries the effort
   * @return the refusal
   */
  protected static Refusal effortTwice(String member) {
    return refusal(
        "extraBody",
        "it holds " + member + " and the request sets an effort",
        "set the effort once, either with the effort setting or inside " + member,
        r ->
            effort(r) != null && r.extraBody().containsKey(member)
                ? "an effort and an extra body field "
                    + member
                    + " (where this protocol carries the effort)"
                : null);
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
