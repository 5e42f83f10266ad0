package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The message attributes as structured values ({@code AttributeKey.valueKey}, which the
 * OpenTelemetry Java API this module compiles against, 1.68.0, has; an older one may not): the form
 * the conventions ask for on spans where the language can ("SHOULD be recorded in structured form",
 * {@code gen_ai.input.messages} in v1.41.1). Its keys are made when they are first used, so an
 * older API in the application fails that once, {@link #AVAILABLE} says so, and the messages go as
 * JSON strings instead.
 */
final class Structured {

  /** Whether the API in use has structured attribute values. */
  static final boolean AVAILABLE = available();

  private Structured() {}

  private static boolean available() {
    try {
      return Keys.INPUT_MESSAGES != null;
    } catch (LinkageError olderApi) {
      return false; // NoSuchMethodError, or the class's NoClassDefFoundError after it
    }
  }

  /** The keys, made on first use of this holder: a {@link LinkageError} on an older API. */
  private static final class Keys {
    static final AttributeKey<Value<?>> INPUT_MESSAGES =
        AttributeKey.valueKey("gen_ai.input.messages");
    static final AttributeKey<Value<?>> OUTPUT_MESSAGES =
        AttributeKey.valueKey("gen_ai.output.messages");
    static final AttributeKey<Value<?>> TOOL_ARGUMENTS =
        AttributeKey.valueKey("gen_ai.tool.call.arguments");
    static final AttributeKey<Value<?>> TOOL_RESULT =
        AttributeKey.valueKey("gen_ai.tool.call.result");

    private Keys() {}
  }

  /** Puts {@code gen_ai.input.messages} as a structured value. */
  static void putInput(AttributesBuilder a, JsonArray messages) {
    a.put(Keys.INPUT_MESSAGES, value(messages));
  }

  /** Puts {@code gen_ai.output.messages} as a structured value. */
  static void putOutput(AttributesBuilder a, JsonArray messages) {
    a.put(Keys.OUTPUT_MESSAGES, value(messages));
  }

  /**
   * Puts a tool call's {@code gen_ai.tool.call.arguments} (or {@code .result}) on a span: {@code
   * json} as a structured value when it is given, else {@code text} as a string value.
   */
  static void putTool(Span span, boolean arguments, JsonValue json, String text) {
    span.setAttribute(
        arguments ? Keys.TOOL_ARGUMENTS : Keys.TOOL_RESULT,
        json != null ? value(json) : Value.of(text));
  }

  /** The OpenTelemetry value of a JSON value: objects as key-value lists, members in order. */
  static Value<?> value(JsonValue v) {
    if (v instanceof JsonObject o) {
      List<KeyValue> members = new ArrayList<>(o.members().size());
      for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
        members.add(KeyValue.of(e.getKey(), value(e.getValue())));
      }
      return Value.of(members.toArray(new KeyValue[0]));
    }
    if (v instanceof JsonArray a) {
      List<Value<?>> items = new ArrayList<>(a.size());
      for (JsonValue item : a.values()) {
        items.add(value(item));
      }
      return Value.of(items);
    }
    if (v instanceof JsonString s) {
      return Value.of(s.value());
    }
    if (v instanceof JsonNumber n) {
      String literal = n.literal();
      return literal.matches("-?\\d{1,18}") ? Value.of(n.longValue()) : Value.of(n.doubleValue());
    }
    if (v instanceof JsonBoolean b) {
      return Value.of(b.value());
    }
    return Value.empty(); // null
  }
}
