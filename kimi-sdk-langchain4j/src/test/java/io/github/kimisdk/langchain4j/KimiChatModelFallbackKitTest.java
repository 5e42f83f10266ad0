package io.github.kimisdk.langchain4j;

import org.junit.jupiter.api.AfterAll;

/**
 * LangChain4j's chat model test kit ({@code AbstractChatModelIT}, as {@link KimiChatModelKitTest}
 * runs it) on models built with a fallback target ({@code KimiChatModel.Builder.fallback}) behind a
 * host that answers every chat call {@code engine_overloaded_error}: every answer the kit checks
 * comes from the fallback, and the models' callers see no difference.
 */
class KimiChatModelFallbackKitTest extends KimiChatModelKitTest {

  @Override
  KitServer kit() {
    return KitServer.behindAnOverloadedHost();
  }

  @AfterAll
  void everyAnswerCameFromTheFallback() {
    kit.assertTheFallbackAnswered();
  }
}
