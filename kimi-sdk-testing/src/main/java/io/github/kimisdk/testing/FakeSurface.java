package io.github.kimisdk.testing;

import io.github.kimisdk.WireProtocol;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * One protocol {@link FakeKimiServer} serves, and the one place a request's surface is chosen
 * ({@link #of}), as mockwebserver answers every request through its {@code Dispatcher} and the core
 * picks its wire in {@code internal.wire.Wires.get}: Kimi's own surface (chat completions, and
 * every endpoint no other surface claims), the Anthropic-compatible Messages surface and the
 * Responses API. A surface maps its paths, translates its calls into the chat-completions request
 * the model and the responder answer, and writes replies, errors and streams in its own shape. A
 * new {@link WireProtocol} constant does not compile in {@link #get} until it has a surface here.
 *
 * <p>Stateless: one instance per surface, shared by every exchange thread of every server.
 */
sealed interface FakeSurface permits ChatSurface, MessagesSurface, ResponsesSurface {

  /** What a surface answers with: the server's responder and model, and Kimi's other endpoints. */
  interface Backend {

    /**
     * Returns the responder's answer to {@code request}, or null when it leaves it to the model.
     */
    FakeResponse responder(RecordedRequest request);

    /**
     * Returns the model's answer to a chat-completions request; {@code streamedIds} overrides how
     * streamed tool call ids are sent (null: as the server is set); {@code scripted} is what the
     * model says instead of its own answer, or null.
     */
    FakeResponse model(
        RecordedRequest chat,
        FakeKimiServer.StreamedToolCallIds streamedIds,
        FakeResponse.Answer scripted);

    /**
     * As {@link #model(RecordedRequest, FakeKimiServer.StreamedToolCallIds, FakeResponse.Answer)};
     * {@code moonshotHistory}: the history's reasoning is checked as Moonshot's API checks it
     * (another host renders what it is given). (Default methods: the interface is held by the
     * compatibility gate like a public one.)
     */
    default FakeResponse model(
        RecordedRequest chat,
        FakeKimiServer.StreamedToolCallIds streamedIds,
        FakeResponse.Answer scripted,
        boolean moonshotHistory) {
      return model(chat, streamedIds, scripted);
    }

    /** Returns the dialect the chat surface speaks. */
    default FakeDialect dialect() {
      return FakeDialect.MOONSHOT;
    }

    /** Returns Kimi's ids of the models the server serves, in its order. */
    default List<String> modelIds() {
      return List.of();
    }

    /** Tells whether the server answers any model id ({@link FakeKimiServer#lenient()}). */
    default boolean lenient() {
      return false;
    }

    /** Returns the answer of Kimi's endpoints other than chat: platform, services, then model. */
    FakeResponse endpoints(RecordedRequest request);

    /**
     * Tells whether the request replays a recorded conversation, whose thinking signatures were
     * made by the Kimi that answered it, not by this fake, which then does not judge them.
     */
    default boolean replaying() {
      return false;
    }
  }

  /**
   * Tells whether {@code request} calls a model: {@code POST} chat completions, Messages or
   * Responses, the calls the fake's rules judge.
   */
  static boolean callsAModel(RecordedRequest request) {
    String path = path(request);
    return request.method().equals("POST")
        && (path.equals("/v1/chat/completions")
            || path.equals("/v1/responses")
            || path.equals("/v1/messages")
            || path.equals(MessagesSurface.BASE + "/v1/messages"));
  }

  /**
   * Returns the surface that answers {@code request}: the surface that claims its path, or Kimi's
   * own (chat completions and the platform endpoints), which serves every path no other claims.
   */
  static FakeSurface of(RecordedRequest request) {
    for (WireProtocol protocol : WireProtocol.values()) {
      FakeSurface surface = get(protocol);
      if (surface.claims(request)) {
        return surface;
      }
    }
    return ChatSurface.INSTANCE;
  }

  /** Returns the surface that speaks {@code protocol}: every protocol has exactly one. */
  static FakeSurface get(WireProtocol protocol) {
    return switch (protocol) {
      case CHAT_COMPLETIONS -> ChatSurface.INSTANCE;
      case ANTHROPIC_MESSAGES -> MessagesSurface.INSTANCE;
      case RESPONSES -> ResponsesSurface.INSTANCE;
    };
  }

  /** Returns the protocol this surface speaks. */
  WireProtocol protocol();

  /** Tells whether {@code request}'s method and path belong to this surface. */
  boolean claims(RecordedRequest request);

  /**
   * Answers {@code request} in this surface's shape. {@code given} is a response decided before the
   * surface was asked (a scripted one, the server's 401 or 429), or null; a typed reply in it is
   * written out by the model for this request.
   */
  FakeResponse answer(RecordedRequest request, FakeResponse given, Backend backend);

  /** Returns the path of {@code request} without its query. */
  static String path(RecordedRequest request) {
    String path = request.path();
    int q = path.indexOf('?');
    return q >= 0 ? path.substring(0, q) : path;
  }

  /**
   * Answers a request as it was sent, with no translation: {@code given}, else the responder's
   * answer, else {@code otherwise}'s; a typed reply is written out by the model for the request.
   */
  static FakeResponse asSent(
      RecordedRequest request,
      FakeResponse given,
      Backend backend,
      Function<RecordedRequest, FakeResponse> otherwise) {
    FakeResponse r = given != null ? given : backend.responder(request);
    if (r != null && r.answer() != null) {
      return r.written(backend.model(request, null, r.answer()));
    }
    return r != null ? r : otherwise.apply(request);
  }

  /**
   * Answers a call of a translated surface (Messages, Responses) through the chat-completions
   * request it stands for, which {@code toChat} returns (or the response refusing the call): the
   * responder and the model see that request, and the answer comes back in the chat-completions
   * shape, for the caller to translate. {@code refusedFirst}: a refusal by {@code toChat} answers
   * before the responder is asked; otherwise the responder sees the call as sent and may still
   * answer it. A call that cannot be translated at all rethrows only when the model must answer.
   *
   * <p>Streamed tool calls always carry their ids here: neither shape has a place for a missing
   * one.
   */
  static FakeResponse throughChat(
      RecordedRequest request,
      FakeResponse given,
      Backend backend,
      Function<RecordedRequest, Object> toChat,
      boolean refusedFirst) {
    Object asked = null;
    RuntimeException untranslatable = null;
    if (given == null || given.answer() != null) {
      try {
        asked = toChat.apply(request);
      } catch (RuntimeException malformed) {
        untranslatable = malformed;
      }
    }
    FakeResponse r = given;
    if (r == null && refusedFirst && asked instanceof FakeResponse refused) {
      r = refused; // refused by the surface before any responder sees it
    }
    if (r == null) {
      r = backend.responder(asked instanceof RecordedRequest chat ? chat : request);
    }
    if (r != null && r.answer() == null) {
      return r;
    }
    if (untranslatable != null) {
      throw untranslatable;
    }
    if (!(asked instanceof RecordedRequest chat)) {
      return (FakeResponse) asked;
    }
    FakeKimiServer.StreamedToolCallIds sent = FakeKimiServer.StreamedToolCallIds.SENT;
    return r != null
        ? r.written(backend.model(chat, sent, r.answer()))
        : backend.model(chat, sent, null);
  }

  /**
   * Returns a whole (not streamed) chat-completions answer with its body translated by {@code
   * translateJson}; the answer unchanged when it has no body or {@code translateJson} returns null
   * or throws (a body that is not chat-completions JSON, or one the shape cannot express, such as
   * malformed tool arguments, is sent as it is).
   */
  static FakeResponse translateBody(
      FakeResponse response, java.util.function.UnaryOperator<String> translateJson) {
    List<FakeResponse.Part> parts = response.parts();
    if (parts.isEmpty()) {
      return response;
    }
    String translated;
    try {
      translated = translateJson.apply(new String(parts.get(0).bytes(), StandardCharsets.UTF_8));
    } catch (RuntimeException notExpressible) {
      translated = null;
    }
    if (translated == null) {
      return response;
    }
    return response.withParts(
        List.of(
            new FakeResponse.Part(
                parts.get(0).pauseBefore(), translated.getBytes(StandardCharsets.UTF_8))));
  }
}
