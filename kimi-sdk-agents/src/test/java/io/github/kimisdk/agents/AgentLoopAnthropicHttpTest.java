package io.github.kimisdk.agents;

import io.github.kimisdk.WireProtocol;
import org.junit.jupiter.api.Nested;

/**
 * Runs every case of {@link AgentLoopHttpTest} and {@link AgentLoopLimitsHttpTest} over {@link
 * WireProtocol#ANTHROPIC_MESSAGES} against the fake's Anthropic Messages surface, with the same
 * expectations.
 */
class AgentLoopAnthropicHttpTest {

  @Nested
  class Loop extends AgentLoopHttpTest {
    @Override
    WireProtocol protocol() {
      return WireProtocol.ANTHROPIC_MESSAGES;
    }
  }

  @Nested
  class Limits extends AgentLoopLimitsHttpTest {
    @Override
    WireProtocol protocol() {
      return WireProtocol.ANTHROPIC_MESSAGES;
    }
  }
}
