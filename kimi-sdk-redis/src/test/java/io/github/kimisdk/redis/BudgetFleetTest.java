package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Issue 100's "Done when" for budgets, over real processes: two JVMs ({@link BudgetFleetClient},
 * written from the guide) on one redis-server share USD 0.05 a day at the fake's prices, calling at
 * once on eight threads each until refused: what they spent is at most the budget (and what Redis
 * counted), and every refusal names the budget, the amount spent and the reset; a third process on
 * that day then spends only what the calls in flight had held, less than one call's worst case
 * remaining. On the next day (each process's clock moved to it), calls go through again; a process
 * holding nine tenths of that day's budget in a call the fake never answers is killed with {@code
 * kill -9}, Redis's lease of its reservation ends within the stated bound (the store's lease, 3 s
 * here), and another process then spends what it held.
 */
class BudgetFleetTest {

  private static final long LEASE = 3_000;

  private RedisServer redis;
  private FakeKimiServer kimi;
  private final List<Child> children = new ArrayList<>();
  private final CountDownLatch held = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    kimi =
        new FakeKimiServer()
            .respondWith(
                r -> {
                  if (!r.bodyText().contains("\"hold\"")) {
                    return null;
                  }
                  held.countDown(); // the held call reached the fake
                  return FakeResponse.reply("late").withHeadersDelay(Duration.ofMinutes(10));
                })
            .start();
  }

  @AfterEach
  void stop() {
    for (Child c : children) {
      c.kill();
    }
    kimi.close();
    redis.close();
  }

  /** A client process: its lines, read as they come. */
  private final class Child {
    final Process process;
    final BufferedReader out;
    final Writer in;

    Child(String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(BudgetFleetClient.class.getName());
      command.add("base=" + kimi.baseUrl());
      command.add("redis=" + redis.port());
      command.add("lease=" + LEASE);
      command.addAll(List.of(args));
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      children.add(this);
      out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      assertThat(out.readLine()).isEqualTo("ready");
    }

    void go() throws IOException {
      in.write("go\n");
      in.flush();
    }

    /** Reads its refusals and its done line. */
    Result result() throws Exception {
      return CompletableFuture.supplyAsync(
              () -> {
                List<String> refusals = new ArrayList<>();
                try {
                  for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith("refused ")) {
                      refusals.add(l.substring(8));
                    } else if (l.startsWith("done ")) {
                      String[] p = l.split(" ");
                      return new Result(
                          Integer.parseInt(p[1].substring(6)),
                          new BigDecimal(p[2].substring(6)),
                          refusals);
                    }
                  }
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
                throw new IllegalStateException("ended without its done line: " + refusals);
              })
          .get(180, TimeUnit.SECONDS);
    }

    void kill() {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
      try {
        process.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // best effort
      }
    }
  }

  record Result(int calls, BigDecimal spent, List<String> refusals) {}

  @Test
  void twoProcessesShareADailyBudgetAKilledHoldersShareComesBackAndTheNextDayStartsAfresh()
      throws Exception {
    BigDecimal budget = new BigDecimal("0.05");

    // day 1: two processes call at once until refused
    Child one = new Child("mode=spend", "threads=8", "day=2026-12-01");
    Child two = new Child("mode=spend", "threads=8", "day=2026-12-01");
    one.go();
    two.go();
    Result a = one.result();
    Result b = two.result();
    BigDecimal spent = a.spent().add(b.spent());
    System.out.printf(
        "day 1: %d + %d calls, USD %s + %s = %s of USD 0.05%n",
        a.calls(), b.calls(), a.spent(), b.spent(), spent.toPlainString());
    assertThat(spent).isLessThanOrEqualTo(budget);
    assertThat(a.calls()).isPositive();
    assertThat(b.calls()).isPositive();
    assertThat(kimi.requestCount()).isEqualTo(a.calls() + b.calls());
    assertThat(spentInRedis("2026-12-01")).isEqualByComparingTo(spent);
    List<String> refusals = new ArrayList<>(a.refusals());
    refusals.addAll(b.refusals());
    assertThat(refusals).hasSize(16);
    for (String r : refusals) {
      assertThat(r)
          .startsWith("Budget fleet-daily refused the call before it was sent: USD ")
          .containsPattern("USD [0-9.]+ spent and USD [0-9.]+ held by calls in flight")
          .contains("this day (2026-12-01, UTC), of its USD 0.05")
          .endsWith("It resets at 2026-12-02T00:00:00Z.");
    }
    System.out.println("a refusal: " + refusals.get(0));

    // day 2: a process holds nine tenths of the budget in a call the fake never answers
    Child holder = new Child("mode=hold", "day=2026-12-02");
    holder.go();
    assertThat(held.await(60, TimeUnit.SECONDS)).as("the held call reached the fake").isTrue();
    RedisClient j = RedisClient.create("127.0.0.1", redis.port());
    try {
      String held = "kimi-budget:{fleet-daily||2026-12-02}:held";
      assertThat(j.zcard(held)).isEqualTo(1);
      holder.kill();
      long killedAt = redisMillis(j);
      double leaseEnd = j.zrangeWithScores(held, 0, -1).get(0).getScore();
      assertThat(leaseEnd - killedAt).as("ms of lease left at the kill").isLessThanOrEqualTo(LEASE);
      System.out.printf(
          "day 2: the killed holder's reservation ends %.2f s after the kill (bound %.1f s)%n",
          (leaseEnd - killedAt) / 1000.0, LEASE / 1000.0);

      // another process spends it once the lease ended: more than the tenth left while it was held
      Child three =
          new Child("mode=spend", "threads=8", "day=2026-12-02", "patience=" + (LEASE + 5_000));
      three.go();
      Result c = three.result();
      System.out.printf("day 2: %d calls, USD %s%n", c.calls(), c.spent());
      assertThat(c.spent()).isLessThanOrEqualTo(budget);
      assertThat(c.spent()).isGreaterThan(new BigDecimal("0.006"));
      assertThat(j.zcard(held)).isZero();
      assertThat(spentInRedis("2026-12-02")).isEqualByComparingTo(c.spent());
      assertThat(c.refusals())
          .hasSize(8)
          .allMatch(r -> r.endsWith("It resets at 2026-12-03T00:00:00Z."));
    } finally {
      j.close();
    }

    // day 1 keeps what it spent: a process on day 1 alone spends at most what is left (what the
    // calls in flight held when the two were refused) and is refused too, naming day 1
    Child late = new Child("mode=spend", "threads=1", "day=2026-12-01");
    late.go();
    Result d = late.result();
    BigDecimal day1 = spent.add(d.spent());
    System.out.printf(
        "day 1, later: %d calls, USD %s; the day: USD %s%n", d.calls(), d.spent(), day1);
    assertThat(day1).isLessThanOrEqualTo(budget);
    assertThat(spentInRedis("2026-12-01")).isEqualByComparingTo(day1);
    assertThat(budget.subtract(day1))
        .as("what is left is less than the worst case of one call")
        .isLessThan(new BigDecimal("0.003075"));
    assertThat(d.refusals())
        .singleElement()
        .asString()
        .contains("this day (2026-12-01, UTC)")
        .endsWith("It resets at 2026-12-02T00:00:00Z.");
  }

  private BigDecimal spentInRedis(String day) {
    try (RedisClient j = RedisClient.create("127.0.0.1", redis.port())) {
      long units = 0;
      for (String v : j.hvals("kimi-budget:{fleet-daily||" + day + "}:spent")) {
        units += Long.parseLong(v);
      }
      return BigDecimal.valueOf(units, 8);
    }
  }

  private static long redisMillis(RedisClient j) {
    return (Long)
        j.eval(
            "local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2])"
                + " / 1000)");
  }
}
