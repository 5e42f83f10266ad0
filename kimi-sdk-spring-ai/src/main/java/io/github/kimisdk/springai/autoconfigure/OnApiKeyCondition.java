package io.github.kimisdk.springai.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code spring.ai.kimi.api-key} is set to something other than blanks. */
class OnApiKeyCondition extends SpringBootCondition {

  static final String PROPERTY = KimiConnectionProperties.PREFIX + ".api-key";

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    String key = context.getEnvironment().getProperty(PROPERTY);
    ConditionMessage.Builder message = ConditionMessage.forCondition("Kimi API key");
    return key != null && !key.isBlank()
        ? ConditionOutcome.match(message.found("property").items(PROPERTY))
        : ConditionOutcome.noMatch(message.didNotFind("property").items(PROPERTY));
  }
}
