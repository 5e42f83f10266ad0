package io.github.kimisdk.springai.autoconfigure;

import java.util.List;
import org.springframework.core.env.Environment;

/**
 * Where the auto-configuration finds the key and the base URL: {@code spring.ai.kimi.api-key} and
 * {@code spring.ai.kimi.base-url} (also spelled {@code SPRING_AI_KIMI_API_KEY} and {@code
 * SPRING_AI_KIMI_BASE_URL} in the environment), then the variables {@code KimiClient.fromEnv()}
 * reads, through Spring's {@link Environment} (so a system property or a command-line argument of
 * that name counts too).
 */
final class KimiEnvironment {

  /** The key property. */
  static final String API_KEY = KimiConnectionProperties.PREFIX + ".api-key";

  /** The key property as an environment variable. */
  static final String API_KEY_VARIABLE = "SPRING_AI_KIMI_API_KEY";

  /** The base URL property. */
  static final String BASE_URL = KimiConnectionProperties.PREFIX + ".base-url";

  /** The host property. */
  static final String HOST = KimiConnectionProperties.PREFIX + ".host";

  /** The variables that hold a key when the property is unset, in the order they are read. */
  static final List<String> KEY_VARIABLES =
      List.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY");

  /** The variable that holds the base URL when the property is unset. */
  static final String BASE_URL_VARIABLE = "KIMI_BASE_URL";

  private KimiEnvironment() {}

  /** A key and where it came from (a property or variable name, never the key). */
  record Key(String value, String source) {
    @Override
    public String toString() {
      return "Key[source=" + source + "]";
    }
  }

  /** The key: the property, else the first variable set to something other than blanks. */
  static Key key(Environment env) {
    String property = env.getProperty(API_KEY);
    if (hasText(property)) {
      return new Key(property.strip(), API_KEY);
    }
    for (String variable : KEY_VARIABLES) {
      String value = env.getProperty(variable);
      if (hasText(value)) {
        return new Key(value.strip(), variable);
      }
    }
    return null;
  }

  /** The base URL: the property, else the variable; null for the client's default. */
  static String baseUrl(Environment env) {
    String property = env.getProperty(BASE_URL);
    if (hasText(property)) {
      return property.strip();
    }
    String variable = env.getProperty(BASE_URL_VARIABLE);
    return hasText(variable) ? variable.strip() : null;
  }

  private static boolean hasText(String s) {
    return s != null && !s.isBlank();
  }
}
