package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.time.Duration;
import java.util.Objects;

/** The checks of the public API's arguments, with messages that name the argument. */
public final class Checks {

  private Checks() {}

  /**
   * Returns {@code d}, checked.
   *
   * @param d a duration
   * @param what its name
   * @return {@code d}
   * @throws NullPointerException if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is not positive
   */
  public static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what + " must not be null");
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }

  /**
   * Returns {@code s}, checked.
   *
   * @param s a text
   * @param what its name
   * @return {@code s}
   * @throws NullPointerException if {@code s} is null
   * @throws IllegalArgumentException if {@code s} is blank
   */
  public static String nonBlank(String s, String what) {
    Objects.requireNonNull(s, what + " must not be null");
    if (s.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return s;
  }

  /**
   * Returns a request's arguments or parameters as a JSON object.
   *
   * @param what the tool or method, for the message
   * @param arguments a JSON object, or null (or JSON null) for none
   * @return the object; an empty one for none
   * @throws IllegalArgumentException if {@code arguments} is not a JSON object
   */
  public static JsonObject arguments(String what, JsonValue arguments) {
    if (arguments == null || arguments.isNull()) {
      return JsonObject.of();
    }
    if (!(arguments instanceof JsonObject o)) {
      throw new IllegalArgumentException(
          "the arguments of "
              + what
              + " must be a JSON object: "
              + ServerText.cut(arguments.toString()));
    }
    return o;
  }
}
