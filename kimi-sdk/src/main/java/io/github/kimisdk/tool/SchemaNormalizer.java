package io.github.kimisdk.tool;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a JSON Schema written for someone else into one Kimi accepts; see JsonSchema#normalize.
 */
final class SchemaNormalizer {

  /** Keywords kept as they are on any schema. */
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
  private static final Set<String> BESIDE_COMBINATOR = Set.of("description", "title");

  private static final int MAX_DEPTH = 64;

  private final JsonObject document;
  private final List<String> changes = new ArrayList<>();

  /** Root definitions by name, as written ($defs and definitions merged). */
  private final Map<String, JsonValue> sourceDefs = new LinkedHashMap<>();

  /** Normalized root definitions, in the order they are first needed. */
  private final Map<String, JsonObject> defs = new LinkedHashMap<>();

  /** Pointers hoisted into $defs, by pointer. */
  private final Map<String, String> hoisted = new LinkedHashMap<>();

  /** Pointers being inlined right now, to detect recursion. */
  private final Deque<String> inlining = new ArrayDeque<>();

  private final Set<String> normalizingDefs = new LinkedHashSet<>();

  private SchemaNormalizer(JsonObject document) {
    this.document = document;
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
    if (top.containsKey("$schema")) {
      top.remove("$schema");
      change("$", "dropped \"$schema\"");
    }
    if (!top.containsKey("type") && !top.containsKey("anyOf") && !top.containsKey("$ref")) {
      top.put("type", JsonString.of("object"));
      change("$", "added \"type\": \"object\" (Kimi takes arguments as an object)");
    }
    JsonObject body = node(JsonObject.of(top), "$", 0);
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
    return new JsonSchema.Normalized(JsonObject.of(out), changes);
  }

  private void change(String path, String what) {
    changes.add(path + ": " + what);
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
    if (m.get("anyOf") instanceof JsonArray branches) {
      return anyOf(m, branches, path, depth);
    } else if (m.containsKey("anyOf")) {
      m.remove("anyOf");
      change(path, "dropped \"anyOf\": not an array of schemas");
    }
    if (!m.containsKey("type")) {
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
    }
    fixEnum(m, path);
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

  /** A property, item or branch schema: {@code true} is the empty schema, {@code false} dropped. */
  private JsonObject asSchema(JsonValue v, String path) {
    if (v instanceof JsonObject o) {
      return o;
    }
    if (v instanceof JsonBoolean b && b.value()) {
      return JsonObject.of();
    }
    change(path, "dropped: " + v + " is not a schema Kimi accepts");
    return null;
  }

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
    if (booleans && !strings && !numbers) {
      return "boolean";
    }
    if (numbers && !strings && !booleans) {
      return integral ? "integer" : "number";
    }
    return "string";
  }

  private static boolean isIntegral(JsonNumber n) {
    String s = n.literal();
    return s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0;
  }

