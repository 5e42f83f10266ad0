package io.github.kimisdk.tool;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Holds a JSON Schema that Kimi accepts for tool parameters: Moonshot Flavored JSON Schema (MFJS).
 * Build one with the factories, derive one from a record with {@link #of(Class)}, or check a schema
 * you already have with {@link #of(JsonValue)}.
 *
 * <pre>{@code
 * JsonSchema params = JsonSchema.object()
 *     .required("city", JsonSchema.string().description("City name, such as Paris"))
 *     .optional("unit", JsonSchema.enumOf("celsius", "fahrenheit"))
 *     .optional("days", JsonSchema.integer().nullable())
 *     .build();
 * FunctionTool tool = Tool.function("get_weather", "Weather forecast for a city", params.toJson());
 * }</pre>
 *
 * <p>The rules Kimi enforces, and that {@link #validate(JsonValue)} checks with a message naming
 * the offending path (such as {@code $.properties.city}):
 *
 * <ul>
 *   <li>the root is {@code "type": "object"};
 *   <li>every schema has a {@code type} (a name or a list of names), unless it is a {@code $ref} or
 *       an {@code anyOf}/{@code oneOf}/{@code allOf} whose branches have one;
 *   <li>no {@code type} stands beside {@code anyOf} or {@code $ref} (it belongs in the branches, or
 *       in the referenced schema);
 *   <li>{@code format} is not supported, nor is the tuple form of {@code items} (an array of
 *       schemas); {@code title}, {@code minimum}, {@code maximum}, {@code minItems}, {@code
 *       maxItems} and {@code prefixItems} are accepted, as Kimi's current validator accepts them;
 *   <li>{@code enum} values are all strings or all numbers, never mixed;
 *   <li>{@code $defs} appear only at the root, and {@code $ref} is {@code "#"} (the whole schema,
 *       for recursion) or points at a root definition that exists, as {@code #/$defs/Name};
 *   <li>no property is named {@code $defs}, {@code $ref}, {@code anyOf}, {@code required} or {@code
 *       additionalProperties}.
 * </ul>
 *
 * <p>A schema written for someone else (an MCP server's {@code inputSchema}, another SDK's tool, a
 * Pydantic or zod export) rarely follows all of these. {@link #normalize(JsonValue)} rewrites it
 * into one Kimi accepts and says what it changed:
 *
 * <pre>{@code
 * JsonSchema.Normalized n = JsonSchema.normalize(mcpTool.inputSchema());
 * n.changes().forEach(System.out::println);   // $.properties.mode: added "type": "string" ...
 * FunctionTool tool = Tool.function(mcpTool.name(), mcpTool.description(), n.schema());
 * }</pre>
 *
 * <p>Instances are immutable; the modifiers return new schemas.
 */
public final class JsonSchema {

  private static final Set<String> TYPES =
      Set.of("object", "string", "number", "integer", "boolean", "array", "null");
  private static final List<String> UNSUPPORTED = List.of("format");
  private static final List<String> COMBINATORS = List.of("anyOf", "oneOf", "allOf");
  private static final Set<String> RESERVED_PROPERTY_NAMES =
      Set.of("$defs", "$ref", "anyOf", "required", "additionalProperties");
  private static final String NORMALIZE = "; JsonSchema.normalize(schema) does this";

  private final JsonObject json;

  private JsonSchema(JsonObject json) {
    this.json = json;
  }

  private static JsonSchema typed(String type) {
    return new JsonSchema(JsonObject.of("type", JsonString.of(type)));
  }

  /**
   * Returns a schema for a string.
   *
   * @return {@code {"type":"string"}}
   */
  public static JsonSchema string() {
    return typed("string");
  }

  /**
   * Returns a schema for any number.
   *
   * @return {@code {"type":"number"}}
   */
  public static JsonSchema number() {
    return typed("number");
  }

  /**
   * Returns a schema for an integer.
   *
   * @return {@code {"type":"integer"}}
   */
  public static JsonSchema integer() {
    return typed("integer");
  }

  /**
   * Returns a schema for {@code true} or {@code false}.
   *
   * @return {@code {"type":"boolean"}}
   */
  public static JsonSchema bool() {
    return typed("boolean");
  }

  /**
   * Returns a schema for an array whose elements all follow {@code items}.
   *
   * @param items the schema of every element
   * @return {@code {"type":"array","items":...}}
   * @throws NullPointerException if {@code items} is null
   */
  public static JsonSchema array(JsonSchema items) {
    Objects.requireNonNull(items, "array items schema must not be null");
    return new JsonSchema(JsonObject.of("type", JsonString.of("array"), "items", items.json));
  }

  /**
   * Returns a schema for one of the given strings.
   *
   * @param values the allowed strings, at least one
   * @return {@code {"type":"string","enum":[...]}}
   * @throws NullPointerException if {@code values} or an element is null
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static JsonSchema enumOf(String... values) {
    Objects.requireNonNull(values, "enum values must not be null");
    if (values.length == 0) {
      throw new IllegalArgumentException("enum needs at least one value");
    }
    JsonArray.Builder a = JsonArray.builder();
    for (String v : values) {
      a.add(JsonString.of(Objects.requireNonNull(v, "enum values must not be null")));
    }
    return new JsonSchema(JsonObject.of("type", JsonString.of("string"), "enum", a.build()));
  }

  /**
   * Returns a schema for one of the given numbers; its type is {@code integer} when every value is
   * a whole {@code long}, {@code int}, {@code short} or {@code byte}, else {@code number}.
   *
   * @param values the allowed numbers, at least one
   * @return {@code {"type":"integer","enum":[...]}} or {@code {"type":"number","enum":[...]}}
   * @throws NullPointerException if {@code values} or an element is null
   * @throws IllegalArgumentException if {@code values} is empty or holds a non-finite number
   */
  public static JsonSchema enumOf(Number... values) {
    Objects.requireNonNull(values, "enum values must not be null");
    if (values.length == 0) {
      throw new IllegalArgumentException("enum needs at least one value");
    }
    JsonArray.Builder a = JsonArray.builder();
    boolean integral = true;
    for (Number v : values) {
      Objects.requireNonNull(v, "enum values must not be null");
      if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
        a.add(JsonNumber.of(v.longValue()));
      } else {
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("enum values must be finite numbers: " + v);
        }
        a.add(JsonNumber.of(d));
        integral = false;
      }
    }
    return new JsonSchema(
        JsonObject.of("type", JsonString.of(integral ? "integer" : "number"), "enum", a.build()));
  }

  /**
   * Starts a schema for an object with named properties.
   *
   * @return the builder
   */
  public static ObjectBuilder object() {
    return new ObjectBuilder();
  }

  /**
   * Checks a schema written elsewhere (for example by hand, or converted from another tool format)
   * against Kimi's rules and wraps it.
   *
   * @param schema the schema; its root must be an object schema
   * @return the schema
   * @throws NullPointerException if {@code schema} is null
   * @throws IllegalArgumentException if the schema breaks one of Kimi's rules; the message names
   *     the path and the fix
   */
  public static JsonSchema of(JsonValue schema) {
    validate(schema);
    return new JsonSchema((JsonObject) schema);
  }

  /**
   * Derives the schema of a record: one property per component, named as the component, in
   * declaration order. This is the schema that {@link io.github.kimisdk.json.Json#bind(JsonValue,
   * Class)} binds by and {@link io.github.kimisdk.json.Json#toJson(Object)} writes by; the {@code
   * Json} class comment lists the supported types.
   *
   * <pre>{@code
   * @Description("Current weather at one place")
   * record Weather(
   *     String city,
   *     @Description("degrees Celsius") double temperature,
   *     List<String> warnings) {}
   *
   * JsonSchema.of(Weather.class);
   * // {"type":"object","description":"Current weather at one place",
   * //  "properties":{"city":{"type":"string"},
   * //    "temperature":{"type":"number","description":"degrees Celsius"},
   * //    "warnings":{"type":"array","items":{"type":"string"}}},
   * //  "required":["city","temperature","warnings"],"additionalProperties":false}
   * }</pre>
   *
   * <p>How types become schemas, within Kimi's rules:
   *
   * <ul>
   *   <li>a record is an object with {@code "additionalProperties": false}; every component is
   *       required unless it is an {@code Optional} or marked {@link
   *       io.github.kimisdk.json.JsonOptional}. A record or sealed interface that contains itself
   *       is written once under {@code $defs} and referenced as {@code "#/$defs/Name"};
   *   <li>a sealed interface of records is an {@code anyOf} of its records (at most 10), each with
   *       a required {@code "type"} property whose only allowed value is the record's simple name
   *       ({@code "enum": ["Circle"]}, since Kimi takes no {@code const});
   *   <li>an enum is a string with {@code enum} of the constants' names;
   *   <li>{@code java.time} types are strings; Kimi takes no {@code format}, so the format (such as
   *       "ISO 8601 date, such as 2026-03-25") goes in the {@code description}, after the {@link
   *       Description} text if there is one;
   *   <li>lists, sets and arrays are arrays with {@code items}; {@code Map<String, V>} is an object
   *       with {@code additionalProperties}; {@code JsonValue} is any type.
   * </ul>
   *
   * <p>{@link Description} on a component, or on a record, enum or sealed interface, becomes the
   * {@code description}. The result passes {@link #validate(JsonValue)}, and is derived once per
   * class.
   *
   * @param type a record class
   * @return the schema
   * @throws NullPointerException if {@code type} is null
   * @throws IllegalArgumentException if {@code type} is not a record, or a component has a type
   *     that is not supported (the message gives the component's path, such as {@code
   *     Trip.legs[].when}), a component is named after a schema keyword Kimi rejects ({@code
   *     required}, {@code anyOf}, {@code additionalProperties}, {@code $ref}, {@code $defs}), a
   *     sealed interface permits more than 10 records, or the record's module does not let the SDK
   *     read it
   */
  public static JsonSchema of(Class<?> type) {
    return RecordSchemas.of(Objects.requireNonNull(type, "type must not be null"));
  }

  /**
   * Parses and checks a schema given as JSON text.
   *
   * @param json the schema as JSON text
   * @return the schema
   * @throws io.github.kimisdk.json.JsonException if {@code json} is not valid JSON
   * @throws IllegalArgumentException if the schema breaks one of Kimi's rules
   */
  public static JsonSchema parse(String json) {
    return of(Json.parse(Objects.requireNonNull(json, "schema json must not be null")));
  }

  /**
   * Checks that {@code schema} is a tool-parameters schema Kimi accepts (see the class comment).
   *
   * @param schema the schema
   * @throws NullPointerException if {@code schema} is null
   * @throws IllegalArgumentException at the first rule broken, with a message such as {@code "tool
   *     schema at $.properties.when: \"format\" is not supported by Kimi; remove it"}
   */
  public static void validate(JsonValue schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    if (!(schema instanceof JsonObject root)) {
      throw invalid("$", "the schema must be a JSON object with \"type\": \"object\"");
    }
    if (!(root.get("type") instanceof JsonString t) || !t.value().equals("object")) {
      throw invalid(
          "$", "the root must have \"type\": \"object\" (Kimi takes arguments as an object)");
    }
    Set<String> defs = new java.util.HashSet<>();
    defs.add("#");
    JsonValue d = root.get("$defs");
    if (d != null) {
      if (!(d instanceof JsonObject dobj)) {
        throw invalid("$.$defs", "must be an object of named schemas");
      }
      for (String n : dobj.names()) {
        defs.add("#/$defs/" + n);
      }
    }
    check(root, "$", true, defs);
    if (d instanceof JsonObject dobj) {
      for (Map.Entry<String, JsonValue> e : dobj.members().entrySet()) {
        check(e.getValue(), "$.$defs." + e.getKey(), false, defs);
      }
    }
  }

  /**
   * A schema rewritten by {@link #normalize(JsonValue)}, and what was changed.
   *
   * @param schema the schema Kimi accepts
   * @param changes one sentence per change, each starting with the path it applies to (such as
   *     {@code $.properties.mode: added "type": "string" (from its other keywords)}); empty when
   *     the schema was already fine
   */
  public record Normalized(JsonObject schema, List<String> changes) {

    /**
     * Copies the list of changes.
     *
     * @param schema the schema Kimi accepts
     * @param changes what was changed
     * @throws NullPointerException if an argument is null
     */
    public Normalized {
      Objects.requireNonNull(schema, "schema");
      changes = List.copyOf(changes);
    }

    /**
     * Tells whether anything was changed.
     *
     * @return false when the schema came back as it was
     */
    public boolean changed() {
      return !changes.isEmpty();
    }

    /**
     * Wraps the schema as a {@link JsonSchema}, checking it.
     *
     * @return the schema, validated
     * @throws IllegalArgumentException if a rule that cannot be fixed automatically is still broken
     *     (such as a property named {@code required})
     */
    public JsonSchema toSchema() {
      return of(schema);
    }
  }

  /**
   * Rewrites a JSON Schema written for someone else (an MCP server, another SDK, a Pydantic or zod
   * export) into one Kimi accepts, and says what it changed. The input is not modified.
   *
   * <ul>
   *   <li>A schema without {@code type} gets one: from its {@code enum} or {@code const} values, or
   *       from keywords that imply one ({@code properties} an object, {@code items} an array,
   *       {@code minLength} a string, {@code minimum} a number); the root becomes an object; a
   *       schema that allowed any value becomes a string, as Moonshot's own client does. ({@code
   *       "additionalProperties": {}} stays: it is Kimi's way to say "anything".)
   *   <li>Keywords beside {@code anyOf} other than {@code description} and {@code title}, the
   *       {@code type} first of all, move into every branch; {@code oneOf} becomes {@code anyOf};
   *       the branches of {@code allOf} are merged into one schema.
   *   <li>References: {@code "#"} stays; {@code #/definitions/X} becomes {@code #/$defs/X} (the
   *       definitions move to {@code $defs}); a {@code type} beside {@code $ref} is dropped, and a
   *       {@code description} or {@code title} beside it too when the target has its own; any other
   *       local reference (a JSON pointer such as {@code #/properties/a}, or a reference with other
   *       keywords beside it) is inlined, or moved to {@code $defs} when it is recursive.
   *       Definitions nothing refers to are dropped.
   *   <li>The tuple form of {@code items} (an array of schemas) becomes {@code prefixItems}, and
   *       {@code additionalItems} becomes {@code items}.
   *   <li>{@code const} becomes a one-value {@code enum}; {@code nullable: true} adds {@code
   *       "null"} to the type; an enum that mixes strings and numbers becomes all strings; an enum
   *       holding null adds {@code "null"} to the type; {@code required} names that are not
   *       properties are dropped.
   *   <li>What Kimi does not support is dropped: {@code format} and {@code pattern} (both kept for
   *       the model in the {@code description}), {@code $schema}, {@code $comment}, {@code not},
   *       {@code if}/{@code then}/{@code else}, {@code patternProperties}, {@code examples} and
   *       every other keyword outside the list above.
   * </ul>
   *
   * <p>What cannot be fixed without changing the arguments the model sends (a property named {@code
   * required}, more than 100 properties) is left for {@link #validate(JsonValue)} to report. Every
   * normalized schema of the MCP reference servers validates (see the tests).
   *
   * @param schema the schema, an object (or {@code true}, the schema that allows anything)
   * @return the schema Kimi accepts and what was changed
   * @throws NullPointerException if {@code schema} is null
   * @throws IllegalArgumentException if the schema is not an object, or a {@code $ref} points
   *     outside the schema or at nothing in it
   */
  public static Normalized normalize(JsonValue schema) {
    return SchemaNormalizer.normalize(Objects.requireNonNull(schema, "schema must not be null"));
  }

  private static void check(JsonValue node, String path, boolean root, Set<String> defs) {
    if (!(node instanceof JsonObject o)) {
      throw invalid(path, "a schema must be a JSON object, not " + node);
    }
    for (String key : UNSUPPORTED) {
      if (o.has(key)) {
        throw invalid(path, "\"" + key + "\" is not supported by Kimi; remove it" + hint(key));
      }
    }
    if (!root && o.has("$defs")) {
      throw invalid(path, "$defs are allowed only at the root of the schema; move them there");
    }
    JsonValue ref = o.get("$ref");
    if (ref != null) {
      if (!(ref instanceof JsonString r) || !defs.contains(r.value())) {
        throw invalid(
            path,
            "$ref must point to a definition at the root of this schema, such as"
                + " \"#/$defs/Name\", or be \"#\": "
                + ref
                + (ref instanceof JsonString r && r.value().startsWith("#/")
                    ? " (Kimi resolves only #/$defs/...)" + NORMALIZE
                    : ""));
      }
      if (o.has("type")) {
        throw invalid(
            path,
            "\"type\" must not stand beside \"$ref\" (Kimi answers \"type should be defined in"
                + " the referenced schema\"); drop it"
                + NORMALIZE);
      }
    }
    if (o.has("anyOf") && o.has("type")) {
      throw invalid(
          path,
          "\"type\" must not stand beside \"anyOf\" (Kimi answers \"type should be defined in"
              + " anyOf items instead of the parent schema\"); move it into each branch"
              + NORMALIZE);
    }
    boolean combinator = false;
    for (String key : COMBINATORS) {
      JsonValue v = o.get(key);
      if (v != null) {
        combinator = true;
        if (!(v instanceof JsonArray arr) || arr.isEmpty()) {
          throw invalid(path + "." + key, "must be a non-empty array of schemas");
        }
        for (int i = 0; i < arr.size(); i++) {
          check(arr.get(i), path + "." + key + "[" + i + "]", false, defs);
        }
      }
    }
    JsonValue type = o.get("type");
    Set<String> types = types(type, path);
    if (types.isEmpty() && ref == null && !combinator) {
      throw invalid(
          path,
          "every schema needs a \"type\" (Kimi rejects untyped properties); add one such as"
              + " \"type\": \"string\""
              + NORMALIZE);
    }
    JsonValue e = o.get("enum");
    if (e != null) {
      checkEnum(e, path, types);
    }
    JsonValue props = o.get("properties");
    if (props != null) {
      if (!(props instanceof JsonObject p)) {
        throw invalid(path + ".properties", "must be an object mapping names to schemas");
      }
      for (Map.Entry<String, JsonValue> m : p.members().entrySet()) {
        if (RESERVED_PROPERTY_NAMES.contains(m.getKey())) {
          throw invalid(
              path + ".properties",
              "Kimi does not accept a property named \"" + m.getKey() + "\"; rename it");
        }
        check(m.getValue(), path + ".properties." + m.getKey(), false, defs);
      }
    }
    JsonValue required = o.get("required");
    if (required != null) {
      if (!(required instanceof JsonArray r)) {
        throw invalid(path + ".required", "must be an array of property names");
      }
      for (JsonValue v : r.values()) {
        if (!(v instanceof JsonString s)) {
          throw invalid(path + ".required", "must hold property names (strings): " + v);
        }
        if (!(props instanceof JsonObject p) || !p.has(s.value())) {
          throw invalid(
              path + ".required",
              "names \"" + s.value() + "\", which is not among the properties; declare it");
        }
      }
    }
    JsonValue items = o.get("items");
    if (items != null) {
      if (items instanceof JsonArray) {
        throw invalid(
            path + ".items",
            "must be one schema (Kimi answers \"items must be an object\"); write a tuple as"
                + " \"prefixItems\""
                + NORMALIZE);
      }
      check(items, path + ".items", false, defs);
    }
    JsonValue prefix = o.get("prefixItems");
    if (prefix != null) {
      if (!(prefix instanceof JsonArray tuple)) {
        throw invalid(path + ".prefixItems", "must be an array of schemas");
      }
      for (int i = 0; i < tuple.size(); i++) {
        check(tuple.get(i), path + ".prefixItems[" + i + "]", false, defs);
      }
    }
    JsonValue additional = o.get("additionalProperties");
    if (additional instanceof JsonObject a && !a.isEmpty()) { // {} is Kimi's "anything"
      check(additional, path + ".additionalProperties", false, defs);
    } else if (additional != null
        && !(additional instanceof JsonBoolean)
        && !(additional instanceof JsonObject)) {
      throw invalid(path + ".additionalProperties", "must be a boolean or a schema");
    }
  }

  private static Set<String> types(JsonValue type, String path) {
    if (type == null) {
      return Set.of();
    }
    List<JsonValue> names;
    if (type instanceof JsonString) {
      names = List.of(type);
    } else if (type instanceof JsonArray a && !a.isEmpty()) {
      names = a.values();
    } else {
      throw invalid(path + ".type", "must be a type name or a non-empty array of them: " + type);
    }
    java.util.HashSet<String> out = new java.util.HashSet<>();
    for (JsonValue v : names) {
      if (!(v instanceof JsonString s) || !TYPES.contains(s.value())) {
        throw invalid(
            path + ".type", "must be one of " + new java.util.TreeSet<>(TYPES) + ": " + v);
      }
      out.add(s.value());
    }
    return out;
  }

  private static void checkEnum(JsonValue e, String path, Set<String> types) {
    if (!(e instanceof JsonArray a) || a.isEmpty()) {
      throw invalid(path + ".enum", "must be a non-empty array");
    }
    boolean strings = false;
    boolean numbers = false;
    for (JsonValue v : a.values()) {
      if (v instanceof JsonString) {
        strings = true;
      } else if (v instanceof JsonNumber) {
        numbers = true;
      } else if (v instanceof JsonNull && types.contains("null")) {
        continue;
      } else {
        throw invalid(path + ".enum", "values must be strings or numbers: " + v);
      }
    }
    if (strings && numbers) {
      throw invalid(
          path + ".enum",
          "values must be all strings or all numbers, never mixed; make them all strings");
    }
  }

  private static String hint(String key) {
    return key.equals("format") ? " (state the constraint in the \"description\" instead)" : "";
  }

  private static IllegalArgumentException invalid(String path, String message) {
    return new IllegalArgumentException("tool schema at " + path + ": " + message);
  }

  /**
   * Returns a copy of this schema with a description for the model.
   *
   * @param description what the value means, including constraints Kimi cannot express (such as
   *     ranges or formats)
   * @return the new schema
   * @throws NullPointerException if {@code description} is null
   */
  public JsonSchema description(String description) {
    Objects.requireNonNull(description, "description must not be null");
    return with("description", JsonString.of(description));
  }

  /**
   * Returns a copy of this schema that also accepts {@code null}: its type becomes a list such as
   * {@code ["string", "null"]}.
   *
   * @return the new schema; this schema when it already accepts null
   */
  public JsonSchema nullable() {
    JsonValue type = json.get("type");
    JsonArray.Builder a = JsonArray.builder();
    if (type instanceof JsonString s) {
      if (s.value().equals("null")) {
        return this;
      }
      a.add(s);
    } else if (type instanceof JsonArray arr) {
      if (arr.values().contains(JsonString.of("null"))) {
        return this;
      }
      arr.values().forEach(a::add);
    }
    a.add(JsonString.of("null"));
    JsonSchema out = with("type", a.build());
    if (out.json.get("enum") instanceof JsonArray e && !e.values().contains(JsonNull.INSTANCE)) {
      JsonArray.Builder values = JsonArray.builder();
      e.values().forEach(values::add);
      values.addNull();
      out = out.with("enum", values.build());
    }
    return out;
  }

  private JsonSchema with(String name, JsonValue value) {
    Map<String, JsonValue> m = new LinkedHashMap<>(json.members());
    m.put(name, value);
    return new JsonSchema(JsonObject.of(m));
  }

  /**
   * Returns the schema as JSON, ready for {@link Tool#function(String, String, JsonValue)}.
   *
   * @return the schema
   */
  public JsonObject toJson() {
    return json;
  }

  /**
   * Tells whether {@code o} is a schema with the same JSON.
   *
   * @param o the other object
   * @return true when equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof JsonSchema s && s.json.equals(json);
  }

  /**
   * Returns a hash of the JSON.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return json.hashCode();
  }

  /**
   * Returns the schema as compact JSON.
   *
   * @return the JSON text
   */
  @Override
  public String toString() {
    return json.toString();
  }

  /** Builds an object schema; properties keep the order they were added in. */
  public static final class ObjectBuilder {
    private final Map<String, JsonValue> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();
    private String description;
    private Boolean additionalProperties;

    private ObjectBuilder() {}

    /**
     * Adds a property the model must always give.
     *
     * @param name the property name
     * @param schema its schema
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the property is already declared
     */
    public ObjectBuilder required(String name, JsonSchema schema) {
      optional(name, schema);
      required.add(name);
      return this;
    }

    /**
     * Adds a property the model may leave out.
     *
     * @param name the property name
     * @param schema its schema
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the property is already declared
     */
    public ObjectBuilder optional(String name, JsonSchema schema) {
      Objects.requireNonNull(name, "property name must not be null");
      Objects.requireNonNull(schema, "schema of property \"" + name + "\" must not be null");
      if (properties.putIfAbsent(name, schema.json) != null) {
        throw new IllegalArgumentException("property \"" + name + "\" is declared twice");
      }
      return this;
    }

    /**
     * Sets the object's description.
     *
     * @param description what the object means; null for none
     * @return this builder
     */
    public ObjectBuilder description(String description) {
      this.description = description;
      return this;
    }

    /**
     * Sets whether properties other than the declared ones are allowed.
     *
     * @param allowed false to forbid undeclared properties; null to leave it unsaid
     * @return this builder
     */
    public ObjectBuilder additionalProperties(Boolean allowed) {
      this.additionalProperties = allowed;
      return this;
    }

    /**
     * Builds the schema.
     *
     * @return the object schema
     */
    public JsonSchema build() {
      JsonObject.Builder b = JsonObject.builder();
      b.put("type", "object");
      if (description != null) {
        b.put("description", description);
      }
      b.put("properties", JsonObject.of(properties));
      if (!required.isEmpty()) {
        JsonArray.Builder r = JsonArray.builder();
        required.forEach(r::add);
        b.put("required", r.build());
      }
      if (additionalProperties != null) {
        b.put("additionalProperties", additionalProperties);
      }
      return new JsonSchema(b.build());
    }
  }
}
