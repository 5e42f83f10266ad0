package io.github.kimisdk.internal.route;

import io.github.kimisdk.Target;
import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.errors.access.Exceptions;
import io.github.kimisdk.internal.config.ClientConfig;
import io.github.kimisdk.internal.config.TargetSettings;
import io.github.kimisdk.internal.credential.Tenant;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.http.LogSwitch;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.internal.limit.RateLimiter;
import io.github.kimisdk.internal.limit.SpendMeter;
import io.github.kimisdk.model.PriceTable;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The machinery of one target of a client, the client's own and each fallback's alike, built by
 * this one constructor from the target's settings on the client's shared threads, timer and HTTP
 * client: its transport (its host's endpoint, its key), its failures' factory, its rate limiter,
 * the concurrency gate its host has learned, its spend meter (its host's prices, its model ids read
 * as Kimi's), its account (key, meter, limiter) and its health. The layers of the call's chain
 * below the retrier take from here the parts of the target an attempt goes to.
 */
public final class TargetParts {

  /**
   * What every target of a client shares: its HTTP client, clocks, timer, log, exceptions, and
   * {@code executor}, what runs the JDK's failures of an exchange instead of the JDK's own pool.
   */
  public record Shared(
      Exceptions make,
      CompletableFuture<HttpClient> http,
      System.Logger logger,
      LogSwitch logSwitch,
      Scheduler system,
      Scheduler scheduler,
      DaemonTimer.Lease timer,
      Executor executor) {

    /**
     * What the client keeps once its targets are built: the same, without the HTTP client, which is
     * its targets' transports' alone to let go of at close ({@link HttpTransport#release()}). An
     * exchange the JDK still holds after close may keep the client's machinery reachable; the
     * HttpClient must not be, or on JDK 17 to 20 its cleaner never closes it, and on any JDK its
     * pool and selector thread outlive the client.
     *
     * @return this, without {@link #http()}
     */
    public Shared withoutHttp() {
      return new Shared(make, null, logger, logSwitch, system, scheduler, timer, executor);
    }
  }

  public final Target target;
  public final TargetSettings settings;
  public final HttpTransport transport;
  public final ErrorFactory errors;
  public final RateLimiter limiter; // null when the target has no rate limit
  public final ConcurrencyGate gate;
  public final SpendMeter meter;
  public final Tenant tenant;
  public final TargetHealth health;

  public TargetParts(Target target, TargetSettings settings, Shared shared) {
    ClientConfig c = settings.client();
    this.target = target;
    this.settings = settings;
    // the caller's HTTP client is told when a connection fails through its proxy
    HttpClient given = c.httpClient();
    ErrorFactory errors =
        ErrorFactory.of(shared.make(), settings, given == null ? null : given.proxy().orElse(null));
    this.transport =
        HttpTransport.builder(settings, shared.http(), errors)
            .logger(shared.logger())
            .logSwitch(shared.logSwitch())
            .bodyWatch(shared.system())
            .lingerTimer(shared.timer()::schedule)
            .executor(shared.executor())
            .build();
    this.errors = errors;
    this.limiter =
        settings.rateLimit() == null
            ? null
            : new RateLimiter(
                settings.rateLimit(), shared.scheduler(), errors, c.catalog(), c.timeouts());
    java.net.URI u = settings.endpoint().uri();
    this.gate =
        new ConcurrencyGate(
            settings.rateLimit() == null
                ? Integer.MAX_VALUE
                : settings.rateLimit().maxConcurrency().orElse(Integer.MAX_VALUE),
            // the host's name and address, as its gate's moves name it: never a key or a path
            ConcurrencyGate.told(
                settings.host().name()
                    + " at "
                    + u.getHost()
                    + (u.getPort() < 0 ? "" : ":" + u.getPort()),
                shared.logger()),
            shared.scheduler()::nanoTime);
    SpendMeter spend = new SpendMeter(new Prices(settings), c.promptCacheTtl());
    this.meter =
        settings.host().speaksMoonshot() ? spend : spend.readingModels(settings.host()::kimiModel);
    this.tenant = new Tenant(null, settings.credential(), meter, limiter);
    this.health = new TargetHealth(shared.scheduler(), c.retryPolicy());
  }

  /**
   * Makes the target's price table when its meter first needs it. A class, not a lambda: linking a
   * lambda loads the classes of its signature, and a client that never prices should not load the
   * table's.
   */
  private static final class Prices implements Supplier<PriceTable> {
    private final TargetSettings settings;

    Prices(TargetSettings settings) {
      this.settings = settings;
    }

    @Override
    public PriceTable get() {
      return settings.prices();
    }
  }

  @Override
  public String toString() {
    return "TargetParts[" + target + "]";
  }
}
