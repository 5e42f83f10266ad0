package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.RunStore;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
 *
 * <p>It also counts the calls that routing sent elsewhere with no attempt failing ({@link
 * io.github.kimisdk.CallEvent.Rerouted}: a conversation moved off its replica, a stream hedged or
 * continued) as {@code kimi.reroutes}, by {@code kimi.reroute} ({@code moved}, {@code hedged},
 * {@code continued}) and the target the attempt went to ({@code kimi.target}, {@code
 * kimi.target.host}), on the client the auto-configuration builds (a listener its customizer {@code
 * kimiRerouteListener} adds). {@code management.metrics.enable.kimi.reroutes=false} turns them off;
 * a bean named {@code kimiRerouteMeters} replaces them.
 */
@AutoConfiguration(after = KimiAutoConfiguration.class)
@ConditionalOnClass({KimiClient.class, MeterBinder.class})
@ConditionalOnSingleCandidate(KimiClient.class)
public class KimiMetricsAutoConfiguration {

  /** The listener the client's builder gets, and the meters read. */
  private final KimiRerouteMeters reroutes = new KimiRerouteMeters();

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

  /**
   * Adds the listener that counts the client's reroutes to the builder of the client the
   * auto-configuration builds.
   *
   * @return the customizer
   */
  @Bean
  @ConditionalOnMissingBean(name = "kimiRerouteListener")
  public KimiClientCustomizer kimiRerouteListener() {
    return builder -> builder.listener(reroutes);
  }

  /**
   * The agent meters ({@link KimiAgentMeters}), when {@code kimi-sdk-agents} is on the class path:
   * the runs of the application's {@code RunStore} by state (when it has one), and what the agents
   * it is the listener of tell. {@code management.metrics.enable.kimi.agent=false} turns them off;
   * a bean named {@code kimiAgentMeters} replaces them.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.github.kimisdk.agents.AgentListener")
  public static class Agents {

    /** Creates the configuration; Spring does. */
    public Agents() {}

    /**
     * Makes the agent meters.
     *
     * @param store the application's run store, when it has exactly one
     * @return the meters, bound by Spring Boot to the application's registries, and a listener the
     *     application gives its agents
     */
    @Bean
    @ConditionalOnMissingBean(name = "kimiAgentMeters")
    public KimiAgentMeters kimiAgentMeters(ObjectProvider<RunStore> store) {
      return new KimiAgentMeters(
          store.getIfUnique(), Duration.ofSeconds(KimiAgentMeters.REFRESH_SECONDS));
    }
  }

  /**
   * Makes the reroute counters, one per kind and target of the client.
   *
   * @param client the application's client
   * @return the meters, bound by Spring Boot to the application's registries
   */
  @Bean
  @ConditionalOnMissingBean(name = "kimiRerouteMeters")
  public MeterBinder kimiRerouteMeters(KimiClient client) {
    return registry -> reroutes.bindTo(registry, client);
  }
}
