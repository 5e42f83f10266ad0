package io.github.kimisdk.springai.autoconfigure;

/**
 * The {@code spring.ai.kimi.*} properties ask for what cannot be: an {@code account} to share
 * limits in without a limit to share, or without a store to share it in; a host that needs a base
 * URL without one, a malformed base URL, plain {@code http} to a host that is not loopback. It
 * names the properties at fault, and {@link KimiFailureAnalyzer} turns it into Spring Boot's
 * failure report ("APPLICATION FAILED TO START", the description and the action) instead of a stack
 * trace. Its message never holds a key.
 */
final class KimiSettingsException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** What to do about it. */
  private final String action;

  KimiSettingsException(String description, String action) {
    this(description, action, null);
  }

  /**
   * Creates the exception with the failure that revealed it, such as the SDK's {@code
   * ConfigurationException}.
   */
  KimiSettingsException(String description, String action, Throwable cause) {
    super(description + " " + action, cause);
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
