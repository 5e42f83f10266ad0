package io.github.kimisdk.mcp.internal.rpc;

import io.github.kimisdk.base.text.Untrusted;
import java.util.function.UnaryOperator;

/**
 * What the client keeps of a text a server controls (an error message, a log message, a tool's
 * name, a body), where it enters an exception message or a log line: cut to {@link #QUOTE_CHARS},
 * every secret the client sent to it blanked, and its control characters escaped ({@code
 * base.text.Untrusted}, the rule the core keeps too), so that it can neither forge a log line nor
 * quote a token back. Every step reads the text once.
 */
public final class ServerText {

  /** The longest server text (a schema, an unknown content block, a message) quoted. */
  public static final int QUOTE_CHARS = 4096;

  /**
   * How much of a text is searched for secrets before the cut: a secret that straddles the cut is
   * blanked whole, never left half-visible (tokens and assertions are shorter than this).
   */
  private static final int REDACTED_WINDOW = 3 * QUOTE_CHARS;

  private ServerText() {}

  /** Cuts a server text to {@link #QUOTE_CHARS} characters. */
  public static String cut(String s) {
    return cut(s, QUOTE_CHARS);
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "... (cut)";
  }

  /**
   * Returns a server's text as a message or a log line may hold it: the secrets {@code redact}
   * knows blanked, cut, and escaped.
   *
   * @param text the server's text
   * @param redact blanks the secrets sent to the server
   * @return the text to show
   */
  public static String shown(String text, UnaryOperator<String> redact) {
    return shown(text, redact, QUOTE_CHARS);
  }

  /**
   * As {@link #shown(String, UnaryOperator)}, cut to {@code max} characters.
   *
   * @param text the server's text
   * @param redact blanks the secrets sent to the server
   * @param max the most characters kept, at most {@link #QUOTE_CHARS}
   * @return the text to show
   */
  public static String shown(String text, UnaryOperator<String> redact, int max) {
    String window = text.length() > REDACTED_WINDOW ? text.substring(0, REDACTED_WINDOW) : text;
    String kept = cut(redact.apply(window), max);
    if (window.length() < text.length() && kept.length() == window.length()) {
      kept = kept + "... (cut)"; // the redaction shortened the window: still say it was cut
    }
    return Untrusted.escape(kept);
  }

  /**
   * Returns a server's short text (a method, a name) with its control characters escaped.
   *
   * @param text the text; null stays null
   * @return the text, safe in one line
   */
  public static String neutral(String text) {
    return Untrusted.escape(text);
  }
}
