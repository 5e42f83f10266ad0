package io.github.kimisdk.chat;

import java.util.List;
import java.util.Objects;

/**
 * Holds the log probabilities of a reply's tokens, returned when the request asked for them with
 * {@link ChatRequest.Builder#logprobs(Boolean) logprobs} (and {@link
 * ChatRequest.Builder#topLogprobs(Integer) topLogprobs} for the alternatives). In a stream each
 * chunk carries those of its own tokens; {@link ChatAccumulator} joins them in order.
 *
 * @param content one entry per token of the content, in order; never null
 */
public record Logprobs(List<Token> content) {

  /**
   * Copies the entries.
   *
   * @param content one entry per token; null is empty
   * @throws NullPointerException if an entry is null
   */
  public Logprobs {
    content = content == null ? List.of() : List.copyOf(content);
  }

  /**
   * Returns these entries followed by {@code later}'s, as a stream delivers them.
   *
   * @param later the entries of a later chunk
   * @return the joined log probabilities
   * @throws NullPointerException if {@code later} is null
   */
  public Logprobs plus(Logprobs later) {
    Objects.requireNonNull(later, "later must not be null");
    if (later.content.isEmpty()) {
      return this;
    }
    if (content.isEmpty()) {
      return later;
    }
    List<Token> all = new java.util.ArrayList<>(content.size() + later.content.size());
    all.addAll(content);
    all.addAll(later.content);
    return new Logprobs(all);
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
  }
}
