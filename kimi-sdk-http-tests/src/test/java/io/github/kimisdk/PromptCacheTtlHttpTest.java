package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prompt cache time to live on the wire, from each place that can ask for it (a request, a
 * conversation, the client's default; an agent's run: kimi-sdk-agents'
 * AgentPromptCacheTtlHttpTest), as the fake recorded the bytes; and the cache writes of a K3 call
 * priced at it, as Kimi bills them.
 */
@ExtendWith(FakeKimiExtension.class)
class PromptCacheTtlHttpTest {

  static final String ONE_HOUR = "\"prompt_cache_options\":{\"mode\":\"implicit\",\"ttl\":\"1h\"}";
  static final String FIVE_MINUTES =
      "\"prompt_cache_options\":{\"mode\":\"implicit\",\"ttl\":\"5m\"}";

  /** "hi" to kimi-k3, its prompt cached for an hour. */
  private static ChatRequest hiCachedAnHour() {
    return ChatRequest.builder("kimi-k3").addUser("hi").promptCacheTtl(CacheTtl.ONE_HOUR).build();
  }

  @Test
  void aRequestSendsWhatItAsksForAndNothingWhenItAsksForNothing(
      FakeKimiServer server, KimiClient kimi) {
    kimi.chat(
        ChatRequest.builder("kimi-k3").addUser("hi").promptCacheTtl(CacheTtl.ONE_HOUR).build());
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
    kimi.chat(
        ChatRequest.builder("kimi-k3").addUser("hi").promptCacheTtl(CacheTtl.FIVE_MINUTES).build());
    assertThat(server.takeRequest().bodyText()).contains(FIVE_MINUTES);
    try (ChatStream s = kimi.stream(hiCachedAnHour())) {
      s.toCompletion();
    }
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
    kimi.chat(ChatRequest.of("kimi-k3", "hi"));
    assertThat(server.takeRequest().bodyText()).doesNotContain("prompt_cache_options");
    assertThatThrownBy(
            () ->
                ChatRequest.builder("kimi-k3")
                    .addUser("hi")
                    .extraBody("prompt_cache_options", io.github.kimisdk.json.JsonNull.INSTANCE)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("which ChatRequest sends itself");
  }

  @Test
  void aConversationAsksForItsTimeToLiveAndKeepsItWhenSaved(
      FakeKimiServer server, KimiClient kimi, @TempDir Path dir) throws Exception {
    Conversation chat = Conversation.create().promptCacheTtl(CacheTtl.ONE_HOUR).addUser("hi");
    chat.addReply(kimi.chat(chat.request("kimi-k3").build()));
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
    Path file = dir.resolve("chat.json");
    chat.save(file);
    assertThat(Files.readString(file)).contains("\"prompt_cache_ttl\": \"1h\"");
    Conversation again = Conversation.load(file);
    assertThat(again.promptCacheTtl()).isEqualTo(CacheTtl.ONE_HOUR);
    again.addUser("and again");
    kimi.chat(again.request("kimi-k3").build());
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
    assertThat(Conversation.create().request("kimi-k3").addUser("x").build().promptCacheTtl())
        .isNull();
  }

  @Test
  void theClientsDefaultAppliesWhereNothingElseAsks(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi = clients.build(b -> b.promptCacheTtl(CacheTtl.ONE_HOUR));
    kimi.chat(ChatRequest.of("kimi-k3", "hi"));
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
    kimi.chat(
        ChatRequest.builder("kimi-k3").addUser("hi").promptCacheTtl(CacheTtl.FIVE_MINUTES).build());
    assertThat(server.takeRequest().bodyText()).contains(FIVE_MINUTES);
    assertThat(kimi.adapt(ChatRequest.of("kimi-k3", "hi")).promptCacheTtl())
        .isEqualTo(CacheTtl.ONE_HOUR);
    // a conversation without its own, through this client
    Conversation chat = Conversation.create().addUser("hi");
    kimi.chat(chat.request("kimi-k3").build());
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
  }

  /**
   * A K3 call that writes 6,000 of its 10,000 prompt tokens to a one-hour cache (2,000 hits, 2,000
   * misses, 500 output): 2,000 * 3.00 + 2,000 * 0.30 + 6,000 * 6.00 + 500 * 15.00 = 50,100 per 1M,
   * USD 0.0501; at five minutes 6,000 * 3.00, USD 0.0321.
   */
  @Test
  void aK3CallThatWritesTheCacheCostsWhatKimiBills(
      FakeKimiServer server, KimiClient kimi, FakeKimiExtension.Clients clients) {
    String usage =
        "{\"prompt_tokens\":10000,\"completion_tokens\":500,\"total_tokens\":10500,"
            + "\"cached_tokens\":2000,\"prompt_tokens_details\":{\"cached_tokens\":2000,"
            + "\"cache_write_tokens\":6000}}";
    String reply =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":"
            + usage
            + "}";
    List<Cost> heard = new CopyOnWriteArrayList<>();
    CallListener listener =
        new CallListener() {
          @Override
          public void onEnd(CallEvent.End end) {
            if (end.cost() != null) {
              heard.add(end.cost());
            }
          }
        };
    KimiClient hourly = clients.build(b -> b.promptCacheTtl(CacheTtl.ONE_HOUR).listener(listener));
    server.enqueue(FakeResponse.json(reply));
    ChatCompletion c = hourly.chat(ChatRequest.of("kimi-k3", "hi"));
    assertThat(c.usage().cacheWriteTokens()).isEqualTo(6_000);
    Cost cost = hourly.spend().cost().orElseThrow();
    assertThat(cost.cacheWrite()).isEqualByComparingTo("0.036");
    assertThat(cost.total()).isEqualTo(new BigDecimal("0.0501"));
    assertThat(heard).singleElement().isEqualTo(cost);

    // streamed, the usage in the finishing choice (Kimi's placement), through the fast path
    server.enqueue(
        FakeResponse.stream(
            List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                    + "\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"delta\":{},"
                    + "\"finish_reason\":\"stop\",\"usage\":"
                    + usage
                    + "}]}")));
    ChatCompletion streamed;
    try (ChatStream s = kimi.stream(hiCachedAnHour())) {
      streamed = s.toCompletion();
    }
    assertThat(streamed.usage()).isEqualTo(c.usage());
    assertThat(kimi.spend().cost().orElseThrow().total()).isEqualTo(new BigDecimal("0.0501"));

    // asked for nothing: Kimi's five minutes
    server.enqueue(FakeResponse.json(reply));
    KimiClient plain = clients.build(b -> b);
    plain.chat(ChatRequest.of("kimi-k3", "hi"));
    assertThat(plain.spend().cost().orElseThrow().total()).isEqualTo(new BigDecimal("0.0321"));
    assertThat(PriceTable.defaults().cost("kimi-k3", c.usage()).orElseThrow().total())
        .isEqualTo(new BigDecimal("0.0321"));

    // chatAll prices each reply at its request's time to live
    server.enqueue(FakeResponse.json(reply));
    List<ChatResult> results =
        kimi.chatAll(
            List.of(
                ChatRequest.builder("kimi-k3")
                    .addUser("hi")
                    .promptCacheTtl(CacheTtl.ONE_HOUR)
                    .build()),
            1,
            null);
    assertThat(results.get(0).spend().cost().orElseThrow().total())
        .isEqualTo(new BigDecimal("0.0501"));
  }

