package io.github.kimisdk.base.text;

/**
 * How a message or a log line names the user's code that failed (an interceptor, a listener, a key
 * supplier) and what it threw: a class by its binary name, a lambda by the class that wrote it (a
 * lambda's own class name, such as {@code App$$Lambda$5/0x0000...}, changes from run to run and
 * says nothing to a reader), and the failure as its class and its message, escaped ({@link
 * Untrusted}) and cut to a bound, since its message may hold anything.
 */
public final class UserCode {

  /** The most characters kept of a failure's message. */
  public static final int MAX_MESSAGE = 500;

  /** The most characters kept of a name the user gave. */
  public static final int MAX_NAME = 100;

  private UserCode() {}

  /**
   * Returns how a reader knows {@code type}: its binary name ({@code com.example.Cache}, {@code
   * com.example.App$1} for an anonymous class), or for a lambda or another hidden class {@code "a
   * lambda in com.example.App"}.
   *
   * @param type the class of the user's object
   * @return its name
   */
  public static String name(Class<?> type) {
    String n = type.getName();
    if (!type.isHidden()) {
      return n;
    }
    int cut = n.indexOf("$$Lambda");
    if (cut < 0) {
      cut = n.indexOf('/'); // a hidden class: its name, then '/' and a suffix that changes
    }
    return "a lambda in " + (cut > 0 ? n.substring(0, cut) : n);
  }

  /**
   * Returns a name the user gave, escaped and cut to {@link #MAX_NAME} characters.
   *
   * @param name the name
   * @return the name to put in a message
   */
  public static String given(String name) {
    return cut(Untrusted.escape(name), MAX_NAME);
  }

  /**
   * Returns what {@code failure} says: its class and its message ({@code
   * java.lang.IllegalStateException: the vault is sealed}), escaped and cut to {@link #MAX_MESSAGE}
   * characters.
   *
   * @param failure the failure
   * @return its text
   */
  public static String thrown(Throwable failure) {
    return cut(Untrusted.escape(raw(failure)), MAX_MESSAGE);
  }

  /**
   * Returns {@code failure}'s class and message as they are, neither escaped nor cut: for a caller
   * that redacts a key first, then escapes and cuts.
   *
   * @param failure the failure
   * @return its text
   */
  public static String raw(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isEmpty()
        ? failure.getClass().getName()
        : failure.getClass().getName() + ": " + message;
  }

  /** {@code s} cut to {@code max} characters, never between a surrogate pair, marked when cut. */
  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "... [cut]";
  }
}
