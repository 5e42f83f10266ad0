package io.github.kimisdk.internal.route;

import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.internal.config.TargetSettings;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.platform.PingResult;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Where a client's chat calls go: its targets in order, the first the client's own, each with its
 * machinery ({@link TargetParts}) and its health; the groups among them that share the load ({@link
 * Rooms}); the client's hedge allowance. It makes each call's {@link Route}, which owns where that
 * call's attempts go; it also tells how each target stands, for the client's account. Immutable but
 * for each target's health, the groups' state and the hedge allowance, each thread-safe.
 */
public final class Router {

  /** The most hedges a client's allowance holds at once; it starts with one. */
  static final double HEDGE_CREDITS = 10;

  /** The most characters of a target's last answer that {@link #report} keeps. */
  static final int ANSWER_CHARS = 160;

  private final TargetParts[] parts;
  private final ModelCatalog catalog;
  private final Rooms rooms; // null: no group has two members
  private final Duration busyHold; // how long a target that refused for its full queue is held
  private double hedgeCredits = 1; // guarded by this: the hedges the allowance still pays for

  /**
   * Creates a client's router.
   *
   * @param parts its targets, its own first
   * @param catalog the models' context windows
   * @param groupOf each target's group, the index of the group's first member; null: each its own
   * @param weights each target's weight in its group; null: 1 each
   * @param policy the client's retry policy, whose first backoff a busy target is held for when it
   *     asked for no wait
   */
  public Router(
      List<TargetParts> parts,
      ModelCatalog catalog,
      int[] groupOf,
      int[] weights,
      RetryPolicy policy) {
    this.parts = parts.toArray(new TargetParts[0]);
    this.catalog = catalog;
    ConcurrencyGate[] gates = new ConcurrencyGate[this.parts.length];
    for (int i = 0; i < gates.length; i++) {
      gates[i] = this.parts[i].gate;
    }
    this.rooms = Rooms.of(gates, groupOf, weights);
    this.busyHold = policy.initialBackoff();
  }

