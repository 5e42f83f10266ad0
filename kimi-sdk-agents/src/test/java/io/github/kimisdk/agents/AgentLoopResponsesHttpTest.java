package io.github.kimisdk.agents;

import io.github.kimisdk.WireProtocol;
import org.junit.jupiter.api.Nested;

/**
 * Runs every case of {@link AgentLoopHttpTest} and {@link AgentLoopLimitsHttpTest} over {@link
 * WireProtocol#RESPONSES} against the fake's Responses surface, with the same expectations.
 */
class AgentLoopResponsesHttpTest {

  @Nested
  class Loop extends AgentLoopHttpTest {
    @Override
    WireProtocol protocol() {
      return WireProtocol.RESPONSES;
    }
  }

  @Nested
  class Limits extends AgentLoopLimitsHttpTest {
    @Override
    WireProtocol protocol() {
      return WireProtocol.RESPONSES;
    }
  }
}
