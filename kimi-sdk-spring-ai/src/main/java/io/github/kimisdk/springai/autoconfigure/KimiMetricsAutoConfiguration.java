package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Publishes what the application's {@link KimiClient} spent ({@link KimiClient#spend()}) as
 * Micrometer counters, when Micrometer is on the class path and the application has one client:
 * {@code kimi.spend.tokens} by {@code gen_ai.token.type} ({@code input}, {@code output}), {@code
 * kimi.spend.cached.tokens}, {@code kimi.spend.cache.write.tokens}, {@code
 * kimi.spend.reasoning.tokens}, {@code kimi.spend.unpriced.tokens} and {@code kimi.spend.cost} by
 * {@code currency}, each counted per target of the client and tagged with the target's place and
 * host ({@code kimi.target}, {@code kimi.target.host}). Spring Boot's metrics bind them to every
 * registry; they are read from the client when the registry is, and count every call of the client,
 * made through Spring AI or not. {@code management.metrics.enable.kimi.spend=false} turns them off;
 * a bean named {@code kimiSpendMeters} replaces them.
 */
@AutoConfiguration(after = KimiAutoConfiguration.class)
@ConditionalOnClass({KimiClient.class, MeterBinder.class})
@ConditionalOnSingleCandidate(KimiClient.class)
public class KimiMetricsAutoConfiguration {

  /** Creates the configuration; Spring does. */
  public KimiMetricsAutoConfiguration() {}

  /**
   * Makes the spend meters.
   *
   * @param client the application's client
   * @return the meters, bound by Spring Boot to the application's registries
   */
  @Bean
  @ConditionalOnMissingBean(name = "kimiSpendMeters")
  public MeterBinder kimiSpendMeters(KimiClient client) {
    return new KimiSpendMeters(client);
  }
}
