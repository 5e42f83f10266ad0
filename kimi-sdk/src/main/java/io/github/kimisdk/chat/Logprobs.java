package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * Holds the log probabilities of a reply's tokens, returned when the request asked for them with
 * {@link ChatRequest.Builder#logprobs(Boolean) logprobs} (and {@link
 * ChatRequest.Builder#topLogprobs(Integer) topLogprobs} for the alternatives): those of the content
 * and, when the model refused, those of the refusal. In a stream each chunk carries those of its
 * own tokens; {@link ChatAccumulator} joins them in order.
 *
 * @param content one entry per token of the content, in order; never null
 * @param refusal one entry per token of the refusal ({@code refusal}), in order, as the OpenAI
 *     protocol sends them when the model declines; never null, empty when there was none
 * @param additionalFields the members the server sent that this record does not model, as they
 *     came; empty, never null
 */
public record Logprobs(List<Token> content, List<Token> refusal, JsonObject additionalFields) {

  /**
   * Copies the entries.
   *
   * @param content one entry per token of the content; null is empty
   * @param refusal one entry per token of the refusal; null is empty
   * @param additionalFields the members the record does not model; null is empty
   * @throws NullPointerException if an entry is null
   */
  public Logprobs {
    content = content == null ? List.of() : List.copyOf(content);
    refusal = refusal == null ? List.of() : List.copyOf(refusal);
    additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
  }

  /**
   * Creates log probabilities of content only, with additional fields.
   *
   * @param content one entry per token; null is empty
   * @param additionalFields the members the record does not model; null is empty
   * @throws NullPointerException if an entry is null
   */
  public Logprobs(List<Token> content, JsonObject additionalFields) {
    this(content, null, additionalFields);
  }

  /**
   * Creates log probabilities of content only, without additional fields.
   *
   * @param content one entry per token; null is empty
   * @throws NullPointerException if an entry is null
   */
  public Logprobs(List<Token> content) {
    this(content, null, null);
  }

  /**
   * Returns these entries followed by {@code later}'s, as a stream delivers them: content after
   * content, refusal after refusal; of the members this record does not model, arrays and strings
   * are joined in order too, and any other value of {@code later} replaces this one's (a {@code
   * null} replaces nothing).
   *
   * @param later the entries of a later chunk
   * @return the joined log probabilities
   * @throws NullPointerException if {@code later} is null
   */
  public Logprobs plus(Logprobs later) {
    Objects.requireNonNull(later, "later must not be null");
    JsonObject extra = additionalFields;
    if (!later.additionalFields.isEmpty()) {
      java.util.Map<String, JsonValue> m = new java.util.LinkedHashMap<>(extra.members());
      later.additionalFields.members().forEach((k, v) -> m.put(k, join(m.get(k), v)));
      extra = JsonObject.of(m);
    }
    if (later.content.isEmpty() && later.refusal.isEmpty() && extra == additionalFields) {
      return this;
    }
    if (content.isEmpty() && refusal.isEmpty() && extra == later.additionalFields) {
      return later;
    }
    return new Logprobs(concat(content, later.content), concat(refusal, later.refusal), extra);
  }

  private static List<Token> concat(List<Token> a, List<Token> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    List<Token> all = new java.util.ArrayList<>(a.size() + b.size());
    all.addAll(a);
    all.addAll(b);
    return all;
  }

  /**
   * Joins two values of a member a stream sends in fragments: strings and arrays are joined in
   * order, any other value replaces the earlier one, and {@code null} replaces nothing.
   *
   * @param earlier the value so far; null when none
   * @param later the value of a later chunk
   * @return the joined value
   */
  static JsonValue join(JsonValue earlier, JsonValue later) {
    if (earlier == null || earlier instanceof JsonNull) {
      return later;
    }
    if (later instanceof JsonNull) {
      return earlier;
    }
    if (earlier instanceof JsonString a && later instanceof JsonString b) {
      return JsonString.of(a.value() + b.value());
    }
    if (earlier instanceof JsonArray a && later instanceof JsonArray b) {
      List<JsonValue> all = new java.util.ArrayList<>(a.values());
      all.addAll(b.values());
      return JsonArray.of(all);
    }
    return later;
  }

  /**
   * Holds one token of the reply and how likely the model found it.
   *
   * @param token the token's text
   * @param logprob its log probability (0 is certain, more negative is less likely)
   * @param bytes its UTF-8 bytes, for tokens that are not whole characters; null when the server
   *     sent none
   * @param topLogprobs the most likely tokens at this position, when asked for; never null
   */
  public record Token(
      String token, double logprob, List<Integer> bytes, List<Alternative> topLogprobs) {

    /**
     * Copies the lists.
     *
     * @param token the token's text; null is {@code ""}
     * @param logprob its log probability
     * @param bytes its UTF-8 bytes; null when absent
     * @param topLogprobs the alternatives; null is empty
     */
    public Token {
      token = token == null ? "" : token;
      bytes = bytes == null ? null : List.copyOf(bytes);
      topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("Token")
          .add("token", token)
          .add("logprob", logprob)
          .add("bytes", bytes)
          .add("topLogprobs", topLogprobs)
          .toString();
    }
  }

  /**
   * Holds one of the most likely tokens at a position.
   *
   * @param token the token's text
   * @param logprob its log probability
   * @param bytes its UTF-8 bytes; null when the server sent none
   */
  public record Alternative(String token, double logprob, List<Integer> bytes) {

    /**
     * Copies the bytes.
     *
     * @param token the token's text; null is {@code ""}
     * @param logprob its log probability
     * @param bytes its UTF-8 bytes; null when absent
     */
    public Alternative {
      token = token == null ? "" : token;
      bytes = bytes == null ? null : List.copyOf(bytes);
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("Alternative")
          .add("token", token)
          .add("logprob", logprob)
          .add("bytes", bytes)
          .toString();
    }
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("Logprobs")
        .add("content", content)
        .add("refusal", refusal)
        .add("additionalFields", additionalFields)
        .toString();
  }
}
