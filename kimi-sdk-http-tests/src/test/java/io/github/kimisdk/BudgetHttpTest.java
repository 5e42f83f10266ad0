package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.token.ContextBudget;
import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class BudgetHttpTest extends FakeSuite {

  static final String KEY = "sk-test-0123456789abcdefghijklmnop";

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.apiKey(KEY);
  }

  /** A client of the fake that checks each request before it is sent (the default budget). */
  private KimiClient preflighted() {
    return KimiClient.builder()
        .apiKey(KEY)
        .baseUrl(server.baseUrl())
        .preflight(ContextBudget.defaults())
        .build();
  }

  @Test
  void listsModelsWithKimisCapabilityFields() {
    List<ListedModel> models = kimi.models().list();
    assertThat(models).extracting(ListedModel::id).contains("kimi-k2.6", "kimi-k3");
    ListedModel k3 = models.stream().filter(m -> m.id().equals("kimi-k3")).findFirst().get();
    assertThat(k3.contextLength()).isEqualTo(1_048_576);
    assertThat(k3.supportsReasoning()).isTrue();
    assertThat(k3.supportsImageIn()).isTrue();
    assertThat(k3.supportsVideoIn()).isTrue();
    assertThat(k3.supportsThinkingType()).isEqualTo("both");
    assertThat(k3.efforts()).containsExactly("low", "high", "max");
    assertThat(k3.ownedBy()).isEqualTo("moonshot");
    RecordedRequest r = server.takeRequest();
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/v1/models");
    assertThat(r.header("Authorization")).contains("Bearer " + KEY);
  }

  @Test
  void decodesAnOlderModelListWithoutCapabilities() {
    server.enqueue(
        FakeResponse.json(
            "{\"object\":\"list\",\"data\":[{\"id\":\"moonshot-v1-8k\",\"object\":\"model\","
                + "\"created\":1712000000,\"owned_by\":\"moonshot\",\"root\":\"moonshot-v1-8k\","
                + "\"parent\":null,\"permission\":[{\"allow_view\":true}],"
                + "\"context_length\":null,\"display_name\":\"Moonshot 8k\"},"
                + "{\"object\":\"model\"},7]}"));
    List<ListedModel> models = kimi.models().list();
    assertThat(models)
        .containsExactly(
            new ListedModel(
                "moonshot-v1-8k", "moonshot", 1712000000L, null, null, null, null, "Moonshot 8k"));
  }

  @Test
  void updatesACatalogFromTheModelListOverLoopback() {
    ModelCatalog before =
        ModelCatalog.defaults().with(ModelInfo.unknown("kimi-k3").withContextWindow(1_000));
    ModelCatalog catalog = before.updated(kimi.models().list());
    assertThat(before.lookup("kimi-k3").contextWindow()).as("a new table").isEqualTo(1_000);
    assertThat(catalog.lookup("kimi-k3").contextWindow()).isEqualTo(1_048_576);
    assertThat(catalog.lookup("kimi-k3").known()).isTrue();
    assertThat(catalog.lookup("moonshot-v1-8k").contextWindow()).isEqualTo(8_192);
    assertThat(catalog.lookup("kimi-k2.6").video()).isTrue();
  }

  @Test
  void mapsAnErrorFromTheModelList() {
    server.enqueue(
        FakeResponse.error(
            401, "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":\"bad\"}}"));
    assertThatThrownBy(() -> kimi.models().list()).isInstanceOf(AuthenticationException.class);
    server.enqueue(FakeResponse.json("{\"data\":[1,"));
    assertThatThrownBy(() -> kimi.models().list())
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("Unexpected response body");
  }

  @Test
  void countsTokensOnTheServer() {
    server.enqueue(
        FakeResponse.json("{\"code\":0,\"data\":{\"total_tokens\":80},\"scode\":\"0x0\"}"));
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6").addSystem("Be brief.").addUser("Hello").build();
    assertThat(kimi.tokens().count(r)).isEqualTo(80);
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/tokenizers/estimate-token-count");
    JsonObject body = (JsonObject) sent.json();
    assertThat(body.members().keySet()).containsExactly("model", "messages");
    assertThat(((JsonString) body.get("model")).value()).isEqualTo("kimi-k2.6");
    assertThat(body.get("messages").toString())
        .isEqualTo(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hello\"}]");
  }

  @Test
  void fakeServerCountsWithTheEstimatorOrExactlyWithATokenizer() throws Exception {
    ToolCall call = ToolCall.function("functions.f:0", "fetch", "{\"id\":7}");
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6")
            .addSystem("s")
            .addMessage(
                Message.user(
                    "What is in this picture?",
                    ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgo=")))
            .addMessage(Message.assistant(null, "", List.of(call)))
            .addMessage(Message.tool(call, "{\"ok\":true}"))
            .addMessage(
                new io.github.kimisdk.chat.AssistantMessage(
                    "done", "thinking...", List.of(), "Kimi", false))
            .build();
    assertThat(kimi.tokens().count(r)).isEqualTo(RequestTokens.estimated().count(r).total());
    KimiTokenizer tokenizer = KimiTokenizer.loadResource(getClass(), "/token/tiktoken.model");
    server.tokenizer(tokenizer);
    assertThat(kimi.tokens().countAsync(r).get())
        .isEqualTo(RequestTokens.exact(tokenizer).count(r).total());
  }

  @Test
  void fakeServerRejectsAMalformedCountRequest() {
    server.enqueue(FakeResponse.json("{\"data\":{}}"));
    assertThatThrownBy(() -> kimi.tokens().count(ChatRequest.of("kimi-k2.6", "x")))
        .isInstanceOf(DecodingException.class);
  }

  @Test
  void modelChecksAreOnByDefaultAndCostNoRoundTrip() {
    ChatRequest wrong = ChatRequest.builder("kimi-k2.6").addUser("hi").temperature(0.3).build();
    assertThatThrownBy(() -> kimi.chat(wrong))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("kimi-k2.6 accepts only temperature 1.0 with thinking on: 0.3");
    assertThat(server.requestCount()).isZero();
    try (KimiClient unchecked =
        KimiClient.builder().apiKey(KEY).baseUrl(server.baseUrl()).modelChecks(false).build()) {
      // sent as it is: the (strict) fake answers as Kimi does
      assertThatThrownBy(() -> unchecked.chat(wrong))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("invalid temperature: only 1 is allowed for this model");
    }
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void anAdaptingRequestReachesTheStrictServerWithoutTheValuesItsModelFixes() {
    ChatRequest portable =
        ChatRequest.builder("kimi-k3").addUser("hi").temperature(0.2).topP(0.5).n(1).build();
    RequestOptions adapt = RequestOptions.builder().samplingPolicy(SamplingPolicy.ADAPT).build();
    assertThat(kimi.withOptions(adapt).chat(portable).text()).isEqualTo("You said: hi");
    JsonObject sent = (JsonObject) server.takeRequest().json();
    assertThat(sent.get("temperature")).isNull();
    assertThat(sent.get("top_p")).isNull();
    assertThat(sent.get("n").toString()).isEqualTo("1");
    try (KimiClient checked = preflighted()) {
      assertThat(checked.withOptions(adapt).chat(portable).text()).isEqualTo("You said: hi");
      ChatRequest refusing = portable.toBuilder().temperature(0.2).build();
      assertThatThrownBy(() -> checked.chat(refusing))
          .isInstanceOf(PreflightException.class)
          .hasMessageContaining("kimi-k3 accepts only temperature 1.0 with thinking on: 0.2");
    }
  }

  @Test
  void preflightStopsARequestBeforeAnythingIsSent() throws Exception {
    try (KimiClient checked = preflighted()) {
      ChatRequest wrong = ChatRequest.builder("kimi-k2.6").addUser("hi").temperature(0.3).build();
      assertThatThrownBy(() -> checked.chat(wrong))
          .isInstanceOf(PreflightException.class)
          .hasMessageContaining("kimi-k2.6 accepts only temperature 1.0 with thinking on: 0.3");
      CompletableFuture<?> f = checked.chatAsync(wrong);
      assertThatThrownBy(f::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(PreflightException.class);
      assertThatThrownBy(() -> checked.stream(wrong)).isInstanceOf(PreflightException.class);
      ChatRequest huge =
          ChatRequest.builder("moonshot-v1-8k")
              .addUser("lorem ipsum ".repeat(4_000))
              .maxCompletionTokens(1_000)
              .build();
      assertThatThrownBy(() -> checked.chat(huge))
          .isInstanceOf(ContextBudgetExceededException.class)
          .hasMessageContaining("8192 token context window of moonshot-v1-8k");
      assertThat(server.requestCount()).isZero();
      assertThat(checked.chat(ChatRequest.of("kimi-k2.6", "ok")).text()).isEqualTo("You said: ok");
      assertThat(server.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void preflightWithACustomBudgetClampsTheCapItSends() {
    ModelCatalog catalog =
        ModelCatalog.defaults().with(ModelInfo.unknown("small").withContextWindow(2_000));
    server.addModel(catalog.lookup("small")); // the fake checks the same window
    ContextBudget budget = ContextBudget.builder().clampOutput(true).minOutput(10).build();
    try (KimiClient checked =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(server.baseUrl())
            .preflight(budget)
            .catalog(catalog)
            .build()) {
      ChatRequest r =
          ChatRequest.builder("small")
              .addUser("hello ".repeat(500))
              .maxCompletionTokens(1_900)
              .build();
      int prompt = budget.check(r, catalog.lookup("small")).promptTokens();
      try (var stream = checked.stream(r)) {
        assertThat(stream.toCompletion().text()).startsWith("You said:");
      }
      JsonObject sent = (JsonObject) server.takeRequest().json();
      assertThat(sent.get("max_completion_tokens").toString())
          .isEqualTo(Integer.toString(2_000 - prompt));
    }
    try (KimiClient off =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(server.baseUrl())
            .preflight(ContextBudget.defaults())
            .preflight((ContextBudget) null)
            .modelChecks(false)
            .build()) {
      assertThatThrownBy(
              () -> off.chat(ChatRequest.builder("kimi-k2.6").addUser("x").topP(0.1).build()))
          .as("sent without a preflight check: the server refuses it")
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("invalid top_p: only 0.95 is allowed");
    }
  }
}
