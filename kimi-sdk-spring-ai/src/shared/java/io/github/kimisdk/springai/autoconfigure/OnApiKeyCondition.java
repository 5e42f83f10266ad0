package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.host.Host;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application defines a {@link KimiApiKeySupplier} bean, or a Kimi API key is set
 * to something other than blanks: {@code spring.ai.kimi.api-key}, else {@code MOONSHOT_API_KEY},
 * {@code KIMI_API_KEY} or {@code KIMI_CODING_API_KEY} ({@link KimiEnvironment}); or when {@code
 * spring.ai.kimi.host} names a team's own server ({@code vllm}, {@code sglang} or another
 * OpenAI-compatible one), which may run without a key: the client then sends none.
 */
class OnApiKeyCondition extends SpringBootCondition {

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConditionMessage.Builder message = ConditionMessage.forCondition("Kimi API key");
    if (context.getBeanFactory() != null
        && context
                .getBeanFactory()
                .getBeanNamesForType(KimiApiKeySupplier.class, true, false)
                .length
            > 0) {
      return ConditionOutcome.match(
          message.found("bean").items(KimiApiKeySupplier.class.getName()));
    }
    KimiEnvironment.Key key = KimiEnvironment.key(context.getEnvironment());
    if (key != null) {
      return ConditionOutcome.match(message.found("key in").items(key.source()));
    }
    String host = context.getEnvironment().getProperty(HOST, "").strip();
    return ownServer(host, context.getEnvironment().getProperty(BASE_URL))
        ? ConditionOutcome.match(message.because("the host " + host + " may run without a key"))
        : ConditionOutcome.noMatch(
            message
                .didNotFind("key in")
                .items(
                    KimiEnvironment.API_KEY,
                    KimiEnvironment.KEY_VARIABLES.get(0),
                    KimiEnvironment.KEY_VARIABLES.get(1),
                    KimiEnvironment.KEY_VARIABLES.get(2)));
  }

  private static final String HOST = KimiConnectionProperties.PREFIX + ".host";
  private static final String BASE_URL = KimiConnectionProperties.PREFIX + ".base-url";

  /**
   * Whether {@code host} at {@code baseUrl}, as {@code spring.ai.kimi.host} and {@code base-url}
   * name them, is a team's own server, which may run without a key ({@link Host#needsKey}); a host
   * that cannot be made is not (its start fails with the properties named).
   */
  static boolean ownServer(String host, String baseUrl) {
    if (host.isEmpty()) {
      return false;
    }
    try {
      return !Host.of(host, baseUrl).needsKey();
    } catch (RuntimeException cannotBeMade) {
      return false;
    }
  }
}
