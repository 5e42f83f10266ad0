package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonValue;

/**
 * A value that does not fit its type; each level it passes on the way out prepends its path
 * segment, so a successful bind builds no paths at all.
 */
public final class BindFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private String path = "";
  private String component;

  BindFailure(String reason, Throwable cause) {
    super(reason, cause, false, false);
    this.reason = reason;
  }

  static BindFailure expected(String what, JsonValue actual) {
    return new BindFailure("expected " + what + " but was " + kind(actual), null);
  }

  /** Names the kind of a JSON value, never its content (a reply may hold secrets). */
  static String kind(JsonValue v) {
    switch (v.type()) {
      case BEGIN_OBJECT:
        return "an object";
      case BEGIN_ARRAY:
        return "an array";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      default:
        return "null";
    }
  }

  /** Prepends a path segment ({@code .name} or {@code [3]}) and, first time only, a component. */
  BindFailure at(String segment, String component) {
    path = segment + path;
    if (this.component == null) {
      this.component = component;
    }
    return this;
  }

  /**
   * Returns the JSON path of the value that failed, such as {@code $.days[2].temperature}.
   *
   * @return the path
   */
  public String path() {
    return "$" + path;
  }

  /**
   * Returns the path, the innermost record component and the reason, such as {@code
   * "$.days[2].temperature (Day.temperature): expected a number but was a string"}.
   *
   * @return the message
   */
  @Override
  public String getMessage() {
    return path() + (component == null ? "" : " (" + component + ")") + ": " + reason;
  }
}
