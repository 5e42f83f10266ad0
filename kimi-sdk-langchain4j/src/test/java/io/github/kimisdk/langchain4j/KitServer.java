package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import io.github.kimisdk.Endpoint;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.List;
import java.util.function.Function;

/**
 * The fake Kimi the kit tests run against, answering the kit's prompts ({@link KitAnswers}), and
 * the models the kit is run on: kimi-k3 as it comes (thinking), and kimi-k3 with thinking off.
 * Retries are off, so a refused request fails at once. {@link #behindAnOverloadedHost()} puts a
 * host that answers every chat call {@code engine_overloaded_error} in front of it, as the models'
 * first target, with this fake their fallback: every answer comes from the fallback.
 */
final class KitServer implements AutoCloseable {

  /** The model the kit runs on. */
  static final String MODEL = "kimi-k3";

  /** Another model the fake lists, for the kit's model-name cases. */
  static final String OTHER_MODEL = "kimi-k2.6";

  /**
   * The output limit of the kit's max-tokens cases (the kit's own is 5): a thinking model spends
   * its first output tokens reasoning, so 5 would leave kimi-k3 no text to answer with, on Kimi as
   * on the fake.
   */
  static final int MAX_OUTPUT_TOKENS = 20;

  /** A model the fake does not list: Kimi answers 404. */
  static final String MISSING_MODEL = "kimi-k0-missing";

  final FakeKimiServer server;

  /** The overloaded first target of the models, or null when they ask {@link #server} alone. */
  final FakeKimiServer overloaded;

  /** The fake answering the chat kits' prompts. */
  KitServer() {
    this(new KitAnswers());
  }

  /** The fake answering with {@code answers} first, then with its own model. */
  KitServer(Function<RecordedRequest, FakeResponse> answers) {
    this(answers, null);
  }

  private KitServer(Function<RecordedRequest, FakeResponse> answers, FakeKimiServer overloaded) {
    this.server = new FakeKimiServer().respondWith(answers).start();
    this.overloaded = overloaded;
  }

  /**
   * The fake answering the chat kits' prompts as the fallback of models whose first target answers
   * every chat call {@code engine_overloaded_error}.
   */
  static KitServer behindAnOverloadedHost() {
    return new KitServer(new KitAnswers(), new FakeKimiServer().failCalls("overloaded=1").start());
  }

  KimiChatModel.Builder chat(Thinking thinking) {
    return on(KimiChatModel.builder()).maxRetries(0).modelName(MODEL).thinking(thinking);
  }

  KimiStreamingChatModel.Builder streaming(Thinking thinking) {
    return on(KimiStreamingChatModel.builder()).maxRetries(0).modelName(MODEL).thinking(thinking);
  }

  /** {@code builder} on this fake, or on the overloaded host with this fake as its fallback. */
  private <B extends KimiModelBuilder<B>> B on(B builder) {
    builder.apiKey("sk-kit");
    if (overloaded == null) {
      return builder.baseUrl(server.baseUrl());
    }
    return builder
        .baseUrl(overloaded.baseUrl())
        .fallback(Target.of(Host.moonshot(Endpoint.of(server.baseUrl()))).apiKey("sk-kit"));
  }

  /** Both settings the kit runs on: thinking as kimi-k3 comes, and off. */
  static List<Thinking> thinkingModes() {
    return java.util.Arrays.asList(null, Thinking.disabled());
  }

  /** A model whose defaults are {@code defaults}, on {@link #MODEL} unless they name another. */
  KimiChatModel chatWith(ChatRequestParameters defaults) {
    return chat(null).modelName(null).defaultRequestParameters(onModel(defaults)).build();
  }

  KimiStreamingChatModel streamingWith(ChatRequestParameters defaults) {
    return streaming(null).modelName(null).defaultRequestParameters(onModel(defaults)).build();
  }

  private static ChatRequestParameters onModel(ChatRequestParameters defaults) {
    return KimiChatRequestParameters.builder().modelName(MODEL).build().overrideWith(defaults);
  }

  /**
   * The listener kits set temperature 0.7 and top-p 1.0, which kimi-k3 fixes (at 1 and 0.95): those
   * models drop them, as {@link SamplingPolicy#ADAPT} says, instead of refusing the request.
   */
  KimiChatModel.Builder listened(ChatModelListener listener) {
    return chat(null).samplingPolicy(SamplingPolicy.ADAPT).listeners(List.of(listener));
  }

  KimiStreamingChatModel.Builder listenedStreaming(ChatModelListener listener) {
    return streaming(null).samplingPolicy(SamplingPolicy.ADAPT).listeners(List.of(listener));
  }

  /**
   * Asserts that the overloaded host was asked (then cooled down, and probed again after each
   * cooldown) and that the fallback answered the kit's calls.
   */
  void assertTheFallbackAnswered() {
    assertThat(overloaded.requestCount()).isPositive();
    assertThat(server.requestCount()).isGreaterThan(overloaded.requestCount());
  }

  @Override
  public void close() {
    server.close();
    if (overloaded != null) {
      overloaded.close();
    }
  }
}
