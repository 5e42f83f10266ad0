package io.github.kimisdk.internal.wire;

import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.internal.wire.chat.ChatWire;
import io.github.kimisdk.internal.wire.messages.MessagesWire;
import io.github.kimisdk.internal.wire.responses.ResponsesWire;

/**
 * The one place a call's wire is chosen (as the JDK's {@code ExchangeImpl.get} picks HTTP/1.1 or
 * HTTP/2): a new protocol is one subpackage of {@code internal.wire} and one line here.
 */
public final class Wires {

  private Wires() {}

  /**
   * Returns the wire a call takes: the client's, except that a client speaking chat completions
   * sends a model its table marks as served over Responses ({@code "protocol": "response"} in
   * {@code GET /models}) to {@code POST /responses}, with the same key and base.
   *
   * @param client the client's protocol
   * @param servedOverResponses whether the call's model is served over Responses; false for the
   *     client's own wire (its authentication, its platform calls)
   * @return the wire, a stateless singleton
   */
  public static Wire get(WireProtocol client, boolean servedOverResponses) {
    WireProtocol p =
        client == WireProtocol.CHAT_COMPLETIONS && servedOverResponses
            ? WireProtocol.RESPONSES
            : client;
    switch (p) {
      case CHAT_COMPLETIONS:
        return ChatWire.INSTANCE;
      case ANTHROPIC_MESSAGES:
        return MessagesWire.INSTANCE;
      case RESPONSES:
        return ResponsesWire.INSTANCE;
      default:
        throw new AssertionError(p);
    }
  }
}
