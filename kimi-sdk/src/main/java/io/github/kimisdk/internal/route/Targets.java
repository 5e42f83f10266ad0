package io.github.kimisdk.internal.route;

import io.github.kimisdk.Host;
import io.github.kimisdk.ServedBy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.internal.config.TargetSettings;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.RateRefusal;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.Spend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A client's fallback chain: its targets in order, the first the client's own, each with its
 * machinery ({@link TargetParts}: transport, limiter, gate, meter, account, health), all built
 * alike on the client's shared threads, timer and HTTP client. The client's {@link Retrier} asks it
 * which target an attempt goes to and tells it how each ended; the layers below the retrier take
 * the attempt's target's parts. Immutable but for the health of each target, which is thread-safe.
 */
public final class Targets {

  /** How a failure bears on where the call goes next: the one judgement of it. */
  public enum Kind {
    /** The host said it is overloaded, or could not be reached before the response began. */
    OVERLOAD,
    /** The target's account is out of quota, or suspended. */
    QUOTA,
    /** The host refused for its concurrency ({@link RateRefusal#concurrency}). */
    CONCURRENCY,
    /** The account's rate limit. */
    RATE_LIMIT,
    /** The request is too long for the target's model. */
    CONTEXT,
    /** Anything else: the caller's own error, or one the retry policy judges. */
    OTHER
  }

  private final TargetParts[] routes;
  private final ModelCatalog catalog;

  // Groups of members that share the load (KimiClient.Builder.replica): the place of each target
  // in the chain (the index of its group's first member), the places in order with their members,
  // and each member's weight. Null places: no group has two members, and every pick is by order.
  private final int[] placeOf;
  private final int[][] places;
  private final int[] weights;
  private final int[] configured; // each member's RateLimit.maxConcurrency, or NONE
  private final LongSupplier clock;
  // Guarded by this: each member's attempts picked and not ended, the most it was taught to take
  // at once (by a full-queue refusal; NONE until one) and when, the conversations' members, and
  // the calls waiting for room.
  private final int[] assigned;
  private final int[] taught;
  private final long[] taughtAt;
  private final int[] answeredAt; // the most attempts out at once when one was answered
  private final Affinity affinity;
  private List<Runnable> roomWaiters = new ArrayList<>();
  private double hedgeCredits = 1; // guarded by this: hedges the budget still pays for
  private long releases; // attempts ended, for a waiter to know it missed none
  private long spin; // draws a member for the calls without a conversation key

  /** No taught limit: the member takes what its gate lets through. */
  static final int NONE = Integer.MAX_VALUE;

  /** How long a member's taught limit stands without a refusal before it is raised by one. */
  static final long RAISE_AFTER_NANOS = 10_000_000_000L;

  /** The most conversations whose member is remembered; the least recently used go first. */
  static final int AFFINITY_ENTRIES = 4096;

  /** The most hedges a client's budget holds at once; it starts with one. */
  static final double HEDGE_CREDITS = 10;

  /** What {@link #pick} returns when every member the call may use is full: wait for room. */
  public static final int WAIT_FOR_ROOM = -2;

  public Targets(List<TargetParts> routes, ModelCatalog catalog) {
    this(routes, catalog, null, null, System::nanoTime);
  }

