package io.github.kimisdk.tool;

import static io.github.kimisdk.base.text.RecordTexts.assertPrints;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the tool package's records print: the members that are set, one table per type. */
class ToolValuesToStringTest {

  @Test
  void toolCall() {
    assertPrints(
        ToolCall.function("call_1", "now", "{\"tz\":\"UTC\"}"),
        "ToolCall[id=call_1, type=function, name=now, arguments={\"tz\":\"UTC\"}]",
        new ToolCall(null, null, "now", null, null),
        "ToolCall[type=function, name=now]",
        new ToolCall("c", "function", "now", "", (JsonObject) Json.parse("{\"index\":0}")),
        "ToolCall[id=c, type=function, name=now, additionalFields={\"index\":0}]");
  }

  @Test
  void functionTool() {
    assertPrints(
        new FunctionTool("now", null, null, null),
        "FunctionTool[name=now]",
        new FunctionTool("now", "The time", Json.parse("{\"type\":\"object\"}"), false),
        "FunctionTool[name=now, description=The time, parameters={\"type\":\"object\"},"
            + " strict=false]");
  }

  @Test
  void normalized() {
    assertPrints(
        new JsonSchema.Normalized(JsonObject.of(), List.of()),
        "Normalized[]",
        new JsonSchema.Normalized((JsonObject) Json.parse("{\"type\":\"object\"}"), List.of("x")),
        "Normalized[schema={\"type\":\"object\"}, changes=[x]]");
  }
}
