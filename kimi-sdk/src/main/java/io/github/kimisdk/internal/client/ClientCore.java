package io.github.kimisdk.internal.client;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.Target;
import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.errors.access.Exceptions;
import io.github.kimisdk.internal.chain.Authenticating;
import io.github.kimisdk.internal.chain.Call;
import io.github.kimisdk.internal.chain.CallContext;
import io.github.kimisdk.internal.chain.Calls;
import io.github.kimisdk.internal.chain.Chain;
import io.github.kimisdk.internal.chain.Gating;
import io.github.kimisdk.internal.chain.InFlight;
import io.github.kimisdk.internal.chain.Intercepting;
import io.github.kimisdk.internal.chain.Interception;
import io.github.kimisdk.internal.chain.Interceptor;
import io.github.kimisdk.internal.chain.LastLook;
import io.github.kimisdk.internal.chain.Limiting;
import io.github.kimisdk.internal.chain.Listening;
import io.github.kimisdk.internal.chain.Observing;
import io.github.kimisdk.internal.chain.Propagation;
import io.github.kimisdk.internal.chain.Retrier;
import io.github.kimisdk.internal.chain.Retrying;
import io.github.kimisdk.internal.chain.Spending;
import io.github.kimisdk.internal.config.ClientConfig;
import io.github.kimisdk.internal.config.TargetSettings;
import io.github.kimisdk.internal.credential.Credential;
import io.github.kimisdk.internal.credential.Tenant;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.http.LogSwitch;
import io.github.kimisdk.internal.http.Overrides;
import io.github.kimisdk.internal.jfr.Jfr;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.internal.limit.RateLimiter;
import io.github.kimisdk.internal.limit.SpendMeter;
import io.github.kimisdk.internal.route.Router;
import io.github.kimisdk.internal.route.TargetParts;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The machinery one {@code KimiClient} and every client derived from it share, wired once, in one
 * direction: threads, timer and scheduler, each target's machinery ({@link TargetParts}, the
 * client's own first, every one built alike), the retrier, the {@link Chain} every call goes
 * through (each layer built with the parts it uses, never this class), and the per-shape calls
 * built on them ({@link ChatCalls}, {@link Exchanges}). It tracks the calls and streams in flight
 * ({@link InFlight}) so that {@link #close()} ends them, and releases what it created.
 *
 * <p>Invariants: once closed, no call starts (the facade checks {@link #isClosed()} first) and
 * every call or stream that was tracked has been ended with a {@code CancelledException}.
 */
public final class ClientCore {

  /**
   * The most threads the client's own executor runs: four per processor, at least 8. However many
   * calls and streams are in flight, the client never runs more (the JDK's selector thread aside).
   */
  public static final int DEFAULT_THREADS =
      Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

  /** The logger of attempts unless the builder sets another (see {@code KimiClient}). */
  public static final String LOGGER_NAME = HttpTransport.LOGGER_NAME;

  /** Kimi Code's reported limit on a request body: 2 MiB (see {@code KimiClient}). */
  public static final long KIMI_CODE_MAX_REQUEST_BYTES = HttpTransport.KIMI_CODE_MAX_REQUEST_BYTES;

  private final ClientConfig config;
  private final ExecutorService ownedExecutor;
  // The HTTP client this client builds, under way in the background (see httpClient); null when
  // the caller gave one. Cleared on close, see HttpTransport.release().
  private volatile CompletableFuture<HttpClient> ownedHttp;
  private final TargetParts.Shared shared; // threads, timer, clocks, log: every target's
  private final TargetParts[] parts; // each target's machinery, the client's own first
  private final Router router; // the fallback chain; null for a client without
  private final CallContext context;
  private final Retrier retrier;
  private final InFlight inFlight;
  // Built once; a test may add an interceptor before the first call. The intercepted chain is the
  // chain of chat calls that have public interceptors (see chain(Interception)).
  private volatile Chain chain;
  private volatile Chain intercepted;
  private final ChatCalls chats;
  private final Exchanges exchanges;

  private ClientCore(ClientConfig c, Exceptions make) {
    this.config = c;
    // the client's own pool, unless the caller gave an executor (or an HTTP client that has one):
    // its timers, and the stages of the futures it hands out, never run on a pool the caller did
    // not choose, such as ForkJoinPool.commonPool()
    this.ownedExecutor =
        c.executor() == null && (c.httpClient() == null || c.httpClient().executor().isEmpty())
            ? newPool()
            : null;
    LogSwitch logSwitch = LogSwitch.fromEnvironment();
    System.Logger logger =
        logSwitch.apply(c.logger() != null ? c.logger() : LazyLogger.of(LOGGER_NAME));
    CompletableFuture<HttpClient> http = httpClient(c, ownedExecutor, logger);
    this.ownedHttp = c.httpClient() == null ? http : null;
    DaemonTimer.Lease timer = DaemonTimer.shared().leaseRunningAtClose();
    Executor executor = executor(c, ownedExecutor);
    Scheduler system = Scheduler.system(timer, executor);
    TargetParts.Shared building =
        new TargetParts.Shared(
            make,
            http,
            logger,
            logSwitch,
            system,
            c.scheduler() == null ? system : c.scheduler(),
            timer,
            executor);
    List<TargetSettings> settings = c.targets();
    this.parts = new TargetParts[settings.size()];
    for (int i = 0; i < parts.length; i++) {
      Target t =
          i == 0 ? Target.of(c.host()).weight(c.weight()) : c.fallbacks().get(i - 1).target();
      parts[i] = new TargetParts(t, settings.get(i), building);
    }
    this.shared = building.withoutHttp(); // the HTTP client is the transports' to let go of
    this.router =
        parts.length == 1
            ? null
            : new Router(List.of(parts), c.catalog(), groups(c), weights(c), c.retryPolicy());
    TargetParts own = parts[0];
    this.context =
        new CallContext(
            shared.scheduler(),
            system,
            new Calls(own.errors, new Propagation(c.propagators(), executor)),
            c.timeouts(),
            shared.logger());
    this.inFlight = new InFlight(() -> own.errors.clientClosed());
    Retrier r = new Retrier(c.retryPolicy(), context);
    this.retrier = router == null ? r : r.routing(router);
    this.chain = new Chain(context, inFlight::isClosed, concerns(c, null, null));
    this.exchanges = new Exchanges(this);
    this.chats = new ChatCalls(this);
    this.intercepted =
        new Chain(
            context, inFlight::isClosed, concerns(c, intercepting(false), intercepting(true)));
  }

  /** The layer of the public interceptors that run once per attempt, or else once per call. */
  Intercepting intercepting(boolean perAttempt) {
    return new Intercepting(
        perAttempt, (s, changed) -> chats.rewrite(s, changed), context.calls(), inFlight, parts);
  }

  /**
   * Returns the machinery of target {@code i}: 0, the client's own, then each fallback target.
   *
   * @param i the target
   * @return its parts
   */
  TargetParts parts(int i) {
    return parts[i];
  }

  /** How many targets the client has: 1, its own, and each fallback. */
  int targetCount() {
    return parts.length;
  }

  /**
   * Returns where the client's chat calls go among its targets.
   *
   * @return the router, or null for a client without fallback targets
   */
  Router router() {
    return router;
  }

  /**
   * Returns the concurrency gate of the client's own host.
   *
   * @return the gate
   */
  ConcurrencyGate gate() {
    return parts[0].gate;
  }

  /**
   * Returns the layers of every call, in order, each built with the parts it uses: the listeners,
   * the spend, the retries, the host's concurrency, the rate limit, the key, the last look for a
   * pause begun since the permit, then the transport. A chat call with public interceptors ({@link
   * io.github.kimisdk.KimiInterceptor}) goes through a chain with two more, {@code perCall} on top
   * and {@code perAttempt} just below the retries (see {@link Intercepting} for why there); every
   * other call through the chain without them.
   */
  private List<Interceptor> concerns(
      ClientConfig c, Intercepting perCall, Intercepting perAttempt) {
    List<Interceptor> concerns = new ArrayList<>();
    if (perCall != null) {
      concerns.add(perCall);
    }
    concerns.add(
        new Observing(
            new Listening(c.listeners(), parts[0].meter, c.endpoint().uri()), context.calls()));
    concerns.add(new Spending(parts));
    concerns.add(new Retrying(parts, inFlight));
    if (perAttempt != null) {
      concerns.add(perAttempt);
    }
    concerns.add(new Gating(parts, shared.scheduler()));
    concerns.add(new Limiting());
    concerns.add(new Authenticating(parts));
    concerns.add(new LastLook());
    return concerns;
  }

  /**
   * Each target's group: the index of its first member, a replica joining the group of the target
   * before it.
   */
  private static int[] groups(ClientConfig c) {
    int[] g = new int[c.fallbacks().size() + 1];
    for (int i = 1; i < g.length; i++) {
      g[i] = c.fallbacks().get(i - 1).replica() ? g[i - 1] : i;
    }
    return g;
  }

  /** Each target's weight in its group, the client's own first. */
  private static int[] weights(ClientConfig c) {
    int[] w = new int[c.fallbacks().size() + 1];
    w[0] = c.weight();
    for (int i = 1; i < w.length; i++) {
      w[i] = c.fallbacks().get(i - 1).target().weight();
    }
    return w;
  }

  /**
   * Returns the client's own pool, for when the caller gave neither an HTTP client nor an executor:
   * up to {@link #DEFAULT_THREADS} daemon threads, created on demand, ending when idle.
   */
  private static ExecutorService newPool() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            DEFAULT_THREADS,
            DEFAULT_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DaemonThreads());
    pool.allowCoreThreadTimeOut(true); // threads are created on demand and die when idle
    return pool;
  }

  /**
   * Returns the HTTP client: the caller's, else one this client builds. Building one makes the
   * JDK's default TLS context (the trust store read and parsed), about a fifth of a second of a
   * fresh JVM's CPU, so the client's own pool builds it while the rest of the client and its first
   * request are made; the first send waits for it. With the caller's executor it is built here, so
   * that executor runs nothing but what the HTTP client gives it.
   */
  private static CompletableFuture<HttpClient> httpClient(
      ClientConfig c, ExecutorService owned, System.Logger logger) {
    if (c.httpClient() != null) {
      return CompletableFuture.completedFuture(c.httpClient());
    }
    if (owned == null) {
      return CompletableFuture.completedFuture(newHttpClient(c, null));
    }
    CompletableFuture<HttpClient> http =
        CompletableFuture.supplyAsync(() -> newHttpClient(c, owned), owned);
    // Meanwhile this thread makes what the first call would otherwise stop for: the logger each
    // attempt asks at its end whether to log (its first use starts the logging backend, see
    // LazyLogger) and, while a recording may run, the Flight Recorder event.
    logger.isLoggable(System.Logger.Level.DEBUG);
    Jfr.prepare();
    return http;
  }

  /** Returns the HTTP client the client builds when the caller gave none; it never redirects. */
  private static HttpClient newHttpClient(ClientConfig c, ExecutorService owned) {
    return HttpClient.newBuilder()
        .connectTimeout(c.timeouts().connect())
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(c.executor() != null ? c.executor() : owned)
        .build();
  }

  /**
   * Returns what runs due timer tasks, the JDK's failures of an exchange and the stages of the
   * futures the client hands out: the caller's executor, else the caller's HTTP client's, else the
   * client's own pool; never a pool the caller did not choose.
   */
  private static Executor executor(ClientConfig c, ExecutorService owned) {
    if (c.executor() != null) {
      return c.executor();
    }
    return owned != null ? owned : c.httpClient().executor().orElseThrow();
  }

  /**
   * Wires a client's machinery. The one thread it starts is its own pool's first, which builds the
   * HTTP client the caller gave none of (see {@code httpClient}); the rest wait for the first call.
   *
   * @param config the checked settings
   * @param make the constructors of the exceptions
   * @return the core
   */
  public static ClientCore start(ClientConfig config, Exceptions make) {
    return new ClientCore(config, make);
  }

  /**
   * Returns what the client and every client derived from it with options have spent.
   *
   * @return the meter
   */
  public SpendMeter meter() {
    return parts[0].meter;
  }

  /**
   * Returns what the client's own tenant spent: on a client with fallback targets, what every
   * target's account spent, added up.
   *
   * @return the total
   */
  public io.github.kimisdk.model.Spend spent() {
    return router == null ? meter().total() : router.total();
  }

  /**
   * Returns the tenant of the client the builder made: its key, its meter, its limiter.
   *
   * @return the tenant
   */
  public Tenant tenant() {
    return parts[0].tenant;
  }

  /**
   * Makes a tenant on this core: calls sent with the key {@code apiKey} gives, counted by a spend
   * meter of its own and, when the client has a rate limit, by a limiter of its own with the same
   * limits, under {@code account} in a shared store. It costs a few objects, no thread and no
   * connection; the core keeps no reference to it.
   *
   * @param account the tenant's account name, already checked
   * @param apiKey supplies its key, asked before every attempt
   * @return the tenant
   */
  public Tenant tenant(String account, Supplier<String> apiKey) {
    ClientConfig c = config;
    RateLimiter tenantLimiter = null;
    if (c.rateLimit() != null) {
      RateLimit limit = c.rateLimit();
      if (limit.store().isPresent()) {
        limit = limit.toBuilder().store(limit.store().get(), account).build();
      }
      tenantLimiter =
          new RateLimiter(limit, shared.scheduler(), errors(), c.catalog(), c.timeouts());
    }
    SpendMeter own = meter();
    return new Tenant(
        account,
        Credential.supplied(apiKey, "the key supplier of account " + account),
        new SpendMeter(own::prices, c.promptCacheTtl()),
        tenantLimiter);
  }

  /**
   * Returns the settings the client was built with.
   *
   * @return the settings
   */
  public ClientConfig config() {
    return config;
  }

  /**
   * Returns a call's effective settings: {@code options} (the client's and the call's, merged) over
   * this client's.
   *
   * @param options the merged options of the client and the call
   * @param tenant whose call it is
   * @return the call's retrier and HTTP overrides
   */
  public Call call(RequestOptions options, Tenant tenant) {
    return call(options, tenant, 0);
  }

  /**
   * Returns a call's effective settings as {@link #call(RequestOptions, Tenant)} does, for a call
   * other than a chat sent to target {@code target} (a check of a fallback target's host).
   *
   * @param options the merged options of the client and the call
   * @param tenant whose call it is
   * @param target where it goes
   * @return the call's settings
   */
  Call call(RequestOptions options, Tenant tenant, int target) {
    return new Call(
        retrier
            .forCall(options.retryPolicy().orElse(null), options.timeout().orElse(null))
            .refreshing(tenant.credential().refreshable()),
        Overrides.of(options.headers(), options.queryParams()),
        options,
        tenant,
        target);
  }

  /**
   * Returns the chain every call goes through: listeners, spend, retries, the host's concurrency,
   * the rate limit, the key, then the transport.
   */
  Chain chain() {
    return chain;
  }

  /**
   * Returns the chain of a chat call: the one with the public interceptors' two layers when it has
   * any ({@code interception} not null), else {@link #chain()}.
   */
  Chain chain(Interception interception) {
    return interception == null ? chain : intercepted;
  }

  /** Adds {@code extra} at the end of the chain, below the retrier; for tests, before any call. */
  void intercept(Interceptor extra) {
    chain = chain.with(extra);
    intercepted = intercepted.with(extra);
  }

  ChatCalls chats() {
    return chats;
  }

  Exchanges exchanges() {
    return exchanges;
  }

  /** The transport of the client's own target. */
  HttpTransport transport() {
    return parts[0].transport;
  }

  Retrier retrier() {
    return retrier;
  }

  CallContext context() {
    return context;
  }

  /**
   * Returns how the client waits for, chains and maps the failures of its futures.
   *
   * @return the helper
   */
  public Calls calls() {
    return context.calls();
  }

  /**
   * Returns the exception factory.
   *
   * @return the factory
   */
  public ErrorFactory errors() {
    return context.errors();
  }

  /**
   * Returns the client's rate limiter.
   *
   * @return the limiter, or null when calls are not limited
   */
  public RateLimiter limiter() {
    return parts[0].limiter;
  }

  /**
   * Returns the clock and delayer of retries, the rate limiter and batch polling.
   *
   * @return the scheduler
   */
  public Scheduler scheduler() {
    return shared.scheduler();
  }

  /**
   * Returns the HTTP client this client built, or null when the caller supplied one or it was
   * closed; for tests.
   *
   * @return the client, or null
   */
  public HttpClient ownedHttpClient() {
    CompletableFuture<HttpClient> http = ownedHttp;
    return http == null ? null : http.join();
  }

  /**
   * Tracks {@code f} until it completes, so that {@link #close()} ends it.
   *
   * @param f the future handed out
   * @param <T> the value type
   * @return {@code f}
   */
  public <T> CompletableFuture<T> tracked(CompletableFuture<T> f) {
    inFlight.closing(f, f::completeExceptionally);
    return f;
  }

  /**
   * Tracks an open stream until the client closes, which closes it.
   *
   * @param stream the stream
   * @param <S> its type
   * @return {@code stream}
   */
  public <S extends AutoCloseable> S open(S stream) {
    return inFlight.open(stream);
  }

  /**
   * Tells whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return inFlight.isClosed();
  }

  /**
   * Ends every call and stream in flight (each fails with a {@code CancelledException}), closes its
   * lease of the shared timer (its tasks still waiting run once, now, and do nothing unless still
   * due), stops the threads the client created, and lets go of the HTTP client it built.
   * Idempotent.
   */
  public void close() {
    if (!inFlight.close()) {
      return;
    }
    shared.timer().close();
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    for (TargetParts p : parts) {
      p.transport.release();
    }
    CompletableFuture<HttpClient> http = ownedHttp;
    ownedHttp = null;
    if (http != null) { // once built (a failed build left nothing to close)
      http.thenAccept(this::closeOwnedHttpClient);
    }
  }

  /**
   * Closes the {@link HttpClient} this client built, and with it the pooled idle connections, where
   * the JDK allows it: {@code HttpClient} is {@link AutoCloseable} from JDK 21. Its {@code close()}
   * waits for exchanges to finish, and those were just cancelled, so it runs on a short-lived
   * daemon thread rather than holding up the caller. On JDK 17 to 20 there is no way to close it;
   * its connections and selector thread go when it is garbage collected.
   */
  private void closeOwnedHttpClient(HttpClient owned) {
    if (!(owned instanceof AutoCloseable)) {
      return;
    }
    AutoCloseable http = (AutoCloseable) owned;
    Thread t =
        new Thread(
            () -> {
              try {
                http.close();
              } catch (Exception e) {
                shared.logger().log(System.Logger.Level.DEBUG, "closing the HTTP client failed", e);
              }
            },
            "kimi-http-close");
    t.setDaemon(true);
    t.start();
  }

  /** The client's own pool threads: daemons, named after the pool. */
  private static final class DaemonThreads implements ThreadFactory {
    private static final AtomicInteger POOL = new AtomicInteger();
    private final int pool = POOL.incrementAndGet();
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "kimi-http-" + pool + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
