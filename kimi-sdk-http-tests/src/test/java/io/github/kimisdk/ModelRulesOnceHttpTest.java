package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.internal.wire.messages.MessagesWire;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.token.ContextBudget;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The model's rules are applied once, where they are declared, against the client's one table: what
 * {@code kimi.adapt} returns is what goes on the wire, each switch governs its own check, and the
 * builder's result does not depend on the order of its calls.
 */
@ExtendWith(FakeKimiExtension.class)
class ModelRulesOnceHttpTest {

  /** A kimi-k3 history whose assistant turn called a tool without reasoning (imported, say). */
  private static ChatRequest unreasonedToolCall() {
    ToolCall call = ToolCall.function("lookup:0", "lookup", "{\"q\":\"Rhine\"}");
    return ChatRequest.builder("kimi-k3")
        .addUser("How long is the Rhine?")
        .addMessage(Message.assistant(null, null, List.of(call)))
        .addMessage(Message.tool(call, "1,233 km"))
        .addUser("And the Danube?")
        .build();
  }

  @Test
  void adaptEqualsTheWireForAK3HistoryWithAnUnreasonedToolCall(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    ChatRequest request = unreasonedToolCall();

    KimiClient chat = clients.build(b -> b);
    ChatRequest adapted = chat.adapt(request);
    assertThat(((AssistantMessage) adapted.messages().get(1)).reasoningContent())
        .as("adapt shows the reasoning the wire carries")
        .isEqualTo(" ");
    chat.chat(request);
    byte[] wire = server.takeRequest().body();
    assertThat(new String(wire, StandardCharsets.UTF_8))
        .as("chat completions")
        .isEqualTo(new String(ChatCodec.encodeRequest(adapted), StandardCharsets.UTF_8))
        .contains("\"reasoning_content\":\" \"");

    KimiClient messages = clients.build(b -> b.baseUrl(server.anthropicBaseUrl()));
    assertThat(messages.wireProtocol()).isEqualTo(WireProtocol.ANTHROPIC_MESSAGES);
    ChatRequest adaptedForMessages = messages.adapt(request);
    messages.chat(request);
    byte[] messagesWire = server.takeRequest().body();
    assertThat(new String(messagesWire, StandardCharsets.UTF_8))
        .as("Anthropic Messages")
        .isEqualTo(
            new String(MessagesWire.INSTANCE.encode(adaptedForMessages), StandardCharsets.UTF_8));
  }

  @Test
  void modelChecksOffLetsAModelRuleThroughWhileThePreflightBudgetStillRuns(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi = clients.build(b -> b.modelChecks(false).preflight(ContextBudget.defaults()));
    ChatRequest fixedTopP = ChatRequest.builder("kimi-k3").addUser("hi").topP(0.5).build();
    Throwable refused = catchThrowable(() -> kimi.chat(fixedTopP));
    assertThat(server.requestCount())
        .as("sent: the server refuses it, not the client")
        .isEqualTo(1);
    assertThat(refused)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("top_p")
        .isNotInstanceOf(PreflightException.class);

    ChatRequest tooLong =
        ChatRequest.builder("moonshot-v1-8k")
            .addUser("word ".repeat(9_000))
            .maxCompletionTokens(100)
            .build();
    assertThatThrownBy(() -> kimi.chat(tooLong))
        .as("the budget still runs")
        .isInstanceOf(ContextBudgetExceededException.class);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  /** One builder setting, by name. */
  private record Setting(String name, UnaryOperator<KimiClient.Builder> apply) {}

  /**
   * What a client does with three probes: a moonshot-v1-8k request that fits its window as
   * estimated but not with the budget's margin, a kimi-k3 request with a top_p the model fixes, and
   * the price of a kimi-k3 call.
   */
  private static List<String> behaviour(KimiClient kimi, FakeKimiServer server) {
    List<String> out = new ArrayList<>();
    out.add("catalog " + kimi.catalog().find("house-model").isPresent());
    out.add("prices " + kimi.prices().find("kimi-k3").map(Price::output).orElse(null));
    ChatRequest nearWindow =
        ChatRequest.builder("moonshot-v1-8k")
            .addUser("word ".repeat(2_500))
            .maxCompletionTokens(4_000)
            .build();
    ChatRequest fixedTopP = ChatRequest.builder("kimi-k3").addUser("hi").topP(0.5).build();
    for (ChatRequest r : List.of(nearWindow, fixedTopP)) {
      int before = server.requestCount();
      Throwable t = catchThrowable(() -> kimi.chat(r));
      out.add(
          r.model()
              + ": "
              + (t == null ? "answered" : t.getClass().getSimpleName())
              + (server.requestCount() > before ? ", sent" : ", not sent"));
    }
    return out;
  }

  @Test
  void everyOrderOfCatalogPreflightModelChecksAndPricesBuildsTheSameClient(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.addModel(ModelCatalog.defaults().lookup("moonshot-v1-8k")); // retired: for its window
    ModelCatalog catalog = ModelCatalog.defaults().with(ModelInfo.unknown("house-model"));
    ContextBudget doubling = ContextBudget.builder().estimateMargin(1.0).build();
    PriceTable prices =
        PriceTable.defaults().with("kimi-k3", Price.perMillionTokens("USD", "1", "0.1", "5"));
    List<Setting> settings =
        List.of(
            new Setting("catalog", b -> b.catalog(catalog)),
            new Setting("preflight", b -> b.preflight(doubling)),
            new Setting("modelChecks", b -> b.modelChecks(false)),
            new Setting("prices", b -> b.prices(prices)));
    for (Setting first : settings) {
      for (Setting second : settings) {
        if (first == second) {
          continue;
        }
        KimiClient oneWay = clients.build(b -> second.apply().apply(first.apply().apply(b)));
        KimiClient otherWay = clients.build(b -> first.apply().apply(second.apply().apply(b)));
        assertThat(behaviour(otherWay, server))
            .as("%s then %s, and the other way round", first.name(), second.name())
            .isEqualTo(behaviour(oneWay, server));
      }
    }
    // and the probes tell the settings apart: the doubled estimate refuses what fits without it
    KimiClient all = clients.build(b -> b.catalog(catalog).preflight(doubling));
    assertThat(behaviour(all, server))
        .contains("moonshot-v1-8k: ContextBudgetExceededException, not sent");
    KimiClient plain = clients.build(b -> b.catalog(catalog).preflight(ContextBudget.defaults()));
    assertThat(behaviour(plain, server)).contains("moonshot-v1-8k: answered, sent");
  }
}