  private void convertConst(Map<String, JsonValue> m, String path) {
    JsonValue c = m.remove("const");
    if (c == null) {
      return;
    }
    if (m.containsKey("enum")) {
      change(path, "dropped \"const\" beside \"enum\"");
    } else if (c instanceof JsonString || c instanceof JsonNumber) {
      m.put("enum", JsonArray.of(c));
      change(path, "\"const\" became a one-value \"enum\" (Kimi has no const)");
    } else if (c instanceof JsonNull) {
      m.put("type", JsonString.of("null"));
      change(path, "\"const\": null became \"type\": \"null\"");
    } else if (c instanceof JsonBoolean) {
      m.put("type", JsonString.of("boolean"));
      describe(m, "always " + c);
      change(path, "\"const\": " + c + " became \"type\": \"boolean\" and a description");
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

  private void fixEnum(Map<String, JsonValue> m, String path) {
    if (!(m.get("enum") instanceof JsonArray values)) {
      if (m.containsKey("enum")) {
        m.remove("enum");
        change(path, "dropped \"enum\": not an array");
      }
      return;
    }
    if (values.isEmpty()) {
      m.remove("enum");
      change(path, "dropped an empty \"enum\"");
      return;
    }
    boolean hasNull = values.values().contains(JsonNull.INSTANCE);
    String kind = enumType(values);
    if (kind.equals("boolean")) {
      m.remove("enum");
      change(path, "dropped an \"enum\" of booleans (Kimi enums hold strings or numbers)");
      return;
    }
    boolean mixed = false;
    List<JsonValue> out = new ArrayList<>();
    for (JsonValue v : values.values()) {
      if (v instanceof JsonNull) {
        out.add(v);
      } else if (kind.equals("string") && !(v instanceof JsonString)) {
        out.add(JsonString.of(v instanceof JsonNumber n ? n.literal() : Json.write(v)));
        mixed = true;
      } else {
        out.add(v);
      }
    }
    if (mixed) {
      m.put("enum", JsonArray.of(out));
      change(path, "\"enum\" values became strings (Kimi does not mix strings and numbers)");
      if (!typeIncludes(m.get("type"), "string")) {
        m.put(
            "type",
            hasNull
                ? JsonArray.of(JsonString.of("string"), JsonString.of("null"))
                : JsonString.of("string"));
        change(path, "\"type\" became \"string\" to match the enum");
      }
    }
    if (hasNull && !typeIncludes(m.get("type"), "null")) {
      m.put("type", withNull(m.get("type")));
      change(path, "added \"null\" to \"type\": the enum holds null");
    }
  }

  private static boolean typeIncludes(JsonValue type, String name) {
    if (type instanceof JsonString s) {
      return s.value().equals(name);
    }
    return type instanceof JsonArray a && a.values().contains(JsonString.of(name));
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

  /**
   * A schema with {@code anyOf}: the branches are normalized, and every keyword beside it but
   * {@code description} and {@code title} is moved into each branch (Kimi answers "type should be
   * defined in anyOf items instead of the parent schema").
   */
  private JsonObject anyOf(Map<String, JsonValue> m, JsonArray branches, String path, int depth) {
    Map<String, JsonValue> outer = new LinkedHashMap<>();
    Map<String, JsonValue> shared = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : m.entrySet()) {
      if (e.getKey().equals("anyOf")) {
        continue;
      }
      if (BESIDE_COMBINATOR.contains(e.getKey())) {
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
    JsonArray.Builder out = JsonArray.builder();
    int kept = 0;
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
      kept++;
    }
    if (kept == 0) {
      throw new IllegalArgumentException(
          "tool schema at " + path + ": cannot normalize an anyOf without a usable branch");
    }
    outer.put("anyOf", out.build());
    return JsonObject.of(outer);
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
    JsonValue target = resolve(ref, path);
    Map<String, JsonValue> out = new LinkedHashMap<>(target.asObject().members());
    for (Map.Entry<String, JsonValue> e : at.members().entrySet()) {
      if (!e.getKey().equals("$ref")) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return JsonObject.of(out);
  }

  /**
   * A schema with {@code $ref}. {@code "#"} stays. A reference to a root definition stays, as
   * {@code #/$defs/<name>}, when only a description or title stands beside it and the target has
   * none of its own. Any other local reference (a JSON pointer such as {@code #/properties/a}, or
   * one with further keywords beside it) is inlined; one that points into itself while being
   * inlined is moved to {@code $defs} instead. A reference outside the document cannot be
   * normalized.
   */
  private JsonObject ref(Map<String, JsonValue> m, String path, int depth) {
    JsonValue refValue = m.remove("$ref");
    if (!(refValue instanceof JsonString rs)) {
      throw new IllegalArgumentException(
          "tool schema at " + path + ": $ref must be a string: " + refValue);
    }
    String ref = rs.value();
    if (m.remove("type") != null) {
      change(path, "dropped \"type\" beside \"$ref\" (Kimi wants it in the referenced schema)");
    }
    Map<String, JsonValue> siblings = new LinkedHashMap<>(m);
    if (ref.equals("#")) {
      keepAllowedSiblings(siblings, path, null);
      siblings.put("$ref", rs);
      return JsonObject.of(siblings);
    }
    String name = defName(ref);
    boolean onlyLabels = BESIDE_COMBINATOR.containsAll(siblings.keySet());
    if (name != null && onlyLabels) {
      JsonObject target = definition(name, path, depth);
      keepAllowedSiblings(siblings, path, target);
      Map<String, JsonValue> out = new LinkedHashMap<>();
      out.put("$ref", JsonString.of("#/$defs/" + name));
      out.putAll(siblings);
      if (!ref.startsWith("#/$defs/")) {
        change(path, "$ref " + ref + " became #/$defs/" + name);
      }
      return JsonObject.of(out);
    }
    String pointer = name != null ? "#/$defs/" + name : ref;
    if (inlining.contains(pointer) || (name != null && normalizingDefs.contains(name))) {
      String hoistedName = name != null ? name : hoist(pointer, path, depth);
      if (name != null) {
        definition(name, path, depth);
      }
      if (!siblings.isEmpty()) {
        change(path, "dropped " + siblings.keySet() + " beside a recursive $ref");
      }
      return JsonObject.of("$ref", JsonString.of("#/$defs/" + hoistedName));
    }
    JsonValue target = name != null ? sourceDefs.get(name) : resolve(ref, path);
    JsonObject t = asSchema(target, path);
    if (t == null) {
      throw new IllegalArgumentException(
          "tool schema at " + path + ": $ref " + ref + " points to " + target);
    }
    Map<String, JsonValue> merged = new LinkedHashMap<>(t.members());
    merged.putAll(siblings);
    change(path, "inlined $ref " + ref);
    inlining.push(pointer);
    try {
      return node(JsonObject.of(merged), path, depth + 1);
    } finally {
      inlining.pop();
    }
  }

  /** Keeps description and title beside a reference unless the target has its own. */
  private void keepAllowedSiblings(
      Map<String, JsonValue> siblings, String path, JsonObject target) {
    for (String key : new ArrayList<>(siblings.keySet())) {
      if (!BESIDE_COMBINATOR.contains(key)) {
        siblings.remove(key);
        change(path, "dropped \"" + key + "\" beside \"$ref\"");
      } else if (target != null && target.has(key)) {
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

  /** Normalizes a root definition on first use and returns it. */
  private JsonObject definition(String name, String path, int depth) {
    JsonObject done = defs.get(name);
    if (done != null || normalizingDefs.contains(name)) {
      return done != null ? done : JsonObject.of();
    }
    JsonObject source = asSchema(sourceDefs.get(name), "$.$defs." + name);
    if (source == null) {
      throw new IllegalArgumentException(
          "tool schema at " + path + ": $ref #/$defs/" + name + " is not a schema");
    }
    normalizingDefs.add(name);
    defs.put(name, JsonObject.of()); // reserves the position; filled below
    try {
      JsonObject n = node(source, "$.$defs." + name, depth + 1);
      defs.put(name, n);
      return n;
    } finally {
      normalizingDefs.remove(name);
    }
  }

  /** Moves the target of a recursive JSON pointer into $defs and returns its name. */
  private String hoist(String pointer, String path, int depth) {
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
    sourceDefs.put(name, resolve(pointer, path));
    change(path, "moved the recursive $ref " + pointer + " to #/$defs/" + name);
    definition(name, path, depth);
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

  private static JsonObject typed(String type) {
    return JsonObject.of("type", JsonString.of(type));
  }
}
