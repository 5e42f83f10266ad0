package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The builders' {@code host}, {@code fallback} and {@code retryPolicy}, against two fakes on
 * loopback: {@code first}, the model's own target, and {@code second}, its fallback. A model whose
 * first target is overloaded answers from the second and says so; a host gets the calls in its
 * dialect.
 */
class HostsAndFallbackHttpTest {

  private final FakeKimiServer first = new FakeKimiServer().start();
  private final FakeKimiServer second = new FakeKimiServer().start();

  /** A fake for a host's dialect: it answers whatever model id the host names. */
  private final FakeKimiServer anyModel = new FakeKimiServer().lenient().start();

  @AfterEach
  void close() {
    first.close();
    second.close();
    anyModel.close();
  }

  /** The second fake as Moonshot's host, with a key of its own. */
  private Target fallback() {
    return Target.of(Host.moonshot(Endpoint.of(second.baseUrl()))).apiKey("sk-second");
  }

  /** The builder set for kimi-k2.6 on the first fake, with no retries, then {@link #fallback()}. */
  private <B extends KimiModelBuilder<B>> B withFallback(B builder) {
    return builder
        .apiKey("sk-first")
        .baseUrl(first.baseUrl())
        .fallback(fallback())
        .maxRetries(0)
        .modelName("kimi-k2.6");
  }

