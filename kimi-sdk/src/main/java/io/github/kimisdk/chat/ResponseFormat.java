package io.github.kimisdk.chat;

import io.github.kimisdk.base.schema.Dialect;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.JsonSchema;
import java.util.Objects;

/**
 * Asks for a shape of reply: free {@link #text()}, any {@link #jsonObject() JSON object}, or JSON
 * that follows a {@link #jsonSchema(String, JsonValue) schema}.
 *
 * <p>In JSON object mode the prompt must still ask for JSON. JSON object mode cannot be combined
 * with a partial assistant message.
 *
 * <p>A JSON schema format needs a name and a schema, and the schema must be a JSON object: Kimi
 * answers 400 otherwise (K3's contract, Kimi-Vendor-Verifier {@code test_response_format.py}).
 * Unless {@code strict} is {@code false}, the schema must also follow Moonshot Flavored JSON
 * Schema, which {@link JsonSchema#validateMfjs(JsonValue)} checks here, as Kimi does
 * ("response_format. json_schema is not a valid moonshot flavored json schema"). Unlike tool
 * parameters, the root may be any schema walle accepts, such as {@code {"type": "string"}} or an
 * {@code anyOf}: nothing known of Kimi refuses it, though a reply that is not an object suits
 * {@link ChatCompletion#parse(Class)} less. With {@code strict: false} Kimi only promises valid
 * JSON and the schema is sent unchecked (beyond being an object). A {@code $schema} keyword is left
 * out of {@link #schema()}, so it is never sent (kimi-k2.5 answered nonsense to a schema carrying
 * it; it constrains nothing).
 *
 * @param type the kind of format
 * @param name the schema's name, for {@link Type#JSON_SCHEMA} only; null otherwise
 * @param schema the JSON Schema, for {@link Type#JSON_SCHEMA} only; null otherwise
 * @param strict whether the reply must follow the schema exactly, for {@link Type#JSON_SCHEMA}
 *     only; null leaves the server's default (true)
 */
public record ResponseFormat(Type type, String name, JsonValue schema, Boolean strict) {

  /** Names the kinds of format. */
  public enum Type {
    /** Free text, the server's default. */
    TEXT,
    /** Any JSON object. */
    JSON_OBJECT,
    /** JSON that follows a schema. */
    JSON_SCHEMA
  }

  private static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, null);
  private static final ResponseFormat JSON_OBJECT =
      new ResponseFormat(Type.JSON_OBJECT, null, null, null);

  /**
   * Validates that the schema fields are set exactly for {@link Type#JSON_SCHEMA}.
   *
   * @param type the kind of format
   * @param name the schema's name, for {@link Type#JSON_SCHEMA} only; null otherwise
   * @param schema the JSON Schema, for {@link Type#JSON_SCHEMA} only; null otherwise
   * @param strict whether the reply must follow the schema exactly, for {@link Type#JSON_SCHEMA}
   *     only; null leaves the server's default (true)
   * @throws NullPointerException if {@code type} is null, or a schema format lacks name or schema
   * @throws IllegalArgumentException if the name is blank, the schema is not a JSON object, or
   *     (unless {@code strict} is false) breaks an MFJS rule, the message naming the path and the
   *     fix; or if another type has schema fields
   */
  public ResponseFormat {
    Objects.requireNonNull(type, "response format type must not be null");
    if (type == Type.JSON_SCHEMA) {
      Objects.requireNonNull(name, "json_schema response format needs a name");
      Objects.requireNonNull(schema, "json_schema response format needs a schema");
      if (name.isBlank()) {
        throw new IllegalArgumentException("json_schema response format name must not be blank");
      }
      if (!(schema instanceof JsonObject)) {
        throw new IllegalArgumentException(
            "json_schema response format \""
                + name
                + "\": the schema must be a JSON object (Kimi answers 400 otherwise), not "
                + schema
                + "; pass an object schema such as {\"type\":\"object\",\"properties\":{...}}, or"
                + " JsonSchema.of(RecordType.class).toJson()");
      }
      schema = Dialect.dropped(schema);
      if (!Boolean.FALSE.equals(strict)) {
        try {
          JsonSchema.validateMfjs(schema);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "json_schema response format \"" + name + "\": " + e.getMessage(), e);
        }
      }
    } else if (name != null || schema != null || strict != null) {
      throw new IllegalArgumentException(
          "name, schema and strict apply only to a json_schema response format; use"
              + " ResponseFormat.jsonSchema(name, schema)");
    }
  }

  /**
   * Returns the free-text format (the server's default).
   *
   * @return the format
   */
  public static ResponseFormat text() {
    return TEXT;
  }

  /**
   * Returns the JSON object format. The prompt must still ask for JSON.
   *
   * @return the format
   */
  public static ResponseFormat jsonObject() {
    return JSON_OBJECT;
  }

  /**
   * Returns a JSON schema format with the server's default strictness.
   *
   * @param name the schema's name
   * @param schema the JSON Schema, an object following MFJS
   * @return the format
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank, or the schema is not an object or
   *     breaks an MFJS rule (the message names the path and the fix)
   */
  public static ResponseFormat jsonSchema(String name, JsonValue schema) {
    return new ResponseFormat(Type.JSON_SCHEMA, name, schema, null);
  }

  /**
   * Returns a JSON schema format.
   *
   * @param name the schema's name
   * @param schema the JSON Schema, an object (following MFJS unless {@code strict} is false)
   * @param strict whether the reply must follow the schema exactly
   * @return the format
   * @throws NullPointerException if {@code name} or {@code schema} is null
   * @throws IllegalArgumentException if {@code name} is blank, the schema is not an object, or
   *     {@code strict} is true and the schema breaks an MFJS rule
   */
  public static ResponseFormat jsonSchema(String name, JsonValue schema, boolean strict) {
    return new ResponseFormat(Type.JSON_SCHEMA, name, schema, strict);
  }

  /**
   * Returns a strict JSON schema format for a record: the schema is {@link JsonSchema#of(Class)},
   * named after the record. Read the reply with {@link ChatCompletion#parse(Class)}, or let {@link
   * io.github.kimisdk.KimiClient#chat(ChatRequest, Class)} do both.
   *
   * @param type a record class
   * @return the format, with {@code strict} set to true
   * @throws NullPointerException if {@code type} is null
   * @throws IllegalArgumentException if no schema can be derived from {@code type} (see {@link
   *     JsonSchema#of(Class)})
   */
  public static ResponseFormat jsonSchema(Class<?> type) {
    JsonSchema schema = JsonSchema.of(Objects.requireNonNull(type, "type must not be null"));
    return new ResponseFormat(Type.JSON_SCHEMA, schemaName(type), schema.toJson(), true);
  }

  /** The record's simple name, reduced to the characters OpenAI-style schema names allow. */
  private static String schemaName(Class<?> type) {
    StringBuilder sb = new StringBuilder();
    for (char c : type.getSimpleName().toCharArray()) {
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      sb.append(ok ? c : '_');
    }
    String name = sb.length() > 64 ? sb.substring(0, 64) : sb.toString();
    return name.isEmpty() ? "response" : name;
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("ResponseFormat")
        .add("type", type)
        .add("name", name)
        .add("schema", schema)
        .add("strict", strict)
        .toString();
  }
}
