package io.github.kimisdk.testing;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.JsonSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kimi's verdict on a function's {@code parameters}, as strict as Kimi and no stricter, in Kimi's
 * words.
 *
 * <p>The rules are walle's (Moonshot's MFJS validator, which {@link JsonSchema#validate} applies),
 * except for keywords outside MFJS: Kimi takes them, and its decoder does not enforce them. Live
 * probes of K3, K2.7 Code and K2.6 found {@code const}, {@code prefixItems}, {@code oneOf}, {@code
 * allOf}, {@code not}, {@code if}/{@code then}/{@code else}, {@code nullable}, {@code
 * patternProperties} and more accepted (anomalyco/opencode PR #37625), kimi-k2.6 and kimi-k2.7-code
 * took a {@code $schema} (vercel/ai#12871), MFJS says keywords outside its list "may not be
 * directly blocked", and walle refuses them only at its strictest level (its README names a more
 * permissive one as what Moonshot's server requires). So such a keyword is taken and what it holds
 * is not looked at, wherever a schema stands, but where a sibling is refused anyway: beside a list
 * of several types (other than one type and {@code "null"} with an {@code enum}), which walle
 * refuses at every level it runs with, and beside {@code $ref} or {@code anyOf}, where walle
 * refuses every keyword but {@code description} and {@code title} and Kimi is seen to refuse
 * siblings (a {@code type}, a {@code description} the target also has, keywords beside a reference:
 * duolahypercho/codex-router PR #460), it is refused as walle words it. {@code $schema} is taken
 * everywhere: Moonshot's own simplification drops it (walle commit 196bb0c).
 *
 * <p>Everything else walle refuses is refused, with what walle says at its path: {@code At path
 * 'properties.x': when using anyOf, type should be defined in anyOf items instead of the parent
 * schema}. A root that is not {@code "type": "object"} gets Kimi's own check first.
 */
final class FakeSchemas {

  private FakeSchemas() {}

  /** The keywords of MFJS: walle's supported keywords and {@code pattern}, its "future" one. */
  static final Set<String> MFJS =
      Set.of(
          "type",
          "properties",
          "additionalProperties",
          "items",
          "enum",
          "required",
          "anyOf",
          "description",
          "$defs",
          "$ref",
          "title",
          "$id",
          "default",
          "maxLength",
          "minLength",
          "maximum",
          "minimum",
          "maxItems",
          "minItems",
          "pattern");

  /** JSON nesting beyond which nothing more is taken (the validator refuses it). */
  private static final int MAX_NESTING = 512;

  /**
   * Judges one function's parameters.
   *
   * @return null when Kimi takes them, else the message of its 400
   */
  static String refusal(JsonValue parameters) {
    if (!(parameters instanceof JsonObject root)
        || !(root.get("type") instanceof JsonString t)
        || !t.value().equals("object")) {
      return "Invalid request: tools.function.parameters.type is required and must be \"object\"";
    }
    Taken taken = new Taken();
    JsonObject kept = taken.schema(root, "root", 0);
    String details = taken.refusal;
    if (details == null) {
      try {
        JsonSchema.validate(kept);
        return null;
      } catch (IllegalArgumentException e) {
        details = kimiDetails(e.getMessage());
      }
    }
    return "Invalid request: tools.function.parameters is not a valid moonshot flavored json"
        + " schema, details: <"
        + details
        + ">";
  }

  /**
   * What Kimi says for a rule the SDK's validator reports: its message is {@code "tool schema at
   * <path>: <what Kimi says>; <the SDK's fix>"}; Kimi's part comes with walle's path ({@code root},
   * or the keywords and names from it joined by dots, without {@code anyOf} indexes).
   */
  static String kimiDetails(String message) {
    String prefix = "schema at ";
    int at = message.indexOf(prefix);
    int colon = at < 0 ? -1 : message.indexOf(": ", at + prefix.length());
    if (colon < 0) {
      return message;
    }
    String path = message.substring(at + prefix.length(), colon);
    String rest = message.substring(colon + 2);
    int fix = rest.indexOf("; ");
    return "At path '" + wallePath(path) + "': " + (fix < 0 ? rest : rest.substring(0, fix));
  }

  private static String wallePath(String sdkPath) {
    if (sdkPath.equals("$")) {
      return "root";
    }
    String p = sdkPath.startsWith("$.") ? sdkPath.substring(2) : sdkPath;
    return p.replaceAll("\\[\\d+]", "");
  }

  /** Takes the keywords outside MFJS out of a schema, or notes the first one Kimi refuses. */
  private static final class Taken {
    String refusal;

    JsonObject schema(JsonObject node, String path, int nesting) {
      if (refusal != null || nesting >= MAX_NESTING) {
        return node;
      }
      List<String> outside = new ArrayList<>();
      for (String k : new TreeSet<>(node.names())) {
        if (!MFJS.contains(k) && !k.equals("$schema")) {
          outside.add(k);
        }
      }
      if (!outside.isEmpty()) {
        String k = outside.get(0);
        if (node.has("$ref")) {
          refusal =
              "At path '"
                  + path
                  + "': keyword '"
                  + k
                  + "' is not allowed at the same level as $ref";
          return node;
        }
        if (node.has("anyOf")) {
          refusal =
              "At path '"
                  + path
                  + "': keyword '"
                  + k
                  + "' is not allowed at the same level as anyOf";
          return node;
        }
        if (severalTypes(node)) {
          refusal =
              "At path '"
                  + path
                  + "': keyword "
                  + k
                  + " is not allowed in combination with multiple types";
          return node;
        }
      }
      Map<String, JsonValue> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonValue> e : node.members().entrySet()) {
        String k = e.getKey();
        JsonValue v = e.getValue();
        if (!MFJS.contains(k)) {
          continue; // taken, and not looked at
        }
        if ((k.equals("properties") || k.equals("$defs")) && v instanceof JsonObject named) {
          Map<String, JsonValue> each = new LinkedHashMap<>();
          named
              .members()
              .forEach((n, s) -> each.put(n, child(s, join(join(path, k), n), nesting + 2)));
          v = JsonObject.of(each);
        } else if (k.equals("items") || k.equals("additionalProperties")) {
          v = child(v, join(path, k), nesting + 1);
        } else if (k.equals("anyOf") && v instanceof JsonArray branches) {
          List<JsonValue> each = new ArrayList<>();
          branches.values().forEach(b -> each.add(child(b, join(path, k), nesting + 1)));
          v = JsonArray.of(each);
        }
        out.put(k, v);
      }
      return JsonObject.of(out);
    }

    private JsonValue child(JsonValue v, String path, int nesting) {
      return v instanceof JsonObject o ? schema(o, path, nesting) : v;
    }

    private static String join(String path, String part) {
      return path.equals("root") ? part : path + "." + part;
    }

    /** A list of several types, other than the one walle allows an enum with. */
    private static boolean severalTypes(JsonObject node) {
      if (!(node.get("type") instanceof JsonArray types) || types.size() < 2) {
        return false;
      }
      boolean objectOrArray =
          types.values().contains(JsonString.of("object"))
              || types.values().contains(JsonString.of("array"));
      return !(types.size() == 2 && node.has("enum") && !objectOrArray);
    }
  }
}
