package io.github.kimisdk.budget;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-process counters of budgets behind {@link BudgetStore#inProcess()}: per counter, the
 * amounts settled by when each leaves the count, and the reservations out, in plain numbers. Every
 * method holds {@code this}. Reservations never expire here: their holders live in the same
 * process. A counter whose keeping time passed is dropped, at most every 1,024 calls, so counters
 * of past periods do not pile up.
 */
final class LocalBudgets {

  private final Map<String, Counter> counters = new HashMap<>();
  private int calls;

  /** One counter: amounts by when they leave, reservations by name, and how long it is kept. */
  private static final class Counter {
    final TreeMap<Long, Long> spent = new TreeMap<>();
    final Map<String, Long> held = new HashMap<>();
    long keepUntil;
  }

  /**
   * Takes a reservation of {@code amount} named {@code id} on counter {@code key} if what is spent
   * (amounts leaving after {@code now}), held and asked fits {@code limit}; a reservation already
   * out under that name is kept and counted once.
   *
   * @return {taken (1 or 0), spent, held, fitsAt}: fitsAt, for a refusal, is the earliest time an
   *     amount leaves after which the amount fits, else 0
   */
  synchronized long[] reserve(
      String key, long now, long keepUntil, long limit, long amount, String id) {
    Counter c = counter(key, now, keepUntil);
    long spent = spent(c, now);
    long held = held(c);
    if (c.held.containsKey(id)) {
      return new long[] {1, spent, held, 0};
    }
    if (spent + held + amount <= limit) {
      c.held.put(id, amount);
      return new long[] {1, spent, held + amount, 0};
    }
    long fitsAt = 0;
    long left = spent;
    for (Map.Entry<Long, Long> e : c.spent.entrySet()) {
      left -= e.getValue();
      if (left + held + amount <= limit) {
        fitsAt = e.getKey();
        break;
      }
    }
    return new long[] {0, spent, held, fitsAt};
  }

  /**
   * Settles reservation {@code id} of counter {@code key}: it is no longer held, and {@code amount}
   * counts until {@code releaseAt}.
   *
   * @return {1, spent, held, 0}
   */
  synchronized long[] settle(
      String key, long now, long releaseAt, long keepUntil, String id, long amount) {
    Counter c = counter(key, now, keepUntil);
    c.held.remove(id);
    if (amount > 0 && releaseAt > now) {
      c.spent.merge(releaseAt, amount, Long::sum);
    }
    return new long[] {1, spent(c, now), held(c), 0};
  }

  private Counter counter(String key, long now, long keepUntil) {
    if (++calls % 1024 == 0) {
      counters.values().removeIf(c -> c.keepUntil < now && c.held.isEmpty());
    }
    Counter c = counters.computeIfAbsent(key, k -> new Counter());
    c.keepUntil = Math.max(c.keepUntil, keepUntil);
    return c;
  }

  /** Drops the amounts that left by {@code now} and returns the sum of the rest. */
  private static long spent(Counter c, long now) {
    long sum = 0;
    for (Iterator<Map.Entry<Long, Long>> i = c.spent.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<Long, Long> e = i.next();
      if (e.getKey() <= now) {
        i.remove();
      } else {
        sum += e.getValue();
      }
    }
    return sum;
  }

  private static long held(Counter c) {
    long sum = 0;
    for (long a : c.held.values()) {
      sum += a;
    }
    return sum;
  }
}
