package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;

/**
 * Hears the attempts of one call as {@link AttemptLog} sees them: each is about to be sent, its
 * headers arrived. Implementations never throw.
 */
public interface AttemptObserver {

  /** Hears nothing. */
  AttemptObserver NONE = new AttemptObserver() {};

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
}
