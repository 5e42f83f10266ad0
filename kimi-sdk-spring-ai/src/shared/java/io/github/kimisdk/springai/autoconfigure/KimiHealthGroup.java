package io.github.kimisdk.springai.autoconfigure;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Gives Kimi a health group of its own, {@code kimi} ({@code /actuator/health/kimi}), holding the
 * {@code kimiApi} indicator (and {@code kimiAgentStore}, an agent run store's), and leaves them out
 * of the primary group (what {@code /actuator/health} aggregates) unless {@code
 * spring.ai.kimi.health.in-root-status} is true: a Kimi outage then does not take the application
 * out of a load balancer's service, and Kimi's status is still read, and still DOWN when Kimi is.
 * Spring Boot adds its liveness and readiness groups the same way. A group the application names
 * {@code kimi} itself is left as it is, as is every other named group: one that includes {@code
 * kimiApi} counts it.
 */
final class KimiHealthGroup implements HealthEndpointGroupsPostProcessor {

  private final boolean inRootStatus;

  KimiHealthGroup(boolean inRootStatus) {
    this.inRootStatus = inRootStatus;
  }

  @Override
  public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
    HealthEndpointGroup primary = groups.getPrimary();
    Map<String, HealthEndpointGroup> named = new LinkedHashMap<>();
    for (String name : groups.getNames()) {
      named.put(name, groups.get(name));
    }
    named.putIfAbsent(KimiHealthAutoConfiguration.NAME, new KimiOnly(primary));
    return new Groups(groups, inRootStatus ? primary : new WithoutKimi(primary), named);
  }

  private static boolean isKimi(String name) {
    for (String kimi :
        new String[] {
          KimiHealthAutoConfiguration.CONTRIBUTOR,
          KimiHealthAutoConfiguration.AGENT_STORE_CONTRIBUTOR
        }) {
      if (name.equals(kimi) || name.startsWith(kimi + "/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The groups after this post-processor, which still map the additional paths (such as the probes'
   * {@code /livez} and {@code /readyz}) as the groups before it did.
   */
  private record Groups(
      HealthEndpointGroups before,
      HealthEndpointGroup primary,
      Map<String, HealthEndpointGroup> named)
      implements HealthEndpointGroups, AdditionalPathsMapper {

    @Override
    public HealthEndpointGroup getPrimary() {
      return primary;
    }

    @Override
    public Set<String> getNames() {
      return new LinkedHashSet<>(named.keySet());
    }

    @Override
    public HealthEndpointGroup get(String name) {
      return named.get(name);
    }

    @Override
    public List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace namespace) {
      if (before instanceof AdditionalPathsMapper mapper) {
        return mapper.getAdditionalPaths(endpointId, namespace);
      }
      if (!HealthEndpoint.ID.equals(endpointId)) {
        return null;
      }
      return getAllWithAdditionalPath(namespace).stream()
          .map(g -> g.getAdditionalPath().getValue())
          .toList();
    }
  }

  /** A group that holds what another holds, without Kimi. */
  private record WithoutKimi(HealthEndpointGroup group) implements Delegating {
    @Override
    public boolean isMember(String name) {
      return !isKimi(name) && group.isMember(name);
    }
  }

  /** Kimi's own group: Kimi alone, shown and judged as the primary group is. */
  private record KimiOnly(HealthEndpointGroup group) implements Delegating {
    @Override
    public boolean isMember(String name) {
      return isKimi(name);
    }

    @Override
    public AdditionalHealthEndpointPath getAdditionalPath() {
      return null;
    }
  }

  /** A group that shows, judges and maps as another does. */
  private interface Delegating extends HealthEndpointGroup {
    HealthEndpointGroup group();

    @Override
    default boolean showComponents(SecurityContext securityContext) {
      return group().showComponents(securityContext);
    }

    @Override
    default boolean showDetails(SecurityContext securityContext) {
      return group().showDetails(securityContext);
    }

    @Override
    default StatusAggregator getStatusAggregator() {
      return group().getStatusAggregator();
    }

    @Override
    default HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return group().getHttpCodeStatusMapper();
    }

    @Override
    default AdditionalHealthEndpointPath getAdditionalPath() {
      return group().getAdditionalPath();
    }
  }
}
