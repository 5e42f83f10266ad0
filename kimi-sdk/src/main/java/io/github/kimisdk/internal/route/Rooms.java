package io.github.kimisdk.internal.route;

import io.github.kimisdk.internal.limit.ConcurrencyGate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups of a client's chain (members that share the load of one place, {@code
 * KimiClient.Builder.replica}): which member a call goes to by the room each has, read from its
 * {@link ConcurrencyGate} (the one count of a host's attempts: a chosen member's room is taken with
 * a permit), where each conversation's prefix cache is, and the calls that wait for room. Made only
 * for a chain where some group has two members.
 *
 * <p>Invariants (guarded by {@code this}): {@code releases} counts the permits given back since the
 * client started, so a call that chose when it was {@code n} and finds it larger missed a release;
 * {@code waiters} are run, outside the lock, at the next release. Lock order: this, then a gate (a
 * gate tells its releases outside its own lock).
 */
final class Rooms {

  /** The most conversations whose member is remembered; the least recently used go first. */
  static final int AFFINITY_ENTRIES = 4096;

  /**
   * A member chosen, with the permit its room was taken with (null: none taken, its gate queues the
   * attempt); or where to wait for room ({@code member} {@link #FULL}, {@code waitAt} the member);
   * or nothing ({@link #NONE}).
   */
  record Choice(int member, ConcurrencyGate.Permit permit, int waitAt, long seen) {}

  /** No member the call may use takes calls. */
  static final int NONE = -1;

  /** Every member the call may use is full: wait for room at {@code waitAt}. */
  static final int FULL = -2;

  private final ConcurrencyGate[] gates;
  private final int[] placeOf;
  private final int[][] places;
  private final int[] weights;
  private final Affinity affinity = new Affinity();
  private List<Runnable> waiters = new ArrayList<>();
  private long releases;
  private long spin; // draws a member for the calls without a conversation key

