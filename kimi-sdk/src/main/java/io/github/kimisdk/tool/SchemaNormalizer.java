package io.github.kimisdk.tool;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a JSON Schema written for someone else into one Kimi accepts; see JsonSchema#normalize.
 *
 * <p>The result always passes Moonshot's validator (walle) or normalize throws: a last check runs
 * it. Definitions are normalized once; a reference is inlined only within a budget proportional to
 * the input (beyond it, a definition stays a reference and a JSON pointer moves to $defs), so the
 * output stays linear in the input.
 */
final class SchemaNormalizer {

  /** Keywords kept as they are on any schema (then pruned to those of its type). */
  private static final Set<String> KEPT =
      Set.of(
          "type",
          "description",
          "title",
          "default",
          "enum",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "anyOf",
          "minLength",
          "maxLength",
          "minimum",
          "maximum",
          "minItems",
          "maxItems",
          "$ref");

  /** Keywords that may stand beside {@code anyOf} or {@code $ref}. */
  private static final Set<String> LABELS = Set.of("description", "title");

  private static final Set<String> TYPES =
      Set.of("null", "boolean", "object", "array", "number", "integer", "string");

  /** Type names other schema dialects and hand-written schemas use. */
  private static final Map<String, String> TYPE_ALIASES =
      Map.of(
          "int", "integer",
          "long", "integer",
          "float", "number",
          "double", "number",
          "bool", "boolean",
          "str", "string",
          "text", "string",
          "dict", "object",
          "map", "object",
          "list", "array");

  /** Nesting of schemas beyond which normalize refuses (walle has no such limit for items). */
  private static final int MAX_DEPTH = 256;

  /** Nesting beyond which a reference is no longer inlined. */
  private static final int MAX_INLINE_DEPTH = 32;

  private final JsonObject document;
  private final List<String> changes = new ArrayList<>();

  /** Root definitions by name, as written ($defs and definitions merged). */
  private final Map<String, JsonValue> sourceDefs = new LinkedHashMap<>();

  /** Root definitions, in the order they are first needed; normalized once done. */
  private final Map<String, JsonObject> defs = new LinkedHashMap<>();

  /** The definitions normalized so far. */
  private final Set<String> done = new HashSet<>();

  /** Definitions needed and not yet normalized: done after the root, one at a time. */
  private final Deque<String> pending = new ArrayDeque<>();

  /** Pointers hoisted into $defs, by pointer, and the other way round. */
  private final Map<String, String> hoisted = new LinkedHashMap<>();

  private final Map<String, String> hoistedFrom = new HashMap<>();

  /** Pointers being inlined right now, to detect recursion. */
  private final Deque<String> inlining = new ArrayDeque<>();

  /** The definition being normalized, if any. */
  private String normalizing;

  /** Whether a definition holds a name with '/', which Kimi refuses inside $defs. */
  private final Map<String, Boolean> slashInDefinition = new HashMap<>();

  private final IdentityHashMap<JsonValue, Long> sizes = new IdentityHashMap<>();

  /** JSON values that inlining may still copy; beyond it, references stay references. */
  private long inlineBudget;

  private SchemaNormalizer(JsonObject document) {
    this.document = document;
    this.inlineBudget = 2_000 + 4 * size(document);
  }

  static JsonSchema.Normalized normalize(JsonValue schema) {
    if (schema instanceof JsonBoolean b && b.value()) {
      schema = JsonObject.of();
    }
    if (!(schema instanceof JsonObject root)) {
      throw new IllegalArgumentException(
          "tool schema at $: cannot normalize " + schema + "; a tool schema is a JSON object");
    }
    SchemaNormalizer n = new SchemaNormalizer(root);
    return n.run();
  }

