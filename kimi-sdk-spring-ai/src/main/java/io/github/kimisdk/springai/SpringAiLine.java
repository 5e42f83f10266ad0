package io.github.kimisdk.springai;

import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;

/**
 * What Spring AI 2 spells its own way among the mappings the two Spring lines share: a usage with
 * cache reads and writes.
 */
final class SpringAiLine {

  private SpringAiLine() {}

  /** The usage, the SDK's record as the native usage; cache reads and writes when Kimi said. */
  static Usage usage(io.github.kimisdk.chat.Usage u) {
    return new DefaultUsage(
        u.promptTokens(),
        u.completionTokens(),
        u.totalTokens(),
        u,
        u.cachedTokens() == null ? null : u.cachedTokens().longValue(),
        u.cacheWriteTokens() == null ? null : u.cacheWriteTokens().longValue());
  }
}
