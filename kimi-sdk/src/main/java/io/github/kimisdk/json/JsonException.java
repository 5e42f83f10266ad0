package io.github.kimisdk.json;

/**
 * Signals malformed JSON input, a limit that the input exceeded, or a value that cannot be
 * converted as asked.
 *
 * <p>When the problem lies in input text, the exception says where: {@link #line()}, {@link
 * #column()}, {@link #offset()} (in bytes for byte input, in chars for {@code String} input) and
 * the JSON {@link #path()} of the value being read, such as {@code $.choices[0].delta}. The message
 * never quotes more than a short excerpt of the input, because a body can hold secrets.
 */
public final class JsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final long offset;
  private final String path;

  /**
   * Creates an exception that is not tied to a position in input text, such as a failed number
   * conversion or a type mismatch while navigating a tree.
   *
   * @param message what went wrong and what to do about it
   */
  public JsonException(String message) {
    super(message);
    this.line = -1;
    this.column = -1;
    this.offset = -1;
    this.path = "";
  }

  /**
   * Creates an exception for a problem at a position in input text.
   *
   * @param reason what went wrong, without the position
   * @param line the 1-based line, or -1 when unknown
   * @param column the 1-based column, or -1 when unknown
   * @param offset the 0-based offset into the input, or -1 when unknown
   * @param path the JSON path of the value being read, such as {@code $.a[2]}
   */
  public JsonException(String reason, int line, int column, long offset, String path) {
    super(format(reason, line, column, offset, path));
    this.line = line;
    this.column = column;
    this.offset = offset;
    this.path = path == null ? "" : path;
  }

  /** Creates an exception whose message already names the path, for values bound to types. */
  JsonException(String message, String path, Throwable cause) {
    super(message, cause);
    this.line = -1;
    this.column = -1;
    this.offset = -1;
    this.path = path;
  }

  private static String format(String reason, int line, int column, long offset, String path) {
    StringBuilder sb = new StringBuilder(reason);
    if (line > 0) {
      sb.append(" at line ").append(line).append(" column ").append(column);
    }
    if (offset >= 0) {
      sb.append(" (offset ").append(offset).append(')');
    }
    if (path != null && !path.isEmpty()) {
      sb.append(" path ").append(path);
    }
    return sb.toString();
  }

  /**
   * Returns the 1-based line of the problem, or -1 when the problem is not tied to input text.
   *
   * @return the line number
   */
  public int line() {
    return line;
  }

  /**
   * Returns the 1-based column of the problem, counted in the units of {@link #offset()}, or -1
   * when the problem is not tied to input text.
   *
   * @return the column number
   */
  public int column() {
    return column;
  }

  /**
   * Returns the 0-based offset of the problem in the input, or -1 when the problem is not tied to
   * input text. For byte input this is a byte offset.
   *
   * @return the offset
   */
  public long offset() {
    return offset;
  }

  /**
   * Returns the JSON path of the value being read when the problem was found, such as {@code
   * $.choices[0].delta}, or {@code ""} when unknown.
   *
   * @return the path
   */
  public String path() {
    return path;
  }
}
