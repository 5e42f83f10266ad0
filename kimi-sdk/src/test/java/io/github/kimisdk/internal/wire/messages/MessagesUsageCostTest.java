package io.github.kimisdk.internal.wire.messages;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.model.PriceTable;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic-style surface reports cached tokens as {@code cache_read_input_tokens} beside an
 * {@code input_tokens} that leaves them out; read into {@link Usage}, they cost what the same call
 * costs over chat completions.
 */
class MessagesUsageCostTest {

  @Test
  void aCacheHitOverMessagesCostsWhatItCostsOverChatCompletions() throws IOException {
    ChatCompletion chat;
    try (InputStream in = getClass().getResourceAsStream("/kimi/moonshotai-usage-live.json")) {
      chat = ChatCodec.decodeCompletion(in.readAllBytes());
    }
    // the same usage as the Messages surface spells it: 90 prompt tokens, all read from the cache
    String json =
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"kimi-k3\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":0,\"cache_read_input_tokens\":90,\"output_tokens\":34}}";
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    Usage messages = MessagesWire.INSTANCE.decode(b).usage();

    assertThat(messages.promptTokens()).isEqualTo(chat.usage().promptTokens()).isEqualTo(90);
    assertThat(messages.cachedTokens()).isEqualTo(chat.usage().cachedTokens()).isEqualTo(90);
    assertThat(messages.cacheHitRatio()).isEqualTo(1.0);
    BigDecimal overMessages = PriceTable.defaults().cost("kimi-k3", messages).orElseThrow().total();
    assertThat(overMessages)
        .isEqualTo(PriceTable.defaults().cost("kimi-k3", chat.usage()).orElseThrow().total())
        .isEqualTo(new BigDecimal("0.000537"));
  }
}
