package io.github.kimisdk.langchain4j.internal;

import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.JsonSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LangChain4j's JSON Schema elements as the JSON Schema Kimi takes (Moonshot Flavored JSON Schema):
 * each element written as JSON Schema says, then normalised by the SDK into what Kimi's validator
 * accepts (for example, a raw schema's {@code $schema} keyword is dropped).
 */
public final class Schemas {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.langchain4j");

  private Schemas() {}

  /**
   * Returns the schema of tool parameters: an object schema, {@code {"type":"object",
   * "properties":{}}} when the tool takes none.
   *
   * @param parameters the parameters, or null
   * @param what the tool, for the log
   * @return the schema Kimi takes
   */
  public static JsonObject parameters(JsonObjectSchema parameters, String what) {
    if (parameters == null) {
      return JsonObject.of("type", JsonString.of("object"), "properties", JsonObject.of());
    }
    return normalized(toJson(parameters), what);
  }

  /**
   * Returns a response format's schema.
   *
   * @param root the root element
   * @param what the format, for the log
   * @return the schema Kimi takes
   */
  public static JsonObject responseSchema(JsonSchemaElement root, String what) {
    return normalized(toJson(root), what);
  }

  private static JsonObject normalized(JsonValue schema, String what) {
    JsonSchema.Normalized n = JsonSchema.normalize(schema);
    if (n.changed()) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "Schema of " + what + " adapted to Kimi's JSON Schema: " + n.changes());
    }
    return n.schema();
  }

  /**
   * Writes one element as JSON Schema.
   *
   * @param e the element
   * @return its schema
   */
  static JsonValue toJson(JsonSchemaElement e) {
    if (e instanceof JsonRawSchema raw) {
      return Json.parse(raw.schema());
    }
    JsonObject.Builder b = JsonObject.builder();
    if (e instanceof JsonObjectSchema o) {
      typed(b, "object", o.description());
      JsonObject.Builder props = JsonObject.builder();
      for (Map.Entry<String, JsonSchemaElement> p : o.properties().entrySet()) {
        props.put(p.getKey(), toJson(p.getValue()));
      }
      b.put("properties", props.build());
      if (o.required() != null && !o.required().isEmpty()) {
        b.put("required", strings(o.required()));
      }
      if (o.additionalProperties() != null) {
        b.put("additionalProperties", o.additionalProperties());
      }
      if (o.definitions() != null && !o.definitions().isEmpty()) {
        JsonObject.Builder defs = JsonObject.builder();
        for (Map.Entry<String, JsonSchemaElement> d : o.definitions().entrySet()) {
          defs.put(d.getKey(), toJson(d.getValue()));
        }
        b.put("$defs", defs.build());
      }
    } else if (e instanceof JsonStringSchema s) {
      typed(b, "string", s.description());
    } else if (e instanceof JsonIntegerSchema i) {
      typed(b, "integer", i.description());
    } else if (e instanceof JsonNumberSchema n) {
      typed(b, "number", n.description());
    } else if (e instanceof JsonBooleanSchema bool) {
      typed(b, "boolean", bool.description());
    } else if (e instanceof JsonEnumSchema en) {
      typed(b, "string", en.description());
      b.put("enum", strings(en.enumValues()));
    } else if (e instanceof JsonArraySchema a) {
      typed(b, "array", a.description());
      if (a.items() != null) {
        b.put("items", toJson(a.items()));
      }
    } else if (e instanceof JsonReferenceSchema r) {
      description(b, r.description());
      b.put("$ref", "#/$defs/" + r.reference());
    } else if (e instanceof JsonAnyOfSchema any) {
      description(b, any.description());
      List<JsonValue> branches = new ArrayList<>();
      for (JsonSchemaElement branch : any.anyOf()) {
        branches.add(toJson(branch));
      }
      b.put("anyOf", JsonArray.of(branches));
    } else if (e instanceof JsonNullSchema) {
      b.put("type", "null");
    } else {
      throw new IllegalArgumentException("Unknown JSON Schema element: " + e.getClass().getName());
    }
    return b.build();
  }

  /** Puts the schema's type, then its description when it has one. */
  private static void typed(JsonObject.Builder b, String type, String description) {
    b.put("type", type);
    description(b, description);
  }

  private static void description(JsonObject.Builder b, String description) {
    if (description != null) {
      b.put("description", description);
    }
  }

  private static JsonArray strings(List<String> values) {
    List<JsonValue> out = new ArrayList<>(values.size());
    for (String v : values) {
      out.add(JsonString.of(v));
    }
    return JsonArray.of(out);
  }
}
