package io.github.kimisdk.agents;

import io.github.kimisdk.WireProtocol;

/**
 * Runs every case of {@link AgentLoopHttpTest} over {@link WireProtocol#ANTHROPIC_MESSAGES} against
 * the fake's Anthropic Messages surface, with the same expectations.
 */
class AgentLoopAnthropicHttpTest extends AgentLoopHttpTest {

  @Override
  WireProtocol protocol() {
    return WireProtocol.ANTHROPIC_MESSAGES;
  }
}
