package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;

/**
 * The members of a saved document read with the type they must have, or refused naming the member:
 * what every saved form of the agents (a run, a record, a summary, a decision token) reads with.
 * Stateless.
 */
final class Fields {
  private Fields() {}

  /** The string member {@code name}. */
  static String str(JsonObject o, String name) {
    if (!(o.get(name) instanceof JsonString s)) {
      throw new IllegalArgumentException("\"" + name + "\" must be a string");
    }
    return s.value();
  }

  /** The string member {@code name}, or null when it is absent or null. */
  static String opt(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v == null || v.isNull() ? null : str(o, name);
  }

  /** The number member {@code name}. */
  static JsonNumber num(JsonObject o, String name) {
    if (!(o.get(name) instanceof JsonNumber n)) {
      throw new IllegalArgumentException("\"" + name + "\" must be a number");
    }
    return n;
  }
}
