package io.github.kimisdk.ui;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;

/**
 * The AI SDK 7 UI message stream's parts, each as the JSON text of one server-sent event, with the
 * names and fields of the {@code ai} package's own chunk schema ({@code uiMessageChunkSchema} in
 * {@code ai/dist/index.js}, read at 7.0.173): every part kimi-sdk has a source for, nothing else.
 * Stateless.
 */
final class Parts {
  private Parts() {}

  /** The literal the stream ends with, after the {@code finish} part. */
  static final String DONE = "[DONE]";

  static String start(String messageId) {
    return write(JsonObject.builder().put("type", "start").put("messageId", messageId).build());
  }

  static String startStep() {
    return "{\"type\":\"start-step\"}";
  }

  static String finishStep() {
    return "{\"type\":\"finish-step\"}";
  }

  static String textStart(String id) {
    return idPart("text-start", id);
  }

  static String textDelta(String id, String delta) {
    return deltaPart("text-delta", id, delta);
  }

  static String textEnd(String id) {
    return idPart("text-end", id);
  }

  static String reasoningStart(String id) {
    return idPart("reasoning-start", id);
  }

  static String reasoningDelta(String id, String delta) {
    return deltaPart("reasoning-delta", id, delta);
  }

  static String reasoningEnd(String id) {
    return idPart("reasoning-end", id);
  }

  static String toolInputStart(String toolCallId, String toolName) {
    return write(toolPart("tool-input-start", toolCallId).put("toolName", toolName).build());
  }

  static String toolInputDelta(String toolCallId, String delta) {
    return write(toolPart("tool-input-delta", toolCallId).put("inputTextDelta", delta).build());
  }

  static String toolInputAvailable(String toolCallId, String toolName, JsonValue input) {
    return write(
        toolPart("tool-input-available", toolCallId)
            .put("toolName", toolName)
            .put("input", input)
            .build());
  }

  static String toolApprovalRequest(String approvalId, String toolCallId, String reason) {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("type", "tool-approval-request")
            .put("approvalId", approvalId)
            .put("toolCallId", toolCallId);
    if (reason != null && !reason.isEmpty()) {
      b.put("reason", reason);
    }
    return write(b.build());
  }

  static String toolApprovalResponse(String approvalId, boolean approved, String reason) {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("type", "tool-approval-response")
            .put("approvalId", approvalId)
            .put("approved", approved);
    if (reason != null && !reason.isEmpty()) {
      b.put("reason", reason);
    }
    return write(b.build());
  }

  static String toolOutputAvailable(String toolCallId, String output) {
    return write(toolPart("tool-output-available", toolCallId).put("output", output).build());
  }

  static String toolOutputError(String toolCallId, String errorText) {
    return write(toolPart("tool-output-error", toolCallId).put("errorText", errorText).build());
  }

  static String toolOutputDenied(String toolCallId) {
    return write(toolPart("tool-output-denied", toolCallId).build());
  }

  static String error(String errorText) {
    return write(JsonObject.builder().put("type", "error").put("errorText", errorText).build());
  }

  /**
   * The {@code finish} part.
   *
   * @param finishReason one of the AI SDK's: {@code stop}, {@code length}, {@code content-filter},
   *     {@code tool-calls}, {@code error}, {@code interrupted}, {@code other}
   * @param metadata the message's metadata, or null
   */
  static String finish(String finishReason, JsonObject metadata) {
    JsonObject.Builder b = JsonObject.builder().put("type", "finish");
    b.put("finishReason", finishReason);
    if (metadata != null) {
      b.put("messageMetadata", metadata);
    }
    return write(b.build());
  }

  /**
   * A tool call's arguments as the input the AI SDK shows: the JSON they are, or their text when
   * they are not JSON (the model's malformed arguments, shown as they came).
   */
  static JsonValue input(String arguments) {
    if (arguments == null || arguments.isBlank()) {
      return JsonObject.of();
    }
    try {
      return Json.parse(arguments);
    } catch (JsonException e) {
      return JsonString.of(arguments);
    }
  }

  /** The SSE event of one part: {@code data: JSON}, then a blank line. */
  static String event(String json) {
    return "data: " + json + "\n\n";
  }

  /** An SSE comment the AI SDK's parser skips: keeps a quiet connection alive. */
  static final String KEEP_ALIVE = ": keep-alive\n\n";

  private static String idPart(String type, String id) {
    return write(JsonObject.of("type", JsonString.of(type), "id", JsonString.of(id)));
  }

  private static String deltaPart(String type, String id, String delta) {
    return write(JsonObject.builder().put("type", type).put("id", id).put("delta", delta).build());
  }

  /** A part of {@code type} about the tool call {@code toolCallId}, open to more members. */
  private static JsonObject.Builder toolPart(String type, String toolCallId) {
    return JsonObject.builder().put("type", type).put("toolCallId", toolCallId);
  }

  private static String write(JsonObject o) {
    return Json.write(o);
  }
}
