package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
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

  /** Returns {@code v} as an object, or throws the failure that says what it was instead. */
  static JsonObject object(JsonValue v) {
    if (v instanceof JsonObject o) {
      return o;
    }
    throw expected("an object", v);
  }

  /** Returns {@code v} as an array, or throws the failure that says what it was instead. */
  static JsonArray array(JsonValue v) {
    if (v instanceof JsonArray a) {
      return a;
    }
    throw expected("an array", v);
  }

  /** Returns {@code v} as a string, or throws the failure that says what it was instead. */
  static JsonString string(JsonValue v) {
    if (v instanceof JsonString s) {
      return s;
    }
    throw expected("a string", v);
  }

  /** Names the kind of a JSON value, never its content (a reply may hold secrets). */
  static String kind(JsonValue v) {
    return JsonKind.of(v.type());
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
