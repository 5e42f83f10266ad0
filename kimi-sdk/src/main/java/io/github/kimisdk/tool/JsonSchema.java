package io.github.kimisdk.tool;

import io.github.kimisdk.base.schema.Dialect;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
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
 * <p>Kimi checks every schema with Moonshot's own MFJS validator, walle
 * (github.com/MoonshotAI/walle), and answers a schema it refuses with a 400 "not a valid moonshot
 * flavored json schema" that fails the whole request. {@link #validate(JsonValue)} applies walle's
 * rules, in walle's order and with walle's words, and names the path (such as {@code
 * $.properties.city}) and the fix; its MFJS check agrees with walle on all 395 of walle's own test
 * cases. The rules a schema most often breaks:
 *
 * <ul>
 *   <li>tool parameters have {@code "type": "object"} at the root (Kimi's own check, before walle;
 *       walle itself accepts any object schema, which {@link #validateMfjs(JsonValue)} checks);
 *   <li>only the MFJS keywords: {@code type}, {@code properties}, {@code required}, {@code
 *       additionalProperties}, {@code items} (one schema), {@code anyOf}, {@code enum}, {@code
 *       $ref}, {@code $defs}, {@code $id}, {@code description}, {@code title}, {@code default},
 *       {@code minLength}, {@code maxLength}, {@code pattern}, {@code minimum}, {@code maximum},
 *       {@code minItems}, {@code maxItems}; no {@code format}, {@code const}, {@code oneOf}, {@code
 *       allOf}, {@code prefixItems}, {@code patternProperties} and so on;
 *   <li>each keyword on a type that has it: {@code properties} and {@code required} on an object,
 *       {@code minLength} on a string, {@code minimum} on a number; a list of types takes nothing
 *       beside it but {@code description} and {@code title} (and an {@code enum} when the list is
 *       one type and {@code "null"});
 *   <li>nothing beside {@code anyOf} or {@code $ref} but {@code description} and {@code title}, and
 *       not when a branch or the referenced schema has its own;
 *   <li>{@code enum} values match the {@code type} beside it (strings, numbers, integers, booleans
 *       or null; a number type with null lists {@code "null"} first);
 *   <li>{@code $defs} and {@code $id} only at the root, {@code $id} a string; definition names, and
 *       every name inside a definition, without {@code /}; {@code $ref} is {@code "#"} or starts
 *       with {@code #/$defs/} and resolves (into a definition too, such as {@code
 *       #/$defs/Tree/properties/children});
 *   <li>recursion can end: a recursive property is not required, or another required property or an
 *       anyOf branch can end;
 *   <li>no property named {@code $defs}, {@code $ref}, {@code anyOf}, {@code required} or {@code
 *       additionalProperties}, and no empty name;
 *   <li>limits: at most 10 levels of properties within properties (counted through {@code $ref}),
 *       3000 property names, 1000 values per enum, 500 anyOf branches, 120000 bytes.
 * </ul>
 *
 * <p>A schema without {@code type} is accepted (walle's check for it is switched off), except
 * beside an {@code enum}.
 *
 * <p>{@code $schema}, which zod, Pydantic and most JSON Schema exporters write at the root, is
 * taken wherever a schema stands, and never sent: {@link #of(JsonValue)}, {@link FunctionTool} and
 * {@link io.github.kimisdk.chat.ResponseFormat} leave it out. It names a dialect and constrains
 * nothing; Kimi takes it, and Moonshot's validator, walle, drops it when it simplifies a schema and
 * keeps the rest, but kimi-k2.5 answered nonsense to a response format carrying it. Other keywords
 * outside MFJS ({@code const}, {@code prefixItems}, {@code format}, {@code oneOf}...) are refused
 * here, though Kimi takes them too (live probes of K3, K2.7 and K2.6): MFJS does not promise that
 * they are kept, so a model may send arguments they rule out. {@link #normalize(JsonValue)}
 * rewrites them into MFJS ({@code const} into a one-value {@code enum}, a tuple into one {@code
 * items}...).
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
   * against Kimi's rules for tool parameters ({@link #validate(JsonValue)}) and wraps it.
   *
   * @param schema the schema; its root must be {@code "type": "object"}
   * @return the schema
   * @throws NullPointerException if {@code schema} is null
   * @throws IllegalArgumentException if the schema breaks one of Kimi's rules; the message names
   *     the path and the fix
   */
  public static JsonSchema of(JsonValue schema) {
    validate(schema);
    return new JsonSchema((JsonObject) Dialect.dropped(schema));
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
   * Checks that {@code schema} is a tool-parameters schema Kimi accepts and keeps: {@code "type":
   * "object"} at the root, then the rules of Moonshot's MFJS validator (see the class comment:
   * {@code $schema} is taken, other keywords outside MFJS are not). The message names the path,
   * what Kimi says there (up to the first "; "), and the fix.
   *
   * @param schema the schema
   * @throws NullPointerException if {@code schema} is null
   * @throws IllegalArgumentException at the first rule broken, with a message such as {@code "tool
   *     schema at $.properties.when: unsupported keywords: format; remove them; ..."}
   */
  public static void validate(JsonValue schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    MfjsValidator.checkToolParameters(Dialect.dropped(schema), MfjsValidator.Limits.KIMI);
  }

  /**
   * Checks {@code schema} against MFJS alone, as Moonshot's validator walle does, whatever the type
   * of its root: the check for a {@link io.github.kimisdk.chat.ResponseFormat} schema. A tool's
   * parameters must also have {@code "type": "object"} at the root; {@link #validate(JsonValue)}
   * checks both.
   *
   * @param schema the schema, a JSON object
   * @throws NullPointerException if {@code schema} is null
   * @throws IllegalArgumentException at the first rule broken, with a message such as {@code
   *     "schema at $.properties.tags: \"type\" must not stand beside \"anyOf\" (...); move it into
   *     each branch"}
   */
  public static void validateMfjs(JsonValue schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    MfjsValidator.check(Dialect.dropped(schema), MfjsValidator.Limits.KIMI, "schema");
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
     * Wraps the schema as a {@link JsonSchema}, checking it as tool parameters.
     *
     * @return the schema, validated
     * @throws IllegalArgumentException if the root is not {@code "type": "object"} (a schema whose
     *     root was, for example, {@code {"type": "string"}})
     */
    public JsonSchema toSchema() {
      return of(schema);
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("Normalized").add("schema", schema).add("changes", changes).toString();
    }
  }

  /**
   * Rewrites a JSON Schema written for someone else (an MCP server, another SDK, a Pydantic or zod
   * export) into one Kimi accepts, and says what it changed. The input is not modified. The result
   * always passes {@link #validateMfjs(JsonValue)} (Moonshot's validator, walle); a schema walle
   * accepts is never refused.
   *
   * <ul>
   *   <li>A schema without {@code type} gets one: from its {@code enum} or {@code const} values, or
   *       from keywords that imply one ({@code properties} an object, {@code items} an array,
   *       {@code minLength} a string, {@code minimum} a number); the root becomes an object; a
   *       schema that allowed any value becomes a string, as Moonshot's own client does (walle
   *       accepts an untyped schema, but its documentation says a type is expected). ({@code
   *       "additionalProperties": {}} stays: it is Kimi's way to say "anything".) A type name Kimi
   *       does not know is translated ({@code "int"} becomes {@code "integer"}) or inferred.
   *   <li>Keywords a type does not take are dropped ({@code minimum} on a string, {@code required}
   *       on an array); a list of types with other keywords beside it becomes an {@code anyOf} of
   *       one schema per type; ranges become non-negative whole counts and bounds that fit.
   *   <li>Keywords beside {@code anyOf} other than {@code description} and {@code title}, the
   *       {@code type} first of all, move into every branch; a {@code description} that a branch
   *       also has moves into the branches; {@code oneOf} becomes {@code anyOf}; the branches of
   *       {@code allOf} are merged into one schema.
   *   <li>References: {@code "#"} stays; {@code #/definitions/X} becomes {@code #/$defs/X} (the
   *       definitions move to {@code $defs}); a {@code type} beside {@code $ref} is dropped, and a
   *       {@code description} or {@code title} beside it too when the referenced schema (or a
   *       branch of it, or an alias on the way) has its own; any other local reference (a JSON
   *       pointer such as {@code #/properties/a}, a reference with other keywords beside it, or one
   *       to a definition holding a name with {@code /}) is inlined, or moved to {@code $defs} when
   *       it is recursive or inlining it would grow the schema beyond a bound proportional to the
   *       input. A root that is only a reference becomes the schema it points to. Definitions
   *       nothing refers to are dropped.
   *   <li>Tool arguments are one object: a root {@code anyOf} whose branches are all objects
   *       becomes one object with the properties of all, required where every branch requires them.
   *   <li>A tuple (the array form of {@code items}, or {@code prefixItems}) becomes one {@code
   *       items} schema, an {@code anyOf} of the element schemas; a closed tuple keeps its length
   *       as {@code maxItems}.
   *   <li>{@code const} becomes a one-value {@code enum}; {@code nullable: true} adds {@code
   *       "null"} to the type; enum values that mix types become strings (so do those of a string
   *       type); an enum holding null adds {@code "null"} to the type, first for a number type;
   *       {@code required} names that are not properties are dropped.
   *   <li>What Kimi does not support is dropped: {@code format} and {@code pattern} (both kept for
   *       the model in the {@code description}), {@code $schema}, {@code $comment}, {@code not},
   *       {@code if}/{@code then}/{@code else}, {@code patternProperties}, {@code examples} and
   *       every other keyword outside the list above.
   * </ul>
   *
   * <p>What cannot be fixed without changing the arguments the model sends (a property named {@code
   * required} or with no name, more than 3000 property names, nesting deeper than 10 levels, a
   * recursion that cannot end, more than 1000 enum values) is refused with the validator's message.
   * A root that stays something other than an object (such as {@code {"type": "string"}}) is
   * returned, since walle accepts it; {@link Normalized#toSchema()} and {@link
   * #validate(JsonValue)} then refuse it as tool parameters. Every normalized schema of the MCP
   * reference servers, and of walle's 395 test cases, passes walle's rules (see the tests).
   *
   * @param schema the schema, an object (or {@code true}, the schema that allows anything)
   * @return the schema Kimi accepts and what was changed
   * @throws NullPointerException if {@code schema} is null
   * @throws IllegalArgumentException if the schema is not an object, a {@code $ref} points outside
   *     the schema or at nothing in it, or a rule that cannot be fixed is broken (the message names
   *     the path, as {@link #validate(JsonValue)} does)
   */
  public static Normalized normalize(JsonValue schema) {
    return SchemaNormalizer.normalize(Objects.requireNonNull(schema, "schema must not be null"));
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
   * {@code ["string", "null"]}, and an {@code enum} gets a {@code null} value. For a number or
   * integer enum, {@code "null"} comes first ({@code ["null", "integer"]}): Kimi checks each enum
   * value against the types in order and refuses {@code null} checked against a number type.
   *
   * @return the new schema; this schema when it already accepts null
   */
  public JsonSchema nullable() {
    JsonValue type = json.get("type");
    List<JsonValue> names = new ArrayList<>();
    if (type instanceof JsonString s) {
      names.add(s);
    } else if (type instanceof JsonArray arr) {
      names.addAll(arr.values());
    }
    JsonString nul = JsonString.of("null");
    if (names.contains(nul)) {
      return this;
    }
    boolean enumerated = json.get("enum") instanceof JsonArray;
    boolean numeric =
        names.contains(JsonString.of("number")) || names.contains(JsonString.of("integer"));
    if (enumerated && numeric) {
      names.add(0, nul);
    } else {
      names.add(nul);
    }
    JsonSchema out = with("type", JsonArray.of(names));
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
