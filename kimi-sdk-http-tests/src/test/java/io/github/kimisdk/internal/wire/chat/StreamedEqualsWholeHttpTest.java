package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Logprobs;
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

  @Test
  void aRefusalsLogprobsStreamedAccumulateToTheWholeReplys(FakeKimiServer server, KimiClient kimi) {
    String i = "{\"token\":\"I\",\"logprob\":-0.0019,\"bytes\":[73],\"top_logprobs\":[]}";
    String cant = "{\"token\":\" can't\",\"logprob\":-0.31,\"bytes\":null,\"top_logprobs\":[]}";
    String help = "{\"token\":\" help.\",\"logprob\":-2.5E-4,\"bytes\":null,\"top_logprobs\":[]}";
    server.enqueue(
        FakeResponse.json(
            "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k2.6\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"refusal\":\"I can't help.\"},\"finish_reason\":\"stop\",\"logprobs\":"
                + "{\"content\":null,\"refusal\":["
                + i
                + ","
                + cant
                + ","
                + help
                + "]}}]}"));
    String head = "{\"id\":\"c\",\"created\":1,\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,";
    server.enqueue(
        FakeResponse.stream(
            java.util.List.of(
                head
                    + "\"delta\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"\"},"
                    + "\"logprobs\":null}]}",
                head
                    + "\"delta\":{\"refusal\":\"I can't\"},\"logprobs\":{\"content\":null,"
                    + "\"refusal\":["
                    + i
                    + ","
                    + cant
                    + "]}}]}",
                head
                    + "\"delta\":{\"refusal\":\" help.\"},\"logprobs\":{\"content\":null,"
                    + "\"refusal\":["
                    + help
                    + "]}}]}",
                head + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}")));
    ChatRequest ask = ChatRequest.builder("kimi-k2.6").addUser("Hello").logprobs(true).build();
    ChatCompletion whole = kimi.chat(ask);
    ChatCompletion streamed = kimi.stream(ask).toCompletion();
    assertThat(whole.choices().get(0).logprobs().refusal())
        .extracting(Logprobs.Token::token, Logprobs.Token::logprob)
        .containsExactly(tuple("I", -0.0019), tuple(" can't", -0.31), tuple(" help.", -2.5E-4));
    assertThat(streamed.choices().get(0).logprobs()).isEqualTo(whole.choices().get(0).logprobs());
    assertThat(streamed).isEqualTo(whole);
  }
}
