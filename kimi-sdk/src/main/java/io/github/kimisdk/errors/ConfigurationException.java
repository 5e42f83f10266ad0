package io.github.kimisdk.errors;

/**
 * The client cannot be built or used as configured: no API key, a malformed key, an invalid base
 * URL, plain {@code http} to a non-loopback host, or a header value with CR/LF. The message says
 * which setting to fix, and never contains the key.
 */
public final class ConfigurationException extends KimiException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception, for code that checks a client's settings before it builds one (such as a
   * framework module reading its properties).
   *
   * @param message which setting to fix; it must not contain a key
   */
  public ConfigurationException(String message) {
    super(message, null, null);
  }

  /**
   * Creates the exception with the failure that revealed the bad setting.
   *
   * @param message which setting to fix; it must not contain a key
   * @param cause the failure, such as a {@link java.net.URISyntaxException}; may be null
   */
  public ConfigurationException(String message, Throwable cause) {
    super(message, cause, null);
  }
}
