package io.github.kimisdk.mcp.kimi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kimi names and schemas for an MCP server's tools. */
class McpToolsetTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "echo|echo",
        "get-sum|get-sum",
        "dotted.name|dotted_name",
        "a b/c|a_b_c",
        "21st_builder|mcp_21st_builder",
        "-dash|mcp_-dash",
        "ab|ab_",
        "x|x__",
        "'$web'|_web",
        "''|tool",
        "ünïcode|_n_code"
      })
  void namesBecomeNamesKimiAccepts(String mcpName, String kimiName) {
    assertThat(McpToolset.kimiName("", mcpName))
        .isEqualTo(kimiName)
        .matches(FunctionTool.NAME_PATTERN);
  }

  @Test
  void longNamesAreCutTo64Characters() {
    String name = McpToolset.kimiName("", "n".repeat(100));
    assertThat(name).hasSize(64).matches(FunctionTool.NAME_PATTERN);
    assertThat(McpToolset.kimiName("p_", "echo")).isEqualTo("p_echo");
  }

  @Test
  void anyNameBecomesAValidOne() {
    Random random = new Random(26);
    for (int i = 0; i < 2000; i++) {
      StringBuilder s = new StringBuilder();
      int len = random.nextInt(90);
      for (int j = 0; j < len; j++) {
        s.append(
            (char) (random.nextInt(3) == 0 ? random.nextInt(0x3000) : 32 + random.nextInt(95)));
      }
      assertThat(McpToolset.kimiName("", s.toString())).matches(FunctionTool.NAME_PATTERN);
    }
  }

  @Test
  void takenNamesGetANumberWithinTheLengthLimit() {
    assertThat(McpToolset.unique("echo", Set.of())).isEqualTo("echo");
    assertThat(McpToolset.unique("echo", Set.of("echo"))).isEqualTo("echo_2");
    assertThat(McpToolset.unique("echo", Set.of("echo", "echo_2"))).isEqualTo("echo_3");
    String long64 = "n".repeat(64);
    assertThat(McpToolset.unique(long64, Set.of(long64))).isEqualTo("n".repeat(62) + "_2");
  }

  @Test
  void aSchemaKimiAcceptsIsSentAsItIs() {
    JsonValue schema =
        Json.parse(
            "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"description\":\"x\"}},"
                + "\"required\":[\"q\"]}");
    assertThat(McpToolset.kimiSchema(schema)).isEqualTo(schema);
  }

  @Test
  void schemasGoThroughTheNormalizerWherePropertiesAreKept() {
    JsonValue schema =
        Json.parse(
            "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
                + "\"properties\":{"
                + "\"mode\":{\"enum\":[\"fast\",\"full\"]},"
                + "\"either\":{\"type\":\"string\",\"anyOf\":[{\"minLength\":1},{\"maxLength\":0}]},"
                + "\"n\":{\"type\":\"integer\",\"minimum\":1,\"not\":{\"const\":3}}},"
                + "\"required\":[\"mode\"]}");
    JsonValue fixed = McpToolset.kimiSchema(schema);
    JsonSchema.validate(fixed);
    assertThat(fixed).isEqualTo(JsonSchema.normalize(schema).schema());
    assertThat(fixed.get("$schema")).isNull();
    assertThat(fixed.get("required")).isEqualTo(Json.parse("[\"mode\"]"));
    assertThat(((JsonObject) fixed.get("properties")).members().keySet())
        .containsExactly("mode", "either", "n");
    assertThat(fixed.get("properties").get("mode"))
        .isEqualTo(Json.parse("{\"type\":\"string\",\"enum\":[\"fast\",\"full\"]}"));
  }

  @Test
  void aMissingRootTypeIsObject() {
    assertThat(McpToolset.kimiSchema(Json.parse("{\"properties\":{}}")))
        .isEqualTo(Json.parse("{\"type\":\"object\",\"properties\":{}}"));
    assertThat(Json.write(McpToolset.kimiSchema(null))).isEqualTo("{\"type\":\"object\"}");
    assertThat(Json.write(McpToolset.kimiSchema(JsonString.of("nonsense"))))
        .isEqualTo("{\"type\":\"object\"}");
  }

  @Test
  void aSchemaThatCannotBeFixedIsQuotedForTheModel() {
    for (String text :
        List.of(
            "{\"type\":\"object\",\"properties\":{\"required\":{\"type\":\"boolean\"}}}",
            "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/missing\"}}}")) {
      JsonValue schema = Json.parse(text);
      JsonValue fixed = McpToolset.kimiSchema(schema);
      JsonSchema.validate(fixed);
      assertThat(fixed.get("type")).isEqualTo(JsonString.of("object"));
      assertThat(fixed.get("description").asString())
          .isEqualTo("Arguments, as this JSON Schema describes: " + Json.write(schema));
    }
  }
}
