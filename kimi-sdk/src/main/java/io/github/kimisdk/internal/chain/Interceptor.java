package io.github.kimisdk.internal.chain;

import io.github.kimisdk.base.flow.StoppablePublisher;
import java.util.concurrent.CompletableFuture;

/**
 * One cross-cutting concern of every call (its listeners, retries, rate limit, spend), wrapped
 * around the rest of the {@link Chain} once per client. Every call shape hands the chain a {@link
 * Sending}: {@code chat}, {@code request} and the platform's calls go through {@link #future},
 * {@code stream} and {@code requestEvents} through {@link #stream}. By default a hook passes the
 * call on unchanged.
 *
 * <p>Layers: above the retrying interceptor a hook runs once per call ({@link Sending#attempt()} is
 * 0): {@link #future} for a future call, {@link #stream} for a stream, when it is prepared. Below
 * it, every attempt of every shape passes {@link #future}, with the attempt's number: a stream's
 * attempt as a future that completes when the attempt ended (with null once its items all went to
 * the stream), so a concern that spans an attempt, such as a permit, is written once. Hooks run on
 * the thread that started the call, or for a retried attempt, on the thread that scheduled it; they
 * must not block.
 */
public interface Interceptor {

  /**
   * Runs a call, or one attempt of a call of any shape (below the retrier).
   *
   * @param sending what is sent
   * @param next the rest of the chain
   * @param <T> the answer type
   * @return the answer; cancelling it must cancel what {@code next} returned
   */
  default <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    return next.proceed(sending);
  }

  /**
   * Prepares a call whose answer is a stream; nothing is sent until it is subscribed to.
   *
   * @param sending what is sent
   * @param next the rest of the chain
   * @param <T> the item type
   * @return the stream; stopping it must stop what {@code next} returned
   */
  default <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    return next.proceed(sending);
  }
}
