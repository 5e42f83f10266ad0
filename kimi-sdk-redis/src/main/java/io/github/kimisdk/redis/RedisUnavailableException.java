package io.github.kimisdk.redis;

/**
 * Thrown by a {@link RedisScripts} when Redis cannot be reached or cannot serve now, so that {@link
 * RedisRateLimitStore} applies its {@link RedisRateLimitStore.Fallback}; its cause is the client's
 * exception, if the client threw one.
 */
public final class RedisUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, usually the client's message
   * @param cause the client's exception, or null
   */
  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
