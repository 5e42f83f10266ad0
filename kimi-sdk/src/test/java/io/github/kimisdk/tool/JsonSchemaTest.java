package io.github.kimisdk.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSchemaTest {

  @Test
  void builderProducesKimiSchema() {
    JsonSchema s =
        JsonSchema.object()
            .description("A forecast query")
            .required("city", JsonSchema.string().description("City name"))
            .optional("unit", JsonSchema.enumOf("celsius", "fahrenheit"))
            .optional("days", JsonSchema.integer().nullable())
            .optional("hours", JsonSchema.array(JsonSchema.number()))
            .optional("detailed", JsonSchema.bool())
            .optional("level", JsonSchema.enumOf(1, 2, 3).nullable())
            .optional("ratio", JsonSchema.enumOf(0.5, 1))
            .additionalProperties(false)
            .build();
    assertThat(s.toString())
        .isEqualTo(
            "{\"type\":\"object\",\"description\":\"A forecast query\",\"properties\":{"
                + "\"city\":{\"type\":\"string\",\"description\":\"City name\"},"
                + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]},"
                + "\"days\":{\"type\":[\"integer\",\"null\"]},"
                + "\"hours\":{\"type\":\"array\",\"items\":{\"type\":\"number\"}},"
                + "\"detailed\":{\"type\":\"boolean\"},"
                + "\"level\":{\"type\":[\"null\",\"integer\"],\"enum\":[1,2,3,null]},"
                + "\"ratio\":{\"type\":\"number\",\"enum\":[0.5,1]}},"
                + "\"required\":[\"city\"],\"additionalProperties\":false}");
    JsonSchema.validate(s.toJson());
    assertThat(JsonSchema.of(s.toJson())).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(JsonSchema.parse(s.toString())).isEqualTo(s);
  }

  @Test
  void nullableIsIdempotent() {
    JsonSchema n = JsonSchema.string().nullable();
    assertThat(n.nullable()).isSameAs(n);
    assertThat(JsonSchema.array(JsonSchema.string()).nullable().nullable().toString())
        .isEqualTo("{\"type\":[\"array\",\"null\"],\"items\":{\"type\":\"string\"}}");
  }

  @Test
  void builderRejectsMisuse() {
    assertThatThrownBy(
            () ->
                JsonSchema.object()
                    .required("a", JsonSchema.string())
                    .optional("a", JsonSchema.bool()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"a\" is declared twice");
    assertThatThrownBy(() -> JsonSchema.enumOf(new String[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonSchema.enumOf(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonSchema.array(null)).isInstanceOf(NullPointerException.class);
  }

  static Stream<Arguments> invalidSchemas() {
    return Stream.of(
        Arguments.of(
            "notAnObject",
            "[]",
            "at $: JSON schema parsing error: the schema must be a JSON object"),
        Arguments.of("rootNotObject", "{\"type\":\"string\"}", "at $: the root must have"),
        // walle: an enum needs a type beside it ("type is not defined"); an untyped schema
        // without enum is accepted (see validSchemas)
        Arguments.of(
            "untypedEnum",
            "{\"type\":\"object\",\"properties\":{\"u\":{\"enum\":[\"a\"]}}}",
            "at $.properties.u: type is not defined"),
        // walle: format is not an MFJS keyword (TestEnforcerCases/invalid, "unsupported keywords")
        Arguments.of(
            "format",
            "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\"}}}",
            "at $.properties.d: unsupported keywords: format; remove them"),
        Arguments.of(
            "tupleItems",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"items\":[]}}}",
            "at $.properties.a.items: items must be an object, not []; give one schema"),
        // walle: prefixItems is not an MFJS keyword (model.go SupportedKeywords), unlike before
        Arguments.of(
            "prefixItems",
            "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"array\","
                + "\"prefixItems\":[{\"type\":\"number\"},{\"type\":\"number\"}]}}}",
            "at $.properties.p: unsupported keywords: prefixItems"),
        Arguments.of(
            "typeBesideAnyOf",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\","
                + "\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}}}",
            "at $.properties.x: when using anyOf, type should be defined in anyOf items instead"
                + " of the parent schema; move \"type\" into each branch"),
        Arguments.of(
            "typeBesideRef",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"string\"}},"
                + "\"properties\":{\"x\":{\"type\":\"string\",\"$ref\":\"#/$defs/A\"}}}",
            "at $.properties.x: when using $ref, type should be defined in the referenced schema"
                + " instead of the parent schema; drop \"type\" here"),
        Arguments.of(
            "definitionsKeyword",
            "{\"type\":\"object\",\"definitions\":{\"A\":{\"type\":\"string\"}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/definitions/A\"}}}",
            "at $: unsupported keywords: definitions; remove them"),
        Arguments.of(
            "pointerRef",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
                + "\"b\":{\"$ref\":\"#/properties/a\"}}}",
            "at $.properties.b.$ref: references must start with #/$defs/: #/properties/a;"),
        Arguments.of(
            "reservedPropertyName",
            "{\"type\":\"object\",\"properties\":{\"required\":{\"type\":\"boolean\"}}}",
            "at $.properties: property name 'required' is reserved for JSON Schema keywords"),
        Arguments.of(
            "mixedEnum",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":\"string\",\"enum\":[\"a\",1]}}}",
            "at $.properties.e.enum: enum value (1) does not match any type in [string]"),
        Arguments.of(
            "emptyEnum",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":\"string\",\"enum\":[]}}}",
            "at $.properties.e.enum: enum array cannot be empty"),
        // walle checks each enum value against the types in order and refuses null against a
        // number type outright, so a nullable number enum lists "null" first
        Arguments.of(
            "nullAfterANumberTypeInAnEnum",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":[\"integer\",\"null\"],"
                + "\"enum\":[1,null]}}}",
            "at $.properties.e.enum: not a valid integer: null"),
        Arguments.of(
            "unknownType",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"date\"}}}",
            "at $.properties.x: invalid type \"date\""),
        Arguments.of(
            "nestedDefs",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"object\",\"$defs\":{}}}}",
            "at $.properties.x: keyword $defs must be at root level"),
        Arguments.of(
            "externalRef",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"http://e.com/s.json\"}}}",
            "at $.properties.x.$ref: references must start with #/$defs/"),
        Arguments.of(
            "danglingRef",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"string\"}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/B\"}}}",
            "at $: invalid $ref path: #/$defs/B"),
        Arguments.of(
            "requiredUnknown",
            "{\"type\":\"object\",\"properties\":{},\"required\":[\"q\"]}",
            "at $.required: required property 'q' is not defined in properties"),
        Arguments.of(
            "badAdditional",
            "{\"type\":\"object\",\"additionalProperties\":{\"format\":\"x\"}}",
            "at $.additionalProperties: unsupported keywords: format"),
        Arguments.of(
            "descriptionBesideAnyOfAndInABranch",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"description\":\"d\","
                + "\"anyOf\":[{\"type\":\"string\",\"description\":\"s\"},{\"type\":\"null\"}]}}}",
            "at $.properties.x: conflicting keywords found in anyOf with parent: keywords"
                + " (description)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSchemas")
  void validatorRejectsWithPath(String name, String schema, String message) {
    assertThatThrownBy(() -> JsonSchema.validate(Json.parse(schema)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tool schema at ")
        .hasMessageContaining(message);
  }

  static Stream<Arguments> validSchemas() {
    return Stream.of(
        Arguments.of("emptyObject", "{\"type\":\"object\"}"),
        Arguments.of(
            "refToRootDef",
            "{\"type\":\"object\",\"$defs\":{\"City\":{\"type\":\"string\"}},"
                + "\"properties\":{\"c\":{\"$ref\":\"#/$defs/City\"}}}"),
        Arguments.of(
            "anyOfTyped",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"anyOf\":[{\"type\":\"string\"},"
                + "{\"type\":\"null\"}]}}}"),
        Arguments.of(
            "nullableEnum",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":[\"string\",\"null\"],"
                + "\"enum\":[\"a\",null]}}}"),
        Arguments.of(
            "nullableNumberEnumWithNullFirst",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":[\"null\",\"integer\"],"
                + "\"enum\":[1,null]}}}"),
        Arguments.of(
            "numberEnum",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":\"number\",\"enum\":[1,2.5]}}}"),
        // walle accepts boolean enums (TestEnforcerCases/valid,
        // {"enum":[true],"type":["boolean","null"]})
        Arguments.of(
            "boolEnum",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":\"boolean\",\"enum\":[true]}}}"),
        // walle accepts a schema without type: its "type need to be defined explicitly" check is
        // commented out in validator.go (TraverseSchema)
        Arguments.of(
            "untypedDefinition", "{\"type\":\"object\",\"$defs\":{\"A\":{\"description\":\"d\"}}}"),
        Arguments.of("untypedProperty", "{\"type\":\"object\",\"properties\":{\"any\":{}}}"),
        Arguments.of(
            "untypedAnyOfBranch",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"anyOf\":[{\"type\":\"string\"},{}]}}}"),
        // walle resolves a $ref into a definition (TestNestedDefsDepth/valid#2,
        // #/$defs/group/items)
        Arguments.of(
            "refIntoADefinition",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"object\",\"properties\":"
                + "{\"id\":{\"type\":\"integer\"}}}},\"properties\":{\"x\":"
                + "{\"$ref\":\"#/$defs/A/properties/id\"}}}"),
        Arguments.of("title", "{\"type\":\"object\",\"title\":\"T\"}"),
        Arguments.of(
            "minimumAndMaximum",
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1,"
                + "\"maximum\":9}}}"),
        Arguments.of(
            "minItemsAndMaxItems",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"items\":"
                + "{\"type\":\"string\"},\"minItems\":1,\"maxItems\":3}}}"),
        Arguments.of(
            "selfReference",
            "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}"),
        Arguments.of(
            "refWithDescription",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"string\"}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/A\",\"description\":\"an A\"}}}"),
        Arguments.of("anythingGoes", "{\"type\":\"object\",\"additionalProperties\":{}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSchemas")
  void validatorAccepts(String name, String schema) {
    JsonSchema.validate(Json.parse(schema));
    assertThat(JsonSchema.parse(schema).toJson()).isEqualTo(Json.parse(schema));
  }

  @Test
  void aNonStrictFunctionToolSendsItsSchemaUnchecked() {
    JsonValue loose =
        Json.parse("{\"type\":\"object\",\"properties\":{\"d\":{\"format\":\"date\"}}}");
    FunctionTool tool = new FunctionTool("when", null, loose, false);
    assertThat(tool.parameters()).isEqualTo(loose);
    assertThatThrownBy(() -> new FunctionTool("when", null, loose, true))
        .hasMessageContaining("at $.properties.d");
    assertThatThrownBy(() -> new FunctionTool("when", null, loose, null))
        .hasMessageContaining("at $.properties.d");
    assertThatThrownBy(() -> tool.withStrict(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void functionToolChecksItsSchemaAndName() {
    assertThatThrownBy(
            () ->
                Tool.function(
                    "when",
                    null,
                    Json.parse(
                        "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\","
                            + "\"format\":\"date\"}}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "parameters of function tool \"when\": tool schema at $.properties.d: unsupported"
                + " keywords: format; remove them;");
    for (String bad :
        new String[] {"ab", "9lives", "-dash", "has space", "a".repeat(65), "dot.x"}) {
      assertThatThrownBy(() -> Tool.function(bad, null, null))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must match ^[A-Za-z_][A-Za-z0-9_-]{2,63}$");
    }
    for (String good : new String[] {"abc", "_ab", "get-weather_2", "A".repeat(64)}) {
      assertThat(Tool.function(good, null, null).name()).isEqualTo(good);
    }
  }

  /** What zod's toJSONSchema writes for a tool through the AI SDK or LangChain JS. */
  static final String ZOD =
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
          + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],"
          + "\"additionalProperties\":false}";

  @Test
  void aSchemaFromZodIsTakenAndSentWithoutItsDialect() {
    FunctionTool tool = Tool.function("get_weather", "Weather", Json.parse(ZOD));
    assertThat(tool.parameters().asObject().has("$schema")).isFalse();
    assertThat(tool.parameters().get("required").get(0).asString()).isEqualTo("city");
    assertThat(tool.withStrict(false).parameters().asObject().has("$schema")).isFalse();

    ResponseFormat format = ResponseFormat.jsonSchema("weather", Json.parse(ZOD));
    assertThat(format.schema().asObject().has("$schema")).isFalse();

    JsonSchema.validate(Json.parse(ZOD));
    JsonSchema.validateMfjs(Json.parse(ZOD));
    assertThat(JsonSchema.of(Json.parse(ZOD)).toJson().has("$schema")).isFalse();
  }
}
