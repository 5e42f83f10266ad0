package io.github.kimisdk.springai;

import io.github.kimisdk.host.ServedBy;
import io.micrometer.common.KeyValues;
import java.util.List;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation.LowCardinalityKeyNames;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;

/**
 * Spring AI's chat observation convention, naming the target that served the call, plus the
 * OpenTelemetry GenAI conventions' current provider attribute, {@code gen_ai.provider.name}, beside
 * Spring AI's deprecated {@code gen_ai.system}. The provider is the host that served ({@link
 * #provider}): Spring AI's low-cardinality {@code gen_ai.system}, which its {@code gen_ai.client.*}
 * meters are tagged with, carries it, so the meters of a call a vLLM served say {@code vllm}. The
 * target's place and host ({@code kimi.target}, {@code kimi.target.host}) and {@code
 * gen_ai.provider.name} are high-cardinality keys: spans carry them, meters do not, so that Kimi's
 * {@code gen_ai.client.*} meters keep the tag keys of every other Spring AI provider's (a
 * Prometheus registry drops a meter whose tag keys differ from those of an earlier meter of the
 * same name); {@code kimi.spend.*} meters are tagged with the target instead.
 */
final class KimiObservationConvention extends DefaultChatModelObservationConvention {

  /** The provider attribute of the OpenTelemetry GenAI conventions: {@value}. */
  static final String PROVIDER_NAME = "gen_ai.provider.name";

  /** The target's place in the client's fallback chain, 0 for its own: {@value}. */
  static final String TARGET = "kimi.target";

  /** The target's host ({@code Host.name()}): {@value}. */
  static final String TARGET_HOST = "kimi.target.host";

  /** Where {@link KimiChatModel} puts the client's own target in the context: its class. */
  static final Class<ServedBy> OWN_TARGET = ServedBy.class;

  /** The hosts that are Moonshot AI's own platforms ({@code Host.name()}), whatever their URL. */
  private static final List<String> MOONSHOT_HOSTS =
      List.of("moonshot", "moonshot-cn", "kimi-code");

  /**
   * Returns the provider name of a host ({@code Host.name()}), as kimi-sdk-opentelemetry names it
   * ({@code GenAi.provider}, held to this by a test): {@value KimiChatModel#PROVIDER} for Moonshot
   * AI's own platforms, the host's name for any other.
   */
  static String provider(String host) {
    return MOONSHOT_HOSTS.contains(host) ? KimiChatModel.PROVIDER : host;
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(ChatModelObservationContext context) {
    KeyValues keys = super.getLowCardinalityKeyValues(context);
    ServedBy served = servedBy(context);
    return served == null
        ? keys
        : keys.and(LowCardinalityKeyNames.AI_PROVIDER.asString(), provider(served.host()));
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(ChatModelObservationContext context) {
    KeyValues keys = super.getHighCardinalityKeyValues(context);
    ServedBy named = named(context);
    if (named != null) {
      // a client with fallback targets: which of them served, as kimi-sdk-opentelemetry says it
      return keys.and(PROVIDER_NAME, provider(named.host()))
          .and(TARGET, Integer.toString(named.target()))
          .and(TARGET_HOST, named.host());
    }
    ServedBy own = context.get(OWN_TARGET);
    return keys.and(
        PROVIDER_NAME,
        own != null ? provider(own.host()) : context.getOperationMetadata().provider());
  }

  /**
   * The target that served the call: the one its response names (a client with fallback targets),
   * else the client's own, as the model put it in the context; null when neither is known.
   */
  static ServedBy servedBy(ChatModelObservationContext context) {
    ServedBy named = named(context);
    return named != null ? named : context.get(OWN_TARGET);
  }

  /** The target the call's response names ({@link KimiChatModel#SERVED_BY}), or null. */
  private static ServedBy named(ChatModelObservationContext context) {
    ChatResponse response = context.getResponse();
    if (response != null && response.getMetadata() != null) {
      Object named = response.getMetadata().get(KimiChatModel.SERVED_BY);
      if (named instanceof ServedBy s) {
        return s;
      }
    }
    return null;
  }
}
