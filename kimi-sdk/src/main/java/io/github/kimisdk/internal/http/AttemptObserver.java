package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;

/**
 * Hears the attempts of one call as {@link AttemptLog} sees them: each is about to be sent, its
 * headers arrived; and, from the transport, that Kimi refused one for the account's rate.
 * Implementations never throw.
 */
public interface AttemptObserver {

  /** Hears nothing. */
  AttemptObserver NONE = new AttemptObserver() {};

  /**
   * Returns an observer that tells {@code first}, then {@code second}, of everything.
   *
   * @param first an observer
   * @param second another
   * @return both
   */
  static AttemptObserver both(AttemptObserver first, AttemptObserver second) {
    if (first == NONE) {
      return second;
    }
    return new AttemptObserver() {
      @Override
      public void sending(int attempt, long bodyBytes) {
        first.sending(attempt, bodyBytes);
        second.sending(attempt, bodyBytes);
      }

      @Override
      public void headers(int attempt, ResponseMetadata metadata, long atNanos) {
        first.headers(attempt, metadata, atNanos);
        second.headers(attempt, metadata, atNanos);
      }

      @Override
      public boolean hearsRefusals() {
        return first.hearsRefusals() || second.hearsRefusals();
      }

      @Override
      public void refused(int attempt, RateRefusal refusal) {
        first.refused(attempt, refusal);
        second.refused(attempt, refusal);
      }

      @Override
      public void notRefused(int attempt) {
        first.notRefused(attempt);
        second.notRefused(attempt);
      }

      @Override
      public boolean hearsItems() {
        return first.hearsItems() || second.hearsItems();
      }

      @Override
      public void item(Object item) {
        first.item(item);
        second.item(item);
      }
    };
  }

  /**
   * Attempt {@code attempt} is about to be sent.
   *
   * @param attempt the attempt number, from 1
   * @param bodyBytes the body's size; 0 for none, -1 when unknown
   */
  default void sending(int attempt, long bodyBytes) {}

  /**
   * Attempt {@code attempt}'s response headers arrived.
   *
   * @param attempt the attempt number, from 1
   * @param metadata the status and headers
   * @param atNanos when, on {@link System#nanoTime()}
   */
  default void headers(int attempt, ResponseMetadata metadata, long atNanos) {}

  /**
   * Tells whether this observer hears {@link #refused}: the transport reads a failed response for a
   * refusal only when it does.
   *
   * @return true to hear refusals
   */
  default boolean hearsRefusals() {
    return false;
  }

  /**
   * Kimi refused attempt {@code attempt} for the account's rate (a rate limit or an overload): told
   * as soon as its body is read, on the thread that read it, before the failure is classified,
   * built, logged or heard by the call's listeners. At most once per attempt.
   *
   * @param attempt the attempt number, from 1
   * @param refusal what the response said
   */
  default void refused(int attempt, RateRefusal refusal) {}

  /**
   * Attempt {@code attempt} failed with a response whose body was read and found no refusal for the
   * account's rate (so {@link #refused} will not come for it): told, as {@link #refused} is, on the
   * thread that read it, before the failure is built. Only to an observer that {@link
   * #hearsRefusals}.
   *
   * @param attempt the attempt number, from 1
   */
  default void notRefused(int attempt) {}

  /**
   * Tells whether this observer hears each item of a streamed attempt ({@link #item}): the stream
   * then passes its items by it.
   *
   * @return true to hear items
   */
  default boolean hearsItems() {
    return false;
  }

  /**
   * An item of the streamed attempt arrived (a chat chunk, an event), on the thread that delivers
   * it, before the call's stream sees it: every item the host sent, one a hedge drops included.
   *
   * @param item the item
   */
  default void item(Object item) {}
}
