package io.github.kimisdk.base.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code $schema} is dropped wherever Moonshot's validator reads a schema, and nowhere else. */
class DialectTest {

  static final String DRAFT7 = "\"$schema\":\"http://json-schema.org/draft-07/schema#\",";

  static Stream<Arguments> places() {
    return Stream.of(
        Arguments.of(
            "root",
            "{" + DRAFT7 + "\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"),
        Arguments.of(
            "aPropertyAndItsItems",
            "{\"type\":\"object\",\"properties\":{\"a\":{"
                + DRAFT7
                + "\"type\":\"array\","
                + "\"items\":{"
                + DRAFT7
                + "\"type\":\"string\"}}}}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\"}}}}"),
        Arguments.of(
            "definitionsBranchesAndAdditionalProperties",
            "{\"type\":\"object\",\"$defs\":{\"A\":{"
                + DRAFT7
                + "\"type\":\"string\"}},"
                + "\"properties\":{\"u\":{\"anyOf\":[{"
                + DRAFT7
                + "\"type\":\"null\"},"
                + "{\"$ref\":\"#/$defs/A\"}]}},\"additionalProperties\":{"
                + DRAFT7
                + "\"type\":\"number\"}}",
            "{\"type\":\"object\",\"$defs\":{\"A\":{\"type\":\"string\"}},"
                + "\"properties\":{\"u\":{\"anyOf\":[{\"type\":\"null\"},"
                + "{\"$ref\":\"#/$defs/A\"}]}},\"additionalProperties\":{\"type\":\"number\"}}"),
        // a property named $schema is a name, not the keyword; a default is a value
        Arguments.of(
            "namesAndValuesStay",
            "{\"type\":\"object\",\"properties\":{\"$schema\":{\"type\":\"object\","
                + "\"default\":{\"$schema\":\"x\"}}}}",
            "{\"type\":\"object\",\"properties\":{\"$schema\":{\"type\":\"object\","
                + "\"default\":{\"$schema\":\"x\"}}}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("places")
  void dropsTheKeywordWhereASchemaStands(String name, String in, String out) {
    assertThat(Dialect.dropped(Json.parse(in))).isEqualTo(Json.parse(out));
  }

  @Test
  void aSchemaWithoutTheKeywordComesBackAsItIs() {
    JsonValue s =
        Json.parse(
            "{\"type\":\"object\",\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"null\"}]}}}");
    assertThat(Dialect.dropped(s)).isSameAs(s);
    JsonValue notAnObject = Json.parse("[1]");
    assertThat(Dialect.dropped(notAnObject)).isSameAs(notAnObject);
  }
}
