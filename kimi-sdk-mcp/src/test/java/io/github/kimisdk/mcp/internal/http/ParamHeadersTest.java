package io.github.kimisdk.mcp.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 2026-07-28 request headers: values encoded, x-mcp-header annotations read and checked. */
class ParamHeadersTest {

  @Test
  void plainValuesGoAsTheyAreAndOthersAsBase64() {
    assertThat(ParamHeaders.value("us-west1")).isEqualTo("us-west1");
    assertThat(ParamHeaders.value("us west 1")).isEqualTo("us west 1");
    assertThat(ParamHeaders.value("")).isEqualTo("");
    assertThat(ParamHeaders.value("Hello, 世界")).isEqualTo("=?base64?SGVsbG8sIOS4lueVjA==?=");
    assertThat(ParamHeaders.value(" padded ")).isEqualTo("=?base64?IHBhZGRlZCA=?=");
    assertThat(ParamHeaders.value("line1\nline2")).isEqualTo("=?base64?bGluZTEKbGluZTI=?=");
    assertThat(ParamHeaders.value("\tindented")).startsWith("=?base64?");
    assertThat(ParamHeaders.value("=?base64?literal?="))
        .isEqualTo("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
  }

  @Test
  void designatedParametersAreMirroredAndNullOrAbsentOnesLeftOut() {
    List<ParamHeaders.Param> params =
        ParamHeaders.params(
            Json.parse(
                "{\"type\":\"object\",\"properties\":{"
                    + "\"region\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"},"
                    + "\"n\":{\"type\":\"integer\",\"x-mcp-header\":\"N\"},"
                    + "\"on\":{\"type\":\"boolean\",\"x-mcp-header\":\"On\"},"
                    + "\"deep\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"x-mcp-header\":\"Deep-Id\"}}},"
                    + "\"q\":{\"type\":\"string\"}}}"));
    assertThat(params)
        .extracting(ParamHeaders.Param::header)
        .containsExactly("Region", "N", "On", "Deep-Id");
    assertThat(
            ParamHeaders.values(
                params,
                Json.parse(
                        "{\"region\":\" eu\",\"n\":42,\"on\":false,\"deep\":{\"id\":\"x\"},\"q\":\"SELECT\"}")
                    .asObject()))
        .containsExactly(
            java.util.Map.entry("Mcp-Param-Region", "=?base64?IGV1?="),
            java.util.Map.entry("Mcp-Param-N", "42"),
            java.util.Map.entry("Mcp-Param-On", "false"),
            java.util.Map.entry("Mcp-Param-Deep-Id", "x"));
    assertThat(ParamHeaders.values(params, Json.parse("{\"region\":null}").asObject())).isEmpty();
  }

  @Test
  void annotationsThatBreakTheRulesMakeTheToolInvalid() {
    for (String bad :
        List.of(
            "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"\"}}}",
            "{\"properties\":{\"a\":{\"type\":\"number\",\"x-mcp-header\":\"A\"}}}",
            "{\"properties\":{\"a\":{\"type\":\"object\",\"x-mcp-header\":\"A\"}}}",
            "{\"properties\":{\"a\":{\"x-mcp-header\":\"A\"}}}",
            "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"My Region\"}}}",
            "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Région\"}}}",
            "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A:B\"}}}",
            "{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"F\"},"
                + "\"b\":{\"type\":\"string\",\"x-mcp-header\":\"f\"}}}",
            "{\"properties\":{\"a\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}}",
            "{\"anyOf\":[{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}]}",
            "{\"$defs\":{\"d\":{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}}}",
            "{\"type\":\"object\",\"x-mcp-header\":\"Root\"}")) {
      assertThatThrownBy(() -> ParamHeaders.params(Json.parse(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(ParamHeaders.params(JsonObject.of())).isEmpty();
  }
}