  private static long chats(FakeKimiServer server) {
    return server.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).count();
  }

  @Test
  void aModelBuiltWithAFallbackAnswersFromTheSecondTargetWhenTheFirstIsOverloaded() {
    first.failCalls("overloaded=1");
    KimiChatModel model = withFallback(KimiChatModel.builder()).build();

    ChatResponse response =
        model.chat(
            dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("Hi"))
                .build());

    assertThat(response.aiMessage().text()).isNotBlank();
    ServedBy served = ((KimiChatResponseMetadata) response.metadata()).servedBy();
    assertThat(served.target()).isEqualTo(1);
    assertThat(served.baseUrl()).hasToString(second.baseUrl());
    assertThat(chats(first)).isEqualTo(1);
    assertThat(second.takeRequest().header("Authorization")).hasValue("Bearer sk-second");
  }

  @Test
  void aStreamingModelBuiltWithAFallbackAnswersFromTheSecondTargetToo() throws Exception {
    first.failCalls("overloaded=1");
    KimiStreamingChatModel model = withFallback(KimiStreamingChatModel.builder()).build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    model.chat("Hi", FakeModels.completing(done));

    ChatResponse response = done.get(10, TimeUnit.SECONDS);
    assertThat(response.aiMessage().text()).isNotBlank();
    assertThat(((KimiChatResponseMetadata) response.metadata()).servedBy().target()).isEqualTo(1);
    assertThat(chats(first)).isEqualTo(1);
    assertThat(chats(second)).isEqualTo(1);
  }

  @Test
  void aFallbackTargetThatRefusesItsKeyFailsTheCallWithoutShowingTheKey() {
    // a key as long as a real one, which the second host echoes in its 401
    String secondKey = "sk-or-v1-0123456789abcdefghijklmnopqrstuvwxyz";
    first.failCalls("overloaded=1");
    second.enqueue(
        FakeResponse.error(
            401, "{\"error\":{\"code\":401,\"message\":\"No auth for " + secondKey + "\"}}"));
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey("sk-first")
            .baseUrl(first.baseUrl())
            .fallback(
                Target.of(Host.OPENROUTER.withBaseUrl(second.baseUrl()), "kimi-k3")
                    .apiKey(secondKey))
            .maxRetries(0)
            .modelName("kimi-k2.6")
            .build();

    assertThatThrownBy(() -> model.chat("Hi"))
        .isInstanceOf(dev.langchain4j.exception.AuthenticationException.class)
        .hasMessageContaining("[API key redacted]")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(secondKey))
        .rootCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secondKey));
  }

  @Test
  void aModelWithoutFallbackTargetsNamesNoTarget() {
    KimiChatModel model = FakeModels.chat(first).build();

    ChatResponse response =
        model.chat(
            dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("Hi"))
                .build());

    assertThat(((KimiChatResponseMetadata) response.metadata()).servedBy()).isNull();
  }

  @Test
  void theHostGetsTheModelsCallsInItsDialect() {
    anyModel.enqueue(FakeResponse.reply("from vllm"));
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey("sk-first")
            .host(Host.vllm(anyModel.baseUrl()))
            .modelName("kimi-k3")
            .thinking(io.github.kimisdk.chat.Thinking.disabled())
            .build();

    assertThat(model.chat("Hi")).isEqualTo("from vllm");

    JsonObject sent = anyModel.takeRequest().json().asObject();
    assertThat(sent.get("model").asString()).isEqualTo("moonshotai/Kimi-K3");
    assertThat(sent.get("chat_template_kwargs").get("thinking").asBoolean()).isFalse();
    assertThat(sent.members()).doesNotContainKey("thinking");
  }

  @Test
  void aHostWithABaseUrlIsThatHostAtThatUrl() {
    anyModel.enqueue(FakeResponse.reply("through the proxy"));
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey("sk-or-proxy")
            .host(Host.OPENROUTER)
            .baseUrl(anyModel.baseUrl())
            .modelName("kimi-k3")
            .build();

    assertThat(model.chat("Hi")).isEqualTo("through the proxy");

    RecordedRequest sent = anyModel.takeRequest();
    assertThat(sent.json().get("model").asString()).isEqualTo("moonshotai/kimi-k3");
  }

  @Test
  void theRetryPolicySetsTheCooldownAndMaxRetriesReplacesItsRetries() {
    first.failCalls("overloaded=1");
    second.respondWith(
        r ->
            r.path().endsWith("/chat/completions")
                ? FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\"}}")
                : null);
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey("sk-first")
            .baseUrl(first.baseUrl())
            .fallback(fallback())
            .retryPolicy(
                RetryPolicy.defaults()
                    .withMaxRetries(5)
                    .withBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                    // over before the next call: each call probes the first again
                    .withCooldown(Duration.ofNanos(1), Duration.ofNanos(1)))
            .maxRetries(0)
            .modelName("kimi-k2.6")
            .build();

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> model.chat("Hi")).isInstanceOf(InternalServerException.class);
    }

    assertThat(chats(first))
        .as("the policy's cooldown (the default's 5 s would have kept it from the next calls)")
        .isEqualTo(3);
    assertThat(chats(second)).as("maxRetries(0): no call retried").isEqualTo(3);
  }

  @Test
  void anExistingClientCannotBeCombinedWithAHostFallbacksOrARetryPolicy() {
    try (KimiClient client =
        KimiClient.builder().apiKey("sk-first").baseUrl(first.baseUrl()).build()) {
      assertThatThrownBy(
              () ->
                  KimiChatModel.builder()
                      .client(client)
                      .host(Host.vllm(second.baseUrl()))
                      .fallback(fallback())
                      .retryPolicy(RetryPolicy.none())
                      .modelName("kimi-k3")
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("host, fallback")
          .hasMessageContaining("retryPolicy");
      assertThatThrownBy(
              () ->
                  KimiModelCatalog.builder()
                      .client(client)
                      .host(Host.vllm(second.baseUrl()))
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("host");
    }
  }

  @Test
  void theCatalogListsTheModelsOfItsHost() {
    KimiModelCatalog catalog =
        KimiModelCatalog.builder().apiKey("sk-first").host(Host.sglang(second.baseUrl())).build();

    List<ModelDescription> models = catalog.listModels();

    assertThat(models).isNotEmpty();
    assertThat(first.requestCount()).isZero();
    assertThat(second.takeRequest().path()).isEqualTo("/v1/models");
    assertThat(catalog.client().endpoint().baseUrl()).isEqualTo(second.baseUrl());
  }

  @Test
  void aFallbackTargetOverPlainHttpToAnotherHostIsRefusedInTheSdksWords() {
    assertThatThrownBy(
            () ->
                KimiChatModel.builder()
                    .apiKey("sk-first")
                    .baseUrl(first.baseUrl())
                    .fallback(Target.of(Host.vllm("http://vllm.internal:8000/v1")))
                    .modelName("kimi-k3")
                    .build())
        .isInstanceOf(io.github.kimisdk.errors.ConfigurationException.class)
        .hasMessageContaining("Plain http://");
  }
}
