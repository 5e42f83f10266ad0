package io.github.kimisdk.springai.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Options spelled under {@code spring.ai.kimi.chat.options.*}, the spelling of Spring AI 1's own
 * providers, which neither Spring line's artifact reads (both read Spring AI 2's flat spelling):
 * the start fails naming each one's flat spelling, rather than running with the settings silently
 * ignored.
 */
final class SpringAi1SpellingException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  static final String OLD_PREFIX = KimiChatProperties.PREFIX + ".options";

  /** The properties found, each with its flat spelling. */
  private final transient List<String> renames;

  private SpringAi1SpellingException(List<String> renames) {
    super(
        "Spring AI 1's spelling "
            + OLD_PREFIX
            + ".* is not read by "
            + SpringLine.BUILT_FOR.module()
            + ": "
            + String.join(", ", renames));
    this.renames = List.copyOf(renames);
  }

  List<String> renames() {
    return renames;
  }

  /** Throws when any property is set under {@code spring.ai.kimi.chat.options}. */
  static void refuse(Environment environment) {
    Map<String, Object> old =
        Binder.get(environment)
            .bind(OLD_PREFIX, Bindable.mapOf(String.class, Object.class))
            .orElse(Map.of());
    if (old.isEmpty()) {
      return;
    }
    List<String> renames = new ArrayList<>();
    for (String name : old.keySet()) {
      renames.add(OLD_PREFIX + "." + name + " -> " + KimiChatProperties.PREFIX + "." + name);
    }
    throw new SpringAi1SpellingException(renames);
  }
}
