package io.github.kimisdk.agents;

import io.github.kimisdk.WireProtocol;

/**
 * Runs every case of {@link AgentLoopHttpTest} over {@link WireProtocol#RESPONSES} against the
 * fake's Responses surface, with the same expectations.
 */
class AgentLoopResponsesHttpTest extends AgentLoopHttpTest {

  @Override
  WireProtocol protocol() {
    return WireProtocol.RESPONSES;
  }
}
