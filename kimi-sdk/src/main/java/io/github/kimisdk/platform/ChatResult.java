package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.model.Spend;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one request in {@link io.github.kimisdk.KimiClient#chatAll}: exactly one of {@link
 * #completion()} and {@link #error()} is non-null. Each result carries its call's tokens and cost,
 * priced with the client's table; {@link #totalSpend(List)} sums them.
 *
 * <pre>{@code
 * List<ChatResult> results = kimi.chatAll(requests, 4, null);
 * Spend all = ChatResult.totalSpend(results);   // tokens and cost of the whole batch
 * }</pre>
 *
 * @param index the request's position in the input list
 * @param request the request
 * @param completion the reply, or null when the call failed
 * @param error the failure, or null when the call succeeded
 * @param spend the reply's tokens and cost; {@link Spend#NONE} for a failure or a reply without
 *     usage
 */
public record ChatResult(
    int index, ChatRequest request, ChatCompletion completion, KimiException error, Spend spend) {

  /**
   * Validates that exactly one of {@code completion} and {@code error} is set.
   *
   * @param index the request's position in the input list
   * @param request the request
   * @param completion the reply, or null when the call failed
   * @param error the failure, or null when the call succeeded
   * @param spend the reply's tokens and cost; null is {@link Spend#NONE}
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalArgumentException if both or neither of {@code completion} and {@code error} are
   *     set
   */
  public ChatResult {
    Objects.requireNonNull(request, "request");
    if ((completion == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of completion and error must be set");
    }
    spend = spend == null ? Spend.NONE : spend;
  }

  /**
   * Creates a result without a spend ({@link Spend#NONE}).
   *
   * @param index the request's position in the input list
   * @param request the request
   * @param completion the reply, or null when the call failed
   * @param error the failure, or null when the call succeeded
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalArgumentException if both or neither of {@code completion} and {@code error} are
   *     set
   */
  public ChatResult(
      int index, ChatRequest request, ChatCompletion completion, KimiException error) {
    this(index, request, completion, error, Spend.NONE);
  }

  /**
   * Returns the tokens and cost of several results, summed.
   *
   * @param results the results, as {@link io.github.kimisdk.KimiClient#chatAll} returns them
   * @return the sum of their {@link #spend()}
   * @throws NullPointerException if {@code results} or an element is null
   */
  public static Spend totalSpend(List<ChatResult> results) {
    Spend total = Spend.NONE;
    for (ChatResult r : results) {
      total = total.plus(r.spend);
    }
    return total;
  }

  /**
   * Tells whether the call succeeded.
   *
   * @return true if there is a completion
   */
  public boolean isSuccess() {
    return completion != null;
  }

  /**
   * Returns the completion, or throws the failure.
   *
   * @return the completion
   * @throws KimiException the call's failure
   */
  public ChatCompletion completionOrThrow() {
    if (error != null) {
      throw error;
    }
    return completion;
  }

  /** Returns the members that are set; the spend only when it is not none. */
  @Override
  public String toString() {
    return RecordText.of("ChatResult")
        .add("index", index)
        .add("request", request)
        .add("completion", completion)
        .add("error", error)
        .add("spend", spend.equals(Spend.NONE) ? null : spend)
        .toString();
  }
}
