package io.github.kimisdk.base.schema;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Drops {@code $schema} from a JSON Schema wherever Moonshot's validator reads a schema. */
public final class Dialect {

  // The keyword names a dialect and constrains nothing. Kimi takes it in tool parameters
  // (kimi-api.md, "Changes of 2026-11-25, third look"), and Moonshot's validator, walle, removes
  // it when it simplifies a schema (commit 196bb0c) and keeps the rest. What the SDK sends leaves
  // it out all the same: kimi-k2.5 answered nonsense to a response format that carried it, and no
  // recording shows K3's tools with it. The places are those walle reads a schema at: the root,
  // $defs, properties, items, additionalProperties and anyOf branches.

  /** JSON nesting beyond which a schema is left as it is (the validator refuses it anyway). */
  private static final int MAX_NESTING = 512;

  private Dialect() {}

  /**
   * Returns {@code schema} without {@code $schema} at any place a schema stands; the same instance
   * when it holds none there, and anything that is not an object as it is.
   *
   * @param schema a schema, or any JSON value
   * @return the schema without the keyword
   */
  public static JsonValue dropped(JsonValue schema) {
    return schema instanceof JsonObject o ? dropped(o, 0) : schema;
  }

  private static JsonObject dropped(JsonObject node, int nesting) {
    if (nesting >= MAX_NESTING) {
      return node;
    }
    Map<String, JsonValue> out = new LinkedHashMap<>();
    boolean changed = false;
    for (Map.Entry<String, JsonValue> e : node.members().entrySet()) {
      String k = e.getKey();
      JsonValue v = e.getValue();
      if (k.equals("$schema")) {
        changed = true;
        continue;
      }
      JsonValue w = v;
      if ((k.equals("properties") || k.equals("$defs")) && v instanceof JsonObject named) {
        Map<String, JsonValue> each = new LinkedHashMap<>();
        boolean any = false;
        for (Map.Entry<String, JsonValue> n : named.members().entrySet()) {
          JsonValue d = schema(n.getValue(), nesting + 2);
          any |= d != n.getValue();
          each.put(n.getKey(), d);
        }
        w = any ? JsonObject.of(each) : v;
      } else if (k.equals("items") || k.equals("additionalProperties")) {
        w = schema(v, nesting + 1);
      } else if (k.equals("anyOf") && v instanceof JsonArray branches) {
        List<JsonValue> each = new ArrayList<>(branches.size());
        boolean any = false;
        for (JsonValue b : branches.values()) {
          JsonValue d = schema(b, nesting + 1);
          any |= d != b;
          each.add(d);
        }
        w = any ? JsonArray.of(each) : v;
      }
      changed |= w != v;
      out.put(k, w);
    }
    return changed ? JsonObject.of(out) : node;
  }

  /** A value where a schema stands: an object loses the keyword, anything else stays. */
  private static JsonValue schema(JsonValue v, int nesting) {
    return v instanceof JsonObject o ? dropped(o, nesting) : v;
  }
}
