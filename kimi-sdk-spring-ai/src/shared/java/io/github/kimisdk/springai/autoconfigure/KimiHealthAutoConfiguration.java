package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Adds Kimi to the application's health when Spring Boot's health support is on the class path
 * (Spring Boot Actuator brings it) and the application has one {@link KimiClient}, its own or the
 * auto-configured one, without making Kimi's status the application's.
 *
 * <ul>
 *   <li>The indicator, {@value #CONTRIBUTOR}, asks {@code GET /models} through the client's {@code
 *       ping()}: no tokens, no chat call, never retried, at most {@code
 *       spring.ai.kimi.health.timeout} (2 s); up when Kimi answers and accepts the key, down
 *       otherwise, with the status ({@code BAD_KEY}, {@code UNREACHABLE}, {@code ERROR}), the HTTP
 *       status, the SDK's message and Kimi's request id as details.
 *   <li>A check's result answers every probe for {@code spring.ai.kimi.health.cache-for} (2 min),
 *       and probes that arrive while a check runs wait for it: a load balancer probing every few
 *       seconds costs Kimi one request per two minutes.
 *   <li>With Actuator's health endpoint, Kimi has a health group of its own, {@value #NAME} ({@code
 *       /actuator/health/kimi}), and is left out of the application's own status ({@code
 *       /actuator/health}), through Spring Boot's health groups ({@link
 *       HealthEndpointGroupsPostProcessor}, as Spring Boot adds its liveness and readiness groups):
 *       a Kimi outage does not take every instance out of a load balancer's service. {@code
 *       spring.ai.kimi.health.in-root-status=true} counts it in the root too; a group of the
 *       application's that includes {@value #CONTRIBUTOR} counts it there.
 * </ul>
 *
 * With {@code kimi-sdk-agents} and one {@code RunStore} bean, the store's health is in Kimi's group
 * too ({@value #AGENT_STORE_CONTRIBUTOR}), and out of the application's own status likewise.
 *
 * <p>{@code management.health.kimi.enabled=false} turns all of it off; a bean named {@code
 * kimiApiHealthIndicator} replaces the indicator.
 */
@AutoConfiguration(after = KimiAutoConfiguration.class)
@ConditionalOnClass({KimiClient.class, HealthIndicator.class})
@ConditionalOnSingleCandidate(KimiClient.class)
@ConditionalOnEnabledHealthIndicator(KimiHealthAutoConfiguration.NAME)
@EnableConfigurationProperties(KimiHealthProperties.class)
public class KimiHealthAutoConfiguration {

  /**
   * The name of Kimi's health group ({@code /actuator/health/kimi}) and of the switch that turns
   * Kimi's health off ({@code management.health.kimi.enabled}): {@value}.
   */
  public static final String NAME = "kimi";

  /**
   * The name of Kimi's health indicator among the application's ({@code
   * /actuator/health/kimi/kimiApi}, and what a group includes): {@value}. It differs from the
   * group's, since Spring Boot refuses a group and an indicator of one name.
   */
  public static final String CONTRIBUTOR = "kimiApi";

  /**
   * The name of the health indicator of the application's agent run store ({@code
   * /actuator/health/kimi/kimiAgentStore}), in Kimi's group and, as Kimi's, out of the
   * application's own status: {@value}.
   */
  public static final String AGENT_STORE_CONTRIBUTOR = "kimiAgentStore";

  /** Creates the configuration; Spring does. */
  public KimiHealthAutoConfiguration() {}

  /**
   * Makes Kimi's health indicator.
   *
   * @param client the application's client
   * @param properties the {@code spring.ai.kimi.health.*} properties
   * @return the indicator, contributing as {@value #CONTRIBUTOR}
   */
  @Bean
  @ConditionalOnMissingBean(name = "kimiApiHealthIndicator")
  public HealthIndicator kimiApiHealthIndicator(
      KimiClient client, KimiHealthProperties properties) {
    return new KimiHealthIndicator(client, properties);
  }

  /**
   * The health of the application's agent run store, when {@code kimi-sdk-agents} is on the class
   * path and the application has one {@code RunStore}: its check ({@code RunStore.check()}, a
   * read), cached and bounded as Kimi's ({@code spring.ai.kimi.health.cache-for} and {@code
   * timeout}), in Kimi's group. A bean named {@code kimiAgentStoreHealthIndicator} replaces it.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.github.kimisdk.agents.RunStore")
  public static class AgentStore {

    /** Creates the configuration; Spring does. */
    public AgentStore() {}

    /**
     * Makes the store's health indicator.
     *
     * @param stores the application's run stores, of which it uses the one there is
     * @param properties the {@code spring.ai.kimi.health.*} properties
     * @return the indicator, contributing as {@value #AGENT_STORE_CONTRIBUTOR}, or none without a
     *     store
     */
    @Bean
    @ConditionalOnMissingBean(name = "kimiAgentStoreHealthIndicator")
    @ConditionalOnSingleCandidate(io.github.kimisdk.agents.RunStore.class)
    public HealthIndicator kimiAgentStoreHealthIndicator(
        io.github.kimisdk.agents.RunStore stores, KimiHealthProperties properties) {
      return new KimiAgentStoreHealthIndicator(stores, properties);
    }
  }

  /** Kimi's health group, when Spring Boot's health endpoint is on the class path (Actuator). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor",
        "org.springframework.boot.actuate.endpoint.SecurityContext"
      })
  public static class Group {

    /** Creates the configuration; Spring does. */
    public Group() {}

    /**
     * Makes the post-processor of Spring Boot's health groups that adds the group {@value #NAME}
     * and leaves Kimi out of the primary group, unless {@code spring.ai.kimi.health.in-root-status}
     * is true.
     *
     * @param properties the {@code spring.ai.kimi.health.*} properties
     * @return the post-processor
     */
    @Bean
    public HealthEndpointGroupsPostProcessor kimiHealthGroup(KimiHealthProperties properties) {
      return new KimiHealthGroup(properties.isInRootStatus());
    }
  }
}
