package io.github.kimisdk.internal.limit;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.base.limit.LocalRateLimitStore;
import io.github.kimisdk.base.limit.MinuteWindow;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.http.RateRefusal;
import io.github.kimisdk.internal.http.ServerText;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Enforces a {@link RateLimit} for one client: callers are served in arrival order as the
 * concurrency slots, the {@link RateLimitStore} (the rolling-minute request and token windows and
 * the account's leases) and the shared 429 pause allow; calls that need no slot (platform calls)
 * may pass callers waiting only for a slot. Waiting is done with {@link Scheduler} timers, never by
 * blocking a thread. Without a store of the user's, the store is a {@link LocalRateLimitStore} of
 * this limiter's own.
 *
 * <p>Invariants (guarded by {@code this}): {@code inFlight} counts granted slot-holding permits not
 * yet finished; a timer is armed for {@code timerAt} whenever the queue head waits on time; while
 * {@code probing}, at most one permit ({@code probeOut}) is out until one succeeds; {@code current}
 * is the limit, lowered by what Kimi stated in 429s.
 *
 * <p>Thread model: {@link #drain} runs on one thread at a time (the {@code draining} counter); it
 * picks the next waiter under the lock, asks the store without it (a shared store may do I/O), and
 * grants under the lock again. Only the drain removes waiters from the queues, so the waiter it
 * picked is still their head when it grants. {@link Permit#finish} gives the lease back to the
 * store without the lock too. A 429 pauses the account in a shared store before its lease goes back
 * and before the queue moves on: as soon as the transport read it ({@link Permit#refused}, on the
 * thread that read it, before the failure is built), else when the permit finishes.
 *
 * <p>A response whose status a rate refusal comes with (429, 503, 529) holds the limiter from its
 * headers until its body is judged ({@code reading}, guarded by this): nothing is granted and a
 * finished permit's slot waits in {@code deferred} before it goes back to the store, so that the
 * pause the refusal may start is written before any slot this client frees could carry a request
 * into it. Every attempt takes a last look before it is sent ({@link #lastLook}): a pause that
 * began after its permit was granted, here or, through a shared store, in another process, is
 * waited out.
 *
 * <p>Leases of a store that renews them ({@link RateLimitStore#renewedLease()} positive) are short,
 * and renewed while their calls live by one timer per limiter: {@code held} (guarded by this) holds
 * the leases of granted slot permits not yet finished, and a renewal is armed ({@code renewing})
 * whenever it is not empty. The renewal runs on the scheduler's thread, never a caller's; one that
 * fails is logged once per outage and tried again a second later.
 */
public final class RateLimiter {

  static final long MINUTE_NANOS = MinuteWindow.MINUTE_NANOS;
  private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(60);

  /** How soon a lease renewal that failed is tried again. */
  static final Duration RENEW_RETRY = Duration.ofSeconds(1);

  private static final Duration MIN_RENEWAL = Duration.ofMillis(100);

  private volatile System.Logger log = LazyLogger.of(HttpTransport.LOGGER_NAME);

  /** The outcome of a permit whose call was cancelled: neither a success nor a refusal. */
  public static final Throwable CANCELLED = new CancellationException("cancelled");

  private final RateLimit limit;
  private final Function<Duration, KimiException> queueTimeout;
  private final BiFunction<String, Duration, KimiException> sharedFull;
  private final BiFunction<String, RuntimeException, KimiException> storeFailed;
  private final ModelCatalog catalog; // the client's: a model's default output cap is charged
  private final Scheduler scheduler;
  private final RateLimitStore store; // the user's, or null
  private final LocalRateLimitStore local; // this client's own when there is no store
  private final String account;
  private final boolean shared; // the user's store: other clients and processes spend it too
  private final Duration leaseFor;
  private final boolean renewed; // the store renews leases: short ones, renewed while calls live
  private final Set<String> held = new LinkedHashSet<>();
  private boolean renewing;
  private boolean renewFailing;
  private final String leasePrefix;
  private long leases;
  private RateLimit current;
  private boolean storeFull; // the store refused the last waiter asked
  private final ArrayDeque<Waiter> slotQueue = new ArrayDeque<>();
  private final ArrayDeque<Waiter> freeQueue = new ArrayDeque<>();
  private final List<Waiter> withdrawn = new ArrayList<>(); // refused by the store, then gone
  private long sequence;
  private final AtomicInteger draining = new AtomicInteger();
  private int maxConcurrency;
  private int inFlight;
  private long pauseUntil;
  private boolean pausing;
  // refusals being read: attempts whose headers came with a status a rate refusal comes with, whose
  // body is not judged yet. Meanwhile nothing is granted and no slot goes back to the store
  // (deferred): the pause a refusal may start is in the store before any slot it could go to
  private int reading;
  private final List<Permit> deferred = new ArrayList<>();
  private int refusals;
  private boolean probing;
  private boolean probeOut;
  // last looks of permits granted before a pause, waiting for the probe after it to end
  private final List<Permit> looking = new ArrayList<>();
  private long timerAt = Long.MAX_VALUE;
  private int rejected;

  public RateLimiter(RateLimit limit, Scheduler scheduler) {
    this(limit, scheduler, null, ModelCatalog.defaults());
  }

  /**
   * Creates the limiter of one client, whose failures {@code errors} makes; a concurrency lease in
   * a shared store lasts twice the longest call {@code timeouts} allow.
   */
  public RateLimiter(
      RateLimit limit,
      Scheduler scheduler,
      ErrorFactory errors,
      ModelCatalog catalog,
      Timeouts timeouts) {
    this(
        limit,
        scheduler,
        errors::queueTimeout,
        errors::sharedBudgetFull,
        errors::rateLimitStoreFailed,
        catalog,
        leaseFor(timeouts));
  }

  /**
   * Creates the limiter of one client; {@code queueTimeout} makes the failure of a call that waited
   * longer than {@link RateLimit#maxQueueWait()} (required when that is set).
   */
  public RateLimiter(
      RateLimit limit,
      Scheduler scheduler,
      Function<Duration, KimiException> queueTimeout,
      ModelCatalog catalog) {
    this(limit, scheduler, queueTimeout, null, null, catalog, leaseFor(Timeouts.defaults()));
  }

  /**
   * Creates the limiter of one client; {@code sharedFull} and {@code storeFailed} make the failures
   * of a call refused by, or failed in, the user's store (required when one is set).
   */
  RateLimiter(
      RateLimit limit,
      Scheduler scheduler,
      Function<Duration, KimiException> queueTimeout,
      BiFunction<String, Duration, KimiException> sharedFull,
      BiFunction<String, RuntimeException, KimiException> storeFailed,
      ModelCatalog catalog,
      Duration leaseFor) {
    this.catalog = catalog;
    this.queueTimeout = queueTimeout;
    this.sharedFull = sharedFull;
    this.storeFailed = storeFailed;
    this.limit = limit;
    this.current = limit;
    this.scheduler = scheduler;
    this.maxConcurrency = limit.maxConcurrency().orElse(Integer.MAX_VALUE);
    this.shared = limit.store().isPresent();
    this.store = limit.store().orElse(null);
    this.local = shared ? null : new LocalRateLimitStore(scheduler::nanoTime);
    this.account = limit.account().orElse("this client");
    Duration renewedLease = shared ? store.renewedLease() : Duration.ZERO;
    this.renewed = renewedLease != null && renewedLease.compareTo(Duration.ZERO) > 0;
    this.leaseFor = renewed ? renewedLease : leaseFor;
    this.leasePrefix = shared ? UUID.randomUUID() + ":" : "";
  }

  /**
   * Returns how long a concurrency lease lasts: twice the longest a call may take, its overall or
   * stream total time when set, else connecting plus waiting for the response headers. The default
   * bounds of 2 hours count as not set: a lease of 4 hours would keep the slots of a process that
   * died for that long.
   */
  static Duration leaseFor(Timeouts t) {
    Duration call = t.connect().plus(t.responseHeaders());
    Duration defaults = Timeouts.defaults().overall().orElseThrow();
    List<Optional<Duration>> set =
        List.of(
            t.overall().filter(d -> !d.equals(defaults)),
            t.streamTotal().filter(d -> !d.equals(defaults)));
    if (set.get(0).isPresent() || set.get(1).isPresent()) {
      call = Duration.ZERO;
      for (Optional<Duration> d : set) {
        if (d.isPresent() && d.get().compareTo(call) > 0) {
          call = d.get();
        }
      }
    }
    return call.multipliedBy(2);
  }

  /** Returns the tokens a chat request is charged: estimated prompt plus its output cap. */
  public long charge(ChatRequest request) {
    return charge(request, catalog.lookup(request.model()));
  }

  /** As {@link #charge(ChatRequest)}, with the model the call already looked up. */
  public long charge(ChatRequest request, ModelInfo model) {
    return limit.tokenCounter().count(request).total() + outputCharge(request, model);
  }

  /**
   * Returns the part of {@link #charge} reserved for the output: the request's cap, else the
   * model's default; the rest is the estimated prompt.
   *
   * @param request the request
   * @return the output tokens charged
   */
  public long outputCharge(ChatRequest request) {
    return outputCharge(request, catalog.lookup(request.model()));
  }

  /** As {@link #outputCharge(ChatRequest)}, with the model the call already looked up. */
  public long outputCharge(ChatRequest request, ModelInfo model) {
    Integer cap = request.maxCompletionTokens();
    return cap != null ? cap : model.defaultMaxOutput();
  }

  /**
   * Fails fast when {@code charge} can never fit the tokens-per-minute window.
   *
   * @throws PreflightException saying what to change
   */
  public void checkCharge(ChatRequest request, long charge) {
    long capacity;
    synchronized (this) {
      capacity = tokenCapacity();
    }
    if (charge > capacity) {
      throw tooLarge(request.model(), charge, capacity, request.maxCompletionTokens() == null);
    }
  }

  private static PreflightException tooLarge(
      String model, long charge, long capacity, boolean defaultCap) {
    return new PreflightException(
        model,
        List.of(
            "its rate-limit charge of "
                + charge
                + " tokens (estimated prompt plus "
                + (defaultCap ? "the model's default output cap" : "max_completion_tokens")
                + ") exceeds the whole tokens-per-minute limit of "
                + capacity
                + "; set a smaller maxCompletionTokens, shorten the prompt, or raise"
                + " RateLimit tokensPerMinute"));
  }

  /**
   * Runs {@code call} with the permit once it is granted and releases the permit when its future
   * completes. Cancelling the result withdraws from the queue or cancels the call.
   */
  public <T> CompletableFuture<T> call(
      String model, long charge, boolean slot, Function<Permit, CompletableFuture<T>> call) {
    return whenGranted(acquire(model, charge, slot), call, Permit::finish);
  }

  /**
   * Runs {@code call} with a permit once {@code acquired} grants it, and ends the permit with the
   * call's outcome ({@code finish}: null for a success). Cancelling the result withdraws from the
   * queue or cancels the call; a permit granted after that is ended at once as {@link #CANCELLED}.
   * The rate limiter's calls and the concurrency gate's wait this way.
   *
   * @param acquired the permit, when granted
   * @param call sends the call holding the permit
   * @param finish ends a permit with the call's failure, or null
   * @param <P> the permit's type
   * @param <T> the answer's type
   * @return the answer
   */
  static <P, T> CompletableFuture<T> whenGranted(
      CompletableFuture<P> acquired,
      Function<P, CompletableFuture<T>> call,
      BiConsumer<P, Throwable> finish) {
    CompletableFuture<T> out = Futures.cancelling(new CompletableFuture<>(), acquired);
    acquired.whenComplete(
        (permit, error) -> {
          if (error != null) {
            out.completeExceptionally(Futures.unwrap(error));
            return;
          }
          if (out.isDone()) {
            finish.accept(permit, CANCELLED);
            return;
          }
          CompletableFuture<T> f;
          try {
            f = call.apply(permit);
          } catch (RuntimeException e) {
            finish.accept(permit, e);
            out.completeExceptionally(e);
            return;
          }
          Futures.cancelling(out, f);
          f.whenComplete(
              (r, e) -> {
                finish.accept(permit, e);
                if (e != null) {
                  out.completeExceptionally(Futures.unwrap(e));
                } else {
                  out.complete(r);
                }
              });
        });
    return out;
  }

  /** Queues for a permit; the future completes once the limits allow, or fails fast. */
  public CompletableFuture<Permit> acquire(String model, long charge, boolean slot) {
    Waiter w = new Waiter(model, charge, slot);
    synchronized (this) {
      w.seq = sequence++;
      (slot ? slotQueue : freeQueue).add(w);
    }
    drain();
    Optional<Duration> wait = limit.maxQueueWait();
    if (wait.isPresent() && !w.future.isDone()) {
      Duration d = wait.get();
      // a waiter whose future is done is dropped by the next drain; the timer holds the future only
      CompletableFuture<Permit> f = w.future;
      scheduler.schedule(
          () -> {
            if (f.completeExceptionally(queueFailure(d))) {
              drain();
            }
          },
          d);
    }
    return w.future;
  }

  /** Logs to {@code logger} instead of the client's logger; for tests. */
  void useLogger(System.Logger logger) {
    this.log = logger;
  }

  /** Returns how many calls wait for a permit now; for tests. */
  public synchronized int queued() {
    int n = 0;
    for (Waiter w : slotQueue) {
      n += w.future.isDone() ? 0 : 1;
    }
    for (Waiter w : freeQueue) {
      n += w.future.isDone() ? 0 : 1;
    }
    return n;
  }

  /** Returns how many calls Kimi refused with a rate-limit 429 so far; for tests. */
  public synchronized int rejected() {
    return rejected;
  }

  /** Returns the current concurrency limit (possibly lowered from Kimi's message); for tests. */
  public synchronized int maxConcurrency() {
    return maxConcurrency;
  }

  /** Returns the current requests-per-minute capacity; for tests. */
  public synchronized long requestsPerMinute() {
    return current.requestsPerMinute().orElse(Integer.MAX_VALUE);
  }

  private long tokenCapacity() {
    return tokenCapacity(current);
  }

  private static long tokenCapacity(RateLimit limits) {
    return limits.tokensPerMinute().orElse(Long.MAX_VALUE);
  }

  /**
   * Grants every queued permit the limits allow now, and arms a timer for the next one. One thread
   * drains at a time; a drain requested meanwhile (also from a granted call's own callbacks) makes
   * it loop again instead of recursing, so a long queue of calls that fail at once stays flat.
   */
  public void drain() {
    if (draining.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    while (true) {
      drainOnce();
      missed = draining.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void drainOnce() {
    List<Waiter> granted = new ArrayList<>();
    List<Waiter> failed = new ArrayList<>();
    List<Waiter> broken = new ArrayList<>();
    long now = scheduler.nanoTime();
    long wake = -1;
    boolean renew = false;
    while (true) {
      Waiter w;
      RateLimit limits;
      String lease;
      synchronized (this) {
        now = scheduler.nanoTime();
        Waiter s = live(slotQueue, failed);
        Waiter f = live(freeQueue, failed);
        if (s == null && f == null) {
          break;
        }
        if (reading > 0) {
          break; // a refusal is being read: granting now could beat its pause (see heard)
        }
        if (pausing && now - pauseUntil < 0) {
          wake = pauseUntil;
          break;
        }
        pausing = false;
        if (probing && probeOut) {
          break;
        }
        if (s != null && inFlight >= maxConcurrency) {
          s = null; // slot holders wait for a release; calls needing no slot may pass them
        }
        w = s == null ? f : f == null || s.seq < f.seq ? s : f;
        if (w == null) {
          break;
        }
        limits = current;
        if (w.lease == null) {
          w.lease = w.slot || shared ? leasePrefix + ++leases : "";
        }
        lease = w.lease;
      }
      Duration wait;
      try {
        wait = take(lease, limits, w.charge, w.slot);
      } catch (RuntimeException e) {
        synchronized (this) {
          (w.slot ? slotQueue : freeQueue).poll();
        }
        w.storeFailure = e;
        broken.add(w);
        continue;
      }
      synchronized (this) {
        if (wait != null && wait.compareTo(Duration.ZERO) > 0) {
          w.refused = true;
          storeFull = true;
          // the store's answer is bounded: at least a millisecond, at most the minute
          wake = now + Math.max(1_000_000L, Math.min(wait.toNanos(), MINUTE_NANOS));
          break;
        }
        storeFull = false;
        (w.slot ? slotQueue : freeQueue).poll();
        if (w.slot) {
          inFlight++;
          if (renewed) {
            held.add(lease);
            if (!renewing) {
              renewing = true;
              renew = true;
            }
          }
        }
        w.permit = new Permit(w.slot, probing, lease, maxConcurrency);
        if (probing) {
          probeOut = true;
        }
        granted.add(w);
      }
    }
    long capacity;
    synchronized (this) {
      capacity = tokenCapacity();
      if (wake != -1 && (timerAt == Long.MAX_VALUE || wake - timerAt < 0)) {
        timerAt = wake;
      } else {
        wake = -1;
      }
    }
    for (Waiter w : failed) {
      w.future.completeExceptionally(tooLarge(w.model, w.charge, capacity, false));
    }
    for (Waiter w : broken) {
      w.future.completeExceptionally(storeFailure(w.storeFailure));
    }
    List<Waiter> left;
    synchronized (this) {
      left = withdrawn.isEmpty() ? List.of() : new ArrayList<>(withdrawn);
      withdrawn.clear();
    }
    for (Waiter w : left) {
      try {
        store.giveBack(account, w.lease); // it no longer waits in the store's line
      } catch (RuntimeException e) {
        // the store forgets a caller that stopped asking by itself
      }
    }
    if (renew) {
      scheduler.schedule(this::renewLeases, renewEvery());
    }
    for (Waiter w : granted) {
      if (!w.future.complete(w.permit)) {
        w.permit.finish(CANCELLED);
      }
    }
    if (wake != -1) {
      scheduler.schedule(this::onTimer, Duration.ofNanos(wake - now));
    }
  }

  /** Returns the time between renewals: a third of the lease, never under 100 ms. */
  private Duration renewEvery() {
    Duration d = leaseFor.dividedBy(3);
    return d.compareTo(MIN_RENEWAL) < 0 ? MIN_RENEWAL : d;
  }

  /**
   * Renews the leases this client holds, on the scheduler's thread, and arms the next renewal while
   * any is held: a third of the lease later, or {@link #RENEW_RETRY} after a failure.
   */
  private void renewLeases() {
    List<String> leases;
    synchronized (this) {
      if (held.isEmpty()) {
        renewing = false;
        return;
      }
      leases = List.copyOf(held);
    }
    RuntimeException failure = null;
    try {
      store.renew(account, leases, leaseFor);
    } catch (RuntimeException e) {
      failure = e;
    }
    boolean first;
    boolean back;
    Duration next;
    synchronized (this) {
      first = failure != null && !renewFailing;
      back = failure == null && renewFailing;
      renewFailing = failure != null;
      if (held.isEmpty()) {
        renewing = false;
        next = null;
      } else {
        next = failure == null ? renewEvery() : RENEW_RETRY;
      }
    }
    if (first) {
      log.log(
          System.Logger.Level.WARNING,
          "Renewing the concurrency leases of account "
              + account
              + " in the shared rate-limit store failed ("
              + failure
              + "); each lasts "
              + ErrorFactory.human(leaseFor)
              + " from its last renewal, and renewal is tried again every second");
    } else if (back) {
      log.log(
          System.Logger.Level.INFO,
          "The concurrency leases of account " + account + " are renewed again");
    }
    if (next != null) {
      scheduler.schedule(this::renewLeases, next);
    }
  }

  /** Returns the first waiter of {@code q} still wanted, dropping cancelled and unfittable ones. */
  private Waiter live(ArrayDeque<Waiter> q, List<Waiter> failed) {
    while (!q.isEmpty()) {
      Waiter w = q.peek();
      if (w.future.isDone()) {
        q.poll();
        if (w.refused && shared) {
          withdrawn.add(w);
        }
      } else if (w.charge > tokenCapacity()) {
        q.poll();
        failed.add(w);
      } else {
        return w;
      }
    }
    return null;
  }

  /** Asks the store (the user's, or this client's own counters) for a permit, without the lock. */
  private Duration take(String lease, RateLimit limits, long charge, boolean slot) {
    if (shared) {
      return store.tryTake(account, lease, limits, charge, slot ? leaseFor : Duration.ZERO);
    }
    return local.tryTake(
        account,
        lease,
        limits.maxConcurrency().orElse(Integer.MAX_VALUE),
        limits.requestsPerMinute().orElse(Integer.MAX_VALUE),
        tokenCapacity(limits),
        charge,
        slot);
  }

  private void onTimer() {
    // always disarm: a timer that fired early must not leave the queue without one
    synchronized (this) {
      timerAt = Long.MAX_VALUE;
    }
    drain();
  }

  /**
   * Records how a granted call ended: a rate-limit refusal pauses everyone, before the permit's
   * slot goes back (a process waiting for it in a shared store finds the pause with it).
   */
  private void finished(Permit p, Throwable failure) {
    KimiException k = failure == null ? null : kimiCause(failure);
    RateRefusal r =
        k instanceof RateLimitException || k instanceof EngineOverloadedException
            ? ErrorFactory.refusal(k)
            : null;
    if (r != null) {
      refused(p, r); // heard already, in the usual case, from the transport (Permit#refused)
    }
    read(p); // its refusal, if it was one, is judged by now
    if (p.slot && renewed) {
      synchronized (this) {
        held.remove(p.lease);
      }
    }
    boolean defer;
    synchronized (this) {
      defer = p.slot && reading > 0;
      if (defer) {
        deferred.add(p); // another attempt's refusal is being read: its pause goes first
      }
    }
    if (p.slot && !defer) {
      giveBack(p);
    }
    List<Permit> again = List.of();
    synchronized (this) {
      if (p.slot) {
        inFlight--;
      }
      if (p.probe) {
        probeOut = false;
      }
      if (failure == null && p.probe) {
        probing = false;
        refusals = 0;
      } else if (failure == null && !probing) {
        refusals = 0;
      }
      if (!looking.isEmpty()) {
        looking.remove(p);
        if (!probeOut && !looking.isEmpty()) {
          again = new ArrayList<>(looking); // granted earlier than the queue: they look first
          looking.clear();
        }
      }
    }
    for (Permit l : again) {
      lastLook(l, l.look);
    }
    drain();
  }

  /**
   * The last look before an attempt holding a permit of this limiter is sent: completes once
   * neither this client nor, with a store of the user's, the account in the store is paused, so
   * that a request whose permit was granted before a pause began (by this client's other calls, or
   * by another process: its pause written after this permit's take) is not sent into the pause.
   * Asks the store once (more, when a pause was found, once it ended); a store that fails to answer
   * lets the attempt go, as its take allowed. Runs on the calling thread, and on the scheduler's
   * after a pause.
   *
   * @return completes when the attempt may be sent
   */
  public CompletableFuture<Void> lastLook() {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    lastLook(null, ready);
    return ready;
  }

  private void lastLook(Permit p, CompletableFuture<Void> ready) {
    if (ready.isDone()) {
      return; // withdrawn: the call was cancelled while it waited
    }
    long left;
    synchronized (this) {
      if (p != null && p.done.get()) {
        // its call ended (cancelled on another thread) before this look: it sends nothing, and
        // must not become the probe, whose end no one would then report
        ready.complete(null);
        return;
      }
      left = pausing ? pauseUntil - scheduler.nanoTime() : 0;
      if (left <= 0 && p != null && probing && !p.probe) {
        // after a pause one request goes first: this one, or it waits for the probe's outcome
        if (probeOut) {
          p.look = ready;
          looking.add(p);
          return;
        }
        p.probe = true;
        probeOut = true;
      }
    }
    if (left <= 0 && shared) {
      try {
        Duration d = store.pausedFor(account);
        left = d == null ? 0 : d.toNanos();
      } catch (RuntimeException e) {
        left = 0; // the take allowed it; a store that cannot answer now does not hold it back
      }
      if (left > 0) {
        synchronized (this) {
          long until = scheduler.nanoTime() + left;
          if (!pausing || until - pauseUntil > 0) {
            pauseUntil = until; // the fleet's pause, learnt: this client's queue waits it out too
          }
          pausing = true;
        }
      }
    }
    if (left <= 0) {
      ready.complete(null);
      return;
    }
    scheduler.schedule(() -> lastLook(p, ready), Duration.ofNanos(left));
  }

  /** Gives {@code p}'s concurrency lease back to the store (the user's, or this client's own). */
  private void giveBack(Permit p) {
    try {
      if (shared) {
        store.giveBack(account, p.lease);
      } else {
        local.giveBack(account, p.lease);
      }
    } catch (RuntimeException e) {
      // the lease expires in the store by itself; the call's own outcome stands
    }
  }

  /**
   * Notes that {@code p}'s response came with a status a rate refusal comes with (429, 503, 529):
   * until its body is judged ({@link #read}), this client grants nothing and gives no slot back to
   * the store, so that the pause the refusal may start is written before a slot this client frees
   * could carry a request, of this process or another, to Kimi in the refusal's window. Heard on
   * the thread that read the headers, before the body.
   */
  private void heard(Permit p, int status) {
    if ((status == 429 || status == 503 || status == 529) && p.reading.compareAndSet(false, true)) {
      synchronized (this) {
        reading++;
      }
      if (p.done.get()) {
        // its call ended (cancelled while the headers came, on the transport's thread) before it
        // heard them: no end will judge this body, so nothing waits for it
        read(p);
      }
    }
  }

  /**
   * Notes that {@code p}'s possible refusal was judged (paused for, or found none, or its attempt
   * ended): once none is being read, the slots whose give-back waited go back, and the queue moves.
   */
  private void read(Permit p) {
    if (!p.reading.compareAndSet(true, false)) {
      return;
    }
    List<Permit> back;
    synchronized (this) {
      reading--;
      if (reading > 0 || deferred.isEmpty()) {
        back = List.of();
      } else {
        back = new ArrayList<>(deferred);
        deferred.clear();
      }
    }
    for (Permit q : back) {
      giveBack(q);
    }
    drain();
  }

  /**
   * Pauses this client after Kimi refused {@code p}'s call for the account's rate, and the account
   * in a shared store before anyone here or elsewhere goes on: for {@code retryAfter}, else a
   * backoff that doubles with each refusal in a row; lowers the limits {@code message} states. Once
   * per permit: as soon as the transport read the refusal, or else when the call ended with it.
   *
   * <p>A refusal for concurrency that the client's own count explains (the limit it states is lower
   * than the one {@code p} was granted under, or it states none) pauses nobody: the limit is
   * learned, here and through a shared store by the fleet, and the client's gate adapts to it
   * ({@link ConcurrencyGate}). One that it does not explain (the call was sent within the limit
   * stated: someone else holds the account's slots) is waited out as Kimi asks, as a refusal for
   * the rate is.
   */
  private void refused(Permit p, RateRefusal r) {
    Duration retryAfter = r.retryAfter();
    boolean concurrency = r.concurrency();
    if (!p.refused.compareAndSet(false, true)) {
      return;
    }
    Duration sharedPause;
    RateLimit stated;
    boolean explained;
    synchronized (this) {
      rejected++;
      stated = learn(r);
      int said = stated == null ? 0 : stated.maxConcurrency().orElse(0);
      explained = concurrency && (said == 0 || said < p.limit);
    }
    if (explained) {
      if (stated != null && shared) {
        try {
          store.pause(account, Duration.ofMillis(1), stated);
        } catch (RuntimeException e) {
          // the store is down: its next take reports it
        }
      }
      read(p);
      return;
    }
    synchronized (this) {
      refusals = p.probe ? refusals + 1 : Math.max(refusals, 1);
      Duration pause = retryAfter != null ? retryAfter : backoff(refusals);
      long until = scheduler.nanoTime() + pause.toNanos();
      if (!pausing || until - pauseUntil > 0) {
        pauseUntil = until;
      }
      pausing = true;
      probing = true;
      sharedPause = shared ? pause : null;
    }
    if (sharedPause != null) {
      try {
        store.pause(account, sharedPause, stated);
      } catch (RuntimeException e) {
        // the store is down: this client still pauses; its next take reports the store's failure
      }
    }
    read(p); // the pause is written: the slots held back for it may go
  }

  private static Duration backoff(int refusals) {
    long seconds = 1L << Math.min(Math.max(refusals - 1, 0), 6);
    Duration d = FIRST_PAUSE.multipliedBy(seconds);
    return d.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : d;
  }

  /**
   * Lowers the limits to those Kimi states in a rate-limit message; returns what it stated (for a
   * shared store), or null when it stated nothing.
   */
  private RateLimit learn(RateRefusal r) {
    String message = r.message();
    if (message == null) {
      return null;
    }
    // linear scans of the (already bounded) server message, never a regex
    RateLimit.Builder lowered = current.toBuilder();
    RateLimit.Builder said = RateLimit.builder();
    boolean lower = false;
    boolean stated = false;
    long rpm = ServerText.numberAfterAnchor(message, "max RPM:", "");
    if (rpm >= 1 && rpm <= Integer.MAX_VALUE) {
      said.requestsPerMinute((int) rpm);
      stated = true;
    }
    if (rpm >= 1 && rpm < current.requestsPerMinute().orElse(Integer.MAX_VALUE)) {
      lowered.requestsPerMinute((int) rpm);
      lower = true;
    }
    int n = r.statedConcurrency();
    if (n >= 1) {
      said.maxConcurrency(n);
      stated = true;
    }
    if (n >= 1 && n < maxConcurrency) {
      maxConcurrency = n;
      lowered.maxConcurrency(maxConcurrency);
      lower = true;
    }
    long tpm = ServerText.numberAfterAnchor(message, "TPM rate limit", "limit:");
    if (tpm >= 1) {
      said.tokensPerMinute(tpm);
      stated = true;
    }
    if (tpm >= 1 && tpm < tokenCapacity()) {
      lowered.tokensPerMinute(tpm);
      lower = true;
    }
    if (lower) {
      current = lowered.build();
    }
    return stated ? said.build() : null;
  }

  private KimiException queueFailure(Duration d) {
    boolean full;
    synchronized (this) {
      // the waiter at the head was refused by the shared store; those behind it wait for it
      full = shared && storeFull;
    }
    if (full && sharedFull != null) {
      return sharedFull.apply(account, d);
    }
    if (queueTimeout == null) {
      throw new IllegalStateException("a RateLimiter with maxQueueWait needs its failure");
    }
    return queueTimeout.apply(d);
  }

  private KimiException storeFailure(RuntimeException e) {
    if (storeFailed == null) {
      throw new IllegalStateException("a RateLimiter with a store needs its failure", e);
    }
    return storeFailed.apply(account, e);
  }

  private static KimiException kimiCause(Throwable e) {
    return Futures.unwrap(e) instanceof KimiException k ? k : null;
  }

  private static final class Waiter {
    final String model;
    final long charge;
    final boolean slot;
    final CompletableFuture<Permit> future = new CompletableFuture<>();
    long seq;
    String lease; // its name in the store, the same for every ask
    boolean refused; // a shared store refused it at least once
    Permit permit;
    RuntimeException storeFailure;

    Waiter(String model, long charge, boolean slot) {
      this.model = model;
      this.charge = charge;
      this.slot = slot;
    }
  }

  /**
   * A granted right to send; finish it exactly once (later calls are ignored). It hears its
   * attempt's refusal from the transport ({@link #refused}), so that the pause comes first.
   */
  public final class Permit implements AttemptObserver {
    private final boolean slot;
    private boolean probe; // guarded by the limiter: a permit granted before a pause may become one
    private CompletableFuture<Void> look; // its last look waiting for the probe; guarded likewise
    private final String lease;
    private final int limit; // the concurrency limit it was granted under
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicBoolean refused = new AtomicBoolean(); // its refusal paused the limiter
    private final AtomicBoolean reading = new AtomicBoolean(); // its possible refusal is read

    private Permit(boolean slot, boolean probe, String lease, int limit) {
      this.slot = slot;
      this.probe = probe;
      this.lease = lease;
      this.limit = limit;
    }

    /**
     * Returns the permit: {@code failure} is the call's error or {@link #CANCELLED}, null on
     * success.
     */
    public void finish(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        finished(this, failure);
      }
    }

    @Override
    public boolean hearsRefusals() {
      return true;
    }

    /**
     * The last look before this permit's attempt is sent: completes once neither this client nor,
     * with a store of the user's, the account is paused, and, after a pause of this client, once
     * this attempt may go as the one probe or the probe before it succeeded (see {@link
     * RateLimiter#lastLook()}).
     *
     * @return completes when the attempt may be sent
     */
    public CompletableFuture<Void> lastLook() {
      CompletableFuture<Void> ready = new CompletableFuture<>();
      RateLimiter.this.lastLook(this, ready);
      return ready;
    }

    /** Holds grants and give-backs while a possible refusal's body is read (see {@link #heard}). */
    @Override
    public void headers(int attempt, io.github.kimisdk.ResponseMetadata metadata, long atNanos) {
      heard(this, metadata.statusCode());
    }

    /** Its body read, the response was no refusal for the account's rate: nothing to wait for. */
    @Override
    public void notRefused(int attempt) {
      read(this);
    }

    /** Pauses the limiter, and the account in a shared store, at once (see {@link #finished}). */
    @Override
    public void refused(int attempt, RateRefusal refusal) {
      RateLimiter.this.refused(this, refusal);
    }
  }

  /** Returns the pause end as seen now, if any; for tests. */
  public synchronized Optional<Duration> pauseLeft() {
    long left = pauseUntil - scheduler.nanoTime();
    return pausing && left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
  }
}
