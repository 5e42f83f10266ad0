package io.github.kimisdk.internal.route;

import io.github.kimisdk.Host;
import io.github.kimisdk.ServedBy;
import io.github.kimisdk.Target;
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
import java.util.List;
import java.util.concurrent.TimeoutException;

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

  public Targets(List<TargetParts> routes, ModelCatalog catalog) {
    this.routes = routes.toArray(new TargetParts[0]);
    this.catalog = catalog;
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
    if (st.probe == t) {
      st.probe = -1; // told below
    }
    TargetHealth h = routes[t].health;
    switch (kind) {
      case OVERLOAD -> h.cool(asked(failure), false, failure);
      case QUOTA -> h.cool(null, true, failure);
      case CONCURRENCY -> {
        if (failure instanceof ApiException a && a.status() != 429) {
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
        return failure instanceof ApiException a && a.status() != 429;
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
