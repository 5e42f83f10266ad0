package io.github.kimisdk.springai;

import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;

/**
 * What Spring AI 1.1 spells its own way among the mappings the two Spring lines share: a usage
 * without cache counts of its own (they are in its native usage, the SDK's).
 */
final class SpringAiLine {

  private SpringAiLine() {}

  /** The usage, the SDK's record as the native usage (with Kimi's cached tokens). */
  static Usage usage(io.github.kimisdk.chat.Usage u) {
    return new DefaultUsage(u.promptTokens(), u.completionTokens(), u.totalTokens(), u);
  }
}
