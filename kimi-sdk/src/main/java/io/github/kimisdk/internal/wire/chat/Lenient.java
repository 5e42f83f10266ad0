package io.github.kimisdk.internal.wire.chat;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonToken;
import io.github.kimisdk.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads values the server owns leniently, for the chat wire's decoder: {@code null} is accepted
 * everywhere, and a value of another scalar type is converted rather than rejected.
 */
final class Lenient {
  private Lenient() {}

  /**
   * Reads a string; a number or boolean as its JSON text, anything else (and {@code null}) as null.
   *
   * @param r the reader, before the value
   * @return the string, or null
   */
  static String readString(JsonReader r) {
    JsonToken t = r.peek();
    if (t == JsonToken.STRING) {
      return r.nextString();
    }
    switch (t) {
      case NULL:
        r.nextNull();
        return null;
      case NUMBER:
      case BOOLEAN:
        return r.nextValue().toString();
      default:
        r.skipValue();
        return null;
    }
  }

  /**
   * Reads an integer: a number (a fraction cut toward zero) or a string holding one; anything else
   * is null.
   *
   * @param r the reader, before the value
   * @return the integer, or null
   */
  static Integer readInteger(JsonReader r) {
    switch (r.peek()) {
      case NUMBER:
        return (int) r.nextDouble();
      case STRING:
        return parseInteger(r.nextString());
      default:
        r.skipValue();
        return null;
    }
  }

  /**
   * Reads an integer as {@link #readInteger} does, or {@code fallback} where it finds none.
   *
   * @param r the reader, before the value
   * @param fallback the value for anything that is not an integer
   * @return the integer
   */
  static int readInt(JsonReader r, int fallback) {
    if (r.peek() == JsonToken.NUMBER) {
      return (int) r.nextDouble();
    }
    Integer v = readInteger(r);
    return v == null ? fallback : v;
  }

  /**
   * Reads a long: a number or a string holding one; anything else is 0.
   *
   * @param r the reader, before the value
   * @return the long
   */
  static long readLong(JsonReader r) {
    switch (r.peek()) {
      case NUMBER:
        return (long) r.nextDouble();
      case STRING:
        try {
          return Long.parseLong(r.nextString().trim());
        } catch (NumberFormatException e) {
          return 0;
        }
      default:
        r.skipValue();
        return 0;
    }
  }

  /**
   * Reads a boolean; anything else is false.
   *
   * @param r the reader, before the value
   * @return the boolean
   */
  static boolean readBoolean(JsonReader r) {
    if (r.peek() == JsonToken.BOOLEAN) {
      return r.nextBoolean();
    }
    r.skipValue();
    return false;
  }

  /**
   * Parses an integer written as a string, blanks around it allowed.
   *
   * @param s the string
   * @return the integer, or null when the string holds none
   */
  static Integer parseInteger(String s) {
    try {
      return Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Reads the value of the member just named, which the record being read does not model, into
   * {@code extra} (made on first use) and returns it.
   *
   * @param r the reader, after the member's name
   * @param extra the members kept so far, or null when none
   * @return the members kept, this one included
   */
  static Map<String, JsonValue> keep(JsonReader r, Map<String, JsonValue> extra) {
    String name = r.lastName();
    JsonValue value = r.nextValue();
    Map<String, JsonValue> m = extra == null ? new LinkedHashMap<>(4) : extra;
    m.put(name, value);
    return m;
  }

  /**
   * Returns the members {@link #keep} kept as an object.
   *
   * @param extra the members, or null when none were kept
   * @return the object, or null when none were kept
   */
  static JsonObject fields(Map<String, JsonValue> extra) {
    return extra == null ? null : JsonObject.of(extra);
  }
}
