package io.github.kimisdk.mcp;

import io.github.kimisdk.mcp.internal.rpc.Failures;

/** The door to {@link McpException}'s constructors that the client hands its engine, for tests. */
public final class Door {

  private Door() {}

  /** Returns the door {@link McpClient} hands its engine. */
  @SuppressWarnings("exports") // the module's own type, for its own tests
  public static Failures<McpException> failures() {
    return McpException.FAILURES;
  }
}
