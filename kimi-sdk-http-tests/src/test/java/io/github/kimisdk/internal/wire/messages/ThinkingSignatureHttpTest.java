package io.github.kimisdk.internal.wire.messages;

import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.HELLO;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.START;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.blockStart;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.blockStop;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.delta;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.testing.FakeResponse;
import org.junit.jupiter.api.Test;

/**
 * Kimi Code's K3 over Messages signs its thinking blocks its own way (kimi-api.md, "Changes of
 * 2026-11-25, second look"): the signature may be empty, missing, or split over several {@code
 * signature_delta} events. Each reply is read from such a stream and sent back in the next turn,
 * where the fake, as Kimi, takes the signature back only as it came.
 */
class ThinkingSignatureHttpTest extends FakeSuite {

  static final ChatRequest THINKING = HELLO.toBuilder().thinking(Thinking.enabled()).build();

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.apiKey(MessagesStreamHttpTest.KEY)
        .baseUrl(server.anthropicBaseUrl())
        .retryPolicy(RetryPolicy.none());
  }

  /** A K3 reply whose thinking block starts as {@code block} and whose signature comes in parts. */
  static String reply(String block, String thinking, String... signatureParts) {
    StringBuilder sse = new StringBuilder(START);
    sse.append(blockStart(0, block));
    sse.append(delta(0, "{\"type\":\"thinking_delta\",\"thinking\":" + quoted(thinking) + "}"));
    for (String part : signatureParts) {
      sse.append(delta(0, "{\"type\":\"signature_delta\",\"signature\":" + quoted(part) + "}"));
    }
    return sse.append(blockStop(0))
        .append(blockStart(1, "{\"type\":\"text\",\"text\":\"\"}"))
        .append(delta(1, "{\"type\":\"text_delta\",\"text\":\"Hello.\"}"))
        .append(blockStop(1))
        .append(
            event(
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":9}}"))
        .append(event("message_stop", "{\"type\":\"message_stop\"}"))
        .toString();
  }

  static String quoted(String s) {
    return Json.write(JsonString.of(s));
  }

  /** Sends {@code reply} back in the next turn; returns the body of that request. */
  String replay(AssistantMessage reply) {
    ChatRequest next = THINKING.toBuilder().addMessage(reply).addUser("And again").build();
    assertThat(kimi.chat(next).text()).isEqualTo("You said: And again");
    return server.requests().get(server.requests().size() - 1).bodyText();
  }

  @Test
  void anEmptySignatureIsKeptAndSentBackEmpty() {
    server.enqueue(
        FakeResponse.rawSse(
            reply(
                "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}",
                "I should greet.")));
    AssistantMessage reply = kimi.stream(THINKING).toCompletion().message();
    assertThat(reply.reasoningContent()).isEqualTo("I should greet.");
    assertThat(reply.reasoningSignature()).isEqualTo("");
    assertThat(replay(reply))
        .contains("{\"type\":\"thinking\",\"thinking\":\"I should greet.\",\"signature\":\"\"}");
  }

  @Test
  void aMissingSignatureIsSentBackMissing() {
    server.enqueue(
        FakeResponse.rawSse(reply("{\"type\":\"thinking\",\"thinking\":\"\"}", "I should greet.")));
    AssistantMessage reply = kimi.stream(THINKING).toCompletion().message();
    assertThat(reply.reasoningSignature()).isNull();
    assertThat(replay(reply)).contains("{\"type\":\"thinking\",\"thinking\":\"I should greet.\"}");
  }

  @Test
  void aSignatureSplitOverSeveralDeltasIsJoinedAndSentBackWhole() {
    // the fake's own reply gives a thinking text and the one signature it takes back for it
    AssistantMessage whole = kimi.stream(THINKING).toCompletion().message();
    String thinking = whole.reasoningContent();
    String sig = whole.reasoningSignature();
    assertThat(sig).hasSizeGreaterThan(6);
    int third = sig.length() / 3;
    server.enqueue(
        FakeResponse.rawSse(
            reply(
                "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}",
                thinking,
                sig.substring(0, third),
                "",
                sig.substring(third, 2 * third),
                sig.substring(2 * third))));
    AssistantMessage split = kimi.stream(THINKING).toCompletion().message();
    assertThat(split.reasoningSignature()).isEqualTo(sig);
    assertThat(replay(split)).contains("\"signature\":\"" + sig + "\"");
  }
}
