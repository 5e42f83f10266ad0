package io.github.kimisdk;

/**
 * Runs every case of {@link KimiClientHttpTest} over {@link WireProtocol#ANTHROPIC_MESSAGES}
 * against the fake's Anthropic-compatible surface, with the same expectations.
 */
class KimiClientAnthropicHttpTest extends KimiClientHttpTest {

  @Override
  WireProtocol protocol() {
    return WireProtocol.ANTHROPIC_MESSAGES;
  }
}
