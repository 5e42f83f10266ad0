package io.github.kimisdk.agent;

import io.github.kimisdk.WireProtocol;

/**
 * Runs every case of {@link ToolRunnerHttpTest} over {@link WireProtocol#RESPONSES} against the
 * fake's Responses surface, with the same expectations.
 */
class ToolRunnerResponsesHttpTest extends ToolRunnerHttpTest {

  @Override
  WireProtocol protocol() {
    return WireProtocol.RESPONSES;
  }
}
