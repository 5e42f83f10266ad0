package io.github.kimisdk.redis;

import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The fleet harness of issues 55 and 62: client JVMs ({@link FleetClient}) sharing one account's
 * limits through a real {@code redis-server} (or a Redis Cluster of them), against a {@link
 * FakeKimiServer} that enforces the account's limits as Kimi does and logs each request's arrival
 * by process. Each scenario starts what it needs, stops it by process id ({@code kill -9} for a
 * client that dies, a Redis restarted empty on its port, a cluster's master killed), and returns
 * its figures. The clients run on Jedis, on Lettuce, or alternately on each ({@link Clients}).
 * {@link #main} runs them all, in the long form or, with {@code short}, in the form {@code
 * FleetTest} runs in CI.
 *
 * <p>Only loopback; every wait is bounded.
 */
final class Fleet implements AutoCloseable {

  /** Which Redis client each client process of a scenario uses. */
  enum Clients {
    JEDIS,
    LETTUCE,
    /** Alternately Jedis and Lettuce, the first process on Jedis: both share one account. */
    MIXED;

    ClientKind of(int process) {
      return switch (this) {
        case JEDIS -> ClientKind.JEDIS;
        case LETTUCE -> ClientKind.LETTUCE;
        case MIXED -> ClientKind.values()[process % 2];
      };
    }
  }

  static final String ANSWER =
      "{\"id\":\"chatcmpl-fleet\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
          + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

  /** One request as the fake saw it: when (System.nanoTime), from which process, what it got. */
  record Arrival(long nanos, String tag, int status) {}

  /** The standalone Redis, or null when the fleet runs on {@link #cluster}. */
  final RedisServer redis;

  /** The Redis Cluster, or null when the fleet runs on {@link #redis}. */
  final RedisCluster cluster;

  final Clients kinds;
  final FakeKimiServer kimi;
  final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  final Map<String, Duration> latencyOf = new ConcurrentHashMap<>();
  volatile Duration latency = Duration.ofMillis(100);
  private final long scale;
  private final List<Client> clients = new ArrayList<>();
  // the shared 429 (see shared429): while holding, every request arriving waits in held for its
  // answer; from refusedAt on, every request arriving until refuseUntil is refused at once
  private volatile boolean holding;
  private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
  private final CompletableFuture<Boolean> released = new CompletableFuture<>();
  private volatile long refusedAt;
  private volatile long refuseUntil;
  private volatile long retryAfterSeconds;

  /**
   * Starts redis-server (or, with {@code cluster}, a cluster of 3 masters and 3 replicas whose
   * failed master's replica takes over a second after) and the fake Kimi; {@code scale} speeds the
   * fake's clock up (1: real time), so that its minute lasts 60 s / scale.
   */
  Fleet(long scale, Clients kinds, boolean cluster) throws IOException {
    this.scale = scale;
    this.kinds = kinds;
    this.redis = cluster ? null : RedisServer.start();
    this.cluster = cluster ? RedisCluster.start(3, 1_000) : null;
    Instant base = Instant.now();
    long start = System.nanoTime();
    Clock fast =
        new Clock() {
          @Override
          public Instant instant() {
            return base.plusNanos((System.nanoTime() - start) * scale);
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    this.kimi = new FakeKimiServer(fast).respondWith(this::answer).start();
  }

  private FakeResponse answer(RecordedRequest r) {
    long now = System.nanoTime();
    String body = r.bodyText();
    int at = body.indexOf("fleet:");
    String tag = at < 0 ? "?" : body.substring(at + 6, body.indexOf(':', at + 6));
    long from = refusedAt;
    if (from != 0 && now - from >= 0 && now - refuseUntil < 0) {
      arrivals.add(new Arrival(now, tag, 429));
      return refusal();
    }
    if (holding) {
      CompletableFuture<Boolean> refuse = new CompletableFuture<>();
      held.add(new Held(tag, now, refuse));
      boolean refused;
      try {
        // true for the request refused, false once the others are released (or the fleet closed)
        refused = (Boolean) CompletableFuture.anyOf(refuse, released).get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        refused = false;
      }
      arrivals.add(new Arrival(now, tag, refused ? 429 : 200));
      return refused ? refusal() : FakeResponse.json(ANSWER);
    }
    arrivals.add(new Arrival(now, tag, 200));
    return FakeResponse.json(ANSWER).withHeadersDelay(latencyOf.getOrDefault(tag, latency));
  }

  /** Kimi's 429 for the account: its rate-limit message and {@code Retry-After}. */
  private FakeResponse refusal() {
    return FakeResponse.error(
            429,
            "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your account"
                + " org-fleet<ak-fleet> request reached organization max concurrency: 3, please"
                + " try again after "
                + retryAfterSeconds
                + " seconds\"}}")
        .withHeader("Retry-After", Long.toString(retryAfterSeconds));
  }

  /** A request Kimi holds (see {@link #shared429}): whose, when it arrived, and its answer. */
  record Held(String tag, long nanos, CompletableFuture<Boolean> refuse) {}

  /** Returns the next request held, waiting for it at most {@code cap}. */
  Held nextHeld(Duration cap) throws IOException, InterruptedException {
    Held h = held.poll(cap.toNanos(), TimeUnit.NANOSECONDS);
    if (h == null) {
      throw new IOException("no request reached Kimi within " + cap);
    }
    return h;
  }

  /** Starts a client process with {@code args} (key=value, see FleetClient) and waits for it. */
  Client client(String tag, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FleetClient.class.getName());
    command.add("base=" + kimi.baseUrl());
    if (cluster != null) {
      command.add(
          "cluster=" + String.join(",", cluster.ports().stream().map(String::valueOf).toList()));
    } else {
      command.add("redis=" + redis.port());
    }
    command.add("client=" + kinds.of(clients.size()));
    command.add("tag=" + tag);
    if (scale > 1) {
      command.add("window=" + 60_000 / scale);
    }
    command.addAll(List.of(args));
    Path err = Files.createTempFile("fleet-" + tag, ".err");
    Process p =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(err.toFile())).start();
    Client c = new Client(tag, p, err);
    clients.add(c);
    c.await(l -> l.equals("ready"), Duration.ofSeconds(60));
    return c;
  }

  /** Starts the client processes p1, p2 and p3 with {@code args} each, and waits for them. */
  List<Client> processes(String... args) throws IOException {
    List<Client> cs = new ArrayList<>();
    for (String tag : List.of("p1", "p2", "p3")) {
      cs.add(client(tag, args));
    }
    return cs;
  }

  /** Tells every client started so far to send. */
  void go() throws IOException {
    for (Client c : clients) {
      c.go();
    }
  }

  /** Waits until {@code n} requests of {@code tag} arrived, at most {@code cap}. */
  boolean awaitArrivals(Predicate<Arrival> which, int n, Duration cap) throws InterruptedException {
    long end = System.nanoTime() + cap.toNanos();
    while (arrivals.stream().filter(which).count() < n) {
      if (System.nanoTime() - end > 0) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Returns the arrivals matching {@code which}, in order. */
  List<Arrival> arrivals(Predicate<Arrival> which) {
    return arrivals.stream().filter(which).toList();
  }

  /**
   * Tells every client started so far that the takes from now on are timed apart ({@code mark}), or
   * no longer ({@code unmark}); a client whose calls all ended already is past hearing it.
   */
  void send(String line) {
    for (Client c : clients) {
      try {
        c.send(line);
      } catch (IOException e) {
        // it ended: its figures are in its done line
      }
    }
  }

  @Override
  public void close() {
    released.complete(false);
    for (Client c : clients) {
      c.kill();
    }
    kimi.close();
    if (redis != null) {
      redis.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A client JVM, stopped by its process id. */
  static final class Client {
    final String tag;
    final Process process;
    final Path err;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    Client(String tag, Process process, Path err) {
      this.tag = tag;
      this.process = process;
      this.err = err;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String l;
                  while ((l = in.readLine()) != null) {
                    lines.add(l);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "fleet client " + tag);
      reader.setDaemon(true);
      reader.start();
    }

    void go() throws IOException {
      send("go");
    }

    void send(String line) throws IOException {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    /** Waits for a line matching {@code which}, at most {@code cap}, and returns it. */
    String await(Predicate<String> which, Duration cap) throws IOException {
      long end = System.nanoTime() + cap.toNanos();
      try {
        while (true) {
          String l = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (l == null) {
            throw new IOException(
                "client "
                    + tag
                    + " printed no matching line within "
                    + cap
                    + "; its errors: "
                    + Files.readString(err));
          }
          if (l.startsWith("failure ")) {
            failures.add(l.substring(8));
          }
          if (which.test(l)) {
            return l;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }

    /** Waits for the {@code done} line and returns its counts. */
    Done done(Duration cap) throws IOException {
      String l = await(s -> s.startsWith("done "), cap);
      Map<String, String> v = new LinkedHashMap<>();
      for (String w : l.substring(5).split(" ")) {
        v.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
      }
      return new Done(
          Integer.parseInt(v.get("ok")),
          Integer.parseInt(v.get("failed")),
          Integer.parseInt(v.get("lost")),
          v.get("failures"),
          Long.parseLong(v.get("marked-slowest-ms")),
          Long.parseLong(v.get("marked-knowing-slowest-ms")),
          Long.parseLong(v.get("marked-takes")),
          Boolean.parseBoolean(v.get("fellback")),
          List.copyOf(failures),
          v.get("slow-takes"),
          Integer.parseInt(v.get("gave-back-before-pause")),
          Long.parseLong(v.get("heard-429-at")),
          nanos(v.get("granted-at")),
          nanos(v.get("heard-429s-at")));
    }

    private static List<Long> nanos(String list) {
      return list.isEmpty()
          ? List.of()
          : Arrays.stream(list.split(",")).map(Long::valueOf).toList();
    }

    /** Kills the process ({@code kill -9}) by its id and waits until it is gone. */
    void kill() {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
      try {
        process.onExit().get(10, TimeUnit.SECONDS);
        Files.deleteIfExists(err);
      } catch (Exception e) {
        // best effort: the test's own bounds report what hangs
      }
    }
  }

  /**
   * The outcome of clients: calls answered, failed and lost, the failures by type, the slowest of
   * the marked takes, of those of them that knew Redis to be down, and how many, whether any store
   * fell back, the first failure of each type (type and message), the slow takes, the slots given
   * back before the first pause was written, when the first 429's headers arrived (0: none), when
   * each granted take began and when each 429's headers arrived ({@link System#nanoTime()}).
   */
  record Done(
      int ok,
      int failed,
      int lost,
      String failures,
      long markedSlowestMillis,
      long knowingSlowestMillis,
      long markedTakes,
      boolean fellBack,
      List<String> firstFailures,
      String slowTakes,
      int gaveBackBeforePause,
      long heard429At,
      List<Long> grantedAt,
      List<Long> heard429sAt) {
    static final Done NONE =
        new Done(0, 0, 0, "", 0, 0, 0, false, List.of(), "", 0, 0, List.of(), List.of());

    Done plus(Done d) {
      List<String> f = new ArrayList<>(firstFailures);
      f.addAll(d.firstFailures);
      return new Done(
          ok + d.ok,
          failed + d.failed,
          lost + d.lost,
          failures + d.failures,
          Math.max(markedSlowestMillis, d.markedSlowestMillis),
          Math.max(knowingSlowestMillis, d.knowingSlowestMillis),
          markedTakes + d.markedTakes,
          fellBack || d.fellBack,
          f,
          String.join(" ", slowTakes, d.slowTakes).trim(),
          gaveBackBeforePause + d.gaveBackBeforePause,
          heard429At != 0 ? heard429At : d.heard429At,
          concat(grantedAt, d.grantedAt),
          concat(heard429sAt, d.heard429sAt));
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
      List<Long> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The scenarios. Each returns its figures by name, in the order printed.

  /**
   * A process holding every slot is killed ({@code kill -9}) while its calls hang; two others wait
   * for slots. Figure: seconds from the kill until the first of their requests reached Kimi (cap
   * when none did by then).
   */
  static Map<String, Object> killed(Clients kinds, int concurrency, Duration cap) throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    try (Fleet fleet = new Fleet(1, kinds, false)) {
      fleet.latencyOf.put("victim", Duration.ofMinutes(5));
      String c = "concurrency=" + concurrency;
      Client victim = fleet.client("victim", "calls=" + concurrency, c);
      victim.go();
      if (!fleet.awaitArrivals(a -> a.tag().equals("victim"), concurrency, cap)) {
        throw new IOException("the victim's calls never reached Kimi");
      }
      Client a = fleet.client("a", "calls=2", c);
      Client b = fleet.client("b", "calls=2", c);
      a.go();
      b.go();
      Thread.sleep(1_000); // they ask for slots, and are refused
      int early = fleet.arrivals(x -> !x.tag().equals("victim")).size();
      long killedAt = System.nanoTime();
      victim.kill();
      boolean back = fleet.awaitArrivals(x -> !x.tag().equals("victim"), 1, cap);
      long after =
          fleet.arrivals(x -> !x.tag().equals("victim")).stream()
              .mapToLong(x -> x.nanos() - killedAt)
              .min()
              .orElse(cap.toNanos());
      f.put("sent by survivors before the kill", early);
      f.put("slots back after (s)", back ? after / 1e9 : ">" + cap.toSeconds());
      if (back) {
        Done d = a.done(Duration.ofSeconds(60)).plus(b.done(Duration.ofSeconds(60)));
        f.put("survivors' calls ok", d.ok());
        f.put("lost", d.lost());
      }
    }
    return f;
  }

  /**
   * The shared 429 (issues 55 and 75). Three processes share a concurrency limit of {@code
   * concurrency} and each has {@code calls} calls, more than the limit, after {@code warm} calls
   * sent one by one (0: the 429 is the first answer a process reads). Kimi holds every request that
   * arrives until every slot of the account is held by a request it has received (p1's among them)
   * and p2 and p3 each have had a take refused (they wait for a slot). Then it refuses p1's first
   * request with a 429 ({@code Retry-After}) and every request that arrives for that long (an
   * account-wide limit), and answers the requests it held once p1 says its pause is in Redis (with
   * {@code atOnce}, right after the 429 instead).
   *
   * <p>What this holds, and why so. A request another process took before the pause was in the
   * store cannot be called back: Kimi may refuse it (in flight when the 429 came, or taken in the
   * instant between the 429's arrival and the pause's write, on a slot given back then). So the
   * fleet can promise only that every take that starts after the pause was written waits until the
   * pause ends, and that the process refused writes the pause before it gives the refused request's
   * slot back. Here no slot is free and no other request is on its way while the 429 is answered,
   * so the only way to Kimi leads through a take after the 429: the others get no 429 in the
   * window, whatever the machine's load, unless the pause is shared late (after the refused slot
   * went back) or not read. With {@code atOnce} the held requests end while p1 is still reading its
   * 429, and how many of the others' requests are refused measures that instant instead.
   *
   * <p>Figures: the others' 429s and their requests before the {@code Retry-After} had passed,
   * their first request after the 429, the slots p1 gave back before it wrote the pause, how long
   * after Kimi answered the 429 its headers reached p1 and how long after that p1 began writing the
   * pause, all 429s, the calls answered, failed and lost.
   */
  static Map<String, Object> shared429(
      Clients kinds, int calls, int concurrency, long retryAfterSeconds, boolean atOnce, int warm)
      throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    try (Fleet fleet = new Fleet(1, kinds, false)) {
      fleet.retryAfterSeconds = retryAfterSeconds;
      fleet.latency = Duration.ofMillis(10);
      List<Client> cs =
          fleet.processes("calls=" + calls, "concurrency=" + concurrency, "warm=" + warm);
      fleet.holding = true;
      Duration cap = Duration.ofSeconds(60);
      cs.get(0).go();
      Held first = fleet.nextHeld(cap);
      cs.get(1).go();
      cs.get(2).go();
      for (int n = 1; n < concurrency; n++) {
        fleet.nextHeld(cap); // every slot of the account is held at Kimi
      }
      cs.get(1).await(l -> l.equals("waiting"), cap);
      cs.get(2).await(l -> l.equals("waiting"), cap);
      long at = System.nanoTime();
      fleet.refuseUntil = at + TimeUnit.SECONDS.toNanos(retryAfterSeconds);
      fleet.refusedAt = at;
      first.refuse().complete(true);
      String paused = null;
      if (!atOnce) {
        paused = cs.get(0).await(l -> l.startsWith("paused "), Duration.ofSeconds(30));
      }
      fleet.holding = false;
      fleet.released.complete(false);
      if (paused == null) {
        paused = cs.get(0).await(l -> l.startsWith("paused "), Duration.ofSeconds(30));
      }
      Done p1 = cs.get(0).done(Duration.ofSeconds(120));
      Done d = p1;
      for (Client c : cs.subList(1, 3)) {
        d = d.plus(c.done(Duration.ofSeconds(120)));
      }
      long end = at + TimeUnit.SECONDS.toNanos(retryAfterSeconds);
      Predicate<Arrival> others = x -> !x.tag().equals("p1");
      f.put("calls each process sent before", warm);
      f.put("held when p1 was refused", concurrency);
      f.put("others answered", atOnce ? "at once" : "once the pause was in Redis");
      f.put("others' 429s", fleet.arrivals(others.and(x -> x.status() == 429)).size());
      f.put(
          "others' requests before Retry-After passed",
          fleet.arrivals(others.and(x -> x.nanos() - at >= 0 && x.nanos() - end < 0)).size());
      f.put(
          "their first request after the 429 (s)",
          round(
              fleet.arrivals(others.and(x -> x.nanos() - at >= 0)).stream()
                      .mapToLong(x -> x.nanos() - at)
                      .min()
                      .orElse(0)
                  / 1e9));
      f.put("slots p1 gave back before its pause", p1.gaveBackBeforePause());
      long pausedAt = Long.parseLong(paused.substring(7));
      f.put("p1 read the 429's headers after Kimi answered (ms)", millis(p1.heard429At() - at));
      f.put(
          "p1 began writing its pause after those headers (ms)",
          millis(pausedAt - p1.heard429At()));
      f.put("429s", fleet.arrivals(x -> x.status() == 429).size());
      f.put("calls ok", d.ok());
      f.put("failed", d.failed());
      f.put("lost", d.lost());
    }
    return f;
  }

  /**
   * Issue 100's race: a request another process took before one process's pause was in Redis, and
   * sends after it was (its key supplier slow, or a busy machine's scheduler between the take and
   * the send). Three processes share a concurrency of 4: p2 and p3 each take a slot for one call
   * whose key supplier then waits ({@code keyGate}); p1 sends two calls, which Kimi holds. Kimi
   * refuses p1's first with a 429 ({@code Retry-After}) and every request that arrives for that
   * long (an account-wide limit), answers its second, and once p1's pause is in Redis, p2's and
   * p3's suppliers return: their requests were taken before the pause and are sent after it. {@code
   * busyLoops} threads of this JVM spin meanwhile, so that it runs on a busy machine.
   *
   * <p>Figures: the others' requests before the {@code Retry-After} had passed (the goal: 0), their
   * 429s, their first request after the 429, the load average at the end, all 429s, the calls
   * answered, failed and lost.
   */
  static Map<String, Object> takenBeforeThePause(
      Clients kinds, long retryAfterSeconds, int busyLoops) throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> loops = new ArrayList<>();
    for (int i = 0; i < busyLoops; i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (!stop.get()) {
                  x += System.nanoTime() & 1; // a core's worth of work, until told to stop
                }
                if (x == 42) {
                  System.out.print("");
                }
              },
              "busy loop " + i);
      t.setDaemon(true);
      t.start();
      loops.add(t);
    }
    try (Fleet fleet = new Fleet(1, kinds, false)) {
      fleet.retryAfterSeconds = retryAfterSeconds;
      fleet.latency = Duration.ofMillis(10);
      Duration cap = Duration.ofSeconds(60);
      // the account's concurrency is what Kimi's refusal states (3): the refusal is not the
      // fleet's own doing, so it pauses the fleet
      Client p1 = fleet.client("p1", "calls=2", "concurrency=3");
      Client p2 = fleet.client("p2", "calls=1", "concurrency=3", "keyGate=true");
      Client p3 = fleet.client("p3", "calls=1", "concurrency=3", "keyGate=true");
      fleet.holding = true;
      p2.go();
      p3.go();
      p2.await(l -> l.equals("keyed"), cap); // its slot taken, its send waiting for its key
      p3.await(l -> l.equals("keyed"), cap);
      p1.go();
      Held first = fleet.nextHeld(cap); // every slot held: p2's and p3's taken, p1's at Kimi
      long at = System.nanoTime();
      fleet.refuseUntil = at + TimeUnit.SECONDS.toNanos(retryAfterSeconds);
      fleet.refusedAt = at;
      first.refuse().complete(true);
      String paused = p1.await(l -> l.startsWith("paused "), Duration.ofSeconds(30));
      fleet.holding = false;
      fleet.released.complete(false);
      p2.send("send"); // taken before the pause, sent after it
      p3.send("send");
      Done d = p1.done(Duration.ofSeconds(120));
      d = d.plus(p2.done(Duration.ofSeconds(120))).plus(p3.done(Duration.ofSeconds(120)));
      long end = fleet.refuseUntil;
      Predicate<Arrival> others = x -> !x.tag().equals("p1");
      f.put(
          "others' requests before Retry-After passed",
          fleet.arrivals(others.and(x -> x.nanos() - at >= 0 && x.nanos() - end < 0)).size());
      f.put("others' 429s", fleet.arrivals(others.and(x -> x.status() == 429)).size());
      f.put(
          "their first request after the 429 (s)",
          round(
              fleet.arrivals(others.and(x -> x.nanos() - at >= 0)).stream()
                      .mapToLong(x -> x.nanos() - at)
                      .min()
                      .orElse(0)
                  / 1e9));
      f.put(
          "p1's pause in Redis after the 429 (ms)",
          millis(Long.parseLong(paused.substring(7)) - at));
      f.put(
          "load average",
          round(
              java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                  .getSystemLoadAverage()));
      f.put("429s", fleet.arrivals(x -> x.status() == 429).size());
      f.put("calls ok", d.ok());
      f.put("failed", d.failed());
      f.put("lost", d.lost());
    } finally {
      stop.set(true);
      for (Thread t : loops) {
        t.join();
      }
    }
    return f;
  }

  /**
   * Three processes share a concurrency limit with calls of {@code latency} in flight; Redis is
   * killed, stays down for {@code outage} and starts again empty on its port. Figures: Kimi's peak
   * concurrency, and the calls answered, failed and lost.
   */
  static Map<String, Object> restart(
      Clients kinds, String fallback, int concurrency, int calls, Duration latency, Duration outage)
      throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    try (Fleet fleet = new Fleet(1, kinds, false)) {
      fleet.latency = latency;
      // retries through the outage, so that calls still wait for slots when Redis is back
      List<Client> cs =
          fleet.processes(
              "calls=" + calls, "concurrency=" + concurrency, "fallback=" + fallback, "retries=10");
      fleet.go();
      fleet.awaitArrivals(x -> true, concurrency, Duration.ofSeconds(30));
      Thread.sleep(latency.toMillis() / 6); // Redis is back while these calls are in flight
      fleet.redis.stop();
      Thread.sleep(outage.toMillis());
      fleet.redis.restart();
      Done d = Done.NONE;
      for (Client c : cs) {
        d = d.plus(c.done(Duration.ofSeconds(240)));
      }
      f.put("fallback", fallback);
      f.put("peak concurrency", fleet.kimi.peakConcurrency());
      f.put("limit", concurrency);
      f.put("calls", 3 * calls);
      f.put("ok", d.ok());
      f.put("failed", d.failed());
      f.put("lost", d.lost());
      f.put("failures", d.failures());
    }
    return f;
  }

  /**
   * Three processes of {@code calls} calls each share an RPM limit and a concurrency of 4 against
   * the strict fake (which counts a request when it arrives). With {@code scale} above 1 the fake's
   * minute and the store's window are both 60 s / scale. Figures: 429s; the requests Kimi accepted
   * in the second window (from the first request's window end) against the limit; how long the
   * calls took; the longest run of requests from one process while the others still had calls to
   * send (fairness); and the requests sent later after their take than the store's {@link
   * RedisRateLimitStore#SEND_MARGIN} (see {@link #sentLate}), with the longest such wait.
   */
  static Map<String, Object> budget(Clients kinds, int rpm, int calls, long scale)
      throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    try (Fleet fleet = new Fleet(scale, kinds, false)) {
      fleet.kimi.requestsPerMinute(rpm).maxConcurrency(4);
      List<Client> cs = fleet.processes("calls=" + calls, "concurrency=4", "rpm=" + rpm);
      fleet.go();
      Done d = Done.NONE;
      for (Client c : cs) {
        d = d.plus(c.done(Duration.ofSeconds(300)));
      }
      long window = TimeUnit.MINUTES.toNanos(1) / scale;
      List<Arrival> ok = fleet.arrivals(x -> x.status() == 200);
      long t0 = ok.get(0).nanos();
      long second =
          ok.stream().filter(x -> x.nanos() - t0 >= window && x.nanos() - t0 < 2 * window).count();
      long took = ok.get(ok.size() - 1).nanos() - t0;
      f.put("rpm", rpm);
      f.put("window (s)", window / 1e9);
      f.put("429s", fleet.kimi.rateLimitedCount());
      f.put("accepted in the second window", second);
      f.put("of the limit (%)", Math.round(100.0 * second / rpm));
      f.put("all calls took (windows)", Math.round(100.0 * took / window) / 100.0);
      f.put("longest run of one process", longestRun(ok));
      List<Long> reached = new ArrayList<>(d.heard429sAt());
      ok.forEach(x -> reached.add(x.nanos()));
      // 10 ms short of the margin: Redis counts in whole milliseconds of its own clock
      long margin = RedisRateLimitStore.SEND_MARGIN.toNanos() - 10_000_000;
      long[] late = sentLate(d.grantedAt(), reached, margin);
      f.put("sent later than the margin after their take", late[0]);
      f.put("longest from a take to Kimi (s)", round(late[1] / 1e9));
      f.put("calls ok", d.ok());
      f.put("failed", d.failed());
      f.put("lost", d.lost());
    }
    return f;
  }

  /**
   * Counts the requests that reached Kimi later than {@code margin} after their take, and the
   * longest wait from a take to Kimi, over the matching of requests to takes that makes the longest
   * wait shortest (each arrival, latest first, matched to the latest take not after it that is
   * still free): {@code {count, longest nanos}}. An arrival no take precedes counts as late.
   *
   * <p>Why this matching decides what the store promised: the store counts each take for its window
   * plus the margin, and grants none beyond the limit. If some matching has every request reach
   * Kimi within the margin of its take, then the requests Kimi counts in any window had their takes
   * in that window stretched by the margin, which the store held to the limit, so Kimi refuses
   * none. A 429 therefore means some request took longer than the margin from its take to Kimi, on
   * every matching, which this one then shows; unless the store counted wrong. The times given are
   * conservative both ways: a take's is when it began (Redis took it no earlier), a refused
   * request's is when its client heard the 429 (Kimi refused it no later), so a request counted
   * late may not have been, but one counted on time was.
   */
  static long[] sentLate(List<Long> takes, List<Long> arrivals, long margin) {
    long[] t = takes.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] a = arrivals.stream().mapToLong(Long::longValue).sorted().toArray();
    long late = 0;
    long longest = 0;
    int j = t.length - 1;
    for (int i = a.length - 1; i >= 0; i--) {
      while (j >= 0 && t[j] - a[i] > 0) {
        j--; // taken after this arrival and every earlier one: no use to them
      }
      long wait = j >= 0 ? a[i] - t[j--] : Long.MAX_VALUE;
      longest = Math.max(longest, wait);
      if (wait > margin) {
        late++;
      }
    }
    return new long[] {late, longest};
  }

  /**
   * Returns the longest run of consecutive requests from one process while every process still had
   * requests to come.
   */
  static int longestRun(List<Arrival> arrivals) {
    Map<String, Long> last = new LinkedHashMap<>();
    for (Arrival a : arrivals) {
      last.put(a.tag(), a.nanos());
    }
    long contended = last.values().stream().mapToLong(Long::longValue).min().orElse(0);
    int longest = 0;
    int run = 0;
    String previous = null;
    for (Arrival a : arrivals) {
      if (a.nanos() - contended >= 0) {
        break;
      }
      run = a.tag().equals(previous) ? run + 1 : 1;
      previous = a.tag();
      longest = Math.max(longest, run);
    }
    return longest;
  }

  static void print(String scenario, Map<String, Object> figures) {
    StringBuilder b = new StringBuilder("fleet: " + scenario + ":");
    figures.forEach((k, v) -> b.append(' ').append(k).append(' ').append(v).append(','));
    b.setLength(b.length() - 1);
    System.out.println(b);
    System.out.flush();
  }

  /**
   * Three processes share a concurrency limit on a Redis Cluster (3 masters, 3 replicas) with calls
   * of {@code latency} in flight; the master of the account's slot is killed ({@code kill -9}) and
   * its replica takes over, half a second before the calls in flight end (their slots are given
   * back while no master serves). The clients retry {@code retries} times ({@code
   * RetryPolicy.defaults()} retries twice). Figures: when the replica served, Kimi's peak
   * concurrency, the first request after the kill, the takes asked until the replica served (how
   * many, the slowest) and those of 50 ms or more after the kill, whether a store fell back, the
   * calls answered, failed and lost, and the first failure of each type.
   */
  static Map<String, Object> failover(
      Clients kinds, String fallback, int retries, int concurrency, int calls, Duration latency)
      throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    try (Fleet fleet = new Fleet(1, kinds, true)) {
      fleet.latency = latency;
      List<Client> cs =
          fleet.processes(
              "calls=" + calls,
              "concurrency=" + concurrency,
              "fallback=" + fallback,
              "retries=" + retries);
      fleet.go();
      fleet.awaitArrivals(x -> true, concurrency, Duration.ofSeconds(30));
      // the calls in flight end half a second after the kill, while no master serves the account
      Thread.sleep(latency.toMillis() - 500);
      RedisServer master = fleet.cluster.masterOf(RedisRateLimitStore.keys("org-fleet").get(0));
      fleet.send("mark");
      long killedAt = System.nanoTime();
      master.stop();
      fleet.cluster.awaitMasterOf(
          RedisRateLimitStore.keys("org-fleet").get(0), master, Duration.ofSeconds(30));
      long promotedAt = System.nanoTime();
      fleet.send("unmark");
      Done d = Done.NONE;
      for (Client c : cs) {
        d = d.plus(c.done(Duration.ofSeconds(240)));
      }
      long flowing =
          fleet.arrivals(x -> x.nanos() - killedAt > 0).stream()
              .mapToLong(x -> x.nanos() - killedAt)
              .min()
              .orElse(-1);
      f.put("clients", kinds);
      f.put("fallback", fallback);
      f.put("retries", retries);
      f.put("replica serving after (s)", round((promotedAt - killedAt) / 1e9));
      f.put("peak concurrency", fleet.kimi.peakConcurrency());
      f.put("limit", concurrency);
      f.put("first request after the kill (s)", flowing < 0 ? "none" : round(flowing / 1e9));
      f.put("takes until the replica served", d.markedTakes());
      f.put("slowest of them (ms)", d.markedSlowestMillis());
      f.put("slowest of those that knew Redis down (ms)", d.knowingSlowestMillis());
      f.put("takes of 50 ms or more after the kill (ms after it+ms)", d.slowTakes());
      f.put("fell back", d.fellBack());
      f.put("calls", 3 * calls);
      f.put("ok", d.ok());
      f.put("failed", d.failed());
      f.put("lost", d.lost());
      f.put("failures", d.failures());
      f.put("first failures", d.firstFailures().stream().distinct().toList());
    }
    return f;
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 100) / 100.0;
  }

  /**
   * Runs every scenario and prints its figures: {@code full} (the default) as README's figures were
   * measured, {@code short} as CI runs them; each on Jedis, then on Lettuce. A second argument,
   * {@code jedis}, {@code lettuce} or {@code mixed}, runs one of them alone; a third, the scenarios
   * whose name starts with it ({@code killed}, {@code 429}, {@code restart}, {@code failover},
   * {@code budget}).
   */
  public static void main(String[] args) throws Exception {
    boolean full = args.length == 0 || args[0].equals("full");
    List<Clients> forms =
        args.length > 1
            ? List.of(Clients.valueOf(args[1].toUpperCase(java.util.Locale.ROOT)))
            : List.of(Clients.JEDIS, Clients.LETTUCE);
    String only = args.length > 2 ? args[2] : "";
    for (Clients kinds : forms) {
      if ("killed".startsWith(only)) {
        print("killed holder, " + kinds, killed(kinds, 4, Duration.ofSeconds(full ? 90 : 40)));
      }
      if ("429".startsWith(only)) {
        // as FleetTest runs it; then on processes that have served a while (20 calls each); then
        // the instant between the 429 and the pause, measured: the held requests end at once
        print("shared 429, " + kinds, shared429(kinds, full ? 12 : 6, 3, 5, false, 0));
        print("shared 429, " + kinds, shared429(kinds, full ? 12 : 6, 3, 5, false, 20));
        print("shared 429, " + kinds, shared429(kinds, full ? 12 : 6, 3, 5, true, 20));
        // a request taken before the pause and sent after it, on a busy machine (issue 100)
        print("taken before the pause, " + kinds, takenBeforeThePause(kinds, 5, 2));
      }
      for (String fallback : List.of("FAIL_CLOSED", "IN_PROCESS")) {
        if ("restart".startsWith(only)) {
          print(
              "redis restart, " + kinds,
              restart(
                  kinds,
                  fallback,
                  4,
                  full ? 12 : 4,
                  Duration.ofSeconds(full ? 6 : 3),
                  Duration.ofSeconds(2)));
        }
      }
      // failing closed with the default retries (calls fail, saying why), and retried through the
      // outage (when requests flow again); counting alone
      for (String fallback : List.of("FAIL_CLOSED:2", "FAIL_CLOSED:10", "IN_PROCESS:2")) {
        String[] w = fallback.split(":");
        if ("failover".startsWith(only)) {
          print(
              "cluster failover, " + kinds,
              failover(
                  kinds,
                  w[0],
                  Integer.parseInt(w[1]),
                  4,
                  full ? 12 : 6,
                  Duration.ofSeconds(full ? 6 : 3)));
        }
      }
      if ("budget".startsWith(only)) {
        print("budget, " + kinds, budget(kinds, 60, 40, full ? 1 : 10));
      }
    }
  }
}
