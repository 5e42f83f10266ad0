package io.github.kimisdk.benchmarks;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.JdbcRunStore;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.redis.JedisScripts;
import io.github.kimisdk.redis.RedisRunStore;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * What a run store costs an agent (issue 91), on each store kimi-sdk-agents has, each durable as a
 * team would run it: the file store on this machine's disk (every write forced), PostgreSQL 15
 * (fsync and synchronous commit on, as installed) and redis-server (append-only file, {@code
 * appendfsync always}), both started here on loopback. For each it prints:
 *
 * <ul>
 *   <li>a tool call's cost: its two records (intent before the effect, result after), the median
 *       and 90th percentile of {@code rounds} pairs;
 *   <li>a saved run's cost: the state of a 100-step run (made by an agent against FakeKimiServer)
 *       written and read back, with the bytes the JVM allocated to read it into a {@code RunState}
 *       and that state's size;
 *   <li>beside them, the model call they guard: one step's chat call of the same 100-step history
 *       to FakeKimiServer on loopback (a floor: Kimi's own answers take seconds), and the whole
 *       100-step run per step with the store.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.RunStoreCost [rounds]
 * </pre>
 */
public final class RunStoreCost {
  private RunStoreCost() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path home = Files.createTempDirectory("kimi-store-cost-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<AutoCloseable> servers = new ArrayList<>();
    Map<String, RunStore> stores = new LinkedHashMap<>();
    try {
      stores.put("file", FileRunStore.of(home.resolve("files")));
      String pg = startPostgres(home.resolve("pg"), servers);
      if (pg != null) {
        stores.put("postgresql", JdbcRunStore.of(postgres(pg, "kimi")).createTables());
      } else {
        System.out.println("postgresql: no server binaries (initdb, pg_ctl) here; skipped");
      }
      RedisClient jedis = startRedis(home.resolve("redis"), servers);
      if (jedis != null) {
        stores.put("redis", RedisRunStore.of(JedisScripts.of(jedis)));
      } else {
        System.out.println("redis: no redis-server here; skipped");
      }
      try (FakeKimiServer fake = new FakeKimiServer().start();
          KimiClient kimi =
              KimiClient.builder().apiKey("sk-bench").baseUrl(fake.baseUrl()).build()) {
        RunState hundred = hundredSteps(kimi);
        byte[] state = hundred.toBytes();
        System.out.printf(
            "a 100-step run: %d steps, %d messages, its state %,d bytes%n",
            hundred.steps(), hundred.messages().size(), state.length);
        long modelNanos = modelCall(kimi, hundred, rounds / 10 + 5);
        System.out.printf(
            "the model call it guards (one step of that history, FakeKimiServer on loopback):"
                + " median %.0f us%n",
            modelNanos / 1e3);
        System.out.println();
        System.out.println(
            "| store | a tool call: two records, median | p90 | the 100-step state saved, median"
                + " | loaded, median | loaded: bytes allocated | a 100-step run, per step |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map.Entry<String, RunStore> e : stores.entrySet()) {
          measure(e.getKey(), e.getValue(), state, rounds, kimi);
        }
      }
    } finally {
      stopAndDelete(servers, home);
    }
  }

  static AgentTool notifyTool() {
    return AgentTool.of(
        "notify",
        "Tells an account holder",
        JsonSchema.object().required("to", JsonSchema.string()).build(),
        (a, ctx) -> "told " + a.get("to").asString() + " (" + ctx.idempotencyKey() + ")");
  }

  static String hundredTurns() {
    StringBuilder task = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      task.append(i == 0 ? "" : " then ").append("notify to=acct-").append(i);
    }
    return task.toString();
  }

  static RunState hundredSteps(KimiClient kimi) {
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .tool(notifyTool())
            .maxSteps(120)
            .unsealed() // measured as before the seal: its HMAC costs microseconds
            .store(RunStore.inMemory())
            .build();
    RunResult r = agent.run("hundred", List.of(Message.user(hundredTurns())));
    if (!(r instanceof RunResult.Answered a)) {
      throw new IllegalStateException("the 100-step run did not answer: " + r);
    }
    return a.state();
  }

  static long modelCall(KimiClient kimi, RunState run, int n) {
    ChatRequest request =
        ChatRequest.builder("kimi-k3")
            .messages(run.messages().subList(0, run.messages().size() - 1))
            .tools(List.of(notifyTool().tool()))
            .build();
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      kimi.chat(request);
      t[i] = System.nanoTime() - t0;
    }
    return median(t);
  }

  static void measure(String name, RunStore store, byte[] state, int rounds, KimiClient kimi) {
    Instant now = Instant.now();
    Claim.Held claim =
        (Claim.Held) store.claim("cost-" + name, "bench", now, now.plus(Duration.ofHours(1)));
    byte[] begun =
        ("{\"phase\":\"begun\",\"key\":\"kimi-0123456789abcdef0123456789abcdef01234567\","
                + "\"tool\":\"transfer\",\"arguments\":\"{\\\"to\\\":\\\"acct-7\\\",\\\"amount\\\":120}\","
                + "\"arguments_sha256\":\"5ab09d88de2003b02d1a35d2697b7b170be214b48bdd06c644348fba7c76afd7\"}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] done =
        new String(begun, StandardCharsets.UTF_8)
            .replace("begun", "done")
            .replace("}", ",\"content\":\"transferred 120 to acct-7\",\"error\":false}")
            .getBytes(StandardCharsets.UTF_8);
    int warm = Math.max(20, rounds / 5);
    long[] call = new long[rounds];
    for (int i = -warm; i < rounds; i++) {
      String key = String.format("call/%06d/0000", (i + warm) % 100_000 + 1);
      long t0 = System.nanoTime();
      store.put(claim, key, begun);
      store.put(claim, key, done);
      if (i >= 0) {
        call[i] = System.nanoTime() - t0;
      }
    }
    int stateRounds = Math.max(10, rounds / 5);
    long[] save = new long[stateRounds];
    long[] load = new long[stateRounds];
    long[] allocated = new long[stateRounds];
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = -5; i < stateRounds; i++) {
      long t0 = System.nanoTime();
      store.put(claim, "state", state);
      long t1 = System.nanoTime();
      long a0 = mx.getCurrentThreadAllocatedBytes();
      RunState read = RunState.fromBytes(store.get("cost-" + name, "state"));
      long a1 = mx.getCurrentThreadAllocatedBytes();
      long t2 = System.nanoTime();
      if (read.steps() < 100) {
        throw new IllegalStateException("read back " + read);
      }
      if (i >= 0) {
        save[i] = t1 - t0;
        load[i] = t2 - t1;
        allocated[i] = a1 - a0;
      }
    }
    store.release(claim);
    // a whole 100-step run on this store, beside the model calls it makes
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .tool(notifyTool())
            .maxSteps(120)
            .unsealed()
            .store(store)
            .build();
    long r0 = System.nanoTime();
    RunResult r =
        agent.run("whole-" + name + "-" + System.nanoTime(), List.of(Message.user(hundredTurns())));
    long perStep = (System.nanoTime() - r0) / Math.max(1, stepsOf(r));
    System.out.printf(
        "| %s | %.0f us | %.0f us | %.0f us | %.0f us | %,d bytes (%.1fx the state) | %.2f ms |%n",
        name,
        median(call) / 1e3,
        percentile(call, 0.9) / 1e3,
        median(save) / 1e3,
        median(load) / 1e3,
        median(allocated),
        median(allocated) / (double) state.length,
        perStep / 1e6);
  }

  private static int stepsOf(RunResult r) {
    return r instanceof RunResult.Answered a ? a.state().steps() : 1;
  }

  static long median(long[] values) {
    return percentile(values, 0.5);
  }

  static long percentile(long[] values, double p) {
    long[] s = values.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.floor(p * s.length))];
  }

  // ---------------------------------------------------------------------------------------------
  /** Stops the servers started, in order, then deletes {@code home} and all below it. */
  static void stopAndDelete(List<AutoCloseable> servers, Path home) throws IOException {
    for (AutoCloseable s : servers) {
      try {
        s.close();
      } catch (Exception ignored) {
        // a server that will not stop is killed with its process
      }
    }
    try (Stream<Path> all = Files.walk(home)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  // The servers, started from this machine's binaries, durable as installed

  static String startPostgres(Path dir, List<AutoCloseable> servers) throws Exception {
    Path bin = null;
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        bin =
            versions
                .sorted(Comparator.reverseOrder())
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .findFirst()
                .orElse(null);
      }
    }
    if (bin == null) {
      return null;
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Files.createDirectories(dir.resolve("sockets"));
    if (root) {
      run(List.of("chown", "-R", "postgres", dir.toString()));
    }
    int port = freePort();
    List<String> as = root ? List.of("runuser", "-u", "postgres", "--") : List.of();
    postgres(as, bin, "initdb", dir, "-U", "kimi", "--auth=trust", "-E", "UTF8");
    postgres(
        as,
        bin,
        "pg_ctl",
        dir,
        "-o",
        "-p " + port + " -k " + dir.resolve("sockets") + " -c listen_addresses=127.0.0.1",
        "-l",
        dir.resolve("log").toString(),
        "-w",
        "start");
    Path b = bin;
    servers.add(() -> postgres(as, b, "pg_ctl", dir, "-m", "fast", "-w", "stop"));
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  static RedisClient startRedis(Path dir, List<AutoCloseable> servers) throws Exception {
    int port = startRedisServer(dir, servers);
    if (port < 0) {
      return null;
    }
    RedisClient client = redisClient(port);
    servers.add(0, client::close);
    return client;
  }

  /**
   * Starts redis-server on loopback, its append-only file forced at every write, and waits until it
   * answers; returns its port, or -1 when this machine has no redis-server.
   */
  static int startRedisServer(Path dir, List<AutoCloseable> servers) throws Exception {
    Path server = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(server)) {
      return -1;
    }
    Files.createDirectories(dir);
    int port = freePort();
    Process p =
        new ProcessBuilder(
                server.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").toFile())
            .start();
    servers.add(() -> p.destroyForcibly().waitFor(10, TimeUnit.SECONDS));
    try (RedisClient client = redisClient(port)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        try {
          client.ping();
          return port;
        } catch (RuntimeException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.onSpinWait();
        }
      }
    }
  }

  private static RedisClient redisClient(int port) {
    return RedisClient.builder()
        .hostAndPort("127.0.0.1", port)
        .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(2000).build())
        .build();
  }

  /**
   * Runs PostgreSQL's {@code tool} of {@code bin} on the data directory {@code dir/data}, as {@code
   * as}.
   */
  private static void postgres(List<String> as, Path bin, String tool, Path dir, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(as);
    command.add(bin.resolve(tool).toString());
    command.add("-D");
    command.add(dir.resolve("data").toString());
    command.addAll(List.of(args));
    run(command);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + ": " + new String(out, StandardCharsets.UTF_8));
    }
  }

  /** PostgreSQL at {@code url} as {@code user}: a new connection a call, no pool. */
  static DataSource postgres(String url, String user) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    ds.setUser(user);
    return ds;
  }
}