  /**
   * Creates a client's chain.
   *
   * @param routes its targets, its own first
   * @param catalog the models' context windows
   * @param groupOf each target's group, the index of the group's first member; null: each its own
   * @param weights each target's weight in its group; null: 1 each
   * @param clock the client's clock, in nanoseconds
   */
  public Targets(
      List<TargetParts> routes,
      ModelCatalog catalog,
      int[] groupOf,
      int[] weights,
      LongSupplier clock) {
    this.routes = routes.toArray(new TargetParts[0]);
    this.catalog = catalog;
    this.clock = clock;
    int n = this.routes.length;
    boolean grouped = false;
    if (groupOf != null) {
      for (int i = 0; i < n; i++) {
        grouped |= groupOf[i] != i;
      }
    }
    if (grouped) {
      this.placeOf = groupOf.clone();
      List<int[]> ps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (groupOf[i] == i) {
          int size = 0;
          for (int j = i; j < n; j++) {
            size += groupOf[j] == i ? 1 : 0;
          }
          int[] members = new int[size];
          for (int j = i, k = 0; j < n; j++) {
            if (groupOf[j] == i) {
              members[k++] = j;
            }
          }
          ps.add(members);
        }
      }
      this.places = ps.toArray(new int[0][]);
      this.weights = weights == null ? filled(n, 1) : weights.clone();
      this.assigned = new int[n];
      this.configured = new int[n];
      for (int i = 0; i < n; i++) {
        TargetSettings ts = this.routes[i].settings;
        configured[i] =
            ts.rateLimit() == null ? NONE : ts.rateLimit().maxConcurrency().orElse(NONE);
      }
      this.taught = filled(n, NONE);
      this.taughtAt = new long[n];
      this.answeredAt = new int[n];
      this.affinity = new Affinity();
    } else {
      this.placeOf = null;
      this.places = null;
      this.weights = null;
      this.assigned = null;
      this.configured = null;
      this.taught = null;
      this.taughtAt = null;
      this.answeredAt = null;
      this.affinity = null;
    }
  }

  private static int[] filled(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /** The conversations' members, least recently used first; bounded. */
  private static final class Affinity extends LinkedHashMap<Long, Integer> {
    private static final long serialVersionUID = 1L;

    Affinity() {
      super(64, 0.75f, true);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
      return size() > AFFINITY_ENTRIES;
    }
  }

  /** Tells whether some group of the chain has more than one member. */
  public boolean grouped() {
    return places != null;
  }

  /** Tells whether target {@code t} shares the load of its place with another member. */
  public boolean sharesLoad(int t) {
    if (places == null) {
      return false;
    }
    for (int i = 0; i < routes.length; i++) {
      if (i != t && placeOf[i] == placeOf[t]) {
        return true;
      }
    }
    return false;
  }

  /**
   * The key that keeps a conversation on one member: its model, its system messages and its first
   * user message, which every later turn of the conversation repeats at its start (the prefix a
   * host's cache holds); 0 when the request has no user message.
   *
   * @param request the call's request
   * @return the key, never 0 for a request with a user message
   */
  public static long affinityKey(ChatRequest request) {
    long h = 0xcbf29ce484222325L;
    h = mix(h, request.model());
    for (Message m : request.messages()) {
      if (m instanceof SystemMessage s) {
        h = mix(h, s.content());
      } else if (m instanceof UserMessage u) {
        h = mix(h, u.text());
        return h == 0 ? 1 : h;
      }
    }
    return 0;
  }

  private static long mix(long h, String s) {
    if (s == null) {
      return h * 0x100000001b3L;
    }
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return (h ^ 0xff) * 0x100000001b3L; // a separator, so "ab"+"c" differs from "a"+"bc"
  }

  /**
   * Judges a failure of an attempt sent to {@code host} (null: a client without fallback targets,
   * which judges by Moonshot's statuses).
   *
   * @param k the failure
   * @param host the host it came from, or null
   * @return its kind
   */
  public static Kind kind(KimiException k, Host host) {
    if (k instanceof QuotaExceededException) {
      return Kind.QUOTA;
    }
    if (k instanceof ApiException a) {
      RateRefusal r = ErrorFactory.refusal(k);
      if (r != null && r.concurrency()) {
        return Kind.CONCURRENCY;
      }
      if (k instanceof EngineOverloadedException) {
        return Kind.OVERLOAD;
      }
      if (k instanceof RateLimitException) {
        return Kind.RATE_LIMIT;
      }
      if (k instanceof ContextLengthExceededException) {
        return Kind.CONTEXT;
      }
      int status = a.status();
      boolean overload =
          host == null
              ? status == 502 || status == 503 || status == 529
              : host.overloadStatuses().contains(status);
      return overload ? Kind.OVERLOAD : Kind.OTHER;
    }
    if (k instanceof ConnectionException) {
      return Kind.OVERLOAD; // refused, reset or unreachable before a response began
    }
    if (k instanceof KimiTimeoutException && !(k.getCause() instanceof TimeoutException)) {
      return Kind.OVERLOAD; // connect or first-byte timeout; not a bound the caller set
    }
    return Kind.OTHER;
  }

  public int size() {
    return routes.length;
  }

  public TargetParts route(int i) {
    return routes[i];
  }

  public Target get(int i) {
    return routes[i].target;
  }

  public Host host(int i) {
    return routes[i].settings.host();
  }

  /** What target {@code i} is, as responses and events name it. */
  public ServedBy served(int i) {
    return routes[i].settings.target();
  }

  /** Tells target {@code t}'s health how the call's attempt failed. */
  public void judged(int t, Kind kind, KimiException failure, Route st) {
    st.full = false;
    if (st.probe == t) {
      st.probe = -1; // told below
    }
    TargetHealth h = routes[t].health;
    switch (kind) {
      case OVERLOAD -> h.cool(asked(failure), false, failure);
      case QUOTA -> h.cool(null, true, failure);
      case CONCURRENCY -> {
        if (failure instanceof ApiException a && a.status() != 429 && sharesLoad(t) && taught(t)) {
          st.full = true; // another member, or this one's next slot, takes it
          h.probeEnded();
        } else if (failure instanceof ApiException a && a.status() != 429) {
          h.cool(asked(failure), false, failure, true); // a full queue: the host is busy
        } else {
          h.probeEnded();
        }
      }
      default -> h.probeEnded();
    }
  }

  private static Duration asked(KimiException failure) {
    return failure instanceof ApiException a ? a.retryAfter().orElse(null) : null;
  }

  /**
   * Tells whether a failure of kind {@code kind} on target {@code t} moves the call to another
   * target: an overload, a full queue (a 503 refusal for concurrency), a quota, or a request too
   * long for {@code t}'s model when a later target the call may use has a longer context.
   */
  public boolean movesOn(Kind kind, KimiException failure, int t, Route st) {
    switch (kind) {
      case OVERLOAD:
      case QUOTA:
        return true;
      case CONCURRENCY:
        return failure instanceof ApiException a && a.status() != 429 && (st == null || !st.full);
      case CONTEXT:
        long window = window(t, st.model);
        for (int i = 0; i < routes.length; i++) {
          if (i != t && !st.skips(i) && window(i, st.model) > window) {
            return true;
          }
        }
        return false;
      default:
        return false;
    }
  }

  /** The context window of the model target {@code t} asks for, for a request of {@code model}. */
  private long window(int t, String model) {
    String asked = routes[t].target.model().orElse(model);
    return asked == null ? 0 : catalog.lookup(asked).contextWindow();
  }

  /** Has the call skip every target that shares target {@code t}'s account. */
  public void skipAccount(int t, Route st) {
    for (int i = 0; i < routes.length; i++) {
      if (i == t || sameAccount(i, t)) {
        st.skip(i);
      }
    }
  }

  private boolean sameAccount(int a, int b) {
    TargetSettings x = routes[a].settings;
    TargetSettings y = routes[b].settings;
    if (!x.endpoint().equals(y.endpoint())) {
      return false;
    }
    if (x.credential() == y.credential()) {
      return true;
    }
    return x.apiKey() != null
        && y.apiKey() != null
        && x.apiKey().reveal().equals(y.apiKey().reveal());
  }

  /** Tells whether the call may still use some target. */
  public boolean anyLeft(Route st) {
    for (int i = 0; i < routes.length; i++) {
      if (!st.skips(i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the first target in order that the call may use and that admits it now (making the call
   * its probe when its cooldown just ended), or -1 when none does.
   */
  public int pick(Route st) {
    if (places != null) {
      return pickShared(st);
    }
    for (int i = 0; i < routes.length; i++) {
      if (st.skips(i)) {
        continue;
      }
      TargetHealth.Admission a = routes[i].health.admit();
      if (a != TargetHealth.Admission.NO) {
        st.probe = a == TargetHealth.Admission.PROBE ? i : -1;
        return i;
      }
    }
    return -1;
  }

  /**
   * The pick of a chain with groups: place by place in order, the member of the call's conversation
   * while it takes calls and has room (or while the others have none, or it is not yet overloaded:
   * the call then waits for its room), else the member with the most room for its weight; a place
   * whose members are all full is passed for the next with room, and when none has room the call
   * waits for it ({@link #WAIT_FOR_ROOM}, at {@code st.waitsAt}). Returns -1 when no target the
   * call may use takes calls now.
   */
  private int pickShared(Route st) {
    int n = routes.length;
    for (int tries = 0; tries <= n; tries++) {
      boolean[] open = new boolean[n]; // read outside this lock: a health runs its waiters
      for (int i = 0; i < n; i++) {
        open[i] = takes(st, i);
      }
      int chosen;
      synchronized (this) {
        releaseLocked(st);
        chosen = chooseLocked(st, open);
        st.releasesSeen = releases;
        if (chosen >= 0) {
          holdLocked(st, chosen);
        }
      }
      if (chosen < 0 || admitted(st, chosen)) {
        return chosen;
      }
      st.movedFrom = -1; // cooled or probed meanwhile: choose again
    }
    return -1;
  }

  /** Tells whether the call may use target {@code t} and its health takes calls now. */
  private boolean takes(Route st, int t) {
    return !st.skips(t) && routes[t].health.availableInNanos() == 0;
  }

  /**
   * Asks the health of target {@code t}, whose room the call holds, to admit it (the call becomes
   * its probe when its cooldown just ended); when it does not, the room is freed.
   */
  private boolean admitted(Route st, int t) {
    TargetHealth.Admission a = routes[t].health.admit();
    if (a == TargetHealth.Admission.NO) {
      done(st);
      return false;
    }
    st.probe = a == TargetHealth.Admission.PROBE ? t : -1;
    return true;
  }

  private int chooseLocked(Route st, boolean[] open) {
    long now = clock.getAsLong();
    Integer kept = st.key == 0 ? null : affinity.get(st.key);
    int sticky = kept == null ? -1 : kept;
    int queue = -1;
    st.movedFrom = -1;
    st.waitsAt = -1;
    for (int[] members : places) {
      boolean stickyHere = sticky >= 0 && placeOf[sticky] == placeOf[members[0]];
      if (stickyHere && open[sticky]) {
        if (room(sticky, now) > 0) {
          return sticky;
        }
        int other = best(members, open, st.key, sticky, now);
        if (other >= 0 && overloaded(sticky, now)) {
          st.movedFrom = sticky;
          affinity.put(st.key, other);
          return other;
        }
        st.waitsAt = sticky; // its cache is worth a short wait for its room
        return WAIT_FOR_ROOM;
      }
      int b = best(members, open, st.key, -1, now);
      if (b >= 0) {
        if (st.key != 0) {
          affinity.put(st.key, b);
          if (stickyHere && b != sticky && !st.skips(sticky)) {
            st.movedFrom = sticky; // its member is down (its own failure: told as a fallback)
          }
        }
        return b;
      }
      if (queue < 0) {
        queue = leastLoaded(members, open, now);
      }
    }
    if (queue >= 0) {
      st.waitsAt = queue;
      return WAIT_FOR_ROOM;
    }
    return -1;
  }

  /** What member {@code t} may still take: its limit less its attempts out, NONE-safe. */
  private int room(int t, long now) {
    int cap = cap(t, now);
    return cap == NONE ? NONE : cap - assigned[t];
  }

  /**
   * The most member {@code t} takes at once: what its full-queue refusals taught (raised by one
   * after each {@link #RAISE_AFTER_NANOS} without one), within its gate's limit and its {@code
   * RateLimit.maxConcurrency}.
   */
  private int cap(int t, long now) {
    if (taught[t] != NONE && now - taughtAt[t] >= RAISE_AFTER_NANOS) {
      taught[t]++;
      taughtAt[t] = now;
    }
    return Math.min(Math.min(taught[t], configured[t]), routes[t].gate.limit());
  }

  /** Overloaded: as many calls wait for member {@code t} as it takes at once. */
  private boolean overloaded(int t, long now) {
    int cap = cap(t, now);
    return cap != NONE && assigned[t] >= 2 * cap;
  }

  /**
   * The member of {@code members} with room whose load for its weight is least; among idle members,
   * or members as loaded for their weights, the one the conversation's key (or, without one, a
   * counter) draws by weight (weighted rendezvous hashing: the same member for the same key, each
   * member drawn in proportion to its weight); -1 when none has room.
   */
  private int best(int[] members, boolean[] open, long key, int not, long now) {
    int best = -1;
    double bestDraw = 0;
    long draw = key != 0 ? key : scramble(++spin);
    for (int m : members) {
      if (m == not || !open[m] || room(m, now) <= 0) {
        continue;
      }
      double d = draw(draw, m);
      if (best < 0) {
        best = m;
        bestDraw = d;
        continue;
      }
      // (assigned+1)/weight, compared without division; idle members tie
      boolean idle = assigned[m] == 0 && assigned[best] == 0;
      long a = idle ? 0 : (long) (assigned[m] + 1) * weights[best];
      long b = idle ? 0 : (long) (assigned[best] + 1) * weights[m];
      if (a < b || (a == b && d > bestDraw)) {
        best = m;
        bestDraw = d;
      }
    }
    return best;
  }

  /** Member {@code m}'s weighted rendezvous score for {@code key}: w / -ln(u), u in (0, 1). */
  private double draw(long key, int m) {
    long h = scramble(key ^ ((m + 1) * 0x9e3779b97f4a7c15L));
    double u = ((h >>> 11) + 0.5) / (double) (1L << 53);
    return weights[m] / -Math.log(u);
  }

  /** The open member of {@code members} with the fewest calls for what it takes; -1 for none. */
  private int leastLoaded(int[] members, boolean[] open, long now) {
    int best = -1;
    double least = Double.MAX_VALUE;
    for (int m : members) {
      if (!open[m]) {
        continue;
      }
      int cap = cap(m, now);
      double load = (assigned[m] + 1.0) / ((cap == NONE ? 1 : cap) * (double) weights[m]);
      if (load < least) {
        least = load;
        best = m;
      }
    }
    return best;
  }

  private static long scramble(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }

  /**
   * Sends a call that waited for room as long as it may to the member it waited at, room or not
   * (the member's gate and limiter still hold it to their limits); -1 when that member no longer
   * takes calls.
   */
  public int pickWaited(Route st) {
    int t = st.waitsAt;
    if (t < 0 || !takes(st, t)) {
      return -1;
    }
    synchronized (this) {
      holdLocked(st, t);
      if (st.key != 0) {
        affinity.put(st.key, t);
      }
    }
    return admitted(st, t) ? t : -1;
  }

  /**
   * Counts the call's next attempt in the room of target {@code t}, which the call's course named
   * (a retry on the same target) rather than chose: as a chosen one is, until it ends.
   */
  public void hold(Route st, int t) {
    if (places != null) {
      synchronized (this) {
        holdLocked(st, t);
      }
    }
  }

  /**
   * Tells whether a target other than {@code from} that the call may use takes calls now: a hedged
   * stream has somewhere to go.
   */
  public boolean canHedge(Route st, int from) {
    for (int i = 0; i < routes.length; i++) {
      if (i != from && takes(st, i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds a stream's share of the hedge budget ({@code RetryPolicy.hedgeBudget()}): the client's
   * hedges are paid from what its streams added, at most {@link #HEDGE_CREDITS} held at once.
   */
  public synchronized void streamStarted(double budget) {
    hedgeCredits = Math.min(HEDGE_CREDITS, hedgeCredits + budget);
  }

  /** Spends one hedge from the budget; false when less than one is left. */
  public synchronized boolean spendHedge() {
    if (hedgeCredits < 1) {
      return false;
    }
    hedgeCredits -= 1;
    return true;
  }

  /**
   * Has {@code wake} run once a member of a group frees room (an attempt of it ended): at once when
   * one did since the call's last pick.
   */
  public void awaitRoom(Route st, Runnable wake) {
    synchronized (this) {
      if (releases == st.releasesSeen) {
        roomWaiters.add(wake);
        return;
      }
    }
    wake.run();
  }

  /**
   * Tells the call's member that its attempt ended, freeing its room, and wakes the calls that wait
   * for room; nothing when it holds none. Safe to call more than once.
   */
  public void done(Route st) {
    if (places == null) {
      return;
    }
    List<Runnable> wake;
    synchronized (this) {
      if (!releaseLocked(st) || roomWaiters.isEmpty()) {
        return;
      }
      wake = roomWaiters;
      roomWaiters = new ArrayList<>();
    }
    for (Runnable r : wake) {
      r.run();
    }
  }

  /** Has the call hold room at target {@code t}, freeing what it held before. */
  private void holdLocked(Route st, int t) {
    releaseLocked(st);
    assigned[t]++;
    st.holding = t;
  }

  private boolean releaseLocked(Route st) {
    int t = st.holding;
    if (t < 0) {
      return false;
    }
    st.holding = -1;
    assigned[t]--;
    releases++;
    return true;
  }

  /**
   * Teaches member {@code t} the most it takes at once from its full-queue refusal of an attempt,
   * its room already freed: the attempts still out to it (the host held them when it refused),
   * never fewer than it once answered beside (the host may not yet have freed the slot of an
   * attempt the client saw end: its gate judges whether refusals at that load go on); returns false
   * when it refused with nothing else out and takes one at a time (busy, not full).
   */
  private synchronized boolean taught(int t) {
    int out = assigned[t];
    if (out == 0 && taught[t] <= 1) {
      return false;
    }
    taught[t] = Math.min(taught[t], Math.max(1, Math.max(out, answeredAt[t])));
    taughtAt[t] = clock.getAsLong();
    return true;
  }

  /**
   * Ends the probe the call held, if its attempt ended without telling (the call was cancelled or
   * its client closed): the next call probes the target instead, so a probe never stays out.
   */
  public void release(Route st) {
    int t = st.probe;
    if (t >= 0) {
      st.probe = -1;
      routes[t].health.probeEnded();
    }
  }

  /**
   * Returns how long until a target the call may use admits calls again: the shortest rest of a
   * cooldown, -1 when only probes that are out decide it, {@link Long#MAX_VALUE} when the call may
   * use none.
   */
  public long soonestNanos(Route st) {
    long soonest = Long.MAX_VALUE;
    boolean probing = false;
    for (int i = 0; i < routes.length; i++) {
      if (st.skips(i)) {
        continue;
      }
      long in = routes[i].health.availableInNanos();
      if (in < 0) {
        probing = true;
      } else {
        soonest = Math.min(soonest, in);
      }
    }
    return soonest == Long.MAX_VALUE && probing ? -1 : soonest;
  }

  /**
   * Tells whether a target the call may use cools down for its full queue only: busy, not down, so
   * the call may wait for it.
   */
  public boolean anyBusy(Route st) {
    for (int i = 0; i < routes.length; i++) {
      if (!st.skips(i) && routes[i].health.busy()) {
        return true;
      }
    }
    return false;
  }

  /** Has every target the call may use tell {@code wake} when it admits calls again. */
  public void await(Route st, Runnable wake) {
    for (int i = 0; i < routes.length; i++) {
      if (!st.skips(i)) {
        routes[i].health.await(wake);
      }
    }
  }

  /** Target {@code t} answered the call. */
  public void succeeded(int t, Route st) {
    if (st.probe == t) {
      st.probe = -1;
    }
    if (places != null) {
      synchronized (this) {
        if (st.holding == t) { // the attempts out beside it, itself included, were all taken
          answeredAt[t] = Math.max(answeredAt[t], assigned[t]);
        }
      }
    }
    routes[t].health.succeeded();
  }

  /**
   * Says, for a failure that names every target, each target's place, host and model, its last
   * answer (the failure that last cooled it down, or the one it gave this call) and whether it
   * takes calls now; at most {@link #ANSWER_CHARS} characters of each answer, whose server text was
   * neutralised when its exception was made.
   *
   * @param st the call's course, whose own failures name answers not yet told to a target's health
   * @return one clause per target, separated by "; "
   */
  public String describe(Route st) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < routes.length; i++) {
      TargetParts r = routes[i];
      java.net.URI u = r.settings.host().endpoint().uri();
      b.append(i == 0 ? "" : "; ")
          .append("target ")
          .append(i)
          .append(" (")
          .append(r.settings.host().name())
          .append(" at ")
          .append(u.getHost())
          .append(u.getPort() >= 0 ? ":" + u.getPort() : "");
      r.target.model().ifPresent(m -> b.append(", ").append(m));
      b.append(") ");
      KimiException last = r.health.lastFailure();
      b.append(last == null ? "has not refused a call" : "answered " + answer(last));
      long in = r.health.availableInNanos();
      if (in > 0) {
        b.append(", cooling down for ").append(Math.max(1, (in + 999_999_999L) / 1_000_000_000L));
        b.append(" s more");
      } else if (in < 0) {
        b.append(", its probe out");
      } else if (st.skips(i)) {
        b.append(", not asked again by this call");
      }
    }
    return b.toString();
  }

  /** The most characters of a target's last answer that {@link #describe} keeps. */
  static final int ANSWER_CHARS = 160;

  private static String answer(KimiException k) {
    String said;
    if (k instanceof ApiException a) {
      said =
          "HTTP "
              + a.status()
              + a.errorType().map(t -> " " + t).orElse("")
              + (a.serverMessage().isEmpty() ? "" : " \"" + a.serverMessage() + "\"");
    } else {
      said = k.getClass().getSimpleName() + " (" + k.getMessage() + ")";
    }
    return said.length() <= ANSWER_CHARS ? said : said.substring(0, ANSWER_CHARS - 3) + "...";
  }

  /** What every target's account spent, added up. */
  public Spend total() {
    Spend sum = routes[0].meter.total();
    for (int i = 1; i < routes.length; i++) {
      sum = sum.plus(routes[i].meter.total());
    }
    return sum;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Targets[");
    for (int i = 0; i < routes.length; i++) {
      b.append(i == 0 ? "" : ", ").append(routes[i].target).append(' ').append(routes[i].health);
    }
    return b.append(']').toString();
  }
}
