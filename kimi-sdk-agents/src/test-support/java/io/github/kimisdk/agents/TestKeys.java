package io.github.kimisdk.agents;

import java.nio.charset.StandardCharsets;

/**
 * The run key the tests' durable agents are sealed with (an agent with a store needs one), the
 * same in every test JVM and child process, so that a run saved by one worker loads in another.
 */
public final class TestKeys {
  private TestKeys() {}

  /** The tests' key: 32 bytes, never a production key. */
  public static final RunKey KEY =
      RunKey.of("kimi-sdk tests' run key: 32 byte".getBytes(StandardCharsets.UTF_8));
}
