package io.github.kimisdk.internal.client;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.Target;
import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.access.Exceptions;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.http.LogSwitch;
import io.github.kimisdk.internal.http.Overrides;
import io.github.kimisdk.internal.jfr.Jfr;
import io.github.kimisdk.model.PriceTable;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The machinery one {@code KimiClient} and every client derived from it share, wired once, in one
 * direction: threads, timer and scheduler, the transport, the retrier, the rate limiter, the {@link
 * Chain} of interceptors every call goes through, and the per-shape calls built on them ({@link
 * ChatCalls}, {@link Exchanges}). It tracks the calls and streams in flight so that {@link
 * #close()} ends them, and releases what it created.
 *
 * <p>Invariants: {@code closed} goes from false to true once; after it, no call starts (the facade
 * checks {@link #isClosed()} first) and every call or stream that was tracked has been ended with a
 * {@code CancelledException}.
 */
public final class ClientCore {

  /**
   * The most threads the client's own executor runs: four per processor, at least 8. However many
   * calls and streams are in flight, the client never runs more (the JDK's selector thread aside).
   */
  public static final int DEFAULT_THREADS =
      Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

  /** The logger of attempts unless the builder sets another (see {@code KimiClient}). */
  public static final String LOGGER_NAME = "io.github.kimisdk.http";

  /** Kimi Code's reported limit on a request body: 2 MiB (see {@code KimiClient}). */
  public static final long KIMI_CODE_MAX_REQUEST_BYTES = HttpTransport.KIMI_CODE_MAX_REQUEST_BYTES;

  private final ClientConfig config;
  private final ExecutorService ownedExecutor;
  // The HTTP client this client builds, under way in the background (see httpClient); null when
  // the caller gave one. Cleared on close, see HttpTransport.release().
  private volatile CompletableFuture<HttpClient> ownedHttp;
  private final DaemonTimer.Lease timer; // of the SDK's shared timer, closed with the client
  private final Scheduler scheduler;
  private final System.Logger logger;
  private final HttpTransport transport;
  private final Calls calls;
  private final CallContext context;
  private final Retrier retrier;
  private final RateLimiter limiter;
  private final ChatCalls chats;
  private final Exchanges exchanges;
  private final SpendMeter meter;
  private final Tenant own; // the tenant of the client the builder made
  // Built once; a test may add an interceptor before the first call. The intercepted chain is the
  // chain of chat calls that have public interceptors (see chain(Interception)).
  private volatile Chain chain;
  private volatile Chain intercepted;
  private final List<CallListener> listeners; // the client's
  private final CallListener jfr; // Flight Recorder's, or null without jdk.jfr
  // What close() ends, each the way it is ended: a call with its retries counts its attempts.
  private final Map<CompletableFuture<?>, Consumer<KimiException>> inFlight =
      new ConcurrentHashMap<>();
  private final Set<AutoCloseable> streams = Collections.newSetFromMap(new WeakHashMap<>());
  private volatile boolean closed;

  // What the fallback targets share with the client (see the target's constructor): its HTTP
  // client, possibly still being built, the real clock and timer, and the logging switch.
  private final CompletableFuture<HttpClient> http;
  private final Scheduler system;
  private final LogSwitch logSwitch;
  private final ConcurrencyGate gate; // the host's concurrency, as learned
  private final Targets targets; // the fallback chain; null for a client without

  private ClientCore(ClientConfig c, Exceptions make) {
    this.config = c;
    this.ownedExecutor = c.httpClient() == null && c.executor() == null ? newPool() : null;
    this.logSwitch = LogSwitch.fromEnvironment();
    this.logger = logSwitch.apply(c.logger() != null ? c.logger() : LazyLogger.of(LOGGER_NAME));
    this.http = httpClient(c, ownedExecutor, logger);
    this.ownedHttp = c.httpClient() == null ? http : null;
    this.timer = DaemonTimer.shared().leaseRunningAtClose();
    this.system = Scheduler.system(timer, executor(c, ownedExecutor));
    this.scheduler = c.scheduler() == null ? system : c.scheduler();
    // the client's own HTTP client has no proxy
    HttpClient given = c.httpClient();
    ErrorFactory errors =
        ErrorFactory.of(make, c, given == null ? null : given.proxy().orElse(null));
    this.transport = transport(c, http, errors, logger, logSwitch, system, timer);
    this.calls = new Calls(errors);
    this.context = new CallContext(scheduler, system, calls, c.timeouts(), logger);
    this.limiter =
        c.rateLimit() == null
            ? null
            : new RateLimiter(c.rateLimit(), scheduler, errors, c.catalog(), c.timeouts());
    SpendMeter spend = new SpendMeter(new Prices(c), c.promptCacheTtl());
    this.meter = c.host().speaksMoonshot() ? spend : spend.readingModels(c.host()::kimiModel);
    this.own = new Tenant(null, c.credential(), meter, limiter);
    this.listeners = List.copyOf(c.listeners());
    this.jfr = Jfr.listener();
    this.gate =
        new ConcurrencyGate(
            maxConcurrency(c), ConcurrencyGate.told(target(c), logger), scheduler::nanoTime);
    this.targets = c.fallbacks().isEmpty() ? null : targets(c, make);
    Retrier r = new Retrier(c.retryPolicy(), context);
    this.retrier = targets == null ? r : r.routing(targets);
    this.chain = new Chain(this, concerns(c, limiter, null, null));
    this.intercepted =
        new Chain(
            this,
            concerns(c, limiter, new Intercepting(this, false), new Intercepting(this, true)));
    this.chats = new ChatCalls(this);
    this.exchanges = new Exchanges(this);
  }

  /**
   * The machinery of one fallback target of {@code primary}: its own transport (its host's
   * endpoint, its key), rate limiter, gate, spend meter (its host's prices, its model ids read as
   * Kimi's) and the part of the chain below the retrier (gate, rate limit, key), on the primary's
   * threads, timer and HTTP client. It tracks no call: the primary's calls are what close ends.
   */
  private ClientCore(ClientConfig c, Exceptions make, ClientCore primary) {
    this.config = c;
    this.ownedExecutor = null;
    this.logSwitch = primary.logSwitch;
    this.logger = primary.logger;
    this.http = primary.http;
    this.ownedHttp = null;
    this.timer = primary.timer;
    this.system = primary.system;
    this.scheduler = primary.scheduler;
    HttpClient given = c.httpClient();
    ErrorFactory errors =
        ErrorFactory.of(make, c, given == null ? null : given.proxy().orElse(null));
    this.transport = transport(c, http, errors, logger, logSwitch, system, timer);
    this.calls = new Calls(errors);
    this.context = new CallContext(scheduler, system, calls, c.timeouts(), logger);
    this.retrier = new Retrier(c.retryPolicy(), context);
    this.limiter =
        c.rateLimit() == null
            ? null
            : new RateLimiter(c.rateLimit(), scheduler, errors, c.catalog(), c.timeouts());
    this.meter =
        new SpendMeter(new Prices(c), c.promptCacheTtl()).readingModels(c.host()::kimiModel);
    this.own = new Tenant(null, c.credential(), meter, limiter);
    this.listeners = List.of();
    this.jfr = null;
    this.gate =
        new ConcurrencyGate(
            maxConcurrency(c), ConcurrencyGate.told(target(c), logger), scheduler::nanoTime);
    this.targets = null;
    List<Interceptor> concerns = new ArrayList<>();
    concerns.add(new Gating(gate, this));
    if (limiter != null) {
      concerns.add(new Limiting());
    }
    concerns.add(new Authenticating(c.credential(), c.endpoint()));
    this.chain = new Chain(this, concerns);
    this.intercepted = chain;
    this.chats = null;
    this.exchanges = new Exchanges(this); // its checks (GET /models), never its chat calls
  }

  /** The host's name and address, as its gate's moves name it: never a key or a path. */
  private static String target(ClientConfig c) {
    java.net.URI u = c.endpoint().uri();
    return c.host().name() + " at " + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
  }

  /** The most attempts in flight a host gets: the rate limit's concurrency, else no maximum. */
  private static int maxConcurrency(ClientConfig c) {
    return c.rateLimit() == null
        ? Integer.MAX_VALUE
        : c.rateLimit().maxConcurrency().orElse(Integer.MAX_VALUE);
  }

  /** Builds the fallback chain: this client first, then each target's machinery, in order. */
  private Targets targets(ClientConfig c, Exceptions make) {
    List<Targets.Route> routes = new ArrayList<>();
    routes.add(
        new Targets.Route(Target.of(c.host()), this, new TargetHealth(scheduler, c.retryPolicy())));
    for (int i = 0; i < c.targetConfigs().size(); i++) {
      ClientCore target = new ClientCore(c.targetConfigs().get(i), make, this);
      routes.add(
          new Targets.Route(
              c.fallbacks().get(i).target(), target, new TargetHealth(scheduler, c.retryPolicy())));
    }
    return new Targets(routes, c.catalog());
  }

  /**
   * Returns the client's fallback chain.
   *
   * @return the chain, or null for a client without fallback targets
   */
  Targets targets() {
    return targets;
  }

  /**
   * Returns the concurrency gate of the client's own host.
   *
   * @return the gate
   */
  ConcurrencyGate gate() {
    return gate;
  }

  /**
   * Returns the interceptors of every call, in order: the listeners, the spend, the retries, the
   * fallback targets' switch (on a client with fallback targets), the host's concurrency, the rate
   * limit, the key, then the transport. A chat call with public interceptors ({@link
   * io.github.kimisdk.KimiInterceptor}) goes through a chain with two more, {@code perCall} on top
   * and {@code perAttempt} just below the retries (see {@link Intercepting} for why there); every
   * other call through the chain without them, which is the same as before there were any.
   */
  private List<Interceptor> concerns(
      ClientConfig c, RateLimiter limiter, Intercepting perCall, Intercepting perAttempt) {
    List<Interceptor> concerns = new ArrayList<>();
    if (perCall != null) {
      concerns.add(perCall);
    }
    concerns.add(new Observing(this));
    concerns.add(new Spending(this));
    concerns.add(new Retrying(this));
    if (perAttempt != null) {
      concerns.add(perAttempt);
    }
    if (targets != null) {
      concerns.add(new Routing(targets));
    }
    concerns.add(new Gating(gate, this));
    if (limiter != null) {
      concerns.add(new Limiting());
    }
    concerns.add(new Authenticating(c.credential(), c.endpoint()));
    return concerns;
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

  /** Returns where due timer tasks run: the caller's executor, the client's pool or the HTTP's. */
  private static Executor executor(ClientConfig c, ExecutorService owned) {
    if (c.executor() != null) {
      return c.executor();
    }
    return owned != null ? owned : c.httpClient().executor().orElse(ForkJoinPool.commonPool());
  }

  /**
   * Returns the transport, reading the settings of {@code c}: the logging {@code logSwitch} asks
   * for, body idle watches on the real clock ({@code system}) and the ends of stream lingers on
   * {@code timer}.
   */
  private static HttpTransport transport(
      ClientConfig c,
      CompletableFuture<HttpClient> http,
      ErrorFactory errors,
      System.Logger logger,
      LogSwitch logSwitch,
      Scheduler system,
      DaemonTimer.Lease timer) {
    return HttpTransport.builder(c, http, errors)
        .logger(logger)
        .logSwitch(logSwitch)
        .bodyWatch(system)
        .lingerTimer(timer::schedule)
        .build();
  }

  /**
   * Makes the price table: the caller's, else the endpoint's (none where it bills otherwise); the
   * meter asks when it first needs it (see {@link SpendMeter}). A class, not a lambda: linking a
   * lambda loads the classes of its signature, and a client that never prices should not load the
   * table's.
   */
  private static final class Prices implements Supplier<PriceTable> {
    private final ClientConfig c;

    Prices(ClientConfig c) {
      this.c = c;
    }

    @Override
    public PriceTable get() {
      if (c.prices() != null) {
        return c.prices();
      }
      // Moonshot's global platform at its prices; Kimi Code (a subscription), the China platform
      // (it bills in CNY) and any other host without prices the team gave: none, never a guess
      return c.host().prices().orElse(PriceTable.none());
    }
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
    return meter;
  }

  /**
   * Returns what the client's own tenant spent: on a client with fallback targets, what every
   * target's account spent, added up.
   *
   * @return the total
   */
  public io.github.kimisdk.model.Spend spent() {
    return targets == null ? meter.total() : targets.total();
  }

  /**
   * Returns the tenant of the client the builder made: its key, its meter, its limiter.
   *
   * @return the tenant
   */
  public Tenant tenant() {
    return own;
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
      tenantLimiter = new RateLimiter(limit, scheduler, errors(), c.catalog(), c.timeouts());
    }
    return new Tenant(
        account,
        Credential.supplied(apiKey, "the key supplier of account " + account),
        new SpendMeter(meter::prices, c.promptCacheTtl()),
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
    return new Call(
        retrier
            .forCall(options.retryPolicy().orElse(null), options.timeout().orElse(null))
            .refreshing(tenant.credential().refreshable()),
        Overrides.of(options.headers(), options.queryParams()),
        options,
        tenant);
  }

  /**
   * Returns {@code call} heard by its listeners (the client's, Flight Recorder's, the call's) and
   * the trace that tells them; the trace is null, and the call itself returned, when nobody
   * listens.
   */
  Traced traced(
      Call call, CallEvent.Operation operation, String model, String path, Long estimate) {
    return traced(call, operation, model, path, estimate, null);
  }

  /** As above, for a chat: {@code sent} is the request as sent, which its listeners see. */
  Traced traced(
      Call call,
      CallEvent.Operation operation,
      String model,
      String path,
      Long estimate,
      ChatRequest sent) {
    List<CallListener> callOwn = call.options().listeners();
    // Flight Recorder's listener hears only calls that start while a recording wants its event
    boolean recording = jfr != null && Jfr.recording();
    List<CallListener> all;
    if (callOwn.isEmpty() && !recording) {
      all = listeners;
    } else {
      all = new ArrayList<>(listeners.size() + callOwn.size() + 1);
      all.addAll(listeners);
      if (recording) {
        all.add(jfr);
      }
      all.addAll(callOwn);
    }
    if (all.isEmpty()) { // nobody listens: the call as it is, and the trace's class stays unloaded
      return new Traced(call, null);
    }
    CallTrace trace =
        CallTrace.start(
            all, operation, model, path, estimate, meter.prices(), config.endpoint().uri(), sent);
    return new Traced(call.observed(trace), trace);
  }

  /** A call and its trace (null when nobody listens). */
  record Traced(Call call, CallTrace trace) {}

  /**
   * Returns the chain every call goes through: close tracking, listeners, retries, the rate limit,
   * spend, then the transport.
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

  HttpTransport transport() {
    return transport;
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
    return calls;
  }

  /**
   * Returns the exception factory.
   *
   * @return the factory
   */
  public ErrorFactory errors() {
    return transport.errors();
  }

  /**
   * Returns the client's rate limiter.
   *
   * @return the limiter, or null when calls are not limited
   */
  public RateLimiter limiter() {
    return limiter;
  }

  /**
   * Returns the clock and delayer of retries, the rate limiter and batch polling.
   *
   * @return the scheduler
   */
  public Scheduler scheduler() {
    return scheduler;
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
   * Has {@link #close()} end the call whose outcome is {@code f} through {@code stop}, which fails
   * it with the failure it is given, its attempts counted and the earlier failures suppressed,
   * until {@code f} completes.
   *
   * @param f the call's outcome
   * @param stop ends the call with the given failure
   */
  void closing(CompletableFuture<?> f, Consumer<KimiException> stop) {
    inFlight.put(f, stop);
    f.whenComplete((r, e) -> inFlight.remove(f));
    if (closed) {
      stop.accept(errors().clientClosed());
    }
  }

  /**
   * Tracks {@code f} until it completes, so that {@link #close()} ends it.
   *
   * @param f the future handed out
   * @param <T> the value type
   * @return {@code f}
   */
  public <T> CompletableFuture<T> tracked(CompletableFuture<T> f) {
    closing(f, f::completeExceptionally);
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
    synchronized (streams) {
      streams.add(stream);
    }
    return stream;
  }

  /**
   * Tells whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Ends every call and stream in flight (each fails with a {@code CancelledException}), closes its
   * lease of the shared timer (its tasks still waiting run once, now, and do nothing unless still
   * due), stops the threads the client created, and lets go of the HTTP client it built.
   * Idempotent.
   */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Consumer<KimiException> stop : inFlight.values()) {
      stop.accept(errors().clientClosed()); // cancels the work behind it
    }
    List<AutoCloseable> open;
    synchronized (streams) {
      open = List.copyOf(streams);
      streams.clear();
    }
    for (AutoCloseable s : open) {
      try {
        s.close();
      } catch (Exception e) {
        throw new AssertionError(e); // the SDK's streams do not throw from close()
      }
    }
    timer.close();
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    transport.release();
    if (targets != null) {
      for (int i = 1; i < targets.size(); i++) {
        targets.route(i).core().transport.release();
      }
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
                logger.log(System.Logger.Level.DEBUG, "closing the HTTP client failed", e);
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