  private JsonSchema.Normalized run() {
    for (String key : List.of("$defs", "definitions")) {
      if (document.get(key) instanceof JsonObject d) {
        for (Map.Entry<String, JsonValue> e : d.members().entrySet()) {
          if (sourceDefs.putIfAbsent(e.getKey(), e.getValue()) != null) {
            change("$." + key + "." + e.getKey(), "dropped: $defs already has that name");
          }
        }
        if (key.equals("definitions")) {
          change("$.definitions", "moved into $defs (Kimi resolves only #/$defs/...)");
        }
      } else if (document.has(key)) {
        change("$." + key, "dropped: not an object of named schemas");
      }
    }
    Map<String, JsonValue> top = new LinkedHashMap<>(document.members());
    top.remove("$defs");
    top.remove("definitions");
    JsonValue id = top.remove("$id");
    if (id != null && !(id instanceof JsonString)) {
      change("$", "dropped \"$id\": not a string");
    }
    if (top.containsKey("$schema")) {
      top.remove("$schema");
      change("$", "dropped \"$schema\"");
    }
    if (top.get("$ref") instanceof JsonString r && !r.value().equals("#")) {
      top = rootReference(top, r.value());
    }
    if (!top.containsKey("type") && !top.containsKey("anyOf") && !top.containsKey("$ref")) {
      top.put("type", JsonString.of("object"));
      change("$", "added \"type\": \"object\" (Kimi takes arguments as an object)");
    }
    JsonObject body = mergeRootAnyOf(node(JsonObject.of(top), "$", 0));
    while (!pending.isEmpty()) {
      String name = pending.poll();
      normalizing = name;
      JsonObject source = asSchema(sourceDefs.get(name), "$.$defs." + name);
      if (source == null) {
        throw new IllegalArgumentException(
            "tool schema at $.$defs." + name + ": a $ref points to it, and it is not a schema");
      }
      String pointer = pointerOf(name);
      if (pointer != null) {
        inlining.push(pointer); // a hoisted pointer that refers to itself stays a reference
      }
      try {
        defs.put(name, node(source, "$.$defs." + name, 0));
      } finally {
        if (pointer != null) {
          inlining.pop();
        }
      }
      done.add(name);
    }
    normalizing = null;
    // definitions referenced by name are normalized on first use; the rest are left out
    for (String name : sourceDefs.keySet()) {
      if (!defs.containsKey(name)) {
        change("$.$defs." + name, "dropped: no $ref uses it");
      }
    }
    Map<String, JsonValue> out = new LinkedHashMap<>();
    if (id instanceof JsonString) {
      out.put("$id", id);
    }
    out.putAll(body.members());
    if (!defs.isEmpty()) {
      out.put("$defs", JsonObject.of(defs));
    }
    JsonObject schema = JsonObject.of(out);
    try {
      MfjsValidator.checkNormalized(schema);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage() + " (JsonSchema.normalize left this as it is)", e);
    }
    return new JsonSchema.Normalized(schema, changes);
  }

  private void change(String path, String what) {
    changes.add(path + ": " + what);
  }

  /** A root that is only a reference becomes the schema it points to: arguments are an object. */
  private Map<String, JsonValue> rootReference(Map<String, JsonValue> top, String ref) {
    String name = defName(ref);
    JsonValue target = name != null ? sourceDefs.get(name) : resolve(ref, "$");
    if (!(target instanceof JsonObject t)) {
      return top;
    }
    Map<String, JsonValue> merged = new LinkedHashMap<>(t.members());
    for (Map.Entry<String, JsonValue> e : top.entrySet()) {
      if (!e.getKey().equals("$ref")) {
        merged.put(e.getKey(), e.getValue());
      }
    }
    change("$", "the root $ref " + ref + " became the schema it points to");
    return merged;
  }

  /** Normalizes one schema object found at {@code path}. */
  private JsonObject node(JsonObject in, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "tool schema at " + path + ": nested deeper than " + MAX_DEPTH + " levels");
    }
    Map<String, JsonValue> m = new LinkedHashMap<>(in.members());
    if (m.get("$ref") != null) {
      return ref(m, path, depth);
    }
    if (m.containsKey("allOf")) {
      m = mergeAllOf(m, path, depth);
      if (m.get("$ref") != null) {
        return ref(m, path, depth);
      }
    }
    if (m.containsKey("oneOf")) {
      JsonValue one = m.remove("oneOf");
      if (m.containsKey("anyOf")) {
        change(path, "dropped \"oneOf\" beside \"anyOf\" (Kimi has no oneOf)");
      } else {
        m.put("anyOf", one);
        change(path, "\"oneOf\" became \"anyOf\" (Kimi has no oneOf; more than one may match)");
      }
    }
    String inferred = hint(m);
    convertConst(m, path);
    convertNullable(m, path);
    convertTuple(m, path);
    describeDropped(m, path, "format");
    describeDropped(m, path, "pattern");
    for (String key : new ArrayList<>(m.keySet())) {
      if (!KEPT.contains(key)) {
        m.remove(key);
        change(path, "dropped unsupported \"" + key + "\"");
      }
    }
    if (m.containsKey("description") && !(m.get("description") instanceof JsonString)) {
      m.remove("description");
      change(path, "dropped \"description\": not a string");
    }
    if (m.get("anyOf") instanceof JsonArray branches) {
      return anyOf(m, branches, path, depth);
    } else if (m.containsKey("anyOf")) {
      m.remove("anyOf");
      change(path, "dropped \"anyOf\": not an array of schemas");
    }
    List<String> types = types(m, inferred, path);
    types = fixEnum(m, types, path);
    if (types.size() > 1) {
      JsonObject split = splitTypes(m, types, path, depth);
      if (split != null) {
        return split;
      }
    }
    pruneKeywords(m, types, path);
    ranges(m, types, path);
    if (m.get("properties") instanceof JsonObject props) {
      Map<String, JsonValue> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonValue> p : props.members().entrySet()) {
        String at = path + ".properties." + p.getKey();
        JsonObject s = asSchema(p.getValue(), at);
        if (s != null) {
          out.put(p.getKey(), node(s, at, depth + 1));
        }
      }
      m.put("properties", JsonObject.of(out));
    } else if (m.containsKey("properties")) {
      m.remove("properties");
      change(path, "dropped \"properties\": not an object");
    }
    fixRequired(m, path);
    if (m.containsKey("items")) {
      JsonObject s = asSchema(m.get("items"), path + ".items");
      if (s == null) {
        m.remove("items");
      } else {
        m.put("items", node(s, path + ".items", depth + 1));
      }
    }
    JsonValue additional = m.get("additionalProperties");
    if (additional instanceof JsonObject a && !a.isEmpty()) {
      m.put("additionalProperties", node(a, path + ".additionalProperties", depth + 1));
    } else if (additional != null
        && !(additional instanceof JsonBoolean)
        && !(additional instanceof JsonObject)) {
      m.remove("additionalProperties");
      change(path, "dropped \"additionalProperties\": neither a boolean nor a schema");
    }
    return JsonObject.of(m);
  }

  /**
   * A property, item or branch schema: {@code true} is the empty schema, a type name such as {@code
   * "string"} the schema of that type, {@code false} and anything else dropped.
   */
  private JsonObject asSchema(JsonValue v, String path) {
    if (v instanceof JsonObject o) {
      return o;
    }
    if (v instanceof JsonBoolean b && b.value()) {
      return JsonObject.of();
    }
    if (v instanceof JsonString s && typeName(s.value()) != null) {
      change(path, "the type name " + v + " became {\"type\": " + v + "}");
      return JsonObject.of("type", s);
    }
    change(path, "dropped: " + v + " is not a schema Kimi accepts");
    return null;
  }

  // ------------------------------------------------------------------------------------ type

  /** The type the other keywords imply, or null when they imply none. */
  private static String hint(Map<String, JsonValue> m) {
    JsonValue e = m.get("enum");
    if (e == null && m.get("const") != null) {
      e = JsonArray.of(m.get("const"));
    }
    if (e instanceof JsonArray values && !values.isEmpty()) {
      return enumType(values);
    }
    if (m.containsKey("properties")
        || m.containsKey("required")
        || m.containsKey("additionalProperties")) {
      return "object";
    }
    if (m.containsKey("items")
        || m.containsKey("prefixItems")
        || m.containsKey("minItems")
        || m.containsKey("maxItems")) {
      return "array";
    }
    if (m.containsKey("minLength")
        || m.containsKey("maxLength")
        || m.containsKey("pattern")
        || m.containsKey("format")) {
      return "string";
    }
    if (m.containsKey("minimum")
        || m.containsKey("maximum")
        || m.containsKey("exclusiveMinimum")
        || m.containsKey("exclusiveMaximum")
        || m.containsKey("multipleOf")) {
      return "number";
    }
    return null;
  }

  private static String typeName(String name) {
    return TYPES.contains(name) ? name : TYPE_ALIASES.get(name);
  }

  /**
   * Makes {@code type} a valid type name or list of names (known names, aliases such as {@code
   * "int"} translated, no repetition), adding one when there is none, and returns the names.
   */
  private List<String> types(Map<String, JsonValue> m, String inferred, String path) {
    JsonValue t = m.get("type");
    List<String> names = new ArrayList<>();
    boolean changed = false;
    if (t instanceof JsonString s) {
      String n = typeName(s.value());
      if (n == null) {
        change(path, "dropped the unknown type " + t);
        changed = true;
      } else {
        names.add(n);
        if (!n.equals(s.value())) {
          change(path, "\"type\" " + t + " became \"" + n + "\"");
          changed = true;
        }
      }
    } else if (t instanceof JsonArray list) {
      for (JsonValue v : list.values()) {
        String n = v instanceof JsonString s ? typeName(s.value()) : null;
        if (n == null) {
          change(path, "dropped " + v + " from \"type\": not a type name");
          changed = true;
        } else if (names.contains(n)) {
          change(path, "dropped the repeated type \"" + n + "\"");
          changed = true;
        } else {
          if (!(v instanceof JsonString s && s.value().equals(n))) {
            change(path, "\"type\" " + v + " became \"" + n + "\"");
            changed = true;
          }
          names.add(n);
        }
      }
    } else if (t != null) {
      change(path, "dropped \"type\" " + t + ": neither a type name nor a list of them");
      changed = true;
    }
    if (names.isEmpty()) {
      String type = inferred != null ? inferred : "string";
      m.put("type", JsonString.of(type));
      change(
          path,
          "added \"type\": \""
              + type
              + "\""
              + (inferred != null
                  ? " (from its other keywords)"
                  : " (it allowed any value, which Kimi cannot express; string, as Moonshot's own"
                      + " client assumes)"));
      return List.of(type);
    }
    if (changed) {
      m.put("type", typeValue(names, t instanceof JsonString));
    }
    return names;
  }

  private static JsonValue typeValue(List<String> names, boolean single) {
    if (single && names.size() == 1) {
      return JsonString.of(names.get(0));
    }
    List<JsonValue> out = new ArrayList<>();
    names.forEach(n -> out.add(JsonString.of(n)));
    return JsonArray.of(out);
  }

  /**
   * A list of types takes nothing beside it but description and title (and an enum, when it is one
   * type and null): a default goes, and type-specific keywords split the schema into an anyOf of
   * one schema per type. Returns the anyOf, or null when the list can stay.
   */
  private JsonObject splitTypes(
      Map<String, JsonValue> m, List<String> types, String path, int depth) {
    if (m.containsKey("enum")) {
      return null; // fixEnum left one type and null; pruneKeywords keeps what both allow
    }
    if (m.remove("default") != null) {
      change(path, "dropped \"default\" beside a list of types (Kimi refuses it there)");
    }
    Map<String, JsonValue> rest = new LinkedHashMap<>();
    Map<String, JsonValue> outer = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : m.entrySet()) {
      if (LABELS.contains(e.getKey())) {
        outer.put(e.getKey(), e.getValue());
      } else if (!e.getKey().equals("type")) {
        rest.put(e.getKey(), e.getValue());
      }
    }
    if (rest.isEmpty()) {
      return null;
    }
    JsonArray.Builder branches = JsonArray.builder();
    Set<String> used = new HashSet<>();
    for (String t : types) {
      Map<String, JsonValue> b = new LinkedHashMap<>();
      b.put("type", JsonString.of(t));
      for (Map.Entry<String, JsonValue> e : rest.entrySet()) {
        if (MfjsValidator.allowedKeywords(t).contains(e.getKey())) {
          b.put(e.getKey(), e.getValue());
          used.add(e.getKey());
        }
      }
      branches.add(JsonObject.of(b));
    }
    for (String k : rest.keySet()) {
      if (!used.contains(k)) {
        change(path, "dropped \"" + k + "\": none of the types " + types + " takes it");
      }
    }
    change(
        path,
        "\"type\" "
            + types
            + " became an anyOf of one schema per type (Kimi allows only description and title"
            + " beside a list of types)");
    return anyOf(outer, branches.build(), path, depth);
  }

  /** Drops the keywords Kimi refuses on a schema of these types (a list: those all allow). */
  private void pruneKeywords(Map<String, JsonValue> m, List<String> types, String path) {
    Set<String> allowed = null;
    for (String t : types) {
      if (allowed == null) {
        allowed = new HashSet<>(MfjsValidator.allowedKeywords(t));
      } else {
        allowed.retainAll(MfjsValidator.allowedKeywords(t));
      }
    }
    for (String k : new ArrayList<>(m.keySet())) {
      if (!allowed.contains(k)) {
        m.remove(k);
        change(
            path,
            "dropped \""
                + k
                + "\": Kimi does not take it on a schema of type "
                + String.join(" and ", types));
      }
    }
  }

  /** Counts are non-negative integers, bounds numbers (integers for an integer type), min first. */
  private void ranges(Map<String, JsonValue> m, List<String> types, String path) {
    count(m, "minLength", true, path);
    count(m, "maxLength", false, path);
    count(m, "minItems", true, path);
    count(m, "maxItems", false, path);
    boolean integer = types.contains("integer");
    bound(m, "minimum", true, integer, path);
    bound(m, "maximum", false, integer, path);
    for (String[] pair :
        new String[][] {
          {"minLength", "maxLength"}, {"minItems", "maxItems"}, {"minimum", "maximum"}
        }) {
      if (m.get(pair[0]) instanceof JsonNumber min
          && m.get(pair[1]) instanceof JsonNumber max
          && min.bigDecimalValue().compareTo(max.bigDecimalValue()) > 0) {
        m.remove(pair[0]);
        m.remove(pair[1]);
        change(path, "dropped \"" + pair[0] + "\" and \"" + pair[1] + "\": no value fits both");
      }
    }
  }

  private void count(Map<String, JsonValue> m, String key, boolean lower, String path) {
    JsonValue v = m.get(key);
    if (v == null) {
      return;
    }
    BigDecimal d = decimal(v);
    if (d == null || d.signum() < 0) {
      m.remove(key);
      change(path, "dropped \"" + key + "\" " + v + ": not a count");
    } else if (d.stripTrailingZeros().scale() > 0) {
      BigDecimal whole = d.setScale(0, lower ? RoundingMode.CEILING : RoundingMode.FLOOR);
      m.put(key, JsonNumber.of(whole));
      change(path, "\"" + key + "\" " + v + " became " + whole + " (a count is whole)");
    }
  }

  private void bound(
      Map<String, JsonValue> m, String key, boolean lower, boolean integer, String path) {
    JsonValue v = m.get(key);
    if (v == null) {
      return;
    }
    BigDecimal d = decimal(v);
    if (d == null) {
      m.remove(key);
      change(path, "dropped \"" + key + "\" " + v + ": not a number");
    } else if (integer && d.stripTrailingZeros().scale() > 0) {
      BigDecimal whole = d.setScale(0, lower ? RoundingMode.CEILING : RoundingMode.FLOOR);
      m.put(key, JsonNumber.of(whole));
      change(path, "\"" + key + "\" " + v + " became " + whole + " (the same bound for integers)");
    }
  }

  /** The value of a number that fits a double, or null. */
  private static BigDecimal decimal(JsonValue v) {
    if (!(v instanceof JsonNumber n)) {
      return null;
    }
    try {
      n.doubleValue();
      return n.bigDecimalValue();
    } catch (JsonException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------------------------ enum

  /** The type of an enum's values: a shared one, "null" for only nulls, else string. */
  private static String enumType(JsonArray values) {
    boolean strings = false;
    boolean numbers = false;
    boolean integral = true;
    boolean booleans = false;
    for (JsonValue v : values.values()) {
      if (v instanceof JsonString) {
        strings = true;
      } else if (v instanceof JsonNumber n) {
        numbers = true;
        integral &= isIntegral(n);
      } else if (v instanceof JsonBoolean) {
        booleans = true;
      } else if (!(v instanceof JsonNull)) {
        strings = true; // objects and arrays become their JSON text
      }
    }
    if (!strings && !numbers && !booleans) {
      return "null";
    }
    if (booleans && !strings && !numbers) {
      return "boolean";
    }
    if (numbers && !strings && !booleans) {
      return integral ? "integer" : "number";
    }
    return "string";
  }

  private static boolean isIntegral(JsonNumber n) {
    BigDecimal d = decimal(n);
    return d != null && d.stripTrailingZeros().scale() <= 0;
  }

  /**
   * Makes the enum and the type agree as Kimi wants: values of one type (mixed ones become
   * strings), the type that type (the declared one when it fits), and null, when a value, as a
   * second type, first for numbers (Kimi checks each value against the types in order and refuses
   * null against a number type). An enum on an object or array type goes. Returns the types.
   */
  private List<String> fixEnum(Map<String, JsonValue> m, List<String> types, String path) {
    if (!m.containsKey("enum")) {
      return types;
    }
    if (!(m.get("enum") instanceof JsonArray values)) {
      m.remove("enum");
      change(path, "dropped \"enum\": not an array");
      return types;
    }
    if (values.isEmpty()) {
      m.remove("enum");
      change(path, "dropped an empty \"enum\"");
      return types;
    }
    if (types.stream().allMatch(t -> t.equals("object") || t.equals("array"))) {
      m.remove("enum");
      change(path, "dropped \"enum\": Kimi's enums list strings, numbers, booleans or null");
      return types;
    }
    boolean hasNull = values.values().contains(JsonNull.INSTANCE);
    String kind = enumType(values);
    boolean fits = types.contains(kind) || (kind.equals("integer") && types.contains("number"));
    boolean toDeclared = !fits && !kind.equals("null") && types.contains("string");
    if (toDeclared) {
      kind = "string"; // the declared type wins: the values become its strings
    }
    if (kind.equals("string")) {
      boolean mixed = false;
      List<JsonValue> out = new ArrayList<>();
      for (JsonValue v : values.values()) {
        if (v instanceof JsonNull || v instanceof JsonString) {
          out.add(v);
        } else {
          out.add(JsonString.of(v instanceof JsonNumber n ? n.literal() : Json.write(v)));
          mixed = true;
        }
      }
      if (mixed) {
        m.put("enum", JsonArray.of(out));
        change(
            path,
            toDeclared
                ? "\"enum\" values became strings, as the type says (Kimi checks them against it)"
                : "\"enum\" values became strings (Kimi does not mix strings and numbers)");
      }
    }
    String chosen;
    boolean retyped = false;
    if (kind.equals("null")) {
      chosen = null;
    } else if (types.contains(kind)) {
      chosen = kind;
    } else if (kind.equals("integer") && types.contains("number")) {
      chosen = "number";
    } else {
      chosen = kind;
      retyped = true;
    }
    List<String> wanted = new ArrayList<>();
    if (chosen == null) {
      wanted.add("null");
    } else if (!hasNull) {
      wanted.add(chosen);
    } else if (chosen.equals("number") || chosen.equals("integer")) {
      wanted.add("null");
      wanted.add(chosen);
    } else {
      wanted.add(chosen);
      wanted.add("null");
    }
    if (!wanted.equals(types)) {
      JsonValue value = typeValue(wanted, wanted.size() == 1);
      if (retyped || (chosen == null && !types.contains("null"))) {
        change(path, "\"type\" became " + value + " to match the enum");
      } else if (hasNull && !types.contains("null")) {
        change(path, "added \"null\" to \"type\": the enum holds null");
      } else if (new HashSet<>(wanted).equals(new HashSet<>(types))) {
        change(
            path,
            "put \"null\" first in \"type\" (Kimi checks each enum value against the types in"
                + " order and refuses null against a number type)");
      } else {
        change(path, "\"type\" became " + value + " to match the enum");
      }
      m.put("type", value);
    }
    return wanted;
  }

  // --------------------------------------------------------------------- other conversions

  private void convertConst(Map<String, JsonValue> m, String path) {
    JsonValue c = m.remove("const");
    if (c == null) {
      return;
    }
    if (m.containsKey("enum")) {
      change(path, "dropped \"const\" beside \"enum\"");
    } else if (c instanceof JsonString || c instanceof JsonNumber || c instanceof JsonBoolean) {
      m.put("enum", JsonArray.of(c));
      change(path, "\"const\" became a one-value \"enum\" (Kimi has no const)");
    } else if (c instanceof JsonNull) {
      m.put("type", JsonString.of("null"));
      change(path, "\"const\": null became \"type\": \"null\"");
    } else {
      change(path, "dropped \"const\" " + c + ": Kimi enums hold only strings or numbers");
    }
  }

  private void convertNullable(Map<String, JsonValue> m, String path) {
    JsonValue n = m.remove("nullable");
    if (n == null) {
      return;
    }
    if (n instanceof JsonBoolean b && b.value() && m.get("type") != null) {
      m.put("type", withNull(m.get("type")));
      change(path, "\"nullable\": true became \"null\" in \"type\"");
    } else {
      change(path, "dropped \"nullable\"");
    }
  }

  private static JsonValue withNull(JsonValue type) {
    List<JsonValue> names = new ArrayList<>();
    if (type instanceof JsonArray a) {
      names.addAll(a.values());
    } else {
      names.add(type);
    }
    if (!names.contains(JsonString.of("null"))) {
      names.add(JsonString.of("null"));
    }
    return JsonArray.of(names);
  }

  /**
   * A tuple (the array form of {@code items}, or {@code prefixItems}) becomes one {@code items}
   * schema: Kimi has no tuples. The element schemas become the branches of an anyOf (one schema
   * when they are all the same), and a closed tuple keeps its length as {@code maxItems}.
   */
  private void convertTuple(Map<String, JsonValue> m, String path) {
    JsonValue items = m.get("items");
    JsonValue prefix = m.remove("prefixItems");
    JsonValue additional = m.remove("additionalItems");
    List<JsonValue> positions;
    JsonValue rest;
    String what;
    if (items instanceof JsonArray tuple) {
      positions = tuple.values();
      rest = additional;
      what = "tuple \"items\" (an array of schemas)";
      if (prefix != null) {
        change(path, "dropped \"prefixItems\" beside a tuple \"items\"");
      }
    } else if (prefix instanceof JsonArray tuple) {
      positions = tuple.values();
      rest = items;
      what = "\"prefixItems\"";
      if (additional != null) {
        change(path, "dropped \"additionalItems\"");
      }
    } else {
      if (prefix != null) {
        change(path, "dropped \"prefixItems\": not an array of schemas");
      }
      if (additional != null) {
        change(path, "dropped \"additionalItems\"");
      }
      return;
    }
    m.remove("items");
    Set<JsonValue> kinds = new LinkedHashSet<>();
    for (JsonValue p : positions) {
      kinds.add(p instanceof JsonBoolean b && b.value() ? JsonObject.of() : p);
    }
    boolean closed = rest instanceof JsonBoolean b && !b.value();
    if (rest instanceof JsonObject || (rest instanceof JsonBoolean b && b.value())) {
      kinds.add(rest instanceof JsonObject ? rest : JsonObject.of());
    }
    kinds.removeIf(k -> k instanceof JsonBoolean);
    if (kinds.size() == 1) {
      m.put("items", kinds.iterator().next());
    } else if (!kinds.isEmpty()) {
      m.put("items", JsonObject.of("anyOf", JsonArray.of(new ArrayList<>(kinds))));
    }
    if (closed && !m.containsKey("maxItems")) {
      m.put("maxItems", JsonNumber.of(positions.size()));
    }
    change(
        path,
        what
            + " became \"items\""
            + (kinds.size() > 1 ? " with an anyOf of the element schemas" : "")
            + " (Kimi has no tuples; the positions are no longer enforced)");
  }

  /** Drops a constraint Kimi does not check and keeps it for the model in the description. */
  private void describeDropped(Map<String, JsonValue> m, String path, String key) {
    JsonValue v = m.remove(key);
    if (v == null) {
      return;
    }
    if (v instanceof JsonString s) {
      describe(m, key + ": " + s.value());
      change(path, "dropped \"" + key + "\" (kept in the description)");
    } else {
      change(path, "dropped \"" + key + "\"");
    }
  }

  private static void describe(Map<String, JsonValue> m, String note) {
    String d = m.get("description") instanceof JsonString s ? s.value() : "";
    m.put("description", JsonString.of(d.isEmpty() ? "(" + note + ")" : d + " (" + note + ")"));
  }

  private void fixRequired(Map<String, JsonValue> m, String path) {
    JsonValue r = m.get("required");
    if (r == null) {
      return;
    }
    Set<String> declared =
        m.get("properties") instanceof JsonObject p ? p.names() : Set.<String>of();
    if (!(r instanceof JsonArray names)) {
      m.remove("required");
      change(path, "dropped \"required\": not an array of names");
      return;
    }
    List<JsonValue> kept = new ArrayList<>();
    for (JsonValue v : names.values()) {
      if (v instanceof JsonString s && declared.contains(s.value()) && !kept.contains(v)) {
        kept.add(v);
      } else {
        change(path + ".required", "dropped " + v + ": not a declared property");
      }
    }
    if (kept.isEmpty()) {
      m.remove("required");
    } else {
      m.put("required", JsonArray.of(kept));
    }
  }

  // ----------------------------------------------------------------------------------- anyOf

  /**
   * A schema with {@code anyOf}: the branches are normalized, and every keyword beside it but
   * {@code description} and {@code title} is moved into each branch (Kimi answers "type should be
   * defined in anyOf items instead of the parent schema"); a label a branch has too moves into the
   * branches (description) or goes (title), since Kimi refuses it in both places.
   */
  private JsonObject anyOf(Map<String, JsonValue> m, JsonArray branches, String path, int depth) {
    Map<String, JsonValue> outer = new LinkedHashMap<>();
    Map<String, JsonValue> shared = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : m.entrySet()) {
      if (e.getKey().equals("anyOf")) {
        continue;
      }
      if (LABELS.contains(e.getKey())) {
        outer.put(e.getKey(), e.getValue());
      } else if (e.getKey().equals("default")) {
        change(path, "dropped \"default\" beside \"anyOf\" (it fits only some branches)");
      } else {
        shared.put(e.getKey(), e.getValue());
      }
    }
    if (!shared.isEmpty()) {
      change(path, "moved " + shared.keySet() + " from beside \"anyOf\" into each branch");
    }
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < branches.size(); i++) {
      String at = path + ".anyOf[" + i + "]";
      JsonObject b = asSchema(branches.get(i), at);
      if (b == null) {
        continue;
      }
      if (!shared.isEmpty()) {
        b = JsonObject.of(merge(shared, b.members(), at, false));
      }
      out.add(node(b, at, depth + 1));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "tool schema at " + path + ": cannot normalize an anyOf without a usable branch");
    }
    if (outer.containsKey("title") && out.stream().anyMatch(b -> b.has("title"))) {
      outer.remove("title");
      change(path, "dropped \"title\" beside \"anyOf\": a branch has its own");
    }
    if (outer.get("description") instanceof JsonString d
        && out.stream().anyMatch(b -> b.has("description"))) {
      outer.remove("description");
      for (int i = 0; i < out.size(); i++) {
        JsonObject b = out.get(i);
        String own = b.get("description") instanceof JsonString s ? s.value() : null;
        if (own == null
            && b.get("$ref") instanceof JsonString r
            && !labelFits(r.value(), "description")) {
          continue;
        }
        Map<String, JsonValue> with = new LinkedHashMap<>(b.members());
        with.put("description", JsonString.of(own == null ? d.value() : d.value() + ": " + own));
        out.set(i, JsonObject.of(with));
      }
      change(
          path,
          "moved the \"description\" beside \"anyOf\" into each branch (a branch has its own, and"
              + " Kimi refuses both)");
    }
    Map<String, JsonValue> result = new LinkedHashMap<>(outer);
    result.put("anyOf", JsonArray.of(new ArrayList<JsonValue>(out)));
    return JsonObject.of(result);
  }

  /**
   * Tool arguments are one object: a root anyOf whose branches are all objects becomes one object
   * with the properties of all, required where every branch requires them.
   */
  private JsonObject mergeRootAnyOf(JsonObject body) {
    if (!(body.get("anyOf") instanceof JsonArray branches)) {
      return body;
    }
    for (JsonValue b : branches.values()) {
      if (!(b instanceof JsonObject o)
          || !JsonString.of("object").equals(o.get("type"))
          || o.has("$ref")) {
        return body;
      }
    }
    Map<String, Set<JsonValue>> props = new LinkedHashMap<>();
    List<JsonValue> required = null;
    boolean closed = true;
    List<String> alternatives = new ArrayList<>();
    for (JsonValue b : branches.values()) {
      JsonObject o = (JsonObject) b;
      if (o.get("properties") instanceof JsonObject p) {
        p.members().forEach((k, v) -> props.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
      }
      List<JsonValue> names =
          o.get("required") instanceof JsonArray r ? r.values() : List.<JsonValue>of();
      if (required == null) {
        required = new ArrayList<>(names);
      } else {
        required.retainAll(names);
      }
      closed &= JsonBoolean.FALSE.equals(o.get("additionalProperties"));
      if (o.get("description") instanceof JsonString d) {
        alternatives.add(d.value());
      }
    }
    Map<String, JsonValue> out = new LinkedHashMap<>();
    out.put("type", JsonString.of("object"));
    String description = body.get("description") instanceof JsonString d ? d.value() : "";
    if (!alternatives.isEmpty()) {
      description =
          (description.isEmpty() ? "" : description + " ")
              + "One of: "
              + String.join("; ", alternatives);
    }
    if (!description.isEmpty()) {
      out.put("description", JsonString.of(description));
    }
    if (body.get("title") != null) {
      out.put("title", body.get("title"));
    }
    Map<String, JsonValue> merged = new LinkedHashMap<>();
    props.forEach(
        (k, schemas) ->
            merged.put(
                k,
                schemas.size() == 1
                    ? schemas.iterator().next()
                    : JsonObject.of("anyOf", JsonArray.of(new ArrayList<>(schemas)))));
    out.put("properties", JsonObject.of(merged));
    if (required != null && !required.isEmpty()) {
      out.put("required", JsonArray.of(required));
    }
    if (closed) {
      out.put("additionalProperties", JsonBoolean.FALSE);
    }
    change(
        "$",
        "merged the "
            + branches.size()
            + " \"anyOf\" branches of the root into one object (tool arguments are one object;"
            + " which properties go together is no longer enforced)");
    return JsonObject.of(out);
  }

  /**
   * Merges two schemas that must both hold (the parent and an {@code allOf} branch, or the keywords
   * beside {@code anyOf} and one branch): properties and required names are joined; for any other
   * keyword the second schema wins.
   */
  private Map<String, JsonValue> merge(
      Map<String, JsonValue> first, Map<String, JsonValue> second, String path, boolean report) {
    Map<String, JsonValue> out = new LinkedHashMap<>(first);
    for (Map.Entry<String, JsonValue> e : second.entrySet()) {
      String key = e.getKey();
      JsonValue mine = out.get(key);
      if (key.equals("properties")
          && mine instanceof JsonObject a
          && e.getValue() instanceof JsonObject b) {
        Map<String, JsonValue> props = new LinkedHashMap<>(a.members());
        props.putAll(b.members());
        out.put(key, JsonObject.of(props));
      } else if (key.equals("required")
          && mine instanceof JsonArray a
          && e.getValue() instanceof JsonArray b) {
        Set<JsonValue> names = new LinkedHashSet<>(a.values());
        names.addAll(b.values());
        out.put(key, JsonArray.of(new ArrayList<>(names)));
      } else {
        if (report && mine != null && !mine.equals(e.getValue())) {
          change(path, "\"" + key + "\" of an allOf branch replaced the parent's");
        }
        out.put(key, e.getValue());
      }
    }
    return out;
  }

  private Map<String, JsonValue> mergeAllOf(Map<String, JsonValue> m, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "tool schema at " + path + ": allOf nests (or refers to itself) too deeply to merge");
    }
    JsonValue all = m.remove("allOf");
    if (!(all instanceof JsonArray branches)) {
      change(path, "dropped \"allOf\": not an array of schemas");
      return m;
    }
    for (int i = 0; i < branches.size(); i++) {
      String at = path + ".allOf[" + i + "]";
      JsonObject b = asSchema(branches.get(i), at);
      if (b == null) {
        continue;
      }
      if (b.get("$ref") instanceof JsonString ref && !ref.value().equals("#")) {
        b = resolveForMerge(ref.value(), b, at);
      }
      m = merge(m, b.members(), at, true);
    }
    change(path, "merged the " + branches.size() + " \"allOf\" branches into one schema");
    if (m.containsKey("allOf")) {
      return mergeAllOf(m, path, depth + 1);
    }
    return m;
  }

  private JsonObject resolveForMerge(String ref, JsonObject at, String path) {
    String name = defName(ref);
    JsonValue target = name != null ? sourceDefs.get(name) : resolve(ref, path);
    if (!(target instanceof JsonObject t)) {
      throw new IllegalArgumentException(
          "tool schema at " + path + ": $ref " + ref + " points to " + target);
    }
    if (!spend(t)) {
      throw new IllegalArgumentException(
          "tool schema at "
              + path
              + ": the allOf refers to more schema than can be merged into a schema of bounded"
              + " size; simplify the allOf");
    }
    Map<String, JsonValue> out = new LinkedHashMap<>(t.members());
    for (Map.Entry<String, JsonValue> e : at.members().entrySet()) {
      if (!e.getKey().equals("$ref")) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return JsonObject.of(out);
  }

  // ------------------------------------------------------------------------------ references

  /**
   * A schema with {@code $ref}. {@code "#"} stays. A reference to a root definition stays, as
   * {@code #/$defs/<name>}, when only a description or title stands beside it (each dropped when
   * the referenced schema, or a branch of it, has its own). Any other local reference (a JSON
   * pointer such as {@code #/properties/a}, one with further keywords beside it, or one to a
   * definition holding a name with '/', which Kimi refuses inside $defs) is inlined, within the
   * budget; one that points into itself while being inlined, or past the budget, is moved to {@code
   * $defs} instead. A reference outside the document cannot be normalized.
   */
  private JsonObject ref(Map<String, JsonValue> m, String path, int depth) {
    JsonValue refValue = m.remove("$ref");
    if (!(refValue instanceof JsonString rs)) {
      change(path, "dropped \"$ref\" " + refValue + ": not a string");
      return node(JsonObject.of(m), path, depth);
    }
    String ref = rs.value();
    if (m.remove("type") != null) {
      change(path, "dropped \"type\" beside \"$ref\" (Kimi wants it in the referenced schema)");
    }
    Map<String, JsonValue> siblings = new LinkedHashMap<>(m);
    if (ref.equals("#")) {
      keepLabels(siblings, path, rootLabels());
      siblings.put("$ref", rs);
      return JsonObject.of(siblings);
    }
    String name = defName(ref);
    boolean onlyLabels = LABELS.containsAll(siblings.keySet());
    boolean keepable = name != null && (!slashInside(name) || name.equals(normalizing));
    if (keepable && onlyLabels) {
      need(name);
      keepLabels(siblings, path, expansionLabels("#/$defs/" + name));
      Map<String, JsonValue> out = new LinkedHashMap<>();
      out.put("$ref", JsonString.of("#/$defs/" + name));
      out.putAll(siblings);
      if (!ref.startsWith("#/$defs/")) {
        change(path, "$ref " + ref + " became #/$defs/" + name);
      }
      return JsonObject.of(out);
    }
    String pointer = name != null ? "#/$defs/" + name : ref;
    JsonValue raw = name != null ? sourceDefs.get(name) : resolve(ref, path);
    boolean recursive = inlining.contains(pointer) || (name != null && name.equals(normalizing));
    JsonObject target = raw instanceof JsonObject o ? o : null;
    if (target == null && !recursive) {
      target = asSchema(raw, path);
      if (target == null) {
        throw new IllegalArgumentException(
            "tool schema at " + path + ": $ref " + ref + " points to " + raw);
      }
    }
    if (recursive || depth >= MAX_INLINE_DEPTH || !spend(target)) {
      String hoistedName = name != null ? name : hoist(pointer, path, recursive);
      if (name != null) {
        need(name);
      }
      Map<String, JsonValue> labels = new LinkedHashMap<>();
      for (Map.Entry<String, JsonValue> e : siblings.entrySet()) {
        if (LABELS.contains(e.getKey())) {
          labels.put(e.getKey(), e.getValue());
        } else {
          change(
              path,
              "dropped \""
                  + e.getKey()
                  + "\" beside "
                  + (recursive ? "a recursive $ref" : "$ref (inlining it would grow the schema)"));
        }
      }
      keepLabels(labels, path, expansionLabels("#/$defs/" + hoistedName));
      Map<String, JsonValue> out = new LinkedHashMap<>();
      out.put("$ref", JsonString.of("#/$defs/" + hoistedName));
      out.putAll(labels);
      return JsonObject.of(out);
    }
    Map<String, JsonValue> merged = new LinkedHashMap<>(target.members());
    merged.putAll(siblings);
    change(path, "inlined $ref " + ref);
    inlining.push(pointer);
    try {
      return node(JsonObject.of(merged), path, depth + 1);
    } finally {
      inlining.pop();
    }
  }

  /** Drops a label beside a reference whose expansion has it too, and every other keyword. */
  private void keepLabels(Map<String, JsonValue> siblings, String path, Set<String> taken) {
    for (String key : new ArrayList<>(siblings.keySet())) {
      if (!LABELS.contains(key)) {
        siblings.remove(key);
        change(path, "dropped \"" + key + "\" beside \"$ref\"");
      } else if (taken.contains(key)) {
        siblings.remove(key);
        change(
            path,
            "dropped \""
                + key
                + "\" beside \"$ref\": the target has its own (Kimi answers \"conflicting keywords"
                + " found after $ref expansion\")");
      }
    }
  }

  /** Whether a label may stand beside a reference (the expansion has none of its own). */
  private boolean labelFits(String ref, String key) {
    return !expansionLabels(ref).contains(key);
  }

  /**
   * The labels Kimi finds once it expands a reference: those of every schema along a chain of
   * aliases (a $ref with labels only), of the schema at its end, and of that schema's anyOf
   * branches.
   */
  private Set<String> expansionLabels(String ref) {
    if (ref.equals("#")) {
      return rootLabels();
    }
    Set<String> labels = new HashSet<>();
    Set<String> seen = new HashSet<>();
    JsonObject at = normalizedTarget(ref);
    while (at != null && seen.add(ref)) {
      for (String k : LABELS) {
        if (at.has(k)) {
          labels.add(k);
        }
      }
      if (at.get("anyOf") instanceof JsonArray branches) {
        for (JsonValue b : branches.values()) {
          for (String k : LABELS) {
            if (b instanceof JsonObject o && o.has(k)) {
              labels.add(k);
            }
          }
        }
      }
      if (!(at.get("$ref") instanceof JsonString next)
          || !LABELS.containsAll(without(at, "$ref"))) {
        break;
      }
      ref = next.value();
      if (ref.equals("#")) {
        labels.addAll(rootLabels());
        break;
      }
      at = normalizedTarget(ref);
    }
    return labels;
  }

  private static Set<String> without(JsonObject o, String key) {
    Set<String> names = new HashSet<>(o.names());
    names.remove(key);
    return names;
  }

  /**
   * The normalized definition a reference names; for one still being normalized (a recursion), what
   * it will likely hold: its labels as written, and a description where a format or pattern will
   * go.
   */
  private JsonObject normalizedTarget(String ref) {
    if (!ref.startsWith("#/$defs/")) {
      return null;
    }
    String name = ref.substring("#/$defs/".length());
    if (done.contains(name)) {
      return defs.get(name);
    }
    return sourceDefs.get(name) instanceof JsonObject source ? likelyLabels(source) : null;
  }

  private static JsonObject likelyLabels(JsonObject source) {
    Map<String, JsonValue> out = new LinkedHashMap<>();
    if (source.has("title")) {
      out.put("title", source.get("title"));
    }
    if (source.has("description") || source.has("format") || source.has("pattern")) {
      out.put("description", JsonString.of(""));
    }
    List<JsonValue> branches = new ArrayList<>();
    for (String k : List.of("anyOf", "oneOf")) {
      if (source.get(k) instanceof JsonArray list) {
        for (JsonValue b : list.values()) {
          if (b instanceof JsonObject o) {
            branches.add(likelyLabels(o));
          }
        }
      }
    }
    if (!branches.isEmpty()) {
      out.put("anyOf", JsonArray.of(branches));
    }
    return JsonObject.of(out);
  }

  /** The labels of the root and of its anyOf branches, as written. */
  private Set<String> rootLabels() {
    Set<String> labels = new HashSet<>();
    for (String k : LABELS) {
      if (document.has(k)) {
        labels.add(k);
      }
    }
    if (document.get("anyOf") instanceof JsonArray branches) {
      for (JsonValue b : branches.values()) {
        for (String k : LABELS) {
          if (b instanceof JsonObject o && o.has(k)) {
            labels.add(k);
          }
        }
      }
    }
    return labels;
  }

  /** The root definition name of {@code #/$defs/X} or {@code #/definitions/X}, if it exists. */
  private String defName(String ref) {
    for (String prefix : List.of("#/$defs/", "#/definitions/")) {
      if (ref.startsWith(prefix)) {
        String name = unescape(ref.substring(prefix.length()));
        if (!name.contains("/") && sourceDefs.containsKey(name)) {
          return name;
        }
      }
    }
    return null;
  }

  /** Whether a definition, as written, holds a name with '/' anywhere inside. */
  private boolean slashInside(String name) {
    return slashInDefinition.computeIfAbsent(name, n -> hasSlash(sourceDefs.get(n)));
  }

  private static boolean hasSlash(JsonValue v) {
    Deque<JsonValue> work = new ArrayDeque<>();
    work.push(v);
    while (!work.isEmpty()) {
      JsonValue at = work.pop();
      if (at instanceof JsonObject o) {
        for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
          if (e.getKey().indexOf('/') >= 0) {
            return true;
          }
          work.push(e.getValue());
        }
      } else if (at instanceof JsonArray a) {
        a.values().forEach(work::push);
      }
    }
    return false;
  }

  /** The pointer a definition was hoisted from, or null. */
  private String pointerOf(String name) {
    return hoistedFrom.get(name);
  }

  /** Asks for a root definition in the output, normalized after the root. */
  private void need(String name) {
    if (!defs.containsKey(name)) {
      defs.put(name, JsonObject.of()); // reserves the position; normalized later
      pending.add(name);
    }
  }

  /** Moves the target of a JSON pointer into $defs and returns its name. */
  private String hoist(String pointer, String path, boolean recursive) {
    String known = hoisted.get(pointer);
    if (known != null) {
      return known;
    }
    String base = pointer.substring(pointer.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_]", "_");
    String name = base.isEmpty() ? "Schema" : base;
    for (int i = 2; sourceDefs.containsKey(name) || defs.containsKey(name); i++) {
      name = base + "_" + i;
    }
    hoisted.put(pointer, name);
    hoistedFrom.put(name, pointer);
    sourceDefs.put(name, resolve(pointer, path));
    need(name);
    change(
        path,
        recursive
            ? "moved the recursive $ref " + pointer + " to #/$defs/" + name
            : "moved the $ref "
                + pointer
                + " to #/$defs/"
                + name
                + " (inlining it would grow the"
                + " schema)");
    return name;
  }

  /** Resolves an in-document JSON pointer such as {@code #/properties/a/items}. */
  private JsonValue resolve(String ref, String path) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException(
          "tool schema at "
              + path
              + ": $ref "
              + ref
              + " points outside the schema; Kimi resolves only references inside it");
    }
    JsonValue at = document;
    for (String raw : ref.substring(2).split("/", -1)) {
      String token = unescape(raw);
      if (at instanceof JsonObject o && o.has(token)) {
        at = o.get(token);
      } else if (at instanceof JsonArray a
          && token.matches("\\d{1,9}")
          && Integer.parseInt(token) < a.size()) {
        at = a.get(Integer.parseInt(token));
      } else {
        throw new IllegalArgumentException(
            "tool schema at " + path + ": $ref " + ref + " points to nothing in the schema");
      }
    }
    return at;
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }

  /** Takes the size of a schema about to be copied from the budget; false when it is spent. */
  private boolean spend(JsonValue target) {
    long cost = size(target);
    if (cost > inlineBudget) {
      return false;
    }
    inlineBudget -= cost;
    return true;
  }

  /** The number of JSON values in {@code v}, memoized for objects and arrays. */
  private long size(JsonValue v) {
    Long known = sizes.get(v);
    if (known != null) {
      return known;
    }
    long n = 1;
    if (v instanceof JsonObject o) {
      for (JsonValue child : o.members().values()) {
        n += size(child);
      }
      sizes.put(v, n);
    } else if (v instanceof JsonArray a) {
      for (JsonValue child : a.values()) {
        n += size(child);
      }
      sizes.put(v, n);
    }
    return n;
  }
}
