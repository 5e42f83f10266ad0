package io.github.kimisdk.model;

import io.github.kimisdk.base.text.RecordText;
import java.util.List;
import java.util.Objects;

/**
 * One entry of Kimi's model list ({@code GET /models}), as returned by {@link
 * io.github.kimisdk.KimiModels#list()}. Capability fields are nullable: older servers and
 * compatible gateways leave them out. {@link ModelCatalog#updated} makes a catalog of them.
 *
 * @param id the model id to send in {@code model}
 * @param ownedBy the owner, such as {@code "moonshot"}; null when absent
 * @param created the creation time in epoch seconds; 0 when absent
 * @param contextLength the context window in tokens ({@code context_length}); null when absent
 * @param supportsReasoning whether the model thinks ({@code supports_reasoning}); null when absent
 * @param supportsImageIn whether the model accepts images ({@code supports_image_in}); null when
 *     absent
 * @param supportsVideoIn whether the model accepts video ({@code supports_video_in}); null when
 *     absent
 * @param displayName a human-readable name ({@code display_name}); null when absent
 * @param supportsToolUse whether the model takes tools ({@code supports_tool_use}); null when
 *     absent (Moonshot's own client then assumes true)
 * @param supportsThinkingType how the model thinks ({@code supports_thinking_type}): {@code "only"}
 *     (always), {@code "both"} (switchable) or {@code "no"}, kept as the server sent it; null when
 *     absent. It wins over {@code supportsReasoning}
 * @param efforts the effort levels the model takes, from {@code think_efforts.valid_efforts} when
 *     {@code think_efforts.support} is true, or from the older flat {@code support_efforts}; never
 *     null, empty when the server lists none
 * @param defaultEffort the effort the server uses when a request sets none ({@code
 *     think_efforts.default_effort} or the flat {@code default_effort}); null when absent
 * @param protocol the wire protocol Kimi Code serves the model over, such as {@code "anthropic"};
 *     null when absent, which means the OpenAI-style chat protocol
 */
public record ListedModel(
    String id,
    String ownedBy,
    long created,
    Integer contextLength,
    Boolean supportsReasoning,
    Boolean supportsImageIn,
    Boolean supportsVideoIn,
    String displayName,
    Boolean supportsToolUse,
    String supportsThinkingType,
    List<String> efforts,
    String defaultEffort,
    String protocol) {

  /**
   * Validates the id and copies the effort levels.
   *
   * @param id the model id to send in {@code model}
   * @param ownedBy the owner; null when absent
   * @param created the creation time in epoch seconds; 0 when absent
   * @param contextLength the context window in tokens; null when absent
   * @param supportsReasoning whether the model thinks; null when absent
   * @param supportsImageIn whether the model accepts images; null when absent
   * @param supportsVideoIn whether the model accepts video; null when absent
   * @param displayName a human-readable name; null when absent
   * @param supportsToolUse whether the model takes tools; null when absent
   * @param supportsThinkingType {@code "only"}, {@code "both"} or {@code "no"}; null when absent
   * @param efforts the effort levels; null or empty when none are listed
   * @param defaultEffort the default effort; null when absent
   * @param protocol the wire protocol on Kimi Code; null when absent
   * @throws NullPointerException if {@code id} or an effort is null
   */
  public ListedModel {
    Objects.requireNonNull(id, "id must not be null");
    efforts = efforts == null ? List.of() : List.copyOf(efforts);
  }

  /**
   * Creates an entry with the fields of older servers only: no tool-use, thinking-type, effort or
   * protocol information.
   *
   * @param id the model id to send in {@code model}
   * @param ownedBy the owner; null when absent
   * @param created the creation time in epoch seconds; 0 when absent
   * @param contextLength the context window in tokens; null when absent
   * @param supportsReasoning whether the model thinks; null when absent
   * @param supportsImageIn whether the model accepts images; null when absent
   * @param supportsVideoIn whether the model accepts video; null when absent
   * @param displayName a human-readable name; null when absent
   * @throws NullPointerException if {@code id} is null
   */
  public ListedModel(
      String id,
      String ownedBy,
      long created,
      Integer contextLength,
      Boolean supportsReasoning,
      Boolean supportsImageIn,
      Boolean supportsVideoIn,
      String displayName) {
    this(
        id,
        ownedBy,
        created,
        contextLength,
        supportsReasoning,
        supportsImageIn,
        supportsVideoIn,
        displayName,
        null,
        null,
        List.of(),
        null,
        null);
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("ListedModel")
        .add("id", id)
        .add("ownedBy", ownedBy)
        .add("created", created == 0 ? null : created)
        .add("contextLength", contextLength)
        .add("displayName", displayName)
        .add("supportsReasoning", supportsReasoning)
        .add("supportsThinkingType", supportsThinkingType)
        .add("supportsImageIn", supportsImageIn)
        .add("supportsVideoIn", supportsVideoIn)
        .add("supportsToolUse", supportsToolUse)
        .add("efforts", efforts)
        .add("defaultEffort", defaultEffort)
        .add("protocol", protocol)
        .toString();
  }
}