  private Rooms(ConcurrencyGate[] gates, int[] groupOf, int[] weights) {
    int n = gates.length;
    this.gates = gates;
    this.placeOf = groupOf.clone();
    List<int[]> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (groupOf[i] == i) {
        List<Integer> members = new ArrayList<>();
        for (int j = i; j < n; j++) {
          if (groupOf[j] == i) {
            members.add(j);
          }
        }
        ps.add(members.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    this.places = ps.toArray(new int[0][]);
    this.weights = weights == null ? filled(n) : weights.clone();
    for (ConcurrencyGate g : gates) {
      g.onRelease(this::released);
    }
  }

  /**
   * Returns the groups of a chain, or null when no group has two members (every pick is then by
   * order).
   *
   * @param gates each target's gate
   * @param groupOf each target's group, the index of the group's first member; null: each its own
   * @param weights each target's weight in its group; null: 1 each
   */
  static Rooms of(ConcurrencyGate[] gates, int[] groupOf, int[] weights) {
    if (groupOf == null) {
      return null;
    }
    for (int i = 0; i < groupOf.length; i++) {
      if (groupOf[i] != i) {
        return new Rooms(gates, groupOf, weights);
      }
    }
    return null;
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, 1);
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

  /** Tells whether target {@code t} shares the load of its place with another member. */
  boolean sharesLoad(int t) {
    for (int i = 0; i < placeOf.length; i++) {
      if (i != t && placeOf[i] == placeOf[t]) {
        return true;
      }
    }
    return false;
  }

  /** Tells whether targets {@code a} and {@code b} are at one place of the chain. */
  boolean samePlace(int a, int b) {
    return placeOf[a] == placeOf[b];
  }

  /**
   * Chooses, place by place in order, the member of the conversation {@code key} while it takes
   * calls and has room (or while the others have none, or it is not yet overloaded: the call then
   * waits for its room), else the member with the most room for its weight; a place whose members
   * are all full is passed for the next with room, and when none has room the call waits for it.
   * The chosen member's room is taken with a permit; the conversation's member changes only when an
   * attempt is sent ({@link #settle}), so a choice that is not used (a hand-over undone) moves
   * nothing.
   *
   * @param key the conversation's key, or 0
   * @param open whether the call may use a target and its health takes calls now (read before, as a
   *     health runs its waiters)
   * @param not a member not to choose, or -1
   * @return the choice
   */
  Choice choose(long key, boolean[] open, int not) {
    for (int tries = 0; tries <= gates.length; tries++) {
      synchronized (this) {
        Choice c = chooseLocked(key, open, not);
        if (c.member() < 0) {
          return c;
        }
        ConcurrencyGate.Permit p = gates[c.member()].tryTake();
        if (p != null) {
          return new Choice(c.member(), p, -1, c.seen());
        }
        // its room went to another call meanwhile: choose again
      }
    }
    synchronized (this) {
      return new Choice(FULL, null, chooseLocked(key, open, not).member(), releases);
    }
  }

  private Choice chooseLocked(long key, boolean[] open, int not) {
    Integer kept = key == 0 ? null : affinity.get(key);
    int sticky = kept == null ? -1 : kept;
    int queue = -1;
    for (int[] members : places) {
      boolean stickyHere = sticky >= 0 && placeOf[sticky] == placeOf[members[0]];
      if (stickyHere && open[sticky] && sticky != not) {
        if (gates[sticky].room() > 0) {
          return new Choice(sticky, null, -1, releases);
        }
        int other = best(members, open, key, sticky, not);
        if (other >= 0 && overloaded(sticky)) {
          return new Choice(other, null, -1, releases);
        }
        return new Choice(FULL, null, sticky, releases); // its cache is worth a short wait
      }
      int b = best(members, open, key, -1, not);
      if (b >= 0) {
        return new Choice(b, null, -1, releases);
      }
      if (queue < 0) {
        queue = leastLoaded(members, open, not);
      }
    }
    return queue >= 0
        ? new Choice(FULL, null, queue, releases)
        : new Choice(NONE, null, -1, releases);
  }

  /** Overloaded: as many calls wait for member {@code t} as it takes at once. */
  private boolean overloaded(int t) {
    int cap = gates[t].cap();
    return cap != Integer.MAX_VALUE && gates[t].load() >= 2 * cap;
  }

  /**
   * The member of {@code members} with room whose load for its weight is least; among idle members,
   * or members as loaded for their weights, the one the conversation's key (or, without one, a
   * counter) draws by weight (weighted rendezvous hashing: the same member for the same key, each
   * member drawn in proportion to its weight); -1 when none has room.
   */
  private int best(int[] members, boolean[] open, long key, int not, int also) {
    int best = -1;
    int bestOut = 0;
    double bestDraw = 0;
    long draw = key != 0 ? key : scramble(++spin);
    for (int m : members) {
      if (m == not || m == also || !open[m] || gates[m].room() <= 0) {
        continue;
      }
      int out = gates[m].inFlight();
      double d = draw(draw, m);
      if (best < 0) {
        best = m;
        bestOut = out;
        bestDraw = d;
        continue;
      }
      // (out+1)/weight, compared without division; idle members tie
      boolean idle = out == 0 && bestOut == 0;
      long a = idle ? 0 : (long) (out + 1) * weights[best];
      long b = idle ? 0 : (long) (bestOut + 1) * weights[m];
      if (a < b || (a == b && d > bestDraw)) {
        best = m;
        bestOut = out;
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
  private int leastLoaded(int[] members, boolean[] open, int not) {
    int best = -1;
    double least = Double.MAX_VALUE;
    for (int m : members) {
      if (!open[m] || m == not) {
        continue;
      }
      int cap = gates[m].cap();
      double load =
          (gates[m].load() + 1.0) / ((cap == Integer.MAX_VALUE ? 1 : cap) * (double) weights[m]);
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
   * Makes target {@code t} the member of conversation {@code key}, as an attempt of one of its
   * calls is sent there (whatever chose it: room, a wait, a retry in place, a hand-over, a
   * fallback), and returns the member it had: the one place a conversation's member changes, so
   * that every change is seen by the call that made it.
   *
   * @param key the conversation's key; 0 for none (nothing kept)
   * @param t the target the attempt goes to
   * @return the conversation's member before, or -1 when it had none (its first call, or forgotten)
   */
  synchronized int settle(long key, int t) {
    if (key == 0) {
      return -1;
    }
    Integer was = affinity.put(key, t);
    return was == null ? -1 : was;
  }

  /** Takes a permit of member {@code t}'s room when it has some, else null. */
  ConcurrencyGate.Permit take(int t) {
    return gates[t].tryTake();
  }

  /**
   * Has {@code wake} run once a member frees room (a permit was given back): at once when one was
   * since the call chose ({@code seen} releases).
   */
  void await(long seen, Runnable wake) {
    synchronized (this) {
      if (releases == seen) {
        waiters.add(wake);
        return;
      }
    }
    wake.run();
  }

  private void released() {
    List<Runnable> wake;
    synchronized (this) {
      releases++;
      if (waiters.isEmpty()) {
        return;
      }
      wake = waiters;
      waiters = new ArrayList<>();
    }
    for (Runnable r : wake) {
      r.run();
    }
  }
}
