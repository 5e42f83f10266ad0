package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;

/**
 * LangChain4j's streaming chat model test kit ({@code AbstractStreamingChatModelIT}, as {@link
 * KimiStreamingChatModelKitTest} runs it) on models built with a fallback target ({@code
 * KimiStreamingChatModel.Builder.fallback}) behind a host that answers every chat call {@code
 * engine_overloaded_error}: a stream moves before its first event, so every answer the kit checks
 * comes from the fallback, and the models' callers see no difference.
 */
class KimiStreamingChatModelFallbackKitTest extends KimiStreamingChatModelKitTest {

  @Override
  KitServer kit() {
    return KitServer.behindAnOverloadedHost();
  }

  @AfterAll
  void everyAnswerCameFromTheFallback() {
    // the overloaded host was asked (then cooled down, and probed again after each cooldown),
    // and the fallback answered the kit's calls
    assertThat(kit.overloaded.requestCount()).isPositive();
    assertThat(kit.server.requestCount()).isGreaterThan(kit.overloaded.requestCount());
  }
}
