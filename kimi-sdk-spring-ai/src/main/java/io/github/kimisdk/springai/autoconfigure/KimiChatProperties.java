package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.springai.KimiChatOptions;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.kimi.chat.*} properties: the chat model's default options, such as {@code
 * spring.ai.kimi.chat.model=kimi-k3} and {@code spring.ai.kimi.chat.reasoning-effort=high}. The
 * same options are also read under {@code spring.ai.kimi.chat.options.*} (Spring AI 1's spelling);
 * a value set in both wins here.
 */
@ConfigurationProperties(KimiChatProperties.PREFIX)
public class KimiChatProperties extends KimiChatOptionsProperties {

  /** The prefix of these properties: {@value}. */
  public static final String PREFIX = "spring.ai.kimi.chat";

  private final KimiChatOptionsProperties options = new KimiChatOptionsProperties();

  /** Creates the properties with nothing set. */
  public KimiChatProperties() {}

  /**
   * Returns the options set under {@code spring.ai.kimi.chat.options.*}.
   *
   * @return the options, bound in place
   */
  public KimiChatOptionsProperties getOptions() {
    return options;
  }

  /**
   * Returns the chat model's default options: those under {@code options}, overlaid by those set
   * directly.
   *
   * @return the options
   */
  public KimiChatOptions toOptions() {
    KimiChatOptions.Builder b = KimiChatOptions.builder();
    options.applyTo(b);
    applyTo(b);
    return b.build();
  }
}
