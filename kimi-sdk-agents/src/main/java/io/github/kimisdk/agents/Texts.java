package io.github.kimisdk.agents;

/**
 * How the agent words a failure for the model and for logs, and the log it writes to. Stateless.
 */
final class Texts {
  private Texts() {}

  /** The agents' logger, named after {@code Agent} as it always was. */
  static final System.Logger LOG = System.getLogger("io.github.kimisdk.agents.Agent");

  /** A throwable as the model reads it: its class's simple name and its message. */
  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /**
   * {@code s} as a JSON string, cut to 100 characters first: text a caller or a saved run gave,
   * escaped before it enters an exception's message.
   */
  static String quoted(String s) {
    return io.github.kimisdk.json.Json.write(io.github.kimisdk.json.JsonString.of(cut(s, 100)));
  }

  /** {@code s} cut to {@code max} characters, with {@code ...} where it was cut. */
  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
