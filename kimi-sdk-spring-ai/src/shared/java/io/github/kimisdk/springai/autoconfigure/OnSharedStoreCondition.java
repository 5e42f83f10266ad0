package io.github.kimisdk.springai.autoconfigure;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when something is to be shared through a store: {@code spring.ai.kimi.rate-limit.account}
 * is set (the limits of one account), or a budget is {@code spring.ai.kimi.budgets.<name>.shared}.
 */
class OnSharedStoreCondition extends SpringBootCondition {

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConditionMessage.Builder message = ConditionMessage.forCondition("Kimi shared store");
    String account = KimiRateLimitProperties.PREFIX + ".account";
    if (!context.getEnvironment().getProperty(account, "").isBlank()) {
      return ConditionOutcome.match(message.found("property").items(account));
    }
    Map<String, KimiBudgetProperties.Entry> budgets =
        Binder.get(context.getEnvironment())
            .bind(
                KimiBudgetProperties.BUDGETS,
                Bindable.mapOf(String.class, KimiBudgetProperties.Entry.class))
            .orElse(Map.of());
    for (Map.Entry<String, KimiBudgetProperties.Entry> b : budgets.entrySet()) {
      if (b.getValue().isShared()) {
        return ConditionOutcome.match(
            message
                .found("property")
                .items(KimiBudgetProperties.BUDGETS + "." + b.getKey() + ".shared"));
      }
    }
    return ConditionOutcome.noMatch(
        message.didNotFind("property").items(account, KimiBudgetProperties.BUDGETS + ".*.shared"));
  }
}
