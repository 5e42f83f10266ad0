package io.github.kimisdk.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSchemaNormalizeTest {

  private static Arguments rule(String name, String in, String out, String... changes) {
    return Arguments.of(name, in, out, List.of(changes));
  }

  /** Each rule: a schema written for someone else, what Kimi gets, and the changes reported. */
  static Stream<Arguments> rules() {
    return Stream.of(
        rule(
            "alreadyFine",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"title\":\"A\"}}}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"title\":\"A\"}}}"),
        rule("emptyRoot", "{}", "{\"type\":\"object\"}", "$: added \"type\": \"object\""),
        rule(
            "schemaKeywordDropped",
            "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}",
            "{\"type\":\"object\"}",
            "$: dropped \"$schema\""),
        rule(
            "typeFromEnum",
            "{\"type\":\"object\",\"properties\":{\"m\":{\"enum\":[\"smart\",\"full\"]},"
                + "\"n\":{\"enum\":[1,2]},\"x\":{\"enum\":[1.5,2]}}}",
            "{\"type\":\"object\",\"properties\":{\"m\":{\"enum\":[\"smart\",\"full\"],"
                + "\"type\":\"string\"},\"n\":{\"enum\":[1,2],\"type\":\"integer\"},"
                + "\"x\":{\"enum\":[1.5,2],\"type\":\"number\"}}}",
            "$.properties.m: added \"type\": \"string\" (from its other keywords)",
            "$.properties.n: added \"type\": \"integer\"",
            "$.properties.x: added \"type\": \"number\""),
        rule(
            "typeFromOtherKeywords",
            "{\"type\":\"object\",\"properties\":{\"o\":{\"properties\":{}},\"a\":{\"items\":"
                + "{\"type\":\"string\"}},\"s\":{\"maxLength\":3},\"n\":{\"minimum\":0}}}",
            "{\"type\":\"object\",\"properties\":{\"o\":{\"properties\":{},\"type\":\"object\"},"
                + "\"a\":{\"items\":{\"type\":\"string\"},\"type\":\"array\"},"
                + "\"s\":{\"maxLength\":3,\"type\":\"string\"},"
                + "\"n\":{\"minimum\":0,\"type\":\"number\"}}}",
            "$.properties.o: added \"type\": \"object\"",
            "$.properties.a: added \"type\": \"array\"",
            "$.properties.s: added \"type\": \"string\"",
            "$.properties.n: added \"type\": \"number\""),
        rule(
            "anythingBecomesAStringButAdditionalPropertiesStays",
            "{\"type\":\"object\",\"properties\":{\"v\":{\"description\":\"any value\"}},"
                + "\"additionalProperties\":{}}",
            "{\"type\":\"object\",\"properties\":{\"v\":{\"description\":\"any value\","
                + "\"type\":\"string\"}},\"additionalProperties\":{}}",
            "$.properties.v: added \"type\": \"string\" (it allowed any value"),
        rule(
            "typeMovesIntoAnyOfBranches",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"description\":\"d\","
                + "\"anyOf\":[{\"enum\":[\"a\"]},{\"maxLength\":3}]}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"description\":\"d\",\"anyOf\":["
                + "{\"type\":\"string\",\"enum\":[\"a\"]},{\"type\":\"string\",\"maxLength\":3}]}}}",
            "$.properties.x: moved [type] from beside \"anyOf\" into each branch"),
        rule(
            "pydanticOptionalWithDefault",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"anyOf\":[{\"type\":\"string\"},"
                + "{\"type\":\"null\"}],\"default\":null,\"title\":\"X\"}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"title\":\"X\",\"anyOf\":["
                + "{\"type\":\"string\"},{\"type\":\"null\"}]}}}",
            "$.properties.x: dropped \"default\" beside \"anyOf\""),
        rule(
            "oneOfBecomesAnyOf",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"oneOf\":[{\"type\":\"string\"},"
                + "{\"type\":\"integer\"}]}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"anyOf\":[{\"type\":\"string\"},"
                + "{\"type\":\"integer\"}]}}}",
            "$.properties.x: \"oneOf\" became \"anyOf\""),
        rule(
            "allOfIsMerged",
            "{\"type\":\"object\",\"allOf\":[{\"properties\":{\"a\":{\"type\":\"string\"}},"
                + "\"required\":[\"a\"]},{\"properties\":{\"b\":{\"type\":\"integer\"}},"
                + "\"required\":[\"b\"]}]}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
                + "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"]}",
            "$: merged the 2 \"allOf\" branches into one schema"),
        // walle refuses prefixItems ("unsupported keywords", model.go SupportedKeywords): a tuple
        // becomes one items schema, and a closed one keeps its length
        rule(
            "tupleItemsBecomeOneItemsSchema",
            "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"array\",\"items\":["
                + "{\"type\":\"number\"},{\"type\":\"number\"}],\"additionalItems\":false}}}",
            "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"array\",\"items\":"
                + "{\"type\":\"number\"},\"maxItems\":2}}}",
            "$.properties.p: tuple \"items\" (an array of schemas) became \"items\" (Kimi has no"
                + " tuples"),
        rule(
            "prefixItemsBecomeAnAnyOf",
            "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"array\",\"prefixItems\":["
                + "{\"type\":\"number\"},{\"type\":\"string\"}]}}}",
            "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"array\",\"items\":"
                + "{\"anyOf\":[{\"type\":\"number\"},{\"type\":\"string\"}]}}}}",
            "$.properties.p: \"prefixItems\" became \"items\" with an anyOf of the element schemas"),
        rule(
            "selfReferenceStays",
            "{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\","
                + "\"items\":{\"$ref\":\"#\"}}}}",
            "{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\","
                + "\"items\":{\"$ref\":\"#\"}}}}"),
        rule(
            "definitionsBecomeDefs",
            "{\"type\":\"object\",\"definitions\":{\"City\":{\"type\":\"string\"},"
                + "\"Unused\":{\"type\":\"string\"}},"
                + "\"properties\":{\"c\":{\"$ref\":\"#/definitions/City\"}}}",
            "{\"type\":\"object\",\"properties\":{\"c\":{\"$ref\":\"#/$defs/City\"}},"
                + "\"$defs\":{\"City\":{\"type\":\"string\"}}}",
            "$.definitions: moved into $defs",
            "$.properties.c: $ref #/definitions/City became #/$defs/City",
            "$.$defs.Unused: dropped: no $ref uses it"),
        rule(
            "typeBesideRefAndConflictingDescription",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"string\",\"description\":\"an A\"}},"
                + "\"properties\":{\"x\":{\"type\":\"string\",\"description\":\"the x\","
                + "\"$ref\":\"#/$defs/A\"}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/A\"}},"
                + "\"$defs\":{\"A\":{\"type\":\"string\",\"description\":\"an A\"}}}",
            "$.properties.x: dropped \"type\" beside \"$ref\"",
            "$.properties.x: dropped \"description\" beside \"$ref\": the target has its own"),
        rule(
            "pointerRefIsInlined",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":"
                + "{\"n\":{\"type\":\"integer\"}}},\"b\":{\"$ref\":\"#/properties/a\","
                + "\"description\":\"like a\"}}}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":"
                + "{\"n\":{\"type\":\"integer\"}}},\"b\":{\"type\":\"object\",\"properties\":"
                + "{\"n\":{\"type\":\"integer\"}},\"description\":\"like a\"}}}",
            "$.properties.b: inlined $ref #/properties/a"),
        rule(
            "refWithOtherKeywordsIsInlined",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"string\"}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/A\",\"nullable\":true}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":[\"string\",\"null\"]}}}",
            "$.properties.x: inlined $ref #/$defs/A",
            "$.properties.x: \"nullable\": true became \"null\" in \"type\"",
            "$.$defs.A: dropped: no $ref uses it"),
        rule(
            "recursivePointerMovesToDefs",
            "{\"type\":\"object\",\"properties\":{\"tree\":{\"type\":\"object\",\"properties\":"
                + "{\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/properties/tree\"}}}}}}",
            "{\"type\":\"object\",\"properties\":{\"tree\":{\"type\":\"object\",\"properties\":"
                + "{\"kids\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":"
                + "{\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/tree\"}}}}}}}},"
                + "\"$defs\":{\"tree\":{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":"
                + "\"array\",\"items\":{\"$ref\":\"#/$defs/tree\"}}}}}}",
            "$.properties.tree.properties.kids.items: inlined $ref #/properties/tree",
            "$.properties.tree.properties.kids.items.properties.kids.items: moved the recursive"
                + " $ref #/properties/tree to #/$defs/tree"),
        rule(
            "constAndFormatAndPattern",
            "{\"type\":\"object\",\"properties\":{\"k\":{\"const\":\"resource\"},"
                + "\"d\":{\"type\":\"string\",\"format\":\"date\"},"
                + "\"z\":{\"type\":\"string\",\"description\":\"zip\",\"pattern\":\"^[0-9]{5}$\"}}}",
            "{\"type\":\"object\",\"properties\":{\"k\":{\"enum\":[\"resource\"],"
                + "\"type\":\"string\"},\"d\":{\"type\":\"string\",\"description\":"
                + "\"(format: date)\"},\"z\":{\"type\":\"string\",\"description\":"
                + "\"zip (pattern: ^[0-9]{5}$)\"}}}",
            "$.properties.k: \"const\" became a one-value \"enum\"",
            "$.properties.k: added \"type\": \"string\" (from its other keywords)",
            "$.properties.d: dropped \"format\" (kept in the description)",
            "$.properties.z: dropped \"pattern\" (kept in the description)"),
        rule(
            "unsupportedKeywordsDropped",
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\","
                + "\"exclusiveMinimum\":0,\"multipleOf\":2,\"examples\":[2]}},"
                + "\"not\":{\"required\":[\"q\"]},\"x-vendor\":1}",
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}",
            "$: dropped unsupported \"not\"",
            "$: dropped unsupported \"x-vendor\"",
            "$.properties.n: dropped unsupported \"exclusiveMinimum\"",
            "$.properties.n: dropped unsupported \"multipleOf\"",
            "$.properties.n: dropped unsupported \"examples\""),
        rule(
            "mixedEnumBecomesStringsAndNullJoinsTheType",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"enum\":[\"a\",1,null]}}}",
            "{\"type\":\"object\",\"properties\":{\"e\":{\"enum\":[\"a\",\"1\",null],"
                + "\"type\":[\"string\",\"null\"]}}}",
            "$.properties.e: added \"type\": \"string\"",
            "$.properties.e: \"enum\" values became strings",
            "$.properties.e: added \"null\" to \"type\": the enum holds null"),
        // walle accepts boolean enums (TestEnforcerCases/valid, {"enum":[true],...})
        rule(
            "booleanEnumStays",
            "{\"type\":\"object\",\"properties\":{\"b\":{\"enum\":[true]}}}",
            "{\"type\":\"object\",\"properties\":{\"b\":{\"enum\":[true],\"type\":\"boolean\"}}}",
            "$.properties.b: added \"type\": \"boolean\" (from its other keywords)"),
        rule(
            "nullComesFirstForANumberEnum",
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":[\"integer\",\"null\"],"
                + "\"enum\":[1,null]}}}",
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":[\"null\",\"integer\"],"
                + "\"enum\":[1,null]}}}",
            "$.properties.n: put \"null\" first in \"type\""),
        rule(
            "aStringTypeTurnsNumberValuesIntoStrings",
            "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"enum\":[1,2]}}}",
            "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"enum\":[\"1\",\"2\"]}}}",
            "$.properties.s: \"enum\" values became strings, as the type says"),
        rule(
            "typeListWithOtherKeywordsBecomesAnAnyOf",
            "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":[\"string\",\"null\"],"
                + "\"maxLength\":5,\"default\":null,\"description\":\"d\"}}}",
            "{\"type\":\"object\",\"properties\":{\"s\":{\"description\":\"d\",\"anyOf\":["
                + "{\"type\":\"string\",\"maxLength\":5},{\"type\":\"null\"}]}}}",
            "$.properties.s: dropped \"default\" beside a list of types",
            "$.properties.s: \"type\" [string, null] became an anyOf of one schema per type"),
        rule(
            "keywordsOfAnotherTypeAreDropped",
            "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"minimum\":1,"
                + "\"required\":[\"x\"]}}}",
            "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\"}}}",
            "$.properties.s: dropped \"minimum\": Kimi does not take it on a schema of type string",
            "$.properties.s: dropped \"required\""),
        rule(
            "rangesBecomeWhatKimiAccepts",
            "{\"type\":\"object\",\"properties\":{\"i\":{\"type\":\"integer\",\"minimum\":1.5,"
                + "\"maximum\":9.5},\"s\":{\"type\":\"string\",\"minLength\":-1,"
                + "\"maxLength\":\"5\"},\"a\":{\"type\":\"array\",\"minItems\":5,\"maxItems\":2}}}",
            "{\"type\":\"object\",\"properties\":{\"i\":{\"type\":\"integer\",\"minimum\":2,"
                + "\"maximum\":9},\"s\":{\"type\":\"string\"},\"a\":{\"type\":\"array\"}}}",
            "$.properties.i: \"minimum\" 1.5 became 2",
            "$.properties.i: \"maximum\" 9.5 became 9",
            "$.properties.s: dropped \"minLength\" -1: not a count",
            "$.properties.s: dropped \"maxLength\" \"5\": not a count",
            "$.properties.a: dropped \"minItems\" and \"maxItems\": no value fits both"),
        // walle refuses a label beside anyOf that a branch has too (CheckAnyOfConflicts)
        rule(
            "aDescriptionBesideAnyOfMovesIntoTheBranches",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"description\":\"d\",\"title\":\"X\","
                + "\"anyOf\":[{\"type\":\"string\",\"description\":\"s\",\"title\":\"S\"},"
                + "{\"type\":\"null\"}]}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"anyOf\":["
                + "{\"type\":\"string\",\"description\":\"d: s\",\"title\":\"S\"},"
                + "{\"type\":\"null\",\"description\":\"d\"}]}}}",
            "$.properties.x: dropped \"title\" beside \"anyOf\": a branch has its own",
            "$.properties.x: moved the \"description\" beside \"anyOf\" into each branch"),
        // walle refuses a label beside $ref that a branch of the target has (CheckRefContext)
        rule(
            "aDescriptionBesideARefToAnAnyOfWithDescriptionsGoes",
            "{\"type\":\"object\",\"$defs\":{\"U\":{\"anyOf\":[{\"type\":\"string\","
                + "\"description\":\"s\"},{\"type\":\"null\"}]}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/U\",\"description\":\"x\"}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/U\"}},"
                + "\"$defs\":{\"U\":{\"anyOf\":[{\"type\":\"string\",\"description\":\"s\"},"
                + "{\"type\":\"null\"}]}}}",
            "$.properties.x: dropped \"description\" beside \"$ref\": the target has its own"),
        // walle refuses a label met twice along a chain of aliases (ExpandRef)
        rule(
            "aTitleAlongAChainOfAliasesIsKeptOnce",
            "{\"type\":\"object\",\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\",\"title\":\"A\"},"
                + "\"b\":{\"type\":\"string\",\"title\":\"B\"}},"
                + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}},"
                + "\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"type\":\"string\","
                + "\"title\":\"B\"}}}",
            "$.$defs.a: dropped \"title\" beside \"$ref\": the target has its own"),
        // walle refuses '/' in any name inside $defs (ValidateDefs); outside it is fine
        rule(
            "aDefinitionWithASlashInANameIsInlined",
            "{\"type\":\"object\",\"$defs\":{\"P\":{\"type\":\"object\",\"properties\":"
                + "{\"a/b\":{\"type\":\"string\"}}}},\"properties\":{\"p\":{\"$ref\":\"#/$defs/P\"}}}",
            "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"object\",\"properties\":"
                + "{\"a/b\":{\"type\":\"string\"}}}}}",
            "$.properties.p: inlined $ref #/$defs/P",
            "$.$defs.P: dropped: no $ref uses it"),
        rule(
            "aRootReferenceBecomesTheSchemaItPointsTo",
            "{\"$ref\":\"#/definitions/Args\",\"definitions\":{\"Args\":{\"type\":\"object\","
                + "\"properties\":{\"q\":{\"type\":\"string\"}}}}}",
            "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}",
            "$.definitions: moved into $defs",
            "$: the root $ref #/definitions/Args became the schema it points to",
            "$.$defs.Args: dropped: no $ref uses it"),
        // Kimi: tools.function.parameters.type is required and must be "object"
        rule(
            "aRootAnyOfOfObjectsBecomesOneObject",
            "{\"type\":\"object\",\"description\":\"Provide one variant.\",\"anyOf\":["
                + "{\"properties\":{\"f\":{\"type\":\"string\"},\"c\":{\"type\":\"string\"}},"
                + "\"required\":[\"f\",\"c\"]},{\"properties\":{\"f\":{\"type\":\"string\"},"
                + "\"u\":{\"type\":\"string\"}},\"required\":[\"f\",\"u\"]}]}",
            "{\"type\":\"object\",\"description\":\"Provide one variant.\",\"properties\":{"
                + "\"f\":{\"type\":\"string\"},\"c\":{\"type\":\"string\"},"
                + "\"u\":{\"type\":\"string\"}},\"required\":[\"f\"]}",
            "$: moved [type] from beside \"anyOf\" into each branch",
            "$: merged the 2 \"anyOf\" branches of the root into one object"),
        rule(
            "typeNamesAndAliasesBecomeTypes",
            "{\"type\":\"object\",\"properties\":{\"c\":\"string\",\"n\":{\"type\":\"int\"}}}",
            "{\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"string\"},"
                + "\"n\":{\"type\":\"integer\"}}}",
            "$.properties.c: the type name \"string\" became {\"type\": \"string\"}",
            "$.properties.n: \"type\" \"int\" became \"integer\""),
        rule(
            "undeclaredRequiredNamesDropped",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},"
                + "\"required\":[\"a\",\"ghost\"]}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},"
                + "\"required\":[\"a\"]}",
            "$.required: dropped \"ghost\": not a declared property"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void normalizesIntoWhatKimiAccepts(String name, String in, String out, List<String> changes) {
    JsonValue input = Json.parse(in);
    JsonSchema.Normalized n = JsonSchema.normalize(input);
    assertThat(n.schema()).isEqualTo(Json.parse(out));
    assertThat(n.changes()).as("changes %s", n.changes()).hasSize(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      assertThat(n.changes().get(i)).as("changes %s", n.changes()).startsWith(changes.get(i));
    }
    assertThat(n.changed()).isEqualTo(!changes.isEmpty());
    JsonSchema.validate(n.schema());
    assertThat(JsonSchema.normalize(n.schema()).changes()).as("idempotent").isEmpty();
    assertThat(input).as("input untouched").isEqualTo(Json.parse(in));
  }

  @Test
  void refusesWhatCannotBeNormalized() {
    assertThatThrownBy(() -> JsonSchema.normalize(Json.parse("[]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a tool schema is a JSON object");
    assertThatThrownBy(
            () ->
                JsonSchema.normalize(
                    Json.parse(
                        "{\"type\":\"object\",\"properties\":{\"x\":"
                            + "{\"$ref\":\"https://example.com/s.json\"}}}")))
        .hasMessageContaining("points outside the schema");
    assertThatThrownBy(
            () ->
                JsonSchema.normalize(
                    Json.parse(
                        "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/Nope\"}}}")))
        .hasMessageContaining("$ref #/$defs/Nope points to nothing in the schema");
    assertThatThrownBy(
            () ->
                JsonSchema.normalize(
                    Json.parse(
                        "{\"type\":\"object\",\"$defs\":{\"A\":{\"allOf\":[{\"$ref\":\"#/$defs/A\"}]}},"
                            + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/A\",\"nullable\":true}}}")))
        .hasMessageContaining("too deeply");
    assertThatThrownBy(() -> JsonSchema.normalize(null)).isInstanceOf(NullPointerException.class);
    assertThat(JsonSchema.normalize(JsonBoolean.of(true)).schema())
        .isEqualTo(Json.parse("{\"type\":\"object\"}"));
  }

  /**
   * JSON pointers that each refer twice to the next: inlining them all would copy 2^40 schemas;
   * past a budget proportional to the input, they move to $defs instead.
   */
  @Test
  void inliningStaysProportionalToTheInput() {
    Map<String, JsonValue> props = new java.util.LinkedHashMap<>();
    int n = 40;
    for (int i = 0; i < n; i++) {
      JsonValue next = JsonObject.of("$ref", JsonString.of("#/properties/p" + (i + 1)));
      JsonValue again =
          JsonObject.of(
              "$ref", JsonString.of("#/properties/p" + (i + 1)), "description", JsonString.of("x"));
      props.put(
          "p" + i,
          JsonObject.of(
              "type",
              JsonString.of("array"),
              "items",
              JsonObject.of("anyOf", JsonArray.of(next, again))));
    }
    props.put("p" + n, JsonObject.of("type", JsonString.of("string")));
    JsonObject input =
        JsonObject.of("type", JsonString.of("object"), "properties", JsonObject.of(props));
    JsonSchema.Normalized out = JsonSchema.normalize(input);
    JsonSchema.validateMfjs(out.schema());
    assertThat(out.schema().toString().length()).isLessThan(64 * input.toString().length());
    assertThat(out.changes()).anyMatch(c -> c.contains("(inlining it would grow the schema)"));
  }

  // ------------------------------------------------------------ walle's cases

  static Stream<Arguments> walleCases() throws IOException {
    return WalleCases.cases().stream().map(c -> Arguments.of(c));
  }

  /**
   * normalize never refuses a schema walle accepts, and never returns one walle refuses: a schema
   * walle refuses comes back fixed, or is refused with walle's reason; what comes back is a fixed
   * point of normalize.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("walleCases")
  void normalizesEveryWalleCaseIntoOneWalleAccepts(WalleCases.Case c) {
    JsonValue input = c.read();
    if (input == null) {
      return;
    }
    JsonSchema.Normalized n;
    try {
      n = JsonSchema.normalize(input);
    } catch (IllegalArgumentException e) {
      assertThat(c.valid()).as("walle accepts %s, but: %s", c.schema(), e.getMessage()).isFalse();
      assertThat(e.getMessage()).startsWith("tool schema at $");
      return;
    }
    JsonSchema.validateMfjs(n.schema());
    assertThat(JsonSchema.normalize(n.schema()).changes()).as("a fixed point").isEmpty();
  }

  // ------------------------------------------------------------ real MCP servers

  private static final String ONLY_SCHEMA = "$: dropped \"$schema\"";

  /**
   * The changes expected for every schema of the two MCP reference servers (inputSchema, then
   * outputSchema when there is one), keyed by tool; tools not listed only lose {@code $schema}.
   */
  private static final Map<String, List<String>> EXPECTED =
      Map.of(
          "gzip-file-as-resource input",
          List.of(ONLY_SCHEMA, "$.properties.data: dropped \"format\" (kept in the description)"),
          "read_media_file output",
          List.of(
              ONLY_SCHEMA,
              "$.properties.content.items.anyOf[1].properties.type: \"const\" became a one-value"
                  + " \"enum\" (Kimi has no const)"));

  static Stream<Arguments> mcpSchemas() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String file :
        List.of(
            "server-everything-2026.8.31.tools.json", "server-filesystem-2026.8.31.tools.json")) {
      JsonObject list;
      try (InputStream in = JsonSchemaNormalizeTest.class.getResourceAsStream("/mcp/" + file)) {
        list = Json.parse(in.readAllBytes()).asObject();
      }
      for (JsonValue t : ((JsonArray) list.get("tools")).values()) {
        JsonObject tool = t.asObject();
        String name = ((JsonString) tool.get("name")).value();
        out.add(Arguments.of(name + " input", tool.get("inputSchema")));
        if (tool.get("outputSchema") != null) {
          out.add(Arguments.of(name + " output", tool.get("outputSchema")));
        }
      }
    }
    return out.stream();
  }

  @Test
  void theMcpFixturesHoldBothServersTools() throws IOException {
    // 13 + 14 tools, one everything tool and every filesystem tool with an outputSchema
    assertThat(mcpSchemas()).hasSize(13 + 1 + 14 + 14);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mcpSchemas")
  void everyMcpReferenceSchemaNormalizesIntoAValidOne(String name, JsonValue schema) {
    JsonSchema.Normalized n = JsonSchema.normalize(schema);
    assertThat(n.changes()).isEqualTo(EXPECTED.getOrDefault(name, List.of(ONLY_SCHEMA)));
    JsonSchema.validate(n.schema());
    assertThat(n.toSchema().toJson()).isEqualTo(n.schema());
    assertThat(JsonSchema.normalize(n.schema()).changes()).isEmpty();
    // nothing a model relies on is lost: the properties and required names stay
    JsonObject before = schema.asObject();
    assertThat(n.schema().get("required")).isEqualTo(before.get("required"));
    assertThat(n.schema().get("properties").asObject().names())
        .isEqualTo(before.get("properties").asObject().names());
    if (!EXPECTED.containsKey(name)) {
      assertThat(n.schema()).isEqualTo(strip(before));
    }
  }

  private static JsonObject strip(JsonObject schema) {
    JsonObject.Builder b = JsonObject.builder();
    schema
        .members()
        .forEach(
            (k, v) -> {
              if (!k.equals("$schema")) {
                b.put(k, v);
              }
            });
    return b.build();
  }
}
