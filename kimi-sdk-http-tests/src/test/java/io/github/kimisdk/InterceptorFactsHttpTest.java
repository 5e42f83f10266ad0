package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.token.RequestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the public interceptor's chain tells of a call and of each attempt, for what counts across
 * calls on top of it (kimi-sdk-budget's budgets): whose call it is and its tags, the request's
 * prompt and output cap as its target is sent it, the target's price and the cache's time to live,
 * and, for an attempt, its response's status and its stream's chunks as they arrive.
 */
@ExtendWith(FakeKimiExtension.class)
class InterceptorFactsHttpTest {

  static final RetryPolicy FAST =
      RetryPolicy.defaults()
          .withMaxRetries(2)
          .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1));
  static final String BUSY = "{\"error\":{\"type\":\"server_error\",\"message\":\"busy\"}}";

  /** What one chain told, read while the interceptor ran. */
  record Told(
      Optional<String> tenant,
      List<String> tags,
      long promptTokens,
      int maxOutputTokens,
      Optional<Price> price,
      CacheTtl ttl,
      int target) {}

  /** An interceptor, once per attempt or per call, that writes down what its chain told. */
  static KimiInterceptor telling(
      boolean perAttempt, List<Told> told, Consumer<KimiInterceptor.Chain> also) {
    return new KimiInterceptor() {
      @Override
      public boolean perAttempt() {
        return perAttempt;
      }

      @Override
      public CompletableFuture<ChatCompletion> intercept(Chain chain) {
        told.add(
            new Told(
                chain.tenant(),
                chain.tags(),
                chain.promptTokens(),
                chain.maxOutputTokens(),
                chain.price(),
                chain.cacheTtl(),
                chain.target().target()));
        also.accept(chain);
        return chain.proceed(chain.request());
      }
    };
  }

  @Test
  void theChainTellsWhoseCallItIsAndItsTagsTheOptionsTenantFirst(
      FakeKimiExtension.Clients clients) {
    List<Told> told = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi = clients.build(b -> b.interceptor(telling(true, told, c -> {})));
    ChatRequest hi = ChatRequest.of("kimi-k3", "Hi");

    kimi.chat(hi);
    kimi.withCredentials("acme", () -> FakeKimiExtension.KEY).chat(hi);
    kimi.withOptions(RequestOptions.builder().tenant("zed").tag("search").tag("eu").build())
        .chat(hi);
    kimi.withCredentials("acme", () -> FakeKimiExtension.KEY)
        .withOptions(RequestOptions.builder().tenant("zed").build())
        .chat(hi);

    assertThat(told)
        .extracting(Told::tenant)
        .containsExactly(
            Optional.empty(), Optional.of("acme"), Optional.of("zed"), Optional.of("zed"));
    assertThat(told)
        .extracting(Told::tags)
        .containsExactly(List.of(), List.of(), List.of("search", "eu"), List.of());
  }

  @Test
  void theChainTellsThePromptTheOutputCapThePriceAndTheTtlOfTheRequestAsSent(
      FakeKimiExtension.Clients clients) {
    List<Told> told = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(telling(false, told, c -> {}))
                    .interceptor(telling(true, told, c -> {}))
                    .promptCacheTtl(CacheTtl.ONE_HOUR));
    ChatRequest capped =
        ChatRequest.builder("kimi-k3").addUser("Count the stars").maxCompletionTokens(123).build();
    ChatRequest uncapped =
        ChatRequest.builder("kimi-k2.6")
            .addUser("Hi")
            .promptCacheTtl(CacheTtl.FIVE_MINUTES)
            .build();

    kimi.chat(capped);
    kimi.chat(uncapped);

    long prompt = RequestTokens.estimated().count(kimi.adapt(capped)).total();
    Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();
    Told call =
        new Told(Optional.empty(), List.of(), prompt, 123, Optional.of(k3), CacheTtl.ONE_HOUR, 0);
    assertThat(told.subList(0, 2))
        .as("once per call, then per attempt")
        .containsExactly(call, call);
    int k26Default = ModelCatalog.defaults().lookup("kimi-k2.6").defaultMaxOutput();
    assertThat(told.get(2).maxOutputTokens()).isEqualTo(k26Default);
    assertThat(told.get(3).maxOutputTokens()).isEqualTo(k26Default);
    assertThat(told.get(3).price()).isEqualTo(PriceTable.defaults().find("kimi-k2.6"));
    assertThat(told.get(3).ttl()).as("the request's own wins").isEqualTo(CacheTtl.FIVE_MINUTES);
  }

  @Test
  void anAttemptOnAFallbackTargetTellsThatTargetsModelAndPrice(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.enqueue(
        FakeResponse.error(
            429, "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}"));
    List<Told> told = Collections.synchronizedList(new ArrayList<>());
    PriceTable own =
        PriceTable.defaults().with("kimi-k2.6", Price.perMillionTokens("USD", "1", "1", "1"));
    Host priced = Host.moonshot(Endpoint.of(server.baseUrl())).withPrices(own);
    KimiClient kimi =
        clients.build(
            b ->
                b.retryPolicy(RetryPolicy.defaults().withMaxRetries(0))
                    .interceptor(telling(true, told, c -> {}))
                    .fallback(Target.of(priced, "kimi-k2.6").apiKey(FakeKimiExtension.KEY)));

    ChatCompletion reply = kimi.chat(ChatRequest.of("kimi-k3", "Hi"));

    assertThat(reply.metadata().servedBy().target()).isEqualTo(1);
    assertThat(told).extracting(Told::target).containsExactly(0, 1);
    assertThat(told.get(0).price()).isEqualTo(PriceTable.defaults().find("kimi-k3"));
    assertThat(told.get(1).price()).isEqualTo(own.find("kimi-k2.6"));
    assertThat(told.get(1).maxOutputTokens())
        .isEqualTo(ModelCatalog.defaults().lookup("kimi-k2.6").defaultMaxOutput());
  }

  @Test
  void aMessagesRequestWithoutACapTellsTheCapItsWireWrites(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<Told> told = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi =
        clients.build(
            b ->
                b.baseUrl(server.anthropicBaseUrl())
                    .wireProtocol(WireProtocol.ANTHROPIC_MESSAGES)
                    .interceptor(telling(true, told, c -> {})));

    kimi.chat(ChatRequest.of("kimi-k3", "Hi"));

    assertThat(told).singleElement().extracting(Told::maxOutputTokens).isEqualTo(32_768);
  }

  @Test
  void eachAttemptHearsItsOwnResponseAndAOncePerCallChainHearsNone(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.enqueue(FakeResponse.error(503, BUSY));
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi =
        clients.build(
            b ->
                b.retryPolicy(FAST)
                    .interceptor(
                        telling(
                            false,
                            new ArrayList<>(),
                            c -> c.onResponse(m -> heard.add("call " + m.statusCode()))))
                    .interceptor(
                        telling(
                            true,
                            new ArrayList<>(),
                            c ->
                                c.onResponse(
                                    m ->
                                        heard.add(
                                            "attempt " + c.attempt() + " " + m.statusCode())))));

    kimi.chat(ChatRequest.of("kimi-k3", "Hi"));

    assertThat(heard).containsExactly("attempt 1 503", "attempt 2 200");
  }

  @Test
  void anAttemptOfAStreamHearsItsChunksAsTheyArriveAndAnObserverThatThrowsStopsNothing(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<ChatCompletionChunk> heard = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(
                    telling(
                        true,
                        new ArrayList<>(),
                        c -> {
                          c.onChunk(
                              chunk -> {
                                throw new IllegalStateException("an observer that fails");
                              });
                          c.onChunk(heard::add);
                        })));
    server.enqueue(FakeResponse.reply("one two three"));

    List<ChatCompletionChunk> consumed = new ArrayList<>();
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "Hi"))) {
      s.forEach(consumed::add);
    }

    assertThat(consumed).hasSizeGreaterThan(2);
    assertThat(heard).containsExactlyElementsOf(consumed);
    heard.clear();
    kimi.chat(ChatRequest.of("kimi-k3", "Hi"));
    assertThat(heard).as("a whole reply has no chunks").isEmpty();
  }
}
