package io.github.kimisdk.internal.route;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.internal.client.ManualScheduler;
import io.github.kimisdk.internal.client.TestConfig;
import io.github.kimisdk.internal.config.ClientConfig;
import io.github.kimisdk.internal.config.TargetSettings;
import io.github.kimisdk.internal.http.LogSwitch;
import io.github.kimisdk.model.ModelCatalog;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Routers of real targets on virtual time, for tests of where calls go: each target's machinery
 * built as a client builds it (its health, its gate), nothing sent.
 */
final class TestRouters {

  private TestRouters() {}

  /** A router and the clock and timer lease it runs on. */
  static final class Chain implements AutoCloseable {
    final ManualScheduler time;
    final Router router;
    private final DaemonTimer.Lease lease;

    Chain(ManualScheduler time, Router router, DaemonTimer.Lease lease) {
      this.time = time;
      this.router = router;
      this.lease = lease;
    }

    /** A route of a call of {@code kimi-k3} with no conversation. */
    Route route() {
      return router.route("kimi-k3", null, 0);
    }

    /** A route of one turn of the conversation that starts with {@code user}. */
    Route turn(String user) {
      return router.route("kimi-k3", ChatRequest.of("kimi-k3", user), 0);
    }

    @Override
    public void close() {
      lease.close();
    }
  }

  /** A chain of {@code hosts} in order, each its own place. */
  static Chain chain(Host... hosts) {
    return build(RetryPolicy.defaults(), 1, 0, hosts);
  }

  /** A chain whose first {@code members} hosts are one group, each taking {@code room} at once. */
  static Chain group(int members, int room, Host... hosts) {
    return build(RetryPolicy.defaults(), members, room, hosts);
  }

  private static Chain build(RetryPolicy policy, int members, int room, Host... hosts) {
    ClientConfig.Builder b =
        TestConfig.builder(Endpoint.of(hosts[0].endpoint().baseUrl()), "sk-test")
            .host(hosts[0])
            .retryPolicy(policy);
    if (room > 0) {
      b.rateLimit(RateLimit.builder().maxConcurrency(room).build());
    }
    for (int i = 1; i < hosts.length; i++) {
      Target t = Target.of(hosts[i]);
      if (room > 0) {
        t = t.rateLimit(RateLimit.builder().maxConcurrency(room).build());
      }
      b.fallback(new ClientConfig.Fallback(t, "sk-" + i, null, i < members));
    }
    ClientConfig c = b.build();
    ManualScheduler time = new ManualScheduler();
    DaemonTimer.Lease lease = DaemonTimer.shared().leaseRunningAtClose();
    TargetParts.Shared shared =
        new TargetParts.Shared(
            TestErrors.exceptions(),
            CompletableFuture.completedFuture(HttpClient.newHttpClient()),
            System.getLogger("TestRouters"),
            LogSwitch.of(null, null),
            time,
            time,
            lease,
            Runnable::run);
    List<TargetSettings> settings = c.targets();
    List<TargetParts> parts = new ArrayList<>();
    for (int i = 0; i < settings.size(); i++) {
      parts.add(new TargetParts(Target.of(hosts[i]), settings.get(i), shared));
    }
    int[] groupOf = new int[hosts.length];
    for (int i = 0; i < groupOf.length; i++) {
      groupOf[i] = i < members ? 0 : i;
    }
    return new Chain(
        time, new Router(parts, ModelCatalog.defaults(), groupOf, null, policy), lease);
  }
}
