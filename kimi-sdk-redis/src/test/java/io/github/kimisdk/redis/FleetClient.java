package io.github.kimisdk.redis;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.redis.RedisRateLimitStore.Fallback;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client process of the {@link Fleet}: a {@link KimiClient} whose rate limit is kept in Redis
 * under the account {@code org-fleet}, with default {@code Timeouts} and {@code RetryPolicy}. It
 * prints {@code ready}, waits for a line {@code go} on its standard input, sends {@code calls=N}
 * chat calls at once (each asking {@code fleet:TAG:i}), and once they ended (or after 300 s) prints
 * a line {@code failure TYPE MESSAGE} for the first failure of each type, then {@code done ok=N
 * failed=N lost=N takes=N slowest-ms=N marked-takes=N marked-slowest-ms=N
 * marked-knowing-slowest-ms=N fellback=B slow-takes=AT+MS,... gave-back-before-pause=N
 * heard-429-at=NANOS granted-at=NANOS,... heard-429s-at=NANOS,... failures={...}}. A line {@code
 * mark} after {@code go} starts the marked takes and {@code unmark} ends them: those asked in
 * between (the harness marks when it kills a node and unmarks when another serves), timed apart.
 * The slow takes are those of 50 ms or more from the mark on: when after the mark and how long, in
 * milliseconds. Meanwhile it prints {@code waiting} when the store first refuses a take, and {@code
 * paused NANOS} once its first pause is in the store ({@code NANOS}: {@link System#nanoTime()} when
 * it began to write it, which on Linux every process reads from the same clock); {@code
 * gave-back-before-pause} counts the slots given back after {@code go} before that, {@code
 * heard-429-at} is when the first 429's headers arrived (0: none), {@code granted-at} when each
 * take granted from {@code go} on began (no later than Redis took it) and {@code heard-429s-at}
 * when each 429's headers arrived from {@code go} on (no earlier than Kimi refused it).
 *
 * <p>Arguments, as {@code key=value}: {@code base}, {@code redis} (the port of a standalone Redis)
 * or {@code cluster} (the ports of a cluster's nodes, comma-separated), {@code client} ({@code
 * JEDIS} or {@code LETTUCE}, see {@link ClientKind}), {@code tag}, {@code calls}, {@code
 * concurrency}, {@code rpm} (0: none), {@code fallback} ({@code FAIL_CLOSED} or {@code
 * IN_PROCESS}), {@code window} (milliseconds of the store's minute, 0: 60 s; the fleet's scaled
 * runs only), {@code retries} (default 2), {@code warm} (calls sent one by one before {@code
 * ready}, as a process that has served a while; default 0), {@code keyGate} ({@code true}: the key
 * supplier of each call after {@code go} prints {@code keyed} once and waits for a line {@code
 * send}, so that the call holds its permit but is not sent yet; default false).
 */
final class FleetClient {

  private FleetClient() {}

  /** When the first 429's headers arrived ({@link System#nanoTime()}), or 0. */
  private static volatile long heard429At;

