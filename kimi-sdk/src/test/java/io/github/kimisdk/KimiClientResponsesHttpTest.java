package io.github.kimisdk;

/**
 * Runs every case of {@link KimiClientHttpTest} over {@link WireProtocol#RESPONSES} against the
 * fake's Responses surface, with the same expectations.
 */
class KimiClientResponsesHttpTest extends KimiClientHttpTest {

  @Override
  WireProtocol protocol() {
    return WireProtocol.RESPONSES;
  }
}
