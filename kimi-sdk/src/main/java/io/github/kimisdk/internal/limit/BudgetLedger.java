package io.github.kimisdk.internal.limit;

import io.github.kimisdk.Budget;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.access.Exceptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The budgets of one client and the reservations its attempts hold: an attempt's worst case is
 * reserved against every budget (and counter) it counts in before it is sent, all or none, and
 * settled when it ends. Reservations in a store that renews leases ({@link
 * RateLimitStore#renewedLease()}) are renewed while their calls live by one timer per client, on
 * the scheduler's thread, a third of the lease apart (a renewal that fails is logged once per
 * outage and tried again a second later): a process killed mid-call leaves them to expire within
 * one lease.
 *
 * <p>Thread model: any thread reserves and settles; the stores are asked outside the lock, which
 * guards only {@code renewed} and the renewal's state.
 */
public final class BudgetLedger {

  /** How soon a renewal that failed is tried again. */
  static final Duration RENEW_RETRY = Duration.ofSeconds(1);

  private static final Duration MIN_RENEWAL = Duration.ofMillis(100);

  /** What one attempt asks of the budgets. */
  public interface Need {
    /**
     * Returns the attempt's worst case in {@code budget}'s units.
     *
     * @param budget the budget
     * @return the units, tokens or money
     * @throws KimiException if the attempt cannot be priced in the budget's currency
     */
    long units(BudgetTerms budget);

    /** {@return the attempt and how its worst case was made, for a refusal's message} */
    String describe();
  }

  /** One reservation an attempt holds. */
  private record Hold(
      BudgetTerms budget, Budget.Counter counter, String id, long amount, Duration holdFor) {}

  /** The reservations one attempt holds. */
  public static final class Holds {
    private final List<Hold> held;

    private Holds(List<Hold> held) {
      this.held = held;
    }
  }

  private final List<BudgetTerms> budgets;
  private final Scheduler scheduler;
  private final Exceptions make;
  private final System.Logger log;
  private final String prefix = UUID.randomUUID() + ":";
  private final AtomicLong sequence = new AtomicLong();
  private final Set<Hold> renewed = new LinkedHashSet<>(); // guarded by this
  private boolean renewing; // a renewal is armed; guarded by this
  private boolean renewFailing; // guarded by this

  /**
   * Makes the ledger of a client's budgets.
   *
   * @param budgets the budgets, in the order they were given
   * @param scheduler the client's timer, for renewals
   * @param make the exceptions' constructors
   * @param log where a failed renewal or settlement is told
   */
  public BudgetLedger(
      List<BudgetTerms> budgets, Scheduler scheduler, Exceptions make, System.Logger log) {
    this.budgets = List.copyOf(budgets);
    this.scheduler = scheduler;
    this.make = make;
    this.log = log;
  }

  /**
   * Reserves an attempt's worst case against every budget counter it counts in, all or none.
   *
   * @param tenant the account of the call's tenant, or null for a client's own key
   * @param tags the call's tags
   * @param need the attempt's worst case
   * @return the reservations, or null when no budget counts the call
   * @throws KimiException the refusal of a budget the worst case does not fit; a failure of a
   *     budget's store; a call that cannot be priced in a budget's currency
   */
  public Holds reserve(String tenant, List<String> tags, Need need) {
    List<Hold> taken = null;
    for (BudgetTerms b : budgets) {
      List<String> scopes = b.scopes(tenant, tags);
      if (scopes.isEmpty()) {
        continue;
      }
      long amount;
      try {
        amount = need.units(b);
      } catch (RuntimeException e) {
        release(taken);
        throw e;
      }
      Duration holdFor = holdFor(b.store());
      for (String scope : scopes) {
        Budget.Counter c = b.counter(scope);
        String id = prefix + sequence.incrementAndGet();
        Budget.Tally t;
        try {
          t = b.reserve(c, amount, id, holdFor);
        } catch (RuntimeException e) {
          release(taken);
          throw storeFailed(b, e);
        }
        if (!t.taken()) {
          release(taken);
          throw b.refused(make, c, t, amount, need.describe());
        }
        if (taken == null) {
          taken = new ArrayList<>(2);
        }
        taken.add(new Hold(b, c, id, amount, holdFor));
      }
    }
    if (taken == null) {
      return null;
    }
    track(taken);
    return new Holds(taken);
  }

  /**
   * Settles an attempt's reservations: each at what {@code spent} says the attempt spent in its
   * budget's units (0 releases it; when {@code spent} throws, at the reservation).
   *
   * @param holds the reservations
   * @param spent what the attempt spent, per budget
   */
  public void settle(Holds holds, ToLongFunction<BudgetTerms> spent) {
    synchronized (this) {
      holds.held.forEach(renewed::remove);
    }
    Map<BudgetTerms, Long> each = new LinkedHashMap<>();
    for (Hold h : holds.held) {
      long amount =
          each.computeIfAbsent(
              h.budget(),
              b -> {
                try {
                  return Math.max(0, spent.applyAsLong(b));
                } catch (RuntimeException e) {
                  return h.amount();
                }
              });
      try {
        h.budget().settle(h.budget().settling(h.counter()), h.id(), amount);
      } catch (RuntimeException e) {
        log.log(
            System.Logger.Level.WARNING,
            "Settling a reservation of budget "
                + h.budget().name()
                + " failed ("
                + e
                + "); it is released when its hold ends, and "
                + h.budget().shown(amount)
                + " spent by the call is not counted");
      }
    }
  }

  private void release(List<Hold> taken) {
    if (taken == null) {
      return;
    }
    for (Hold h : taken) {
      try {
        h.budget().settle(h.counter(), h.id(), 0);
      } catch (RuntimeException e) {
        // its hold ends by itself
      }
    }
  }

  /** The failure of a call whose budget's store failed: not sent; the policy retries it. */
  private KimiException storeFailed(BudgetTerms b, RuntimeException e) {
    if (e instanceof KimiException k) {
      return k;
    }
    String what = "The store of budget " + b.name() + " (" + b.store() + ") failed: " + e;
    if (e instanceof UnsupportedOperationException) {
      return make.configuration(what, e);
    }
    return make.connection(what + "; the call was not sent", e, null);
  }

  /** Returns how long a reservation in {@code store} is held: its renewed lease, else forever. */
  private static Duration holdFor(RateLimitStore store) {
    Duration d = store.renewedLease();
    return d != null && d.compareTo(Duration.ZERO) > 0 ? d : Duration.ZERO;
  }

  private void track(List<Hold> taken) {
    Duration every = null;
    synchronized (this) {
      for (Hold h : taken) {
        if (!h.holdFor().isZero()) {
          renewed.add(h);
          if (!renewing) {
            renewing = true;
            every = renewEvery(h.holdFor());
          }
        }
      }
    }
    if (every != null) {
      scheduler.schedule(this::renew, every);
    }
  }

  private static Duration renewEvery(Duration holdFor) {
    Duration d = holdFor.dividedBy(3);
    return d.compareTo(MIN_RENEWAL) < 0 ? MIN_RENEWAL : d;
  }

  /**
   * Renews the reservations of the calls in flight, grouped by counter, and arms the next renewal
   * while any is held.
   */
  private void renew() {
    Map<String, List<Hold>> byCounter = new LinkedHashMap<>();
    synchronized (this) {
      if (renewed.isEmpty()) {
        renewing = false;
        return;
      }
      for (Hold h : renewed) {
        byCounter
            .computeIfAbsent(h.budget().name() + "|" + h.counter().key(), k -> new ArrayList<>())
            .add(h);
      }
    }
    RuntimeException failure = null;
    Duration shortest = null;
    for (List<Hold> hs : byCounter.values()) {
      Map<String, Long> amounts = new LinkedHashMap<>();
      for (Hold h : hs) {
        amounts.put(h.id(), h.amount());
      }
      Hold first = hs.get(0);
      shortest =
          shortest == null || first.holdFor().compareTo(shortest) < 0 ? first.holdFor() : shortest;
      try {
        first.budget().store().renewReservations(first.counter(), amounts, first.holdFor());
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    boolean tell;
    boolean back;
    Duration next;
    synchronized (this) {
      tell = failure != null && !renewFailing;
      back = failure == null && renewFailing;
      renewFailing = failure != null;
      if (renewed.isEmpty()) {
        renewing = false;
        next = null;
      } else {
        next = failure == null ? renewEvery(shortest) : RENEW_RETRY;
      }
    }
    if (tell) {
      log.log(
          System.Logger.Level.WARNING,
          "Renewing the budget reservations of this client's calls in flight failed ("
              + failure
              + "); each lasts its hold from its last renewal, and renewal is tried again every"
              + " second");
    } else if (back) {
      log.log(System.Logger.Level.INFO, "The budget reservations are renewed again");
    }
    if (next != null) {
      scheduler.schedule(this::renew, next);
    }
  }

  @Override
  public String toString() {
    return "BudgetLedger" + budgets;
  }
}
