package io.github.kimisdk.springai;

import io.micrometer.common.KeyValues;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;

/**
 * Spring AI's chat observation convention plus the OpenTelemetry GenAI conventions' current
 * provider attribute, {@code gen_ai.provider.name}, beside Spring AI's deprecated {@code
 * gen_ai.system}. The attribute is a high-cardinality key: spans carry it, metrics do not, so that
 * Kimi's {@code gen_ai.client.*} meters keep the tag keys of every other Spring AI provider's (a
 * Prometheus registry drops a meter whose tag keys differ from those of an earlier meter of the
 * same name).
 */
final class KimiObservationConvention extends DefaultChatModelObservationConvention {

  /** The provider attribute of the OpenTelemetry GenAI conventions: {@value}. */
  static final String PROVIDER_NAME = "gen_ai.provider.name";

  @Override
  public KeyValues getHighCardinalityKeyValues(ChatModelObservationContext context) {
    return super.getHighCardinalityKeyValues(context)
        .and(PROVIDER_NAME, context.getOperationMetadata().provider());
  }
}
