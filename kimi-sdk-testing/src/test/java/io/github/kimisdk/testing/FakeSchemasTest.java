package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the fake takes in tool parameters and what it refuses, in Kimi's words: the keywords live
 * probes found Kimi takes (anomalyco/opencode PR #37625 over K3, K2.7 Code and K2.6;
 * vercel/ai#12871 for {@code $schema}) and the schemas zod writes are taken; what those probes,
 * Kimi's recorded answers and walle refuse is refused. The schemas are of our own making, in the
 * shapes the probes name.
 */
class FakeSchemasTest {

  /** A tool's parameters with one property {@code v} of schema {@code property}. */
  static String property(String property) {
    return "{\"type\":\"object\",\"properties\":{\"v\":" + property + "},\"required\":[\"v\"]}";
  }

  static Stream<Arguments> taken() {
    return Stream.of(
        Arguments.of(
            "zod through the AI SDK (draft-07)",
            "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"City name\"}},"
                + "\"required\":[\"city\"],\"additionalProperties\":false}"),
        Arguments.of(
            "zod's toJSONSchema (2020-12)",
            "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"},\"when\":{\"type\":\"string\","
                + "\"format\":\"date-time\",\"pattern\":\"^\\\\d{4}\"},\"n\":{\"type\":\"integer\","
                + "\"exclusiveMinimum\":0,\"maximum\":9007199254740991}},\"required\":[\"city\"],"
                + "\"additionalProperties\":false}"),
        Arguments.of("const", property("{\"const\":\"move\"}")),
        Arguments.of(
            "prefixItems",
            property(
                "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"number\"}]}")),
        Arguments.of(
            "oneOf", property("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}")),
        Arguments.of(
            "allOf",
            property(
                "{\"allOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}},"
                    + "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"number\"}}}]}")),
        Arguments.of("not", property("{\"type\":\"string\",\"not\":{\"enum\":[\"x\"]}}")),
        Arguments.of(
            "if/then/else",
            "{\"type\":\"object\",\"properties\":{\"mode\":{\"type\":\"string\"},"
                + "\"count\":{\"type\":\"integer\"}},\"if\":{\"properties\":{\"mode\":"
                + "{\"enum\":[\"many\"]}}},\"then\":{\"required\":[\"count\"]},"
                + "\"else\":{\"properties\":{\"count\":{\"maximum\":1}}}}"),
        Arguments.of(
            "contains", property("{\"type\":\"array\",\"contains\":{\"type\":\"string\"}}")),
        Arguments.of(
            "patternProperties",
            "{\"type\":\"object\",\"patternProperties\":{\"^x_\":{\"type\":\"number\"}},"
                + "\"additionalProperties\":false}"),
        Arguments.of(
            "dependentSchemas",
            "{\"type\":\"object\",\"properties\":{\"k\":{\"type\":\"string\"},\"v\":"
                + "{\"type\":\"string\"}},\"dependentSchemas\":{\"k\":{\"required\":[\"v\"]}}}"),
        Arguments.of(
            "propertyNames", "{\"type\":\"object\",\"propertyNames\":{\"pattern\":\"^[a-z]+$\"}}"),
        Arguments.of(
            "uniqueItems",
            property("{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"uniqueItems\":true}")),
        Arguments.of("nullable", property("{\"type\":\"string\",\"nullable\":true}")),
        Arguments.of(
            "a type list with an enum",
            property("{\"type\":[\"string\",\"null\"],\"enum\":[\"move\",null]}")),
        Arguments.of(
            "$schema wherever a schema stands",
            "{\"type\":\"object\",\"properties\":{\"r\":{\"$ref\":\"#/$defs/R\","
                + "\"$schema\":\"x\"}},\"$defs\":{\"R\":{\"$schema\":\"x\",\"type\":\"string\"}}}"),
        Arguments.of(
            "a recursion that can end",
            "{\"type\":\"object\",\"properties\":{\"node\":{\"$ref\":\"#/$defs/Node\"}},"
                + "\"$defs\":{\"Node\":{\"type\":\"object\",\"properties\":{\"value\":"
                + "{\"type\":\"string\"},\"next\":{\"anyOf\":[{\"$ref\":\"#/$defs/Node\"},"
                + "{\"type\":\"null\"}]}},\"required\":[\"value\"]}}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taken")
  void takesWhatKimiTakes(String name, String parameters) {
    assertThat(FakeSchemas.refusal(Json.parse(parameters))).isNull();
  }

  static Stream<Arguments> refused() {
    String mfjs =
        "Invalid request: tools.function.parameters is not a valid moonshot flavored json"
            + " schema, details: <";
    return Stream.of(
        Arguments.of(
            "a root that is no object",
            "{\"anyOf\":[{\"type\":\"object\"}]}",
            "Invalid request: tools.function.parameters.type is required and must be"
                + " \"object\""),
        Arguments.of(
            "type beside anyOf",
            property("{\"type\":\"string\",\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}"),
            mfjs
                + "At path 'properties.v': when using anyOf, type should be defined in anyOf"
                + " items instead of the parent schema>"),
        Arguments.of(
            "tuple items",
            property("{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}"),
            mfjs + "At path 'properties.v.items': items must be an object, not [{\"type\":"),
        Arguments.of(
            "an enum of another type",
            property("{\"type\":\"object\",\"enum\":[\"move\",\"copy\"]}"),
            mfjs + "At path 'properties.v': invalid keywords: enum>"),
        Arguments.of(
            "an enum without a type",
            property("{\"enum\":[\"move\",\"copy\"]}"),
            mfjs + "At path 'properties.v': type is not defined>"),
        Arguments.of(
            "a required name that is no property",
            "{\"type\":\"object\",\"properties\":{},\"required\":[\"missing\"]}",
            mfjs + "At path 'required': required property 'missing' is not defined in properties>"),
        Arguments.of(
            "a reference outside $defs",
            property("{\"$ref\":\"https://example.com/schema.json\"}"),
            mfjs + "At path 'properties.v.$ref': references must start with #/$defs/"),
        Arguments.of(
            "a boolean schema",
            property("true"),
            mfjs + "At path 'properties': property schema for 'v' must be an object"),
        Arguments.of(
            "a keyword a branch's type does not take",
            property("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\",\"minimum\":1}]}"),
            mfjs + "At path 'properties.v.anyOf': invalid keywords: minimum>"),
        Arguments.of(
            "a keyword outside MFJS beside $ref",
            "{\"type\":\"object\",\"properties\":{\"r\":{\"$ref\":\"#/$defs/R\","
                + "\"nullable\":true}},\"$defs\":{\"R\":{\"type\":\"string\"}}}",
            mfjs
                + "At path 'properties.r': keyword 'nullable' is not allowed at the same level as"
                + " $ref>"),
        Arguments.of(
            "a keyword outside MFJS beside anyOf",
            property("{\"anyOf\":[{\"type\":\"string\"}],\"examples\":[\"a\"]}"),
            mfjs
                + "At path 'properties.v': keyword 'examples' is not allowed at the same level as"
                + " anyOf>"),
        Arguments.of(
            "a keyword outside MFJS beside several types",
            property("{\"type\":[\"string\",\"integer\"],\"format\":\"x\"}"),
            mfjs
                + "At path 'properties.v': keyword format is not allowed in combination with"
                + " multiple types>"),
        Arguments.of(
            "nesting deeper than 10",
            "{\"type\":\"object\",\"properties\":{\"a\":".repeat(12)
                + "{\"type\":\"string\"}"
                + "}}".repeat(12),
            "schema depth exceeds maximum limit of 10>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesWhatKimiRefusesInItsWords(String name, String parameters, String message) {
    String refusal = FakeSchemas.refusal(Json.parse(parameters));
    assertThat(refusal).startsWith("Invalid request: tools.function.parameters").contains(message);
    assertThat(refusal)
        .as("Kimi's words, never the SDK's advice")
        .doesNotContain("JsonSchema", "normalize", "; ", "MFJS takes", "Kimi answers");
  }
}