  /** When each 429's headers arrived after {@code go} ({@link System#nanoTime()}). */
  private static final java.util.Queue<Long> heard429s =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Whether the calls after {@code go} run: the warm-up's 429s are not listed. */
  private static volatile boolean listing;

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String tag = a.get("tag");
    int calls = Integer.parseInt(a.get("calls"));
    RateLimit.Builder limit = RateLimit.builder();
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "0"));
    int rpm = Integer.parseInt(a.getOrDefault("rpm", "0"));
    if (concurrency > 0) {
      limit.maxConcurrency(concurrency);
    }
    if (rpm > 0) {
      limit.requestsPerMinute(rpm);
    }
    ClientKind kind = ClientKind.valueOf(a.getOrDefault("client", "JEDIS"));
    ClientKind.Connected redis =
        a.containsKey("cluster")
            ? kind.cluster(
                Arrays.stream(a.get("cluster").split(",")).map(Integer::valueOf).toList())
            : kind.standalone(Integer.parseInt(a.get("redis")));
    RedisRateLimitStore.Builder builder =
        RedisRateLimitStore.builder(redis.scripts())
            .fallback(Fallback.valueOf(a.getOrDefault("fallback", "FAIL_CLOSED")));
    long window = Long.parseLong(a.getOrDefault("window", "0"));
    if (window > 0) {
      builder.window(Duration.ofMillis(window));
    }
    RedisRateLimitStore store = builder.build();
    Timed timed = new Timed(store);
    limit.store(timed, "org-fleet");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    // keyGate: the key of the calls after go waits for a line "send" (its take done, its send not
    // yet: a slow key supplier, or a busy machine's scheduler between the take and the send)
    boolean keyGate = Boolean.parseBoolean(a.getOrDefault("keyGate", "false"));
    CompletableFuture<Void> sendNow = new CompletableFuture<>();
    AtomicBoolean keyed = new AtomicBoolean();
    java.util.function.Supplier<String> key =
        () -> {
          if (keyGate && timed.going && !sendNow.isDone()) {
            if (keyed.compareAndSet(false, true)) {
              System.out.println("keyed");
              System.out.flush();
            }
            try {
              sendNow.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException("no line 'send' within 120 s", e);
            }
          }
          return "sk-fleet";
        };
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey(key)
            .baseUrl(a.get("base"))
            .retryPolicy(
                RetryPolicy.defaults()
                    .withMaxRetries(Integer.parseInt(a.getOrDefault("retries", "2"))))
            .rateLimit(limit.build())
            .listener(
                new CallListener() {
                  @Override
                  public void onHeaders(CallEvent.Headers event) {
                    if (event.metadata().statusCode() == 429) {
                      long at = System.nanoTime();
                      if (heard429At == 0) {
                        heard429At = at;
                      }
                      if (listing) {
                        heard429s.add(at);
                      }
                    }
                  }
                })
            .build()) {
      int warm = Integer.parseInt(a.getOrDefault("warm", "0"));
      for (int i = 0; i < warm; i++) {
        kimi.chat(ChatRequest.of("kimi-k2.6", "fleet:" + tag + ":warm-" + i));
      }
      System.out.println("ready");
      System.out.flush();
      String line = in.readLine();
      if (!"go".equals(line)) {
        return;
      }
      timed.going = true;
      listing = true;
      Thread marks =
          new Thread(
              () -> {
                try {
                  String l;
                  while ((l = in.readLine()) != null) {
                    if (l.equals("mark")) {
                      timed.mark();
                    } else if (l.equals("unmark")) {
                      timed.unmark();
                    } else if (l.equals("send")) {
                      sendNow.complete(null);
                    }
                  }
                } catch (java.io.IOException e) {
                  // the harness is gone
                }
              },
              "marks");
      marks.setDaemon(true);
      marks.start();
      List<CompletableFuture<ChatCompletion>> sent = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        sent.add(kimi.chatAsync(ChatRequest.of("kimi-k2.6", "fleet:" + tag + ":" + i)));
      }
      try {
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
            .exceptionally(e -> null)
            .get(300, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // those not done are counted as lost
      }
      int ok = 0;
      int lost = 0;
      Map<String, Integer> failures = new TreeMap<>();
      for (CompletableFuture<ChatCompletion> f : sent) {
        if (!f.isDone()) {
          lost++;
        } else if (f.isCompletedExceptionally()) {
          Throwable t = f.handle((r, e) -> e).join();
          String type = t.getClass().getSimpleName();
          if (failures.merge(type, 1, Integer::sum) == 1) {
            System.out.println(
                "failure " + type + " " + String.valueOf(t.getMessage()).replace('\n', ' '));
          }
        } else {
          ok++;
        }
      }
      int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
      System.out.println(
          "done ok="
              + ok
              + " failed="
              + failed
              + " lost="
              + lost
              + " takes="
              + timed.takes.get()
              + " slowest-ms="
              + timed.slowestNanos.get() / 1_000_000
              + " marked-takes="
              + timed.markedTakes.get()
              + " marked-slowest-ms="
              + timed.markedSlowestNanos.get() / 1_000_000
              + " marked-knowing-slowest-ms="
              + timed.knowingSlowestNanos.get() / 1_000_000
              + " fellback="
              + timed.fellBack
              + " slow-takes="
              + String.join(",", timed.slow)
              + " gave-back-before-pause="
              + timed.gaveBackBeforePause.get()
              + " heard-429-at="
              + heard429At
              + " granted-at="
              + join(timed.granted)
              + " heard-429s-at="
              + join(heard429s)
              + " failures="
              + failures.toString().replace(" ", ""));
      System.out.flush();
    } finally {
      redis.close();
    }
  }

  private static String join(Collection<Long> nanos) {
    StringBuilder b = new StringBuilder();
    for (long n : nanos) {
      b.append(b.length() == 0 ? "" : ",").append(n);
    }
    return b.toString();
  }

  /** The store, with the time each take took measured (the slowest kept) and its fallback seen. */
  static final class Timed implements RateLimitStore {
    final RedisRateLimitStore store;
    final AtomicLong takes = new AtomicLong();
    final AtomicLong slowestNanos = new AtomicLong();
    final AtomicLong markedTakes = new AtomicLong();
    final AtomicLong markedSlowestNanos = new AtomicLong();

    /** The slowest marked take that knew Redis to be down, before and after: it asked nothing. */
    final AtomicLong knowingSlowestNanos = new AtomicLong();

    volatile boolean marked;
    volatile boolean unmarked;
    volatile long markedAt;

    /** The marked takes of 50 ms or more: when after the mark, how long, falling back or not. */
    final List<String> slow = new java.util.concurrent.CopyOnWriteArrayList<>();

    volatile boolean fellBack;

    /** When the first pause began to be written ({@link System#nanoTime()}), or 0. */
    volatile long pausedAt;

    /** When the last slot began to be given back ({@link System#nanoTime()}), or 0. */
    volatile long lastGaveBackAt;

    /** Whether the calls after {@code go} run: the warm-up's slots are not counted. */
    volatile boolean going;

    /** The slots given back from {@code go} on before the first pause was written. */
    final AtomicLong gaveBackBeforePause = new AtomicLong();

    /** Whether a take was refused yet. */
    final AtomicBoolean refused = new AtomicBoolean();

    /**
     * When each take from {@code go} on that was granted began ({@link System#nanoTime()}): no
     * later than Redis took it.
     */
    final java.util.Queue<Long> granted = new java.util.concurrent.ConcurrentLinkedQueue<>();

    Timed(RedisRateLimitStore store) {
      this.store = store;
    }

    @Override
    public Duration tryTake(
        String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
      boolean m = marked && !unmarked;
      boolean after = marked;
      boolean knew = store.down();
      long start = System.nanoTime();
      try {
        Duration wait = store.tryTake(account, lease, limits, tokens, leaseFor);
        if (going && wait != null && wait.isZero()) {
          granted.add(start);
        }
        if (wait != null
            && wait.compareTo(Duration.ZERO) > 0
            && refused.compareAndSet(false, true)) {
          System.out.println("waiting");
          System.out.flush();
        }
        return wait;
      } finally {
        long took = System.nanoTime() - start;
        takes.incrementAndGet();
        slowestNanos.accumulateAndGet(took, Math::max);
        if (m) {
          markedTakes.incrementAndGet();
          markedSlowestNanos.accumulateAndGet(took, Math::max);
          if (knew && store.down()) {
            knowingSlowestNanos.accumulateAndGet(took, Math::max);
          }
        }
        if (after) {
          if (took >= 50_000_000) {
            slow.add(
                (start - markedAt) / 1_000_000
                    + "+"
                    + took / 1_000_000
                    + (store.fallenBack() ? "(alone)" : ""));
          }
        }
        fellBack |= store.fallenBack();
      }
    }

    void mark() {
      markedAt = System.nanoTime();
      marked = true;
    }

    void unmark() {
      unmarked = true;
    }

    @Override
    public void giveBack(String account, String lease) {
      if (going && pausedAt == 0) {
        gaveBackBeforePause.incrementAndGet();
      }
      lastGaveBackAt = System.nanoTime();
      store.giveBack(account, lease);
    }

    @Override
    public Duration renewedLease() {
      return store.renewedLease();
    }

    @Override
    public void renew(String account, Collection<String> leases, Duration leaseFor) {
      store.renew(account, leases, leaseFor);
    }

    @Override
    public Duration pausedFor(String account) {
      return store.pausedFor(account);
    }

    @Override
    public void pause(String account, Duration pause, RateLimit stated) {
      long at = System.nanoTime();
      store.pause(account, pause, stated);
      if (pausedAt == 0) {
        pausedAt = at;
        System.out.println("paused " + at);
        System.out.flush();
      }
    }
  }
}
