package io.github.kimisdk.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * walle's rules that its own validator cases leave untested, one named case each; the rule and the
 * place in walle's code are in the comment above it.
 */
class MfjsValidatorTest {

  private static Arguments refused(String name, String schema, String message) {
    return Arguments.of(name, schema, message);
  }

  private static Arguments accepted(String name, String schema) {
    return Arguments.of(name, schema, null);
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        // CheckAnyOfConflicts: at walle's default level even description and title clash
        refused(
            "descriptionBesideAnyOfAndInABranch",
            "{\"description\":\"d\",\"anyOf\":[{\"type\":\"string\",\"description\":\"s\"}]}",
            "at $: conflicting keywords found in anyOf with parent: keywords (description)"),
        accepted(
            "descriptionBesideAnyOfOnly",
            "{\"description\":\"d\",\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}"),
        // CheckRefContext: a label beside $ref must not be in the target too
        refused(
            "descriptionBesideRefAndInTheTarget",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"string\",\"description\":\"a\"}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/A\",\"description\":\"x\"}}}",
            "at $.properties.x: conflicting keywords found after $ref expansion: keywords"
                + " (description) are defined both alongside \"$ref\" and in the referenced"
                + " schema"),
        refused(
            "descriptionBesideRefAndInABranchOfTheTarget",
            "{\"type\":\"object\",\"$defs\":{\"U\":{\"anyOf\":[{\"type\":\"string\","
                + "\"description\":\"s\"},{\"type\":\"null\"}]}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/U\",\"description\":\"x\"}}}",
            "at $.properties.x: conflicting keywords found in anyOf after ref expansion: keywords"
                + " (description)"),
        // ExpandRef: a label met twice along a chain of aliases
        refused(
            "theSameLabelTwiceAlongAChainOfAliases",
            "{\"type\":\"object\",\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\",\"title\":\"A\"},"
                + "\"b\":{\"$ref\":\"#/$defs/c\",\"title\":\"B\"},\"c\":{\"type\":\"string\"}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}}}",
            "at $.properties.x: conflicting keywords found after $ref expansion: keyword \"title\""
                + " appears at multiple levels in a chained \"$ref\""),
        accepted(
            "differentLabelsAlongAChainOfAliases",
            "{\"type\":\"object\",\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\",\"title\":\"A\"},"
                + "\"b\":{\"$ref\":\"#/$defs/c\",\"description\":\"B\"},"
                + "\"c\":{\"type\":\"string\"}},\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}}}"),
        // ValidateRef: "#" is not checked for keywords beside it, only for clashes
        accepted(
            "anyKeywordBesideARefToTheRoot",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#\",\"minLength\":3}}}"),
        // CheckRefContext: a $ref only where a schema stands, not in a default value
        refused(
            "aRefInsideADefaultValue",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\","
                + "\"default\":{\"b\":{\"$ref\":\"#\"}}}}}",
            "at $.properties.a.default.b: $ref is not allowed in this schema."),
        // CheckRefTermination: one required property that can end is enough
        accepted(
            "recursionBesideARequiredPropertyThatEnds",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
                + "\"b\":{\"$ref\":\"#\"}},\"required\":[\"a\",\"b\"]}"),
        refused(
            "recursionThatCannotEnd",
            "{\"type\":\"object\",\"properties\":{\"b\":{\"$ref\":\"#\"}},\"required\":[\"b\"]}",
            "at $.properties.b: detected infinite recursion without termination condition"),
        // a schema without type cannot end, for walle, so a required reference to one is refused
        refused(
            "aRequiredReferenceToAnUntypedDefinition",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"description\":\"anything\"}},"
                + "\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}},\"required\":[\"a\"]}",
            "at $.properties.a: detected infinite recursion"),
        // TraverseAndCheckRefs: walle stops checking below additionalProperties in Go's random
        // order, so it may or may not check a sibling property; this check always does
        refused(
            "recursionBesideAdditionalProperties",
            "{\"type\":\"object\",\"properties\":{\"b\":{\"$ref\":\"#\"}},\"required\":[\"b\"],"
                + "\"additionalProperties\":{\"type\":\"string\"}}",
            "at $.properties.b: detected infinite recursion"),
        accepted(
            "recursionBelowAdditionalProperties",
            "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"object\","
                + "\"additionalProperties\":{\"$ref\":\"#\"}}},\"required\":[\"b\"]}"),
        // ResolveSubschema: a name with '{' and '}' reads as an anyOf index
        refused(
            "aBracedPropertyNameAboveAnEnum",
            "{\"type\":\"object\",\"properties\":{\"a{1}\":{\"type\":\"string\","
                + "\"enum\":[\"x\"]}}}",
            "at $.properties.a{1}.enum: invalid path"),
        accepted(
            "aBracedPropertyNameAboveNothingWalleResolves",
            "{\"type\":\"object\",\"properties\":{\"a{1}\":{\"type\":\"string\"}}}"),
        // depth: properties count, items and anyOf do not; "#" adds nothing unless a definition
        // refers to it
        accepted("tenLevels", nested(10)),
        refused("elevenLevels", nested(11), "schema depth exceeds maximum limit of 10"),
        refused(
            "elevenLevelsThroughReferences",
            "{\"type\":\"object\",\"$defs\":{\"D\":"
                + nested(6)
                + "},"
                + "\"properties\":{\"a\":"
                + nestedAround("{\"$ref\":\"#/$defs/D\"}", 4)
                + "}}",
            "at $: schema depth exceeds maximum limit of 10"),
        accepted(
            "depthIsNotCountedThroughItemsOfADefinition",
            "{\"type\":\"object\",\"$defs\":{\"L\":{\"type\":\"array\",\"items\":"
                + nested(6)
                + "}},"
                + "\"properties\":{\"a\":"
                + nestedAround("{\"$ref\":\"#/$defs/L\"}", 4)
                + "}}"),
        accepted(
            "aSelfReferenceToTheRootAddsNoDepth",
            "{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\","
                + "\"items\":{\"$ref\":\"#\"}}}}"),
        // the numbers walle cannot parse
        refused(
            "aNumberBeyondADouble",
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\",\"default\":1e999}}}",
            "at $.properties.n.default: JSON schema parsing error: the number 1e999 is beyond the"
                + " range of a double"),
        // limits: 500 anyOf branches, 1000 enum values
        refused(
            "anAnyOfOfFiveHundredAndOneBranches",
            "{\"anyOf\":[" + "{\"type\":\"string\"},".repeat(500) + "{\"type\":\"null\"}]}",
            "at $.anyOf: anyOf must have 1-500 items, not 501"),
        accepted(
            "aThousandEnumValues", "{\"type\":\"integer\",\"enum\":[" + "1,".repeat(999) + "1]}"),
        // multiple types: with an enum only when one of the two is null
        refused(
            "anEnumBesideTwoTypesWithoutNull",
            "{\"type\":[\"string\",\"integer\"],\"enum\":[\"a\"]}",
            "at $: when type is array and enum is specified, currently only 2 types are supported"),
        accepted("aBooleanEnumWithNull", "{\"type\":[\"boolean\",\"null\"],\"enum\":[true,null]}"),
        refused(
            "duplicateTypes",
            "{\"type\":[\"string\",\"string\"]}",
            "at $.type: duplicate types in type array"),
        refused(
            "duplicateRequiredNames",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},"
                + "\"required\":[\"a\",\"a\"]}",
            "at $.required: duplicate items in required array: a"),
        // $defs and $id below the root are refused only beside a type, as walle does
        accepted(
            "anIdBelowTheRootWithoutType",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"$id\":\"x\"}}}"));
  }

  /** An object schema with {@code levels} levels of properties. */
  private static String nested(int levels) {
    return nestedAround("{\"type\":\"string\"}", levels);
  }

  /** {@code inner} as the property of {@code levels} nested object schemas. */
  private static String nestedAround(String inner, int levels) {
    String s = inner;
    for (int i = 0; i < levels; i++) {
      s = "{\"type\":\"object\",\"properties\":{\"p\":" + s + "}}";
    }
    return s;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void followsWalle(String name, String schema, String message) {
    JsonValue value = Json.parse(schema);
    if (message == null) {
      assertThatCode(() -> JsonSchema.validateMfjs(value)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> JsonSchema.validateMfjs(value))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("schema at $")
          .hasMessageContaining(message)
          .hasMessageMatching("(?s)schema at [^:]*: .+; .+");
    }
  }

  @Test
  void aSchemaOverTheSizeLimitIsRefusedAndOneUnderItAccepted() {
    Map<String, JsonValue> props = new LinkedHashMap<>();
    JsonObject property =
        JsonObject.of(
            "type", JsonString.of("string"), "description", JsonString.of("x".repeat(1000)));
    JsonObject schema = JsonObject.of("type", JsonString.of("object"));
    for (int i = 0; schema.toString().length() <= 120_000; i++) {
      JsonSchema.validate(schema);
      props.put("p" + i, property);
      schema = JsonObject.of("type", JsonString.of("object"), "properties", JsonObject.of(props));
    }
    JsonObject over = schema;
    assertThat(props).hasSizeGreaterThan(100);
    assertThatThrownBy(() -> JsonSchema.validate(over))
        .hasMessageStartingWith("tool schema at $: schema exceeds maximum allowed size");
  }

  @Test
  void theSizeCountsEscapedCharactersAsGoWritesThem() {
    // Go's encoding/json writes '<' as \u003c: six bytes each
    String text = "<".repeat(20_000);
    JsonObject schema =
        JsonObject.of("type", JsonString.of("string"), "description", JsonString.of(text));
    assertThatThrownBy(() -> JsonSchema.validateMfjs(schema))
        .hasMessageContaining("schema exceeds maximum allowed size");
  }

  @Test
  void moreThanThreeThousandPropertyNamesAreRefused() {
    Map<String, JsonValue> props = new LinkedHashMap<>();
    for (int i = 0; i < 3001; i++) {
      props.put("p" + i, JsonObject.of());
    }
    JsonObject schema =
        JsonObject.of("type", JsonString.of("object"), "properties", JsonObject.of(props));
    assertThatThrownBy(() -> JsonSchema.validate(schema))
        .hasMessageContaining(
            "at $: total number of properties keys(3001) across all objects exceeds maximum limit"
                + " of 3000");
  }

  @Test
  void aToolRootMustBeTheStringObject() {
    for (String root :
        new String[] {"{}", "{\"type\":[\"object\"]}", "{\"anyOf\":[{\"type\":\"object\"}]}"}) {
      JsonValue schema = Json.parse(root);
      JsonSchema.validateMfjs(schema);
      assertThatThrownBy(() -> JsonSchema.validate(schema))
          .as(root)
          .hasMessageStartingWith(
              "tool schema at $: the root must have \"type\": \"object\" (Kimi takes arguments as"
                  + " an object and answers \"tools.function.parameters.type is required and must"
                  + " be \\\"object\\\"\")");
    }
  }

  @Test
  void aSchemaNestedBeyondFiveHundredTwelveLevelsIsRefusedNotOverflowed() {
    JsonValue deep = JsonObject.of("type", JsonString.of("string"));
    for (int i = 0; i < 2000; i++) {
      deep = JsonObject.of("type", JsonString.of("array"), "items", deep);
    }
    JsonValue schema = deep;
    assertThatThrownBy(() -> JsonSchema.validateMfjs(schema))
        .hasMessageContaining("nested deeper than 512 levels");
  }

  /**
   * Definitions that each refer twice to the next (once as a branch, once for the values of an
   * object): following every path would take 2^60 steps; the depth of what reaches no cycle is
   * computed once per schema.
   */
  @Test
  void aFanOutOfReferencesIsCheckedWithoutExpandingIt() {
    assertThatCode(() -> JsonSchema.validateMfjs(fanOut(60, false))).doesNotThrowAnyException();
  }

  /**
   * The same fan-out closed into a ring: walle's depth search (each reference once per path) is
   * exponential there; it stops at its budget and estimates, so the check ends.
   */
  @Test
  void aRingOfFanOutReferencesIsCheckedWithinABudget() {
    assertThatCode(() -> JsonSchema.validateMfjs(fanOut(60, true))).doesNotThrowAnyException();
  }

  private static JsonObject fanOut(int n, boolean ring) {
    Map<String, JsonValue> defs = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String next = i + 1 < n ? "#/$defs/d" + (i + 1) : ring ? "#/$defs/d0" : null;
      JsonValue target =
          next == null
              ? JsonObject.of("type", JsonString.of("string"))
              : JsonObject.of("$ref", JsonString.of(next));
      defs.put(
          "d" + i,
          JsonObject.of(
              "anyOf",
              JsonArray.of(
                  target,
                  JsonObject.of("type", JsonString.of("object"), "additionalProperties", target))));
    }
    Map<String, JsonValue> root = new LinkedHashMap<>();
    root.put("type", JsonString.of("object"));
    root.put("properties", JsonObject.of("x", JsonObject.of("$ref", JsonString.of("#/$defs/d0"))));
    root.put("required", JsonArray.of(JsonString.of("x")));
    root.put("$defs", JsonObject.of(defs));
    return JsonObject.of(root);
  }
}
