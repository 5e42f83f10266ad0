package io.github.kimisdk.springai.autoconfigure;

/**
 * {@code spring.ai.kimi.rate-limit.*} asks for what cannot be: an {@code account} to share limits
 * in without a limit to share, or without a store to share it in. It names what is missing, and
 * {@link KimiFailureAnalyzer} turns it into Spring Boot's failure report ("APPLICATION FAILED TO
 * START", the description and the action) instead of a stack trace.
 */
final class RateLimitSettingsException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** What to do about it. */
  private final String action;

  RateLimitSettingsException(String description, String action) {
    super(description + " " + action);
    this.action = action;
  }

  /** What is wrong, without the action. */
  String description() {
    String message = getMessage();
    return message.substring(0, message.length() - action.length() - 1);
  }

  /** What to do about it. */
  String action() {
    return action;
  }
}
