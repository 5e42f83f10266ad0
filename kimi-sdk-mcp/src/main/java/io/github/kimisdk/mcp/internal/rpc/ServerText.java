package io.github.kimisdk.mcp.internal.rpc;

/** What the client keeps of a text a server controls, where it enters a message or a log line. */
public final class ServerText {

  /** The longest server text (a schema, an unknown content block, a message) quoted. */
  public static final int QUOTE_CHARS = 4096;

  private ServerText() {}

  /** Cuts a server text to {@link #QUOTE_CHARS} characters. */
  public static String cut(String s) {
    return s.length() <= QUOTE_CHARS ? s : s.substring(0, QUOTE_CHARS) + "... (cut)";
  }
}
