package io.github.kimisdk.internal.wire.messages;

import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.blockStart;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.blockStop;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.delta;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.event;
import static io.github.kimisdk.internal.wire.messages.MessagesStreamHttpTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.internal.http.HostileServer;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where a stream ends, over both wire protocols and two servers: a plain socket writing exact bytes
 * and the fake's Anthropic face. A stream is complete once it carried its finish reason, whether or
 * not the end event follows and whether or not the body ends with a blank line; a body that ends
 * before any finish reason is a truncation carrying what arrived.
 */
@ExtendWith(FakeKimiExtension.class)
class MessagesStreamEndingHttpTest {

  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello there");

  static final String START = start("msg_7", 12);

  static final String TEXT =
      blockStart(0, "{\"type\":\"text\",\"text\":\"\"}")
          + delta(0, "{\"type\":\"text_delta\",\"text\":\"Done here.\"}")
          + blockStop(0);

  static final String STOP_DELTA =
      event(
          "message_delta",
          "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\","
              + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}");

  static final String STOP = event("message_stop", "{\"type\":\"message_stop\"}");

  /** How a body ends after the delta that carried the stop reason. */
  enum Ending {
    MESSAGE_STOP(STOP),
    MESSAGE_STOP_WITHOUT_BLANK_LINE(withoutBlankLine(STOP)),
    MESSAGE_STOP_WITHOUT_ANY_NEWLINE(STOP.substring(0, STOP.length() - 2)),
    NO_MESSAGE_STOP(""),
    NO_MESSAGE_STOP_BUT_A_PING(event("ping", "{\"type\":\"ping\"}"));

    final String tail;

    Ending(String tail) {
      this.tail = tail;
    }
  }

  static String withoutBlankLine(String event) {
    return event.substring(0, event.length() - 1);
  }

  static KimiClient client(String baseUrl) {
    return KimiClient.builder()
        .apiKey(FakeKimiExtension.KEY)
        .baseUrl(baseUrl)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  static void assertWhole(ChatCompletion c, String what) {
    assertThat(c.text()).as(what).isEqualTo("Done here.");
    assertThat(c.id()).as(what).isEqualTo("msg_7");
    assertThat(c.finishReason()).as(what).isEqualTo(FinishReason.LENGTH);
    // input from message_start, output from the delta that carried the stop reason
    assertThat(c.usage()).as(what).isEqualTo(new Usage(12, 9, 21, null, null));
  }

  @Test
  void aMessagesStreamIsCompleteOnceAStopReasonArrivedHoweverTheBodyEnds(FakeKimiServer fake)
      throws Exception {
    try (HostileServer raw = new HostileServer();
        KimiClient overRaw = client(raw.url("/anthropic"));
        KimiClient overFake = client(fake.anthropicBaseUrl())) {
      for (Ending ending : Ending.values()) {
        String body = START + TEXT + STOP_DELTA + ending.tail;
        raw.enqueue(HostileServer.sse(body));
        assertWhole(overRaw.stream(HELLO).toCompletion(), "raw, " + ending);
        fake.enqueue(FakeResponse.rawSse(body));
        assertWhole(overFake.stream(HELLO).toCompletion(), "fake, " + ending);
      }
    }
  }

  @Test
  void theDeltaCarryingTheStopReasonNeedsItsBlankLineAsEveryEventDoes(FakeKimiServer fake)
      throws Exception {
    // the SSE rule stays: an event the body ends inside is not dispatched, so no stop reason came
    String[] cases = {
      START + TEXT,
      START + TEXT + withoutBlankLine(STOP_DELTA),
      START + TEXT + STOP_DELTA.substring(0, STOP_DELTA.length() - 2),
      START
          + TEXT
          + event(
              "message_delta",
              "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},"
                  + "\"usage\":{\"output_tokens\":9}}")
          + STOP.substring(0, STOP.length() - 1),
    };
    try (HostileServer raw = new HostileServer();
        KimiClient overRaw = client(raw.url("/anthropic"));
        KimiClient overFake = client(fake.anthropicBaseUrl())) {
      for (int i = 0; i < cases.length; i++) {
        raw.enqueue(HostileServer.sse(cases[i]));
        fake.enqueue(FakeResponse.rawSse(cases[i]));
        for (KimiClient kimi : List.of(overRaw, overFake)) {
          Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
          assertThat(t).as("case %d", i).isInstanceOf(TruncatedStreamException.class);
          ChatCompletion partial = ((TruncatedStreamException) t).partial();
          assertThat(partial.text()).as("case %d", i).isEqualTo("Done here.");
          assertThat(partial.finishReason()).as("case %d", i).isNull();
        }
      }
    }
  }

  @Test
  void theFakeEndsAFinishedStreamWithoutItsEndEventAlikeOnBothFaces(FakeKimiServer fake) {
    FakeResponse noDone =
        FakeResponse.sse()
            .data(
                "{\"id\":\"chatcmpl-1\",\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\"Done here.\"}}]}")
            .data(
                "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},"
                    + "\"finish_reason\":\"length\",\"usage\":{\"prompt_tokens\":12,"
                    + "\"completion_tokens\":9,\"total_tokens\":21}}]}")
            .build();
    try (KimiClient overChat = client(fake.baseUrl());
        KimiClient overMessages = client(fake.anthropicBaseUrl())) {
      for (KimiClient kimi : List.of(overChat, overMessages)) {
        fake.enqueue(noDone);
        ChatCompletion c = kimi.stream(HELLO).toCompletion();
        assertThat(c.text()).isEqualTo("Done here.");
        assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.usage()).isEqualTo(new Usage(12, 9, 21, null, null));
      }
      // the Messages face ends after message_delta: no message_stop was sent
      fake.enqueue(noDone);
      String raw = rawMessagesBody(fake);
      assertThat(raw).contains("event: message_delta").doesNotContain("message_stop");
    }
  }

  static String rawMessagesBody(FakeKimiServer fake) {
    try {
      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(fake.anthropicBaseUrl() + "/v1/messages"))
                      .header("x-api-key", FakeKimiExtension.KEY)
                      .header("anthropic-version", "2023-06-01")
                      .POST(
                          java.net.http.HttpRequest.BodyPublishers.ofString(
                              "{\"model\":\"kimi-k2.6\",\"max_tokens\":16,\"stream\":true,"
                                  + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return r.body();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aChatStreamFollowsTheSameRule(FakeKimiServer fake) throws Exception {
    String content =
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"Done here.\"}}]}\n\n";
    String finish =
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\","
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}]}\n\n";
    String done = "data: [DONE]\n\n";
    String[] whole = {
      content + finish + done, content + finish, content + finish + "data: [DONE]",
    };
    String[] cut = {content, content + withoutBlankLine(finish)};
    try (KimiClient kimi = client(fake.baseUrl())) {
      for (String body : whole) {
        fake.enqueue(FakeResponse.rawSse(body));
        ChatCompletion c = kimi.stream(HELLO).toCompletion();
        assertThat(c.text()).isEqualTo("Done here.");
        assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.usage()).isEqualTo(new Usage(12, 9, 21, null, null));
      }
      for (String body : cut) {
        fake.enqueue(FakeResponse.rawSse(body));
        Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
        assertThat(t).isInstanceOf(TruncatedStreamException.class);
        assertThat(((TruncatedStreamException) t).partial().text()).isEqualTo("Done here.");
      }
    }
  }
}
