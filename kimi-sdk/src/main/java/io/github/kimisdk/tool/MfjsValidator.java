package io.github.kimisdk.tool;

import io.github.kimisdk.base.bind.JsonKind;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a schema as Moonshot's MFJS validator, walle, does at its default level; see JsonSchema.
 *
 * <p>Design. walle (github.com/MoonshotAI/walle, read at commit 196bb0c) is the validator behind
 * Kimi's 400 "not a valid moonshot flavored json schema". This class applies its rules in its
 * order, so that the first rule broken is the one Kimi would name, at the path walle names, with
 * walle's words in the message. It runs in phases, as walle does:
 *
 * <ol>
 *   <li>a scan of the whole document: every number must fit a double (walle cannot parse it
 *       otherwise), and the compact JSON must stay under the size limit;
 *   <li>a traversal of the schema positions ($defs first, then the keywords of each schema in
 *       sorted order, then properties, items, additionalProperties and anyOf), which checks every
 *       keyword and records every {@code $ref} with the nesting depth where it stands;
 *   <li>the depth check: the deepest nesting of properties, counting through every {@code $ref};
 *   <li>the reference checks: every {@code $ref} resolves, keywords beside it do not collide with
 *       the referenced schema, and, unless the root can be finite anyway, every reference can end.
 * </ol>
 *
 * <p>Where walle's answer depends on Go's random map order (which property is reported first, and
 * three corner cases named in the comments below), this class picks one answer and keeps it.
 *
 * <p>Bounds. Everything is linear in the size of the document except the depth through recursive
 * definitions, where walle follows each reference at most once per path (exponential in the worst
 * case); that search is exact within a budget of steps and falls back to a linear estimate (a
 * recursion is not unrolled) beyond it. Recursion in this class is bounded by the JSON nesting,
 * which is refused beyond {@link #MAX_NESTING}.
 */
final class MfjsValidator {

  /**
   * walle's configurable limits.
   *
   * @param maxDepth levels of properties inside properties, counted through $ref
   * @param maxTotalProperties property names over all objects of the schema
   * @param maxEnumItems values of one enum
   * @param maxAnyOfItems branches of one anyOf
   * @param maxSize bytes of the schema written as compact JSON
   */
  record Limits(
      int maxDepth, int maxTotalProperties, int maxEnumItems, int maxAnyOfItems, int maxSize) {

    /**
     * What Kimi enforces, as far as is known: walle's defaults (conf.go), except the depth, which
     * Kimi reports as "schema depth exceeds maximum limit of 10" (anomalyco/opencode#25495, K2.6,
     * 2026-05) where walle's default is 30.
     */
    static final Limits KIMI = new Limits(10, 3000, 1000, 500, 120_000);

    /** The configuration walle runs its validator cases with (validator_test.go): depth 5. */
    static final Limits WALLE_TESTS = new Limits(5, 3000, 1000, 500, 120_000);
  }

  /** JSON nesting (objects and arrays) beyond which a schema is refused outright. */
  static final int MAX_NESTING = 512;

  /** Steps of the exact depth search through recursive definitions, per schema. */
  private static final int DEPTH_SEARCH_BUDGET = 100_000;

  private static final Set<String> TYPES =
      Set.of("null", "boolean", "object", "array", "number", "integer", "string");
  private static final Set<String> SUPPORTED =
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
          "pattern"); // walle lists pattern as a "future" keyword: not refused
  private static final Set<String> COMMON = Set.of("description", "title");
  private static final Set<String> ROOT_ONLY = Set.of("$defs", "$id");
  private static final Set<String> RESERVED_NAMES =
      Set.of("$defs", "$ref", "anyOf", "required", "additionalProperties");
  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "object",
          Set.of(
              "type",
              "properties",
              "required",
              "additionalProperties",
              "$ref",
              "anyOf",
              "default",
              "description",
              "title"),
          "array",
          Set.of(
              "type", "items", "minItems", "maxItems", "$ref", "default", "description", "title"),
          "string",
          Set.of(
              "type",
              "minLength",
              "maxLength",
              "pattern",
              "enum",
              "default",
              "description",
              "title"),
          "number",
          Set.of("type", "minimum", "maximum", "enum", "default", "description", "title"),
          "integer",
          Set.of("type", "minimum", "maximum", "enum", "default", "description", "title"),
          "boolean",
          Set.of("type", "enum", "default", "description", "title"),
          "null",
          Set.of("type", "enum", "default", "description", "title"));
  private static final String NORMALIZE_HINT = " (JsonSchema.normalize(schema) does this)";

  private final JsonObject root;
  private final Limits limits;
  private final String label;
  private final boolean hints;
  private int totalProperties;

  /** Every $ref string met by the traversal, in order. */
  private final Set<String> refs = new LinkedHashSet<>();

  /** Every $ref met by the traversal with the depth it stands at. */
  private final List<Site> sites = new ArrayList<>();

  private final Map<String, JsonObject> resolved = new HashMap<>();
  private final Set<String> unresolvable = new HashSet<>();

  private record Site(String ref, int depth) {}

  private MfjsValidator(JsonObject root, Limits limits, String label, boolean hints) {
    this.root = root;
    this.limits = limits;
    this.label = label;
    this.hints = hints;
  }

  /** Where JsonSchema.normalize fixes a rule, the message says so, unless it comes from there. */
  private String hint() {
    return hints ? NORMALIZE_HINT : "";
  }

  // ---------------------------------------------------------------------------------- entry

  /**
   * Checks {@code schema} as walle does; the root may be any object schema.
   *
   * @param label how messages name the schema, such as "tool schema"
   */
  static void check(JsonValue schema, Limits limits, String label) {
    JsonObject root = requireObject(schema, label);
    new MfjsValidator(root, limits, label, true).run();
  }

  /** Checks the result of JsonSchema.normalize: messages do not point back at it. */
  static void checkNormalized(JsonObject schema) {
    new MfjsValidator(schema, Limits.KIMI, "tool schema", false).run();
  }

  /** The keywords walle accepts on a schema of one type, besides $defs and $id at the root. */
  static Set<String> allowedKeywords(String type) {
    return ALLOWED.get(type);
  }

  /**
   * Checks tool parameters: walle's rules, and first the rule Kimi applies to tools before walle,
   * that the root is {@code "type": "object"}.
   */
  static void checkToolParameters(JsonValue schema, Limits limits) {
    String label = "tool schema";
    JsonObject root = requireObject(schema, label);
    if (!(root.get("type") instanceof JsonString t) || !t.value().equals("object")) {
      throw new IllegalArgumentException(
          label
              + " at $: the root must have \"type\": \"object\" (Kimi takes arguments as an object"
              + " and answers \"tools.function.parameters.type is required and must be"
              + " \\\"object\\\"\"); declare the arguments as properties of an object schema");
    }
    new MfjsValidator(root, limits, label, true).run();
  }

  private static JsonObject requireObject(JsonValue schema, String label) {
    if (schema instanceof JsonObject o) {
      return o;
    }
    if (schema instanceof JsonNull) {
      throw new IllegalArgumentException(
          label
              + " at $: schema must be a dict (a JSON object), not null; send an object schema"
              + " such as {\"type\":\"object\"}");
    }
    throw new IllegalArgumentException(
        label
            + " at $: JSON schema parsing error: the schema must be a JSON object, not "
            + JsonKind.of(schema.type())
            + "; send an object schema such as {\"type\":\"object\"}");
  }

  private void run() {
    long size = scan(root, Path.ROOT, 0);
    if (root.isEmpty()) {
      return; // {} is walle's "anything"
    }
    if (size > limits.maxSize()) {
      throw fail(
          Path.ROOT,
          "schema exceeds maximum allowed size ("
              + size
              + " bytes, at most "
              + limits.maxSize()
              + ")",
          "shorten the descriptions, or split the tool into smaller ones");
    }
    int depth = traverse(root, Path.ROOT, 0);
    depth = Math.max(depth, new Depths().deepestSite());
    if (depth > limits.maxDepth()) {
      throw fail(
          Path.ROOT, "schema depth exceeds maximum limit of " + limits.maxDepth(), depthFix());
    }
    checkReferences();
  }

  private String depthFix() {
    return "nest objects at most "
        + limits.maxDepth()
        + " levels deep (properties within properties, counted through every $ref); flatten"
        + " the deepest ones";
  }

  // ------------------------------------------------------------------------------ messages

  /**
   * The message of a broken rule: {@code "<label> at <path>: <problem>; <fix>"}, where the problem
   * is what Kimi's validator says at that place, in its words (it never holds "; ", so the first ";
   * " ends it: FakeKimiServer answers with it as Kimi does), and the fix is the SDK's advice.
   */
  private IllegalArgumentException fail(Path at, String problem, String fix) {
    assert !problem.contains("; ") : problem;
    return new IllegalArgumentException(label + " at " + at.text + ": " + problem + "; " + fix);
  }

  private static String join(Iterable<String> names) {
    return String.join(", ", names);
  }

  // ---------------------------------------------------------------------------------- scan

  /**
   * Checks that every number fits a double and returns the length walle measures: the document as
   * Go's encoding/json writes it (compact, with {@code <}, {@code >} and {@code &} escaped);
   * numbers are counted as written, which is close to Go's shortest form.
   */
  private long scan(JsonValue v, Path path, int nesting) {
    if (v instanceof JsonObject o) {
      if (nesting >= MAX_NESTING) {
        throw fail(path, "nested deeper than " + MAX_NESTING + " levels", "flatten the schema");
      }
      long n = 2 + Math.max(0, o.size() - 1);
      for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
        n += goStringLength(e.getKey()) + 1 + scan(e.getValue(), path.key(e.getKey()), nesting + 1);
      }
      return n;
    }
    if (v instanceof JsonArray a) {
      if (nesting >= MAX_NESTING) {
        throw fail(path, "nested deeper than " + MAX_NESTING + " levels", "flatten the schema");
      }
      long n = 2 + Math.max(0, a.size() - 1);
      for (int i = 0; i < a.size(); i++) {
        n += scan(a.get(i), path.index("", i), nesting + 1);
      }
      return n;
    }
    if (v instanceof JsonString s) {
      return goStringLength(s.value());
    }
    if (v instanceof JsonNumber num) {
      try {
        num.doubleValue();
      } catch (JsonException e) {
        throw fail(
            path,
            "JSON schema parsing error: the number "
                + num.literal()
                + " is beyond the range of a double",
            "write a number between -1.8e308 and 1.8e308");
      }
      return num.literal().length();
    }
    if (v instanceof JsonBoolean b) {
      return b.value() ? 4 : 5;
    }
    return 4; // null
  }

  private static long goStringLength(String s) {
    long n = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
        n += 2;
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
        n += 6;
      } else if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3; // a lone surrogate becomes U+FFFD, also three bytes
      }
    }
    return n;
  }

  // ----------------------------------------------------------------------------- traversal

  /** Checks one schema and those below it; returns the deepest properties level reached. */
  private int traverse(JsonObject node, Path path, int depth) {
    if (depth > limits.maxDepth()) {
      throw fail(path, "schema depth exceeds maximum limit of " + limits.maxDepth(), depthFix());
    }
    List<String> unsupported = new ArrayList<>();
    for (String k : new TreeSet<>(node.names())) {
      if (!SUPPORTED.contains(k)) {
        unsupported.add(k);
      }
    }
    if (!unsupported.isEmpty()) {
      throw fail(
          path,
          "unsupported keywords: " + join(unsupported),
          "remove them; MFJS takes only type, properties, required, additionalProperties, items,"
              + " anyOf, enum, $ref, $defs, $id, description, title, default, minLength,"
              + " maxLength, pattern, minimum, maximum, minItems and maxItems"
              + hint());
    }
    int max = depth;
    if (node.get("$defs") instanceof JsonObject defs) {
      Path at = path.key("$defs");
      for (String name : new TreeSet<>(defs.names())) {
        if (!(defs.get(name) instanceof JsonObject def)) {
          throw fail(at, "$defs schema must be object", "make \"" + name + "\" a schema object");
        }
        max = Math.max(max, traverse(def, at.name(name), depth));
      }
    }
    if (node.has("type")) {
      if (node.has("anyOf")) {
        throw fail(
            path,
            "when using anyOf, type should be defined in anyOf items instead of the parent schema",
            "move \"type\" into each branch" + hint());
      }
      if (node.has("$ref")) {
        throw fail(
            path,
            "when using $ref, type should be defined in the referenced schema instead of the"
                + " parent schema",
            "drop \"type\" here, the referenced schema has its own" + hint());
      }
      if (node.get("type") instanceof JsonArray list && list.size() > 1 && node.has("enum")) {
        for (JsonValue t : list.values()) {
          if (t instanceof JsonString s
              && (s.value().equals("object") || s.value().equals("array"))) {
            throw fail(
                path,
                "type " + s.value() + " is not allowed in combination with enum",
                "an enum lists strings, numbers, booleans or null; drop the enum or the type "
                    + s.value());
          }
        }
      }
    }
    typeAndKeywords(node, path);
    keywords(node, path);
    anyOfConflicts(node, path);
    if (node.get("$ref") instanceof JsonString ref) {
      sites.add(new Site(ref.value(), depth));
    }
    if (node.get("properties") instanceof JsonObject props) {
      totalProperties += props.size();
      if (totalProperties > limits.maxTotalProperties()) {
        throw fail(
            path,
            "total number of properties keys("
                + totalProperties
                + ") across all objects exceeds maximum limit of "
                + limits.maxTotalProperties(),
            "declare fewer properties, or split the tool into smaller ones");
      }
      Path at = path.key("properties");
      for (Map.Entry<String, JsonValue> p : props.members().entrySet()) {
        if (p.getValue() instanceof JsonObject child) {
          max = Math.max(max, traverse(child, at.name(p.getKey()), depth + 1));
        }
      }
    }
    if (node.get("items") instanceof JsonObject items) {
      max = Math.max(max, traverse(items, path.key("items"), depth));
    }
    if (node.get("additionalProperties") instanceof JsonObject additional) {
      max = Math.max(max, traverse(additional, path.key("additionalProperties"), depth));
    }
    if (node.get("anyOf") instanceof JsonArray branches) {
      for (int i = 0; i < branches.size(); i++) {
        if (branches.get(i) instanceof JsonObject b) {
          max = Math.max(max, traverse(b, path.index("anyOf", i), depth));
        }
      }
    }
    return max;
  }

  private void typeAndKeywords(JsonObject node, Path path) {
    JsonValue typeValue = node.get("type");
    if (typeValue == null) {
      return;
    }
    List<String> types = new ArrayList<>();
    if (typeValue instanceof JsonString s) {
      if (!TYPES.contains(s.value())) {
        throw fail(path, "invalid type \"" + s.value() + "\"", typeFix());
      }
      types.add(s.value());
    } else if (typeValue instanceof JsonArray list) {
      for (JsonValue t : list.values()) {
        if (!(t instanceof JsonString s) || !TYPES.contains(s.value())) {
          throw fail(path, "invalid type in type array: " + t, typeFix());
        }
        types.add(s.value());
      }
      if (types.isEmpty()) {
        throw fail(
            path, "type array cannot be empty", "name at least one type, such as \"string\"");
      }
    }
    if (types.size() > 1) {
      JsonValue e = node.get("enum");
      boolean enumAllowed = false;
      if (types.size() == 2 && e != null && !(e instanceof JsonNull)) {
        if (types.contains("object") || types.contains("array")) {
          throw fail(
              path,
              "object and array cannot be used in combination with multiple types",
              "an enum lists strings, numbers, booleans or null; drop the enum");
        }
        enumAllowed = true;
      }
      for (String k : node.names()) {
        boolean ok =
            enumAllowed
                || k.equals("type")
                || COMMON.contains(k)
                || (path.isRoot() && ROOT_ONLY.contains(k));
        if (!ok) {
          throw fail(
              path,
              "keyword " + k + " is not allowed in combination with multiple types",
              "beside a list of types only description and title may stand; write an anyOf of"
                  + " one schema per type instead");
        }
      }
    }
    if (types.isEmpty()) {
      return; // a type that is neither a string nor an array is reported with the keywords
    }
    if (!path.isRoot()) {
      for (String k : node.names()) {
        if (ROOT_ONLY.contains(k)) {
          throw fail(
              path,
              "keyword " + k + " must be at root level",
              "move it to the root of the schema" + hint());
        }
      }
    }
    Set<String> allowed = null;
    for (String t : types) {
      if (allowed == null) {
        allowed = new HashSet<>(ALLOWED.get(t));
      } else {
        allowed.retainAll(ALLOWED.get(t));
      }
    }
    if (path.isRoot()) {
      allowed.addAll(ROOT_ONLY);
    }
    TreeSet<String> invalid = new TreeSet<>();
    for (String k : node.names()) {
      if (!allowed.contains(k)) {
        invalid.add(k);
      }
    }
    if (!invalid.isEmpty()) {
      throw fail(
          path,
          "invalid keywords: " + join(invalid),
          "remove them; " + describe(types) + " takes only " + join(new TreeSet<>(allowed)));
    }
    if ((node.has("minLength") || node.has("maxLength")) && allowed.contains("minLength")) {
      countRange(node, path, "minLength", "maxLength");
    }
    if ((node.has("minimum") || node.has("maximum")) && allowed.contains("minimum")) {
      numericRange(node, path, types.contains("integer"));
    }
    if ((node.has("minItems") || node.has("maxItems")) && allowed.contains("minItems")) {
      countRange(node, path, "minItems", "maxItems");
    }
  }

  private static String typeFix() {
    return "use null, boolean, object, array, number, integer or string";
  }

  private static String describe(List<String> types) {
    return types.size() == 1
        ? "a schema of type " + types.get(0)
        : "a schema of types " + String.join(" and ", types);
  }

  /** minLength/maxLength or minItems/maxItems: non-negative integers, the minimum first. */
  private void countRange(JsonObject node, Path path, String minKey, String maxKey) {
    double min = count(node, path, minKey);
    double max = count(node, path, maxKey);
    if (!Double.isNaN(min) && !Double.isNaN(max) && min > max) {
      throw fail(
          path.key(minKey),
          minKey
              + " ("
              + literal(node.get(minKey))
              + ") cannot be greater than "
              + maxKey
              + " ("
              + literal(node.get(maxKey))
              + ")",
          "swap them, or drop one");
    }
  }

  /** The count at {@code key}, or NaN when absent or null. */
  private double count(JsonObject node, Path path, String key) {
    JsonValue v = node.get(key);
    if (v == null || v instanceof JsonNull) {
      return Double.NaN;
    }
    if (!(v instanceof JsonNumber n)) {
      throw fail(path, key + " must be an integer, not " + v, "write a whole number such as 3");
    }
    double d = n.doubleValue();
    if (d < 0) {
      throw fail(path, key + " must be non-negative: " + n.literal(), "write 0 or more");
    }
    if (Math.floor(d) != d) {
      throw fail(
          path,
          "not a valid integer: " + key + " is " + n.literal(),
          "write a whole number such as 3");
    }
    return d;
  }

  private void numericRange(JsonObject node, Path path, boolean integer) {
    double min = bound(node, path, "minimum", integer);
    double max = bound(node, path, "maximum", integer);
    if (!Double.isNaN(min) && !Double.isNaN(max) && min > max) {
      throw fail(
          path,
          "minimum ("
              + literal(node.get("minimum"))
              + ") cannot be greater than maximum ("
              + literal(node.get("maximum"))
              + ")",
          "swap them, or drop one");
    }
  }

  private double bound(JsonObject node, Path path, String key, boolean integer) {
    JsonValue v = node.get(key);
    if (v == null || v instanceof JsonNull) {
      return Double.NaN;
    }
    if (!(v instanceof JsonNumber n)) {
      throw fail(
          path,
          key + (integer ? " must be an integer, not " : " must be a number, not ") + v,
          "write it as a JSON number, without quotes");
    }
    double d = n.doubleValue();
    if (integer && Math.floor(d) != d) {
      throw fail(
          path,
          "not a valid integer: " + key + " is " + n.literal() + " on an integer schema",
          "write a whole number (round "
              + (key.equals("minimum") ? "up" : "down")
              + ", it means the same for integers)");
    }
    return d;
  }

  private static String literal(JsonValue v) {
    return v instanceof JsonNumber n ? n.literal() : String.valueOf(v);
  }

  /** The checks walle runs per keyword, in the sorted order of the keywords. */
  private void keywords(JsonObject node, Path path) {
    for (String k : new TreeSet<>(node.names())) {
      JsonValue v = node.get(k);
      switch (k) {
        case "$defs" -> defs(v, path.key(k));
        case "$id" -> {
          if (!(v instanceof JsonNull) && !(v instanceof JsonString)) {
            throw fail(
                path.key(k), "$id must be a string, not " + v, "write it as a string, or drop it");
          }
        }
        case "$ref" -> ref(node, v, path);
        case "additionalProperties" -> {
          if (!(v instanceof JsonBoolean) && !(v instanceof JsonObject)) {
            throw fail(
                path.key(k),
                "additionalProperties must be a boolean or an object, not " + v,
                "write false to forbid other properties, or a schema for their values");
          }
        }
        case "anyOf" -> anyOf(node, v, path);
        case "description" -> {
          if (!(v instanceof JsonString)) {
            throw fail(
                path.key(k), "description must be a string, not " + v, "write it as a string");
          }
        }
        case "enum" -> enumValues(node, v, path);
        case "items" -> {
          if (!(v instanceof JsonObject)) {
            throw fail(
                path.key(k),
                "items must be an object, not " + v,
                "give one schema for every element; Kimi has no tuples (prefixItems)" + hint());
          }
        }
        case "pattern" -> {
          if (!(v instanceof JsonNull) && !(v instanceof JsonString)) {
            throw fail(path.key(k), "pattern must be a string, not " + v, "write it as a string");
          }
        }
        case "properties" -> properties(v, path.key(k));
        case "required" -> required(node, v, path);
        case "type" -> typeKeyword(v, path);
        default -> {
          // title, default and the ranges have no check of their own
        }
      }
    }
  }

  private void typeKeyword(JsonValue v, Path path) {
    if (v instanceof JsonString) {
      return;
    }
    if (v instanceof JsonArray list) {
      Set<JsonValue> seen = new HashSet<>();
      for (JsonValue t : list.values()) {
        if (!seen.add(t)) {
          throw fail(
              path.key("type"), "duplicate types in type array: " + t, "name each type once");
        }
      }
      return;
    }
    throw fail(
        path,
        "type must be string or array of strings, not " + v,
        "write a type name such as \"string\", or a list such as [\"string\", \"null\"]");
  }

  private void properties(JsonValue v, Path at) {
    if (!(v instanceof JsonObject props)) {
      throw fail(
          at,
          "properties must be an object, not " + v,
          "map each property name to its schema, such as {\"city\": {\"type\": \"string\"}}");
    }
    for (Map.Entry<String, JsonValue> p : props.members().entrySet()) {
      String name = p.getKey();
      if (name.isEmpty()) {
        throw fail(at, "property name cannot be empty", "give the property a name");
      }
      if (RESERVED_NAMES.contains(name)) {
        throw fail(
            at,
            "property name '" + name + "' is reserved for JSON Schema keywords",
            "rename it: Kimi does not accept a property named \""
                + name
                + "\" ($defs, $ref, anyOf, required and additionalProperties cannot be property"
                + " names)");
      }
      if (!(p.getValue() instanceof JsonObject)) {
        throw fail(
            at,
            "property schema for '" + name + "' must be an object, not " + p.getValue(),
            "write a schema object such as {\"type\": \"string\"}" + hint());
      }
    }
  }

  private void required(JsonObject node, JsonValue v, Path path) {
    Path at = path.key("required");
    if (!(v instanceof JsonArray names)) {
      throw fail(
          at, "required must be an array, not " + v, "list the property names, such as [\"city\"]");
    }
    if (names.isEmpty()) {
      return;
    }
    for (JsonValue n : names.values()) {
      if (!(n instanceof JsonString s)) {
        throw fail(
            at, "items in required array must be strings: " + n, "list property names as strings");
      }
      if (s.value().isEmpty()) {
        throw fail(at, "property names in required array cannot be empty", "remove the empty name");
      }
    }
    Set<JsonValue> seen = new HashSet<>();
    for (JsonValue n : names.values()) {
      if (!seen.add(n)) {
        throw fail(
            at,
            "duplicate items in required array: " + ((JsonString) n).value(),
            "name each property once");
      }
    }
    if (path.unresolvable) {
      throw unresolvable(at, path);
    }
    JsonValue type = node.get("type");
    boolean object =
        type instanceof JsonString s
            ? s.value().equals("object")
            : !(type instanceof JsonArray list)
                || (list.size() == 1 && list.get(0).equals(JsonString.of("object")));
    if (type == null || !object) {
      throw fail(
          at,
          "required keyword must be used with object",
          "give this schema \"type\": \"object\" and its properties, or drop \"required\"");
    }
    if (!(node.get("properties") instanceof JsonObject props)) {
      throw fail(
          at,
          "required specified but 'properties' keyword is missing",
          "declare the required names under \"properties\"");
    }
    for (JsonValue n : names.values()) {
      String name = ((JsonString) n).value();
      if (!props.has(name)) {
        throw fail(
            at,
            "required property '" + name + "' is not defined in properties",
            "declare \"" + name + "\" under \"properties\", or drop it from \"required\"");
      }
    }
  }

  /** walle misreads a name holding both '{' and '}' on the path as an anyOf index. */
  private IllegalArgumentException unresolvable(Path at, Path path) {
    return fail(
        at,
        "invalid path: " + path.text,
        "Kimi's validator reads a name holding '{' and '}' as an anyOf index: rename the"
            + " property or definition on the way so that it has no '{' and '}'");
  }

  private void enumValues(JsonObject node, JsonValue v, Path path) {
    Path at = path.key("enum");
    if (!(v instanceof JsonArray values)) {
      throw fail(at, "enum must be an array, not " + v, "list the values, such as [\"a\", \"b\"]");
    }
    if (values.isEmpty()) {
      throw fail(at, "enum array cannot be empty", "list at least one value, or drop the enum");
    }
    if (values.size() > limits.maxEnumItems()) {
      throw fail(
          at,
          "enum array cannot have more than " + limits.maxEnumItems() + " items",
          "shorten the list, or describe the values in the description instead");
    }
    if (path.unresolvable) {
      throw unresolvable(at, path);
    }
    JsonValue type = node.get("type");
    if (type == null) {
      throw fail(
          path,
          "type is not defined",
          "an enum needs a \"type\" beside it: add one matching the values, such as \"string\""
              + hint());
    }
    List<String> types = new ArrayList<>();
    if (type instanceof JsonString s) {
      types.add(s.value());
    } else if (type instanceof JsonArray list) {
      for (JsonValue t : list.values()) {
        if (!(t instanceof JsonString s)) {
          throw fail(path, "type array must be an array of strings", typeFix());
        }
        types.add(s.value());
      }
    } else {
      throw fail(path, "invalid type value " + type, typeFix());
    }
    if (types.size() > 2 || (types.size() == 2 && !types.contains("null"))) {
      throw fail(
          path,
          "when type is array and enum is specified, currently only 2 types are supported, one"
              + " must be null, and the other can be string/integer/number/boolean",
          "give one type, or one type and \"null\"");
    }
    if (types.size() == 2) {
      String other = types.get(0).equals("null") ? types.get(1) : types.get(0);
      if (!Set.of("string", "integer", "number", "boolean").contains(other)) {
        throw fail(
            path,
            "invalid type combination with enum: " + other + " + null",
            "pair \"null\" with string, integer, number or boolean");
      }
    }
    for (JsonValue value : values.values()) {
      boolean matched = false;
      for (String t : types) {
        if (matches(value, t, at)) {
          matched = true;
          break;
        }
      }
      if (!matched) {
        throw fail(
            at,
            "enum value ("
                + goValue(value)
                + ") does not match any type in ["
                + String.join(" ", types)
                + "]",
            "make every value match the type, or change the type");
      }
    }
  }

  /** Whether an enum value is of a type; walle refuses outright a non-number for a number type. */
  private boolean matches(JsonValue value, String type, Path at) {
    switch (type) {
      case "string":
        return value instanceof JsonString;
      case "number":
        if (!(value instanceof JsonNumber)) {
          throw fail(
              at,
              "not a valid number: " + value,
              value instanceof JsonNull
                  ? numberNullHint()
                  : "write the values as JSON numbers, without quotes");
        }
        return true;
      case "integer":
        if (!(value instanceof JsonNumber n)) {
          throw fail(
              at,
              "not a valid integer: " + value,
              value instanceof JsonNull
                  ? numberNullHint()
                  : "write the values as whole JSON numbers, without quotes");
        }
        double d = n.doubleValue();
        if (Math.floor(d) != d) {
          throw fail(
              at,
              "not a valid integer: " + n.literal(),
              "write whole numbers, or make the type \"number\"");
        }
        return true;
      case "boolean":
        return value instanceof JsonBoolean;
      case "null":
        return value instanceof JsonNull;
      case "array":
        return value instanceof JsonArray;
      case "object":
        return value instanceof JsonObject;
      default:
        throw new AssertionError(type);
    }
  }

  private static String numberNullHint() {
    return "Kimi checks each value against the types in order: put \"null\" first in the type"
        + " list";
  }

  /** A value as Go's %v prints it in walle's messages. */
  private static String goValue(JsonValue v) {
    if (v instanceof JsonString s) {
      return s.value();
    }
    if (v instanceof JsonNull) {
      return "<nil>";
    }
    return v.toString();
  }

  private void ref(JsonObject node, JsonValue v, Path path) {
    Path at = path.key("$ref");
    if (!(v instanceof JsonString s)) {
      throw fail(
          at,
          "$ref must be a string, not " + v,
          "write a reference such as \"#/$defs/Name\", or \"#\" for the whole schema");
    }
    String r = s.value();
    if (r.equals("#")) {
      refs.add(r);
      return;
    }
    if (!r.startsWith("#/$defs/")) {
      throw fail(
          at,
          "references must start with #/$defs/: " + r,
          "point at a definition under the root's $defs, such as \"#/$defs/Name\", or use \"#\""
              + " for the whole schema"
              + (r.startsWith("#/") ? hint() : "; Kimi resolves only references inside"));
    }
    if (r.length() == "#/$defs/".length()) {
      throw fail(at, "definition name cannot be empty", "name the definition after #/$defs/");
    }
    if (!root.has("$defs")) {
      throw fail(
          at,
          "$defs not found for reference: " + r,
          "add the definition under \"$defs\" at the root of the schema");
    }
    if (path.unresolvable) {
      throw unresolvable(at, path);
    }
    for (String k : node.names()) {
      if (k.equals("$ref") || (path.isRoot() && ROOT_ONLY.contains(k)) || COMMON.contains(k)) {
        continue;
      }
      throw fail(
          path,
          "keyword '" + k + "' is not allowed at the same level as $ref",
          "only description and title may stand beside $ref; move '"
              + k
              + "' into the referenced schema"
              + hint());
    }
    refs.add(r);
  }

  private void anyOf(JsonObject node, JsonValue v, Path path) {
    Path at = path.key("anyOf");
    if (!(v instanceof JsonArray branches)) {
      throw fail(at, "anyOf must be an array, not " + v, "list the alternative schemas");
    }
    if (branches.isEmpty() || branches.size() > limits.maxAnyOfItems()) {
      throw fail(
          at,
          "anyOf must have 1-" + limits.maxAnyOfItems() + " items, not " + branches.size(),
          branches.isEmpty() ? "list at least one schema" : "group some of the branches");
    }
    for (JsonValue b : branches.values()) {
      if (!(b instanceof JsonObject)) {
        throw fail(
            at,
            "schema in anyOf must be an object, not " + b,
            "write each branch as a schema object such as {\"type\": \"string\"}");
      }
    }
    if (path.unresolvable) {
      throw unresolvable(at, path);
    }
    for (String k : node.names()) {
      if (k.equals("anyOf") || (path.isRoot() && ROOT_ONLY.contains(k)) || COMMON.contains(k)) {
        continue;
      }
      throw fail(
          path,
          "keyword '" + k + "' is not allowed at the same level as anyOf",
          "only description and title may stand beside anyOf; move '"
              + k
              + "' into each branch"
              + hint());
    }
  }

  /** walle (at its default level) refuses a keyword set both beside anyOf and in a branch. */
  private void anyOfConflicts(JsonObject node, Path path) {
    if (!(node.get("anyOf") instanceof JsonArray branches)) {
      return;
    }
    for (JsonValue b : branches.values()) {
      TreeSet<String> both = new TreeSet<>();
      for (String k : ((JsonObject) b).names()) {
        if (!k.equals("anyOf") && node.has(k)) {
          both.add(k);
        }
      }
      if (!both.isEmpty()) {
        throw fail(
            path,
            "conflicting keywords found in anyOf with parent: keywords ("
                + join(both)
                + ") are defined on the parent schema and inside anyOf",
            "remove them from the parent or from the anyOf branches");
      }
    }
  }

  private void defs(JsonValue v, Path at) {
    if (!(v instanceof JsonObject defs)) {
      throw fail(at, "$defs must be an object, not " + v, "map each definition name to a schema");
    }
    for (Map.Entry<String, JsonValue> d : defs.members().entrySet()) {
      String name = d.getKey();
      if (name.isEmpty()) {
        throw fail(at, "$defs property name cannot be empty", "give the definition a name");
      }
      if (name.indexOf('/') >= 0) {
        throw fail(
            at,
            "$defs property name '" + name + "' cannot contain '/' character",
            "rename the definition without '/'");
      }
      if (!(d.getValue() instanceof JsonObject def)) {
        throw fail(
            at, "$defs schema must be object: " + name, "make \"" + name + "\" a schema object");
      }
      noSlash(def, at.name(name));
    }
  }

  /** walle refuses '/' in every name inside a definition, property names included. */
  private void noSlash(JsonObject o, Path path) {
    for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
      if (e.getKey().indexOf('/') >= 0) {
        throw fail(
            path.parent,
            "$defs property name '" + e.getKey() + "' cannot contain '/' character",
            "rename it without '/': inside $defs Kimi refuses '/' in every name (outside $defs a"
                + " property name may hold one)");
      }
      if (e.getValue() instanceof JsonObject child) {
        noSlash(child, path.key(e.getKey()));
      } else if (e.getValue() instanceof JsonArray list) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof JsonObject child) {
            noSlash(child, path.index(e.getKey(), i));
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------- references

  /** The schema a reference points at, or null. walle does not unescape ~0 and ~1. */
  private JsonObject resolve(String ref) {
    if (ref.equals("#")) {
      return root;
    }
    JsonObject known = resolved.get(ref);
    if (known != null || unresolvable.contains(ref)) {
      return known;
    }
    JsonObject at = null;
    if (ref.startsWith("#/$defs/")) {
      at = root;
      for (String part : ref.substring(2).split("/", -1)) {
        if (at.get(part) instanceof JsonObject next) {
          at = next;
        } else {
          at = null;
          break;
        }
      }
    }
    if (at == null) {
      unresolvable.add(ref);
    } else {
      resolved.put(ref, at);
    }
    return at;
  }

  private void checkReferences() {
    for (String r : refs) {
      if (resolve(r) == null) {
        throw fail(
            Path.ROOT,
            "invalid $ref path: " + r,
            "point the reference at a schema object that exists, such as \"#/$defs/Name\"");
      }
    }
    Termination termination = new Termination();
    walk(root, !termination.of(root), Path.ROOT, termination, new Expansions());
  }

  /**
   * Visits every $ref outside $defs (walle's TraverseAndCheckRefs): the referenced schema must not
   * collide with the keywords beside the reference, and must be able to end when {@code need}.
   * walle stops needing it below an {@code additionalProperties}, and below {@code properties} when
   * {@code required} is empty; walle lets that leak to the keys it visits next in Go's random
   * order, this class does not (so it may refuse a schema that Kimi accepts only sometimes).
   */
  private void walk(JsonObject node, boolean need, Path path, Termination t, Expansions x) {
    if (node.has("$ref")) {
      Expansion e = x.of(node, path);
      refContext(node, e, path);
      if (need && !t.of(e)) {
        throw fail(
            path,
            "detected infinite recursion without termination condition",
            "let the recursion end: leave the recursive property out of \"required\", or allow"
                + " null (an anyOf with {\"type\": \"null\"})");
      }
    }
    for (Map.Entry<String, JsonValue> m : node.members().entrySet()) {
      String k = m.getKey();
      if (k.equals("$defs")) {
        continue;
      }
      if (m.getValue() instanceof JsonObject child) {
        boolean childNeed = need;
        if (k.equals("properties")) {
          if (node.get("required") instanceof JsonArray r && r.isEmpty()) {
            childNeed = false;
          }
        } else if (k.equals("additionalProperties")) {
          childNeed = false;
        }
        walk(child, childNeed, path.name(k), t, x);
      } else if (m.getValue() instanceof JsonArray list && k.equals("anyOf")) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof JsonObject child) {
            walk(child, need, path.index("anyOf", i), t, x);
          }
        }
      }
    }
  }

  private void refContext(JsonObject site, Expansion e, Path path) {
    Set<String> beside = new HashSet<>(site.names());
    beside.remove("$ref");
    TreeSet<String> both = new TreeSet<>();
    for (String k : e.keys()) {
      if (beside.contains(k)) {
        both.add(k);
      }
    }
    if (!both.isEmpty()) {
      throw fail(
          path,
          "conflicting keywords found after $ref expansion: keywords ("
              + join(both)
              + ") are defined both alongside \"$ref\" and in the referenced schema",
          "remove the duplicates, keeping them in one place" + hint());
    }
    boolean typeBeside = site.has("type");
    boolean anyOfBeside = site.has("anyOf");
    if ((typeBeside && e.keys().contains("anyOf")) || (e.keys().contains("type") && anyOfBeside)) {
      throw fail(
          path,
          "invalid schema after $ref expansion: (when using anyOf, type should be defined in"
              + " anyOf items instead of the parent schema)",
          "move the type into each anyOf branch");
    }
    if (e.target().get("anyOf") instanceof JsonArray branches) {
      for (JsonValue b : branches.values()) {
        if (!(b instanceof JsonObject branch)) {
          continue;
        }
        TreeSet<String> clash = new TreeSet<>();
        for (String k : beside) {
          if (!k.equals("anyOf") && branch.has(k)) {
            clash.add(k);
          }
        }
        if (!clash.isEmpty()) {
          throw fail(
              path,
              "conflicting keywords found in anyOf after ref expansion: keywords ("
                  + join(clash)
                  + ") are defined alongside \"$ref\" and inside anyOf in the referenced schema",
              "define them in only one place" + hint());
        }
      }
    }
    boolean allowed =
        path.last.equals("additionalProperties")
            || path.last.equals("items")
            || path.last.startsWith("anyOf")
            || "properties".equals(path.secondLast)
            || path.parts == 1;
    if (!allowed) {
      throw fail(
          path,
          "$ref is not allowed in this schema.",
          "use $ref only at the root, as a property, or as items, additionalProperties or an"
              + " anyOf branch");
    }
  }

  /** A reference followed through definitions that are themselves only a reference. */
  private record Expansion(JsonObject target, Map<String, JsonValue> labels, String conflict) {

    /** The keywords of the expanded schema. */
    Set<String> keys() {
      if (labels.isEmpty()) {
        return target.names();
      }
      Set<String> all = new HashSet<>(target.names());
      all.addAll(labels.keySet());
      return all;
    }
  }

  /**
   * walle's ExpandRef: follows a reference, and on through every schema that holds only a $ref and
   * description/title, keeping those labels; a label met twice on the way is refused. Memoized per
   * reference, so a chain is walked once however many references lead into it.
   */
  private final class Expansions {
    private final Map<String, Expansion> memo = new HashMap<>();

    Expansion of(JsonObject site, Path path) {
      JsonValue v = site.get("$ref");
      if (v instanceof JsonNull) {
        return new Expansion(site, Map.of(), null); // walle keeps such a schema as it is
      }
      if (!(v instanceof JsonString s)) {
        throw fail(path.key("$ref"), "$ref must be a string, not " + v, "write a reference");
      }
      Expansion e = expand(s.value(), path);
      if (e.conflict() != null) {
        throw fail(
            path,
            "conflicting keywords found after $ref expansion: keyword \""
                + e.conflict()
                + "\" appears at multiple levels in a chained \"$ref\" (from "
                + s.value()
                + ")",
            "keep it in only one of the definitions on the way");
      }
      return e;
    }

    private Expansion expand(String start, Path path) {
      Expansion known = memo.get(start);
      if (known != null) {
        return known;
      }
      // Walk the chain until a known expansion, a schema that is not only a reference, or a
      // reference met before (a cycle of aliases, expanded directly).
      List<String> chain = new ArrayList<>();
      Map<String, Integer> position = new HashMap<>();
      String ref = start;
      Expansion tail;
      while (true) {
        known = memo.get(ref);
        if (known != null) {
          tail = known;
          break;
        }
        if (position.containsKey(ref)) {
          String entry = ref;
          tail = direct(entry, path);
          memo.put(entry, tail);
          chain = chain.subList(0, position.get(entry));
          break;
        }
        JsonObject body = resolve(ref);
        if (body == null) {
          throw fail(Path.ROOT, "invalid $ref path: " + ref, "point the reference at a schema");
        }
        if (!onlyReference(body)) {
          tail = new Expansion(body, Map.of(), null);
          memo.put(ref, tail);
          break;
        }
        position.put(ref, chain.size());
        chain.add(ref);
        if (!(body.get("$ref") instanceof JsonString next)) {
          throw fail(path.key("$ref"), "$ref must be a string", "write a reference");
        }
        ref = next.value();
      }
      for (int i = chain.size() - 1; i >= 0; i--) {
        tail = layer(resolve(chain.get(i)), tail);
        memo.put(chain.get(i), tail);
      }
      return memo.get(start);
    }

    /** The expansion of a reference whose chain of aliases returns to it. */
    private Expansion direct(String start, Path path) {
      Set<String> visited = new HashSet<>();
      visited.add(start);
      JsonObject current = resolve(start);
      Map<String, JsonValue> labels = new java.util.LinkedHashMap<>();
      String conflict = null;
      while (onlyReference(current) && current.get("$ref") instanceof JsonString next) {
        if (!visited.add(next.value())) {
          break;
        }
        JsonObject following = resolve(next.value());
        if (following == null) {
          throw fail(Path.ROOT, "invalid $ref path: " + next.value(), "point it at a schema");
        }
        for (String k : COMMON) {
          if (current.has(k)) {
            if (labels.containsKey(k) && conflict == null) {
              conflict = k;
            }
            labels.putIfAbsent(k, current.get(k));
          }
        }
        current = following;
      }
      return new Expansion(current, labels, conflict);
    }

    private Expansion layer(JsonObject body, Expansion tail) {
      Map<String, JsonValue> labels = new java.util.LinkedHashMap<>();
      String conflict = tail.conflict();
      for (String k : COMMON) {
        if (body.has(k)) {
          labels.put(k, body.get(k));
          if (tail.labels().containsKey(k) && conflict == null) {
            conflict = k;
          }
        }
      }
      tail.labels().forEach(labels::putIfAbsent);
      return new Expansion(tail.target(), labels, conflict);
    }
  }

  /** A schema with a $ref and nothing else but description or title. */
  private static boolean onlyReference(JsonObject o) {
    if (o.get("$ref") == null || o.get("$ref") instanceof JsonNull) {
      return false;
    }
    for (String k : o.names()) {
      if (!k.equals("$ref") && !COMMON.contains(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * walle's CheckRefTermination, as the least fixed point it computes: a schema can end when it is
   * a scalar type, an array whose items are absent or can end, an object with no required property
   * or one required property that can end (walle asks for one, not all), an anyOf with a branch
   * that can end, a reference to a schema that can end, or {@code {}}. Every object of the document
   * is a node; "can end" spreads backwards along the edges, once per node.
   */
  private final class Termination {
    private final IdentityHashMap<JsonObject, Integer> ids = new IdentityHashMap<>();
    private final List<JsonObject> nodes = new ArrayList<>();
    private boolean[] ends;

    Termination() {
      collect(root);
      List<List<Integer>> before = new ArrayList<>(nodes.size());
      for (int i = 0; i < nodes.size(); i++) {
        before.add(new ArrayList<>(0));
      }
      ends = new boolean[nodes.size()];
      Deque<Integer> work = new ArrayDeque<>();
      for (int i = 0; i < nodes.size(); i++) {
        List<JsonObject> next = new ArrayList<>();
        if (leaf(nodes.get(i), next)) {
          ends[i] = true;
          work.add(i);
        }
        for (JsonObject n : next) {
          Integer j = ids.get(n);
          if (j != null) {
            before.get(j).add(i);
          }
        }
      }
      while (!work.isEmpty()) {
        for (int p : before.get(work.poll())) {
          if (!ends[p]) {
            ends[p] = true;
            work.add(p);
          }
        }
      }
    }

    private void collect(JsonValue v) {
      if (v instanceof JsonObject o) {
        if (ids.containsKey(o)) {
          return;
        }
        ids.put(o, nodes.size());
        nodes.add(o);
        for (JsonValue child : o.members().values()) {
          collect(child);
        }
      } else if (v instanceof JsonArray a) {
        for (JsonValue child : a.values()) {
          collect(child);
        }
      }
    }

    /** Whether the schema ends by itself; otherwise adds the schemas it ends through. */
    private boolean leaf(JsonObject o, List<JsonObject> next) {
      String checked = "";
      JsonValue type = o.get("type");
      if (type instanceof JsonString s) {
        if (!s.value().equals("object") && !s.value().equals("array")) {
          return true;
        }
        checked = s.value();
      } else if (type instanceof JsonArray list) {
        for (JsonValue t : list.values()) {
          String name = t instanceof JsonString s ? s.value() : "";
          if (!name.equals("object") && !name.equals("array")) {
            return true;
          }
          checked = name;
        }
      }
      if (checked.equals("array")) {
        JsonValue items = o.get("items");
        if (items == null || items instanceof JsonNull) {
          return true;
        }
        if (items instanceof JsonObject i) {
          if (i.isEmpty()) {
            return true;
          }
          next.add(i);
        }
      } else if (checked.equals("object")) {
        JsonValue required = o.get("required");
        if (required == null
            || required instanceof JsonNull
            || (required instanceof JsonArray r && r.isEmpty())) {
          return true;
        }
        if (!(o.get("properties") instanceof JsonObject props) || props.isEmpty()) {
          return true;
        }
        if (required instanceof JsonArray r) {
          for (JsonValue n : r.values()) {
            if (n instanceof JsonString s && props.get(s.value()) instanceof JsonObject p) {
              next.add(p);
            }
          }
        }
      }
      if (o.get("anyOf") instanceof JsonArray branches) {
        if (branches.isEmpty()) {
          return true;
        }
        for (JsonValue b : branches.values()) {
          if (b instanceof JsonObject bo) {
            next.add(bo);
          }
        }
      }
      if (o.get("$ref") instanceof JsonString r) {
        JsonObject target = resolve(r.value());
        if (target != null) {
          next.add(target);
        }
      }
      return o.isEmpty();
    }

    boolean of(JsonObject o) {
      Integer i = ids.get(o);
      return i != null && ends[i];
    }

    /** An expanded reference: the target, unless labels were added to an empty target. */
    boolean of(Expansion e) {
      if (e.target().isEmpty() && !e.labels().isEmpty()) {
        return false;
      }
      return of(e.target());
    }
  }

  /**
   * The depth a $ref adds where it stands (walle's CalculateDefDepths): the levels of properties in
   * the referenced schema, following anyOf, additionalProperties and further references but not
   * items (walle does not), each reference at most once along a path, the reference itself counted
   * as followed. walle only knows the depth of what it reaches from a definition; any other
   * reference (such as "#" when no definition uses it) adds nothing. Where walle's answer depends
   * on Go's map order (a definition reached both from the definitions loop and through a
   * reference), this takes the one a reference gives.
   */
  private final class Depths {
    private final IdentityHashMap<JsonObject, Integer> ids = new IdentityHashMap<>();
    private final List<JsonObject> nodes = new ArrayList<>();
    private final List<int[]> edges = new ArrayList<>();
    private boolean[] cyclic;
    private int[] acyclicDepth;
    private final Set<JsonObject> known =
        java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<String> knownRefs = new HashSet<>();
    private int steps;
    private boolean overBudget;

    int deepestSite() {
      if (sites.isEmpty()) {
        return 0;
      }
      reachableFromDefinitions();
      Map<String, Integer> byRef = new HashMap<>();
      int deepest = 0;
      for (Site s : sites) {
        Integer d = byRef.get(s.ref());
        if (d == null) {
          d = depthOf(s.ref());
          byRef.put(s.ref(), d);
        }
        deepest = Math.max(deepest, s.depth() + d);
      }
      return deepest;
    }

    /** What walle's depth pass reaches, and so has a depth for. */
    private void reachableFromDefinitions() {
      if (!(root.get("$defs") instanceof JsonObject defs)) {
        return;
      }
      Deque<JsonObject> work = new ArrayDeque<>();
      for (JsonValue d : defs.members().values()) {
        if (d instanceof JsonObject o && known.add(o)) {
          work.add(o);
        }
      }
      while (!work.isEmpty()) {
        JsonObject o = work.poll();
        if (o.get("$ref") instanceof JsonString r) {
          knownRefs.add(r.value());
        }
        for (JsonObject n : children(o)) {
          if (known.add(n)) {
            work.add(n);
          }
        }
      }
    }

    private int depthOf(String ref) {
      JsonObject target = resolve(ref);
      if (target == null || !(knownRefs.contains(ref) || isDefinitionPath(ref))) {
        return 0;
      }
      index(target);
      if (!overBudget) {
        try {
          Set<String> followed = new HashSet<>();
          followed.add(ref);
          return exact(target, followed, 0);
        } catch (Budget b) {
          overBudget = true; // one budget for the whole schema: estimate from here on
        }
      }
      return estimate(target);
    }

    /** A definition, or a place in one reached through properties and additionalProperties. */
    private boolean isDefinitionPath(String ref) {
      JsonObject target = resolve(ref);
      return target != null && known.contains(target) && definitionPath(ref);
    }

    private boolean definitionPath(String ref) {
      String[] parts = ref.substring("#/$defs/".length()).split("/", -1);
      for (int i = 1; i < parts.length; i++) {
        if (parts[i].equals("additionalProperties")) {
          continue;
        }
        if (parts[i].equals("properties") && i + 1 < parts.length) {
          i++;
          continue;
        }
        return false;
      }
      return true;
    }

    /** The children walle's depth pass follows: properties, anyOf, additionalProperties, $ref. */
    private List<JsonObject> children(JsonObject o) {
      List<JsonObject> out = new ArrayList<>();
      if (o.isEmpty()) {
        return out;
      }
      if (o.get("$ref") instanceof JsonString r) {
        JsonObject t = resolve(r.value());
        if (t != null) {
          out.add(t);
        }
      }
      if (o.get("properties") instanceof JsonObject props) {
        for (JsonValue p : props.members().values()) {
          if (p instanceof JsonObject po) {
            out.add(po);
          }
        }
      }
      if (o.get("anyOf") instanceof JsonArray branches) {
        for (JsonValue b : branches.values()) {
          if (b instanceof JsonObject bo) {
            out.add(bo);
          }
        }
      }
      if (o.get("additionalProperties") instanceof JsonObject a) {
        out.add(a);
      }
      return out;
    }

    /**
     * Numbers the schemas reachable from {@code start}, finds which can reach a cycle (Tarjan,
     * iteratively), and computes the depth of every other one, which no path can change.
     */
    private void index(JsonObject start) {
      if (ids.containsKey(start)) {
        return;
      }
      int first = nodes.size();
      Deque<JsonObject> work = new ArrayDeque<>();
      ids.put(start, nodes.size());
      nodes.add(start);
      work.add(start);
      while (!work.isEmpty()) {
        JsonObject o = work.poll();
        List<JsonObject> kids = children(o);
        int[] e = new int[kids.size()];
        for (int i = 0; i < kids.size(); i++) {
          Integer id = ids.get(kids.get(i));
          if (id == null) {
            id = nodes.size();
            ids.put(kids.get(i), id);
            nodes.add(kids.get(i));
            work.add(kids.get(i));
          }
          e[i] = id;
        }
        edges.add(e);
      }
      int n = nodes.size();
      boolean[] oldCyclic = cyclic;
      int[] oldDepth = acyclicDepth;
      cyclic = Arrays.copyOf(oldCyclic == null ? new boolean[0] : oldCyclic, n);
      acyclicDepth = Arrays.copyOf(oldDepth == null ? new int[0] : oldDepth, n);
      tarjan(first, n);
    }

    /** Tarjan's strongly connected components over the new nodes, in reverse topological order. */
    private void tarjan(int first, int n) {
      int[] index = new int[n];
      int[] low = new int[n];
      Arrays.fill(index, -1);
      boolean[] onStack = new boolean[n];
      Deque<Integer> stack = new ArrayDeque<>();
      int counter = 0;
      for (int s = first; s < n; s++) {
        if (index[s] >= 0) {
          continue;
        }
        Deque<int[]> call = new ArrayDeque<>(); // {node, next edge}
        call.push(new int[] {s, 0});
        index[s] = low[s] = counter++;
        stack.push(s);
        onStack[s] = true;
        while (!call.isEmpty()) {
          int[] frame = call.peek();
          int v = frame[0];
          int[] out = edges.get(v);
          if (frame[1] < out.length) {
            int w = out[frame[1]++];
            if (w < first) {
              continue; // indexed before: its depth and cycles are known
            }
            if (index[w] < 0) {
              index[w] = low[w] = counter++;
              stack.push(w);
              onStack[w] = true;
              call.push(new int[] {w, 0});
            } else if (onStack[w]) {
              low[v] = Math.min(low[v], index[w]);
            }
            continue;
          }
          call.pop();
          if (!call.isEmpty()) {
            int parent = call.peek()[0];
            low[parent] = Math.min(low[parent], low[v]);
          }
          if (low[v] == index[v]) {
            List<Integer> component = new ArrayList<>();
            int w;
            do {
              w = stack.pop();
              onStack[w] = false;
              component.add(w);
            } while (w != v);
            boolean loop = component.size() > 1;
            for (int c : component) {
              for (int x : edges.get(c)) {
                loop |= x == c || cyclic[x];
              }
            }
            for (int c : component) {
              cyclic[c] = loop;
              if (!loop) {
                acyclicDepth[c] = local(c);
              }
            }
          }
        }
      }
    }

    /** The depth of a schema that reaches no cycle, from its children's depths. */
    private int local(int c) {
      JsonObject o = nodes.get(c);
      if (o.isEmpty()) {
        return 0;
      }
      int best = 0;
      if (o.get("$ref") instanceof JsonString r && resolve(r.value()) != null) {
        best = acyclicDepth[ids.get(resolve(r.value()))];
      }
      if (o.get("properties") instanceof JsonObject props) {
        int p = 1;
        for (JsonValue v : props.members().values()) {
          if (v instanceof JsonObject po) {
            p = Math.max(p, 1 + acyclicDepth[ids.get(po)]);
          }
        }
        best = Math.max(best, p);
      }
      if (o.get("anyOf") instanceof JsonArray branches) {
        for (JsonValue b : branches.values()) {
          if (b instanceof JsonObject bo) {
            best = Math.max(best, acyclicDepth[ids.get(bo)]);
          }
        }
      }
      if (o.get("additionalProperties") instanceof JsonObject a) {
        best = Math.max(best, acyclicDepth[ids.get(a)]);
      }
      return best;
    }

    /** walle's search: each reference followed at most once along the path. */
    private int exact(JsonObject o, Set<String> followed, int stack) {
      if (++steps > DEPTH_SEARCH_BUDGET || stack > MAX_NESTING) {
        throw new Budget();
      }
      int id = ids.get(o);
      if (!cyclic[id]) {
        return acyclicDepth[id];
      }
      if (o.isEmpty()) {
        return 0;
      }
      int best = 0;
      String added = null;
      if (o.get("$ref") instanceof JsonString r && !followed.contains(r.value())) {
        JsonObject t = resolve(r.value());
        if (t != null) {
          added = r.value();
          followed.add(added);
          best = exact(t, followed, stack + 1);
        }
      }
      if (o.get("properties") instanceof JsonObject props) {
        int p = 1;
        for (JsonValue v : props.members().values()) {
          if (v instanceof JsonObject po) {
            p = Math.max(p, 1 + exact(po, followed, stack + 1));
          }
        }
        best = Math.max(best, p);
      }
      if (o.get("anyOf") instanceof JsonArray branches) {
        for (JsonValue b : branches.values()) {
          if (b instanceof JsonObject bo) {
            best = Math.max(best, exact(bo, followed, stack + 1));
          }
        }
      }
      if (o.get("additionalProperties") instanceof JsonObject a) {
        best = Math.max(best, exact(a, followed, stack + 1));
      }
      if (added != null) {
        followed.remove(added);
      }
      return best;
    }

    /** Beyond the budget: the depth when no reference inside a recursion is followed. */
    private int estimate(JsonObject start) {
      IdentityHashMap<JsonObject, Integer> memo = new IdentityHashMap<>();
      Set<JsonObject> open = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      return estimate(start, memo, open, 0);
    }

    private int estimate(
        JsonObject o, Map<JsonObject, Integer> memo, Set<JsonObject> open, int stack) {
      int id = ids.get(o);
      if (!cyclic[id]) {
        return acyclicDepth[id];
      }
      Integer done = memo.get(o);
      if (done != null) {
        return done;
      }
      if (!open.add(o) || stack > MAX_NESTING) {
        return 0;
      }
      int best = 0;
      if (o.get("properties") instanceof JsonObject props) {
        int p = 1;
        for (JsonValue v : props.members().values()) {
          if (v instanceof JsonObject po) {
            p = Math.max(p, 1 + estimate(po, memo, open, stack + 1));
          }
        }
        best = p;
      }
      if (o.get("anyOf") instanceof JsonArray branches) {
        for (JsonValue b : branches.values()) {
          if (b instanceof JsonObject bo) {
            best = Math.max(best, estimate(bo, memo, open, stack + 1));
          }
        }
      }
      if (o.get("additionalProperties") instanceof JsonObject a) {
        best = Math.max(best, estimate(a, memo, open, stack + 1));
      }
      open.remove(o);
      memo.put(o, best);
      return best;
    }
  }

  /** Thrown when the exact depth search runs out of budget. */
  private static final class Budget extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Budget() {
      super(null, null, false, false);
    }
  }

  // ---------------------------------------------------------------------------------- paths

  /**
   * A place in the schema, shown as {@code $.properties.city.anyOf[1]}, with what walle's own path
   * says about it: its last two parts, how many parts it has, and whether a name on the way holds
   * both '{' and '}' (which walle cannot resolve).
   */
  private static final class Path {
    static final Path ROOT = new Path("$", null, "root", null, 1, false);

    final String text;
    final Path parent;
    final String last;
    final String secondLast;
    final int parts;
    final boolean unresolvable;

    private Path(
        String text, Path parent, String last, String secondLast, int parts, boolean unresolvable) {
      this.text = text;
      this.parent = parent;
      this.last = last;
      this.secondLast = secondLast;
      this.parts = parts;
      this.unresolvable = unresolvable;
    }

    boolean isRoot() {
      return parent == null;
    }

    /** A keyword below this place. */
    Path key(String k) {
      return child("." + k, k, false);
    }

    /** A property or definition name below this place. */
    Path name(String n) {
      return child("." + n, n, n.indexOf('{') >= 0 && n.indexOf('}') >= 0);
    }

    /** An element of the array at keyword {@code k}. */
    Path index(String k, int i) {
      return child((k.isEmpty() ? "" : "." + k) + "[" + i + "]", k + "{" + i + "}", false);
    }

    private Path child(String suffix, String part, boolean braces) {
      return isRoot()
          ? new Path("$" + suffix, this, part, null, 1, braces)
          : new Path(text + suffix, this, part, last, parts + 1, unresolvable || braces);
    }
  }
}