  /**
   * Returns the route of one chat call: its attempts go where it says.
   *
   * @param model the model the request names, for the targets' context windows; null for none
   * @param request the request, whose conversation keeps to one member of a group
   * @param hedgeBudget the share of a hedge the call adds to the client's allowance: the policy's
   *     hedge budget for a stream it may hedge, else 0
   * @return the route
   */
  public Route route(String model, ChatRequest request, double hedgeBudget) {
    if (hedgeBudget > 0) {
      synchronized (this) {
        hedgeCredits = Math.min(HEDGE_CREDITS, hedgeCredits + hedgeBudget);
      }
    }
    return new Route(this, model, rooms == null || request == null ? 0 : affinityKey(request));
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
   * A choice of target: where the attempt goes, the probe it took, the groups' releases when it
   * chose, and the member to wait at for room ({@code -1}: none).
   */
  record Pick(Where where, int probe, long seen, int waitAt) {}

  /**
   * Chooses an attempt's target among those a call may use ({@code skip}: one bit per target it may
   * no longer use): the first in order that admits it, or in a chain with groups the member with
   * room for the conversation {@code key}, taking that room and, when a target's cooldown just
   * ended, its probe; or says how the call waits.
   */
  Pick pick(long skip, long key) {
    int n = parts.length;
    if (rooms == null) {
      for (int i = 0; i < n; i++) {
        if ((skip & (1L << i)) != 0) {
          continue;
        }
        TargetHealth.Admission a = health(i).admit();
        if (a != TargetHealth.Admission.NO) {
          return new Pick(
              new Where(i, null, 0, false), a == TargetHealth.Admission.PROBE ? i : -1, 0, -1);
        }
      }
      return new Pick(waiting(skip, false), -1, 0, -1);
    }
    for (int tries = 0; tries <= n; tries++) {
      boolean[] open = new boolean[n];
      for (int i = 0; i < n; i++) {
        open[i] = (skip & (1L << i)) == 0 && health(i).availableInNanos() == 0;
      }
      Rooms.Choice c = rooms.choose(key, open, -1);
      if (c.member() == Rooms.FULL) {
        return new Pick(waiting(skip, true), -1, c.seen(), c.waitAt());
      }
      if (c.member() < 0) {
        return new Pick(waiting(skip, false), -1, c.seen(), -1);
      }
      TargetHealth.Admission a = health(c.member()).admit();
      if (a != TargetHealth.Admission.NO) {
        return new Pick(
            new Where(c.member(), c.permit(), 0, false),
            a == TargetHealth.Admission.PROBE ? c.member() : -1,
            c.seen(),
            -1);
      }
      c.permit().release(); // cooled or probed meanwhile: choose again
    }
    return new Pick(waiting(skip, false), -1, 0, -1);
  }

  /**
   * The choice of a call that found every target it may use ({@code skip}: one bit per target it
   * may no longer use) cooling, and none busy: the probe, taken now, of the one whose cooldown of
   * the client's own choosing began longest ago ({@link TargetHealth#probeEarly}), with its room
   * when it shares the load; null when none may be probed so. A short fault (a burst of 502s, an
   * overloaded moment) then ends the chain's unavailability when the host is back, not when its
   * cooldown ends, one call at a time per target.
   */
  Pick probeEarly(long skip) {
    for (int tries = 0; tries < parts.length; tries++) {
      int oldest = -1;
      long age = -1;
      for (int i = 0; i < parts.length; i++) {
        if ((skip & (1L << i)) != 0) {
          continue;
        }
        long a = health(i).earlyProbeAge();
        if (a > age) {
          age = a;
          oldest = i;
        }
      }
      if (oldest < 0) {
        return null;
      }
      if (health(oldest).probeEarly()) {
        ConcurrencyGate.Permit room =
            rooms != null && rooms.sharesLoad(oldest) ? rooms.take(oldest) : null;
        return new Pick(new Where(oldest, room, 0, false), oldest, 0, -1);
      }
      // probed meanwhile by another call: look again
    }
    return null;
  }

  /**
   * The wait of a call that no target takes now: how long until one the call may use admits calls
   * again (the shortest rest of a cooldown or hold; -1 when only probes that are out decide it;
   * {@link Long#MAX_VALUE} when it may use none), and whether it waits for a busy or full host.
   */
  private Where waiting(long skip, boolean full) {
    long soonest = Long.MAX_VALUE;
    boolean probing = false;
    boolean busy = full;
    boolean any = false;
    for (int i = 0; i < parts.length; i++) {
      if ((skip & (1L << i)) != 0) {
        continue;
      }
      any = true;
      TargetHealth h = health(i);
      long in = h.availableInNanos();
      busy |= h.busy();
      if (in < 0) {
        probing = true;
      } else {
        soonest = Math.min(soonest, in);
      }
    }
    if (!any) {
      return new Where(Where.NOWHERE, null, Long.MAX_VALUE, false);
    }
    return new Where(
        Where.WAIT, null, full ? 0 : soonest == Long.MAX_VALUE && probing ? -1 : soonest, busy);
  }

  /**
   * Finds where a call's slow attempt on target {@code from} may be handed over: another target it
   * may use ({@code skip}) that admits it now, a member with room (taken) or the first in order
   * (its probe taken when its cooldown just ended); nowhere otherwise.
   */
  Pick handOver(int from, long skip, long key) {
    int n = parts.length;
    boolean[] open = new boolean[n];
    for (int i = 0; i < n; i++) {
      open[i] = i != from && (skip & (1L << i)) == 0 && health(i).availableInNanos() == 0;
    }
    int to = -1;
    ConcurrencyGate.Permit permit = null;
    if (rooms != null) {
      Rooms.Choice c = rooms.choose(key, open, from);
      if (c.member() >= 0) {
        to = c.member();
        permit = c.permit();
      }
    } else {
      for (int i = 0; i < n && to < 0; i++) {
        to = open[i] ? i : -1;
      }
    }
    TargetHealth.Admission a = to < 0 ? TargetHealth.Admission.NO : health(to).admit();
    if (a == TargetHealth.Admission.NO) {
      if (permit != null) {
        permit.release();
      }
      return new Pick(new Where(Where.NOWHERE, null, Long.MAX_VALUE, false), -1, 0, -1);
    }
    return new Pick(
        new Where(to, permit, 0, false), a == TargetHealth.Admission.PROBE ? to : -1, 0, -1);
  }

  /** How many targets: the client's own, and each fallback. */
  public int size() {
    return parts.length;
  }

  /** Target {@code i}'s machinery. */
  public TargetParts parts(int i) {
    return parts[i];
  }

  /** Target {@code i}. */
  public Target get(int i) {
    return parts[i].target;
  }

  /** Target {@code i}'s host. */
  public Host host(int i) {
    return parts[i].settings.host();
  }

  /** What target {@code i} is, as responses and events name it. */
  public ServedBy served(int i) {
    return parts[i].settings.target();
  }

  /** The groups, or null. */
  Rooms rooms() {
    return rooms;
  }

  /** Target {@code i}'s health. */
  TargetHealth health(int i) {
    return parts[i].health;
  }

  /** How long a target that refused for its full queue is held: {@code asked}, or a short wait. */
  Duration busyHold(Duration asked) {
    return asked != null && asked.compareTo(busyHold) > 0 ? asked : busyHold;
  }

  /** Tells whether a target of {@code among} (one bit each) is held busy after a full queue. */
  boolean anyBusy(long among) {
    for (int i = 0; i < parts.length; i++) {
      if ((among & (1L << i)) != 0 && parts[i].health.busy()) {
        return true;
      }
    }
    return false;
  }

  /** Spends one hedge from the allowance; false when less than one is left. */
  synchronized boolean spendHedge() {
    if (hedgeCredits < 1) {
      return false;
    }
    hedgeCredits -= 1;
    return true;
  }

  /** Gives back a hedge spent on a hand-over that did not happen. */
  synchronized void refundHedge() {
    hedgeCredits = Math.min(HEDGE_CREDITS, hedgeCredits + 1);
  }

  /** The context window of the model target {@code t} asks for, for a request of {@code model}. */
  long window(int t, String model) {
    String asked = parts[t].target.model().orElse(model);
    return asked == null ? 0 : catalog.lookup(asked).contextWindow();
  }

  /** Tells whether targets {@code a} and {@code b} are one account: one endpoint and one key. */
  boolean sameAccount(int a, int b) {
    TargetSettings x = parts[a].settings;
    TargetSettings y = parts[b].settings;
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

  /**
   * Returns how target {@code i} stands: its state, the rest of its cooldown, what it spent, and
   * {@code ping}, its check, when one was made.
   *
   * @param i the target
   * @param ping its check, or null
   * @return its status
   */
  public TargetStatus status(int i, PingResult ping) {
    TargetHealth h = parts[i].health;
    TargetStatus.State state = h.state();
    long left = h.availableInNanos();
    Duration cooling = state == TargetStatus.State.COOLING ? Duration.ofNanos(left) : Duration.ZERO;
    return new TargetStatus(parts[i].target, state, cooling, parts[i].meter.total(), ping);
  }

  /**
   * Says, for a failure that names every target, what they said ({@link Route#report}): each
   * target's place, host and model, its last answer (the failure that last cooled or held it) with
   * the status it sent, and whether it takes calls now, at most {@link #ANSWER_CHARS} characters of
   * each answer, whose server text was neutralised when its exception was made; the last answer
   * with a status any target's host gave (that cooled or held it), the latest by the scheduler's
   * clock, null when no target's host ever answered so (each could not be reached); and the last
   * failure that cooled or held any target, the latest, null for none.
   *
   * @param skipped the targets the call may no longer use this round, one bit each
   * @return the report
   */
  Report report(long skipped) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      TargetParts r = parts[i];
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
        b.append(r.health.busy() ? ", busy for " : ", cooling down for ")
            .append(
                in >= 1_000_000_000L
                    ? (in + 999_999_999L) / 1_000_000_000L + " s"
                    : Math.max(1, in / 1_000_000) + " ms")
            .append(" more");
      } else if (in < 0) {
        b.append(", its probe out");
      } else if ((skipped & (1L << i)) != 0) {
        b.append(", not asked again by this call");
      }
    }
    return new Report(
        b.toString(),
        latest(TargetHealth::lastAnswer, TargetHealth::lastAnswerAt),
        latest(TargetHealth::lastFailure, TargetHealth::lastFailureAt));
  }

  /** The latest by the scheduler's clock of what each target's health recorded; null for none. */
  private <T> T latest(Function<TargetHealth, T> what, ToLongFunction<TargetHealth> when) {
    T latest = null;
    long at = 0;
    for (TargetParts p : parts) {
      T t;
      long w;
      synchronized (p.health) {
        t = what.apply(p.health);
        w = when.applyAsLong(p.health);
      }
      if (t != null && (latest == null || w - at > 0)) {
        latest = t;
        at = w;
      }
    }
    return latest;
  }

  private static String answer(KimiException k) {
    String said;
    if (k instanceof ApiException a) {
      said =
          "HTTP "
              + a.status()
              + a.errorType().map(t -> " " + t).orElse("")
              + (a.serverMessage().isEmpty() ? "" : " \"" + a.serverMessage() + "\"");
    } else {
      said =
          k.getClass().getSimpleName()
              + (Kind.unreachable(k) ? " (could not be reached)" : "")
              + " ("
              + k.getMessage()
              + ")";
    }
    return said.length() <= ANSWER_CHARS ? said : said.substring(0, ANSWER_CHARS - 3) + "...";
  }

  /** What every target's account spent, added up. */
  public Spend total() {
    Spend sum = parts[0].meter.total();
    for (int i = 1; i < parts.length; i++) {
      sum = sum.plus(parts[i].meter.total());
    }
    return sum;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Router[");
    for (int i = 0; i < parts.length; i++) {
      b.append(i == 0 ? "" : ", ").append(parts[i].target).append(' ').append(parts[i].health);
    }
    return b.append(']').toString();
  }
}
