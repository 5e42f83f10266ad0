package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonToken;

/** Names the kind of a JSON value for a message, never its content (a reply may hold secrets). */
public final class JsonKind {

  private JsonKind() {}

  /**
   * Names the kind of a value of type {@code type}.
   *
   * @param type the value's type, as {@code JsonValue.type()} gives it
   * @return "an object", "an array", "a string", "a number", "a boolean" or "null"
   */
  public static String of(JsonToken type) {
    switch (type) {
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
}
