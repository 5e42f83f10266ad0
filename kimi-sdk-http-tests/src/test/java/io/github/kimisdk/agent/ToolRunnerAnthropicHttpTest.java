package io.github.kimisdk.agent;

import io.github.kimisdk.WireProtocol;

/**
 * Runs every case of {@link ToolRunnerHttpTest} over {@link WireProtocol#ANTHROPIC_MESSAGES}
 * against the fake's Anthropic-compatible surface, with the same expectations.
 */
class ToolRunnerAnthropicHttpTest extends ToolRunnerHttpTest {

  @Override
  WireProtocol protocol() {
    return WireProtocol.ANTHROPIC_MESSAGES;
  }
}