  /** Over Responses the cache-write count arrives in {@code input_tokens_details}. */
  @Test
  void aK3CallOverResponsesThatWritesTheCacheCostsWhatKimiBills(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient responses = clients.build(b -> b.wireProtocol(WireProtocol.RESPONSES));
    server.enqueue(
        FakeResponse.rawSse(
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":"
                + "{\"id\":\"resp_1\",\"status\":\"completed\",\"model\":\"kimi-k3\","
                + "\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"hi\"}]}],\"usage\":{\"input_tokens\":10000,\"output_tokens\":500,"
                + "\"input_tokens_details\":{\"cached_tokens\":2000,\"cache_write_tokens\":6000}}}}"
                + "\n\n"));
    ChatCompletion c;
    try (ChatStream s = responses.stream(ChatRequest.of("kimi-k3", "hi"))) {
      c = s.toCompletion();
    }
    assertThat(c.text()).isEqualTo("hi");
    assertThat(c.usage().cacheWriteTokens()).isEqualTo(6_000);
    assertThat(responses.spend().cost().orElseThrow().total()).isEqualTo(new BigDecimal("0.0321"));
    assertThat(server.takeRequest().path()).isEqualTo("/v1/responses");
  }

  @Test
  void theMessagesWireSendsNoTimeToLiveAndRefusesAnHour(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient messages = clients.build(b -> b.baseUrl(server.anthropicBaseUrl()));
    messages.chat(
        ChatRequest.builder("kimi-k3").addUser("hi").promptCacheTtl(CacheTtl.FIVE_MINUTES).build());
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.path()).endsWith("/v1/messages");
    assertThat(sent.bodyText()).doesNotContain("prompt_cache").doesNotContain("cache_control");
    assertThatThrownBy(
            () ->
                messages.chat(
                    ChatRequest.builder("kimi-k3")
                        .addUser("hi")
                        .promptCacheTtl(CacheTtl.ONE_HOUR)
                        .build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("promptCacheTtl(CacheTtl.ONE_HOUR)")
        .hasMessageContaining("use WireProtocol.CHAT_COMPLETIONS");
    assertThatThrownBy(
            () ->
                clients.build(
                    b -> b.baseUrl(server.anthropicBaseUrl()).promptCacheTtl(CacheTtl.ONE_HOUR)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot be asked of WireProtocol.ANTHROPIC_MESSAGES");
  }

  @Test
  void theResponsesWireSendsNoTimeToLiveAndRefusesAnHour(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient responses = clients.build(b -> b.wireProtocol(WireProtocol.RESPONSES));
    responses.chat(
        ChatRequest.builder("kimi-k3").addUser("hi").promptCacheTtl(CacheTtl.FIVE_MINUTES).build());
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.path()).isEqualTo("/v1/responses");
    assertThat(sent.bodyText()).doesNotContain("prompt_cache");
    assertThatThrownBy(
            () ->
                responses.chat(
                    ChatRequest.builder("kimi-k3")
                        .addUser("hi")
                        .promptCacheTtl(CacheTtl.ONE_HOUR)
                        .build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("promptCacheTtl(CacheTtl.ONE_HOUR)");
  }
}
