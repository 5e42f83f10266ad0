package io.github.kimisdk.mcp.internal.rpc;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads members of the JSON a server sends: a member of another type than asked reads as absent,
 * and a list is read to a bound, whatever the server sent.
 */
public final class Fields {

  private Fields() {}

  /** Returns the string member {@code name} of {@code o}, or null. */
  public static String string(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  /** Returns the number member {@code name} of {@code o}, or null. */
  public static Double number(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.doubleValue() : null;
  }

  /** Returns the strings of the array {@code v}, at most {@code max}; others are skipped. */
  public static List<String> strings(JsonValue v, int max) {
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) {
      for (JsonValue e : a.values()) {
        if (e instanceof JsonString s && out.size() < max) {
          out.add(s.value());
        }
      }
    }
    return List.copyOf(out);
  }
}
