package io.github.kimisdk.langchain4j;

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
    kit.assertTheFallbackAnswered();
  }
}
