package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fake's prefix cache: a history sent again unchanged is a hit from 256 tokens on. */
class FakePromptCacheHttpTest {

  /**
   * The guides a team reads before its first run say where the fake's cache starts, as the fake
   * holds it: otherwise a short test conversation reads {@code cachedTokens()} null on every turn,
   * and nothing says why.
   */
  @Test
  void theTestingAndHostsGuidesSayTheCacheStartsWhereTheFakesDoes() throws IOException {
    for (String guide : List.of("testing.md", "hosts.md")) {
      String text =
          Files.readString(Path.of("..", "docs", guide), StandardCharsets.UTF_8)
              .replaceAll("\\s+", " ");
      assertThat(text)
          .as("docs/%s", guide)
          .contains(FakePromptCache.MIN_TOKENS + " leading tokens");
    }
  }

  /** Instructions long enough (over 256 tokens) to be cached. */
  static final String LONG_SYSTEM =
      "You are a careful assistant for a travel agency. ".repeat(40).strip();

  FakeKimiServer server;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  KimiClient client(WireProtocol protocol) {
    return KimiClient.builder()
        .apiKey("test-key")
        .baseUrl(
            protocol == WireProtocol.ANTHROPIC_MESSAGES
                ? server.anthropicBaseUrl()
                : server.baseUrl())
        .wireProtocol(protocol)
        .build();
  }

  /**
   * The cached count of a request that hit nothing: absent on chat completions (Kimi leaves it out)
   * and Messages, 0 on Responses, whose usage always holds {@code input_tokens_details}.
   */
  static Integer none(WireProtocol protocol) {
    return protocol == WireProtocol.RESPONSES ? Integer.valueOf(0) : null;
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void theSecondTurnOfAConversationHitsTheCache(WireProtocol protocol) {
    try (KimiClient kimi = client(protocol)) {
      Conversation chat = Conversation.create().addSystem(LONG_SYSTEM).addUser("Lisbon in May?");
      ChatRequest first = chat.request("kimi-k3").build();
      Usage one = kimi.chat(first).usage();
      chat.addReply(kimi.chat(first)); // the same request again: all of it is cached
      chat.addUser("And Porto?");
      ChatRequest second = chat.request("kimi-k3").build();
      Usage two;
      try (ChatStream s = kimi.stream(second)) {
        two = s.toCompletion().usage();
      }

      assertThat(one.cachedTokens()).as("nothing seen before").isEqualTo(none(protocol));
      assertThat(one.cacheHitRatio()).isZero();
      Usage again = chat.usageByModel().get("kimi-k3");
      assertThat(again.cachedTokens()).isEqualTo(again.promptTokens());
      // the prefix is the first request's messages
      assertThat(one.promptTokens()).isGreaterThanOrEqualTo(256);
      assertThat(two.cachedTokens()).isEqualTo(one.promptTokens());
      assertThat(two.uncachedPromptTokens()).isPositive();
      assertThat(two.cacheHitRatio()).isBetween(0.5, 1.0);
    }
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aShortPromptOrAnEditedHistoryIsNotCached(WireProtocol protocol) {
    try (KimiClient kimi = client(protocol)) {
      ChatRequest shortOne = ChatRequest.of("kimi-k3", "hi");
      kimi.chat(shortOne);
      assertThat(kimi.chat(shortOne).usage().cachedTokens())
          .as("under 256 tokens")
          .isEqualTo(none(protocol));

      ChatRequest a =
          ChatRequest.builder("kimi-k3")
              .messages(List.of(Message.system(LONG_SYSTEM), Message.user("one")))
              .build();
      ChatRequest b =
          ChatRequest.builder("kimi-k3")
              .messages(List.of(Message.system(LONG_SYSTEM + " Be brief."), Message.user("one")))
              .build();
      kimi.chat(a);
      assertThat(kimi.chat(b).usage().cachedTokens())
          .as("the first message differs")
          .isEqualTo(none(protocol));
      ChatCompletion other = kimi.chat(a.toBuilder().model("kimi-k2.6").build());
      assertThat(other.usage().cachedTokens()).as("another model").isEqualTo(none(protocol));
    }
  }
}
