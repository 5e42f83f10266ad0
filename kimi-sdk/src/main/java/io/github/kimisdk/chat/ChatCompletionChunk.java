package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;

/**
 * Holds one event of a streamed reply. Fold a whole stream into a {@link ChatCompletion} with a
 * {@link ChatAccumulator}.
 *
 * <p>A chunk with no choices carries only usage (Kimi sends it last when {@code include_usage} is
 * set). Kimi puts the usage of a stream inside the finishing choice; {@link #usage()} looks in both
 * places. The constant {@code object} member of a chunk ({@code chat.completion.chunk}) is not
 * kept.
 *
 * @param id the completion id; null when absent
 * @param created when the reply was created, in seconds since the epoch; 0 when absent
 * @param model the model that answers; null when absent
 * @param choices the choices this chunk updates; never null, possibly empty
 * @param usage the top-level usage; null when absent (see {@link #usage()})
 * @param systemFingerprint the backend configuration fingerprint; null when absent
 * @param additionalFields the members the server sent that this record does not model, as they
 *     came; empty, never null
 */
public record ChatCompletionChunk(
    String id,
    long created,
    String model,
    List<ChunkChoice> choices,
    Usage usage,
    String systemFingerprint,
    JsonObject additionalFields) {

  /**
   * Copies the choices.
   *
   * @param id the completion id; null when absent
   * @param created when the reply was created, in seconds since the epoch; 0 when absent
   * @param model the model that answers; null when absent
   * @param choices the choices this chunk updates; never null, possibly empty
   * @param usage the top-level usage; null when absent (see {@link #usage()})
   * @param systemFingerprint the backend configuration fingerprint; null when absent
   * @param additionalFields the members the server sent that this record does not model; null is
   *     empty
   * @throws NullPointerException if an element of {@code choices} is null
   */
  public ChatCompletionChunk {
    choices = choices == null ? List.of() : List.copyOf(choices);
    additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
  }

  /**
   * Creates a chunk without additional fields.
   *
   * @param id the completion id; null when absent
   * @param created when the reply was created, in seconds since the epoch; 0 when absent
   * @param model the model that answers; null when absent
   * @param choices the choices this chunk updates; never null, possibly empty
   * @param usage the top-level usage; null when absent
   * @param systemFingerprint the backend configuration fingerprint; null when absent
   * @throws NullPointerException if an element of {@code choices} is null
   */
  public ChatCompletionChunk(
      String id,
      long created,
      String model,
      List<ChunkChoice> choices,
      Usage usage,
      String systemFingerprint) {
    this(id, created, model, choices, usage, systemFingerprint, null);
  }

  /**
   * Returns the usage this chunk reports: the top-level usage if present, else the usage of the
   * first choice that has one.
   *
   * @return the usage, or null when the chunk carries none
   */
  @Override
  public Usage usage() {
    if (usage != null) {
      return usage;
    }
    for (ChunkChoice c : choices) {
      if (c.usage() != null) {
        return c.usage();
      }
    }
    return null;
  }

  /**
   * Returns the content fragment of the first choice.
   *
   * @return the fragment, {@code ""} when there is none
   */
  public String text() {
    if (choices.isEmpty()) {
      return "";
    }
    String s = choices.get(0).delta().content();
    return s == null ? "" : s;
  }

  /**
   * Returns the reasoning fragment of the first choice.
   *
   * @return the fragment, {@code ""} when there is none
   */
  public String reasoning() {
    if (choices.isEmpty()) {
      return "";
    }
    String s = choices.get(0).delta().reasoningContent();
    return s == null ? "" : s;
  }

  /**
   * Returns the finish reason of the first choice.
   *
   * @return the finish reason, or null when this chunk does not finish the first choice
   */
  public FinishReason finishReason() {
    return choices.isEmpty() ? null : choices.get(0).finishReason();
  }

  /**
   * Updates one choice of a streamed reply.
   *
   * @param index the position of the choice updated
   * @param delta what this chunk adds to the choice; never null
   * @param finishReason why the model stopped; null until the last chunk of the choice
   * @param usage the usage of the choice (Kimi sends it with the finish reason); null when absent
   * @param logprobs the log probabilities of this chunk's tokens, when the request asked for them;
   *     null otherwise
   * @param additionalFields the members of the choice the server sent that this record does not
   *     model, as they came; empty, never null
   */
  public record ChunkChoice(
      int index,
      Delta delta,
      FinishReason finishReason,
      Usage usage,
      Logprobs logprobs,
      JsonObject additionalFields) {

    /**
     * Replaces a missing delta with an empty one.
     *
     * @param index the position of the choice updated
     * @param delta what this chunk adds to the choice; never null
     * @param finishReason why the model stopped; null until the last chunk of the choice
     * @param usage the usage of the choice (Kimi sends it with the finish reason); null when absent
     * @param logprobs the log probabilities of this chunk's tokens; null when not asked for
     * @param additionalFields the members the server sent that this record does not model; null is
     *     empty
     */
    public ChunkChoice {
      if (delta == null) {
        delta = Delta.EMPTY;
      }
      additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
    }

    /**
     * Creates a choice update without additional fields.
     *
     * @param index the position of the choice updated
     * @param delta what this chunk adds to the choice; null is empty
     * @param finishReason why the model stopped; null until the last chunk of the choice
     * @param usage the usage of the choice; null when absent
     * @param logprobs the log probabilities of this chunk's tokens; null when not asked for
     */
    public ChunkChoice(
        int index, Delta delta, FinishReason finishReason, Usage usage, Logprobs logprobs) {
      this(index, delta, finishReason, usage, logprobs, null);
    }

    /**
     * Creates a choice update without log probabilities.
     *
     * @param index the position of the choice updated
     * @param delta what this chunk adds to the choice; null is empty
     * @param finishReason why the model stopped; null until the last chunk of the choice
     * @param usage the usage of the choice; null when absent
     */
    public ChunkChoice(int index, Delta delta, FinishReason finishReason, Usage usage) {
      this(index, delta, finishReason, usage, null, null);
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return toString(null);
    }

    /**
     * The members that are set: an empty delta (a finishing chunk's) is left out, and the usage
     * when the chunk {@code shown} it.
     */
    String toString(Usage shown) {
      return RecordText.of("ChunkChoice")
          .add("index", index)
          .add("delta", Delta.EMPTY.equals(delta) ? null : delta)
          .add("finishReason", finishReason)
          .add("usage", usage == null || usage.equals(shown) ? null : usage)
          .add("logprobs", logprobs)
          .add("additionalFields", additionalFields)
          .toString();
    }
  }

  /**
   * Holds what a chunk adds to a choice.
   *
   * @param role the role, {@code assistant}, sent only in the first delta; null otherwise
   * @param content a content fragment; null when absent
   * @param reasoningContent a reasoning fragment; null when absent, possibly {@code ""}
   * @param toolCalls tool-call fragments; never null
   * @param reasoningSignature a fragment of the reasoning's signature (Anthropic Messages {@code
   *     signature_delta}); null when absent, always null over chat completions
   * @param additionalFields the members of the delta the server sent that this record does not
   *     model, as they came (such as {@code refusal}); {@link ChatAccumulator} folds them into the
   *     message's {@link AssistantMessage#additionalFields()}; empty, never null
   */
  public record Delta(
      String role,
      String content,
      String reasoningContent,
      List<ToolCallDelta> toolCalls,
      String reasoningSignature,
      JsonObject additionalFields) {

    /** An empty delta. */
    public static final Delta EMPTY = new Delta(null, null, null, List.of(), null, null);

    /**
     * Creates a delta without additional fields.
     *
     * @param role the role, {@code assistant}, sent only in the first delta; null otherwise
     * @param content a content fragment; null when absent
     * @param reasoningContent a reasoning fragment; null when absent, possibly {@code ""}
     * @param toolCalls tool-call fragments; never null
     * @param reasoningSignature a fragment of the reasoning's signature; null when absent
     * @throws NullPointerException if an element of {@code toolCalls} is null
     */
    public Delta(
        String role,
        String content,
        String reasoningContent,
        List<ToolCallDelta> toolCalls,
        String reasoningSignature) {
      this(role, content, reasoningContent, toolCalls, reasoningSignature, null);
    }

    /**
     * Creates a delta without a reasoning signature.
     *
     * @param role the role, {@code assistant}, sent only in the first delta; null otherwise
     * @param content a content fragment; null when absent
     * @param reasoningContent a reasoning fragment; null when absent, possibly {@code ""}
     * @param toolCalls tool-call fragments; never null
     * @throws NullPointerException if an element of {@code toolCalls} is null
     */
    public Delta(
        String role, String content, String reasoningContent, List<ToolCallDelta> toolCalls) {
      this(role, content, reasoningContent, toolCalls, null, null);
    }

    /**
     * Copies the tool-call fragments.
     *
     * @param role the role, {@code assistant}, sent only in the first delta; null otherwise
     * @param content a content fragment; null when absent
     * @param reasoningContent a reasoning fragment; null when absent, possibly {@code ""}
     * @param toolCalls tool-call fragments; never null
     * @param reasoningSignature a fragment of the reasoning's signature; null when absent
     * @param additionalFields the members the server sent that this record does not model; null is
     *     empty
     * @throws NullPointerException if an element of {@code toolCalls} is null
     */
    public Delta {
      toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
      additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
    }

    /** Returns the members that are set: {@code Delta[role=assistant]} for a first chunk. */
    @Override
    public String toString() {
      return RecordText.of("Delta")
          .add("role", role)
          .add("content", content)
          .add("reasoningContent", reasoningContent)
          .add("toolCalls", toolCalls)
          .add("reasoningSignature", reasoningSignature)
          .add("additionalFields", additionalFields)
          .toString();
    }
  }

  /**
   * Holds a fragment of a tool call. The first fragment of a call carries its id, type and name;
   * later ones carry pieces of the arguments, to be joined by {@code index}.
   *
   * @param index the position of the call the fragment belongs to; null when the server sent none
   *     (then the position of the fragment in the chunk decides)
   * @param id the call id; null except in the first fragment of a call
   * @param type the call type, {@code function}; null when absent
   * @param name the tool name; null except in the first fragment of a call
   * @param arguments a piece of the arguments JSON text; null when absent
   * @param additionalFields the members of the call the server sent that this record does not
   *     model, as they came; they reach the call's {@link ToolCall#additionalFields()}; empty,
   *     never null
   */
  public record ToolCallDelta(
      Integer index,
      String id,
      String type,
      String name,
      String arguments,
      JsonObject additionalFields) {

    /**
     * Replaces missing additional fields with none.
     *
     * @param index the position of the call; null when the server sent none
     * @param id the call id; null except in the first fragment of a call
     * @param type the call type; null when absent
     * @param name the tool name; null except in the first fragment of a call
     * @param arguments a piece of the arguments JSON text; null when absent
     * @param additionalFields the members the server sent that this record does not model; null is
     *     empty
     */
    public ToolCallDelta {
      additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
    }

    /**
     * Creates a fragment without additional fields.
     *
     * @param index the position of the call; null when the server sent none
     * @param id the call id; null except in the first fragment of a call
     * @param type the call type; null when absent
     * @param name the tool name; null except in the first fragment of a call
     * @param arguments a piece of the arguments JSON text; null when absent
     */
    public ToolCallDelta(Integer index, String id, String type, String name, String arguments) {
      this(index, id, type, name, arguments, null);
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("ToolCallDelta")
          .add("index", index)
          .add("id", id)
          .add("type", type)
          .add("name", name)
          .add("arguments", arguments)
          .add("additionalFields", additionalFields)
          .toString();
    }
  }

  /**
   * Returns the members that are set; a choice's usage is left out where it repeats the chunk's.
   * The usage shown is the chunk's own member, not {@link #usage()}'s look into the choices.
   */
  @Override
  public String toString() {
    return RecordText.of("ChatCompletionChunk")
        .add("id", id)
        .add("created", created == 0 ? null : created)
        .add("model", model)
        .add("choices", choices.stream().map(c -> c.toString(usage)).toList())
        .add("usage", usage)
        .add("systemFingerprint", systemFingerprint)
        .add("additionalFields", additionalFields)
        .toString();
  }
}
