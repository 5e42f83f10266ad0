package io.github.kimisdk.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Over loopback, a streamed answer and the same answer whole give equal completions, member for
 * member, with members the records do not model at every level (the replies of {@link
 * StreamedEqualsWholeTest}'s generator, fixed seeds).
 */
@ExtendWith(FakeKimiExtension.class)
class StreamedEqualsWholeHttpTest {

  static final ChatRequest ASK = ChatRequest.of("kimi-k2.6", "Hello");

  @Test
  void aStreamedReplyEqualsTheWholeReplyOverTheWire(FakeKimiServer server, KimiClient kimi) {
    for (long seed = 1; seed <= 12; seed++) {
      StreamedEqualsWholeTest.Reply reply =
          new StreamedEqualsWholeTest.Generator(seed, true).reply();
      server.enqueue(FakeResponse.json(reply.whole()));
      server.enqueue(FakeResponse.stream(reply.chunks()));
      ChatCompletion whole = kimi.chat(ASK);
      ChatCompletion streamed = kimi.stream(ASK).toCompletion();
      assertThat(streamed).as("seed %d", seed).isEqualTo(whole);
    }
  }

  @Test
  void aRefusalStreamedInFragmentsReachesTheMessageAsAWholeReplyKeepsIt(
      FakeKimiServer server, KimiClient kimi) {
    server.enqueue(
        FakeResponse.stream(
            java.util.List.of(
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":null,\"refusal\":\"I can't \"}}]}",
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"help.\"},"
                    + "\"finish_reason\":\"stop\"}]}")));
    ChatCompletion c = kimi.stream(ASK).toCompletion();
    assertThat(c.message().additionalFields())
        .isEqualTo(Json.parse("{\"refusal\":\"I can't help.\"}"));
  }
}
