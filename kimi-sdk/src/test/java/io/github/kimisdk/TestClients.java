package io.github.kimisdk;

import io.github.kimisdk.internal.client.ClientCore;

/** The machinery of a client, for tests of the internal packages that reach below the facade. */
@SuppressWarnings("exports") // a test fixture for the internal packages
public final class TestClients {

  private TestClients() {}

  /** Returns the core of {@code client}. */
  public static ClientCore core(KimiClient client) {
    return client.core();
  }
}
