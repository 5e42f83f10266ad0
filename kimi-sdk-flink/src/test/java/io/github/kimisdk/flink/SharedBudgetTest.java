package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two Flink jobs in two JVMs, against FakeKimiServer run as a process with {@code --max-concurrency
 * 2} (Kimi's organisation limit): with the same {@code rate-limit.account} and {@code
 * rate-limit.redis} (a real redis-server), they share a budget of 2 and get no 429; without Redis,
 * each JVM counts its own 2, the fake answers 429s, and the rows are still all there (each 429
 * waited out). Each step waits for a line a process prints, never for a time.
 */
class SharedBudgetTest {

  private static final int ROWS = 30;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopProcesses() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
  }

  @Test
  void twoJobsSharingAnAccountThroughRedisGetNo429AndLoseNoRow() throws Exception {
    int redisPort = freePort();
    Process redis =
        start(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(redisPort),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no"));
    awaitLine(redis, "Ready to accept connections");

    int fakePort = freePort();
    Process fake =
        start(
            java(
                "io.github.kimisdk.testing.FakeKimiServer",
                "--port",
                Integer.toString(fakePort),
                "--max-concurrency",
                "2",
                "--latency",
                "150",
                "--verbose"));
    Semaphore ok = new Semaphore(0);
    AtomicInteger refused = new AtomicInteger();
    BlockingQueue<String> fakeOut = lines(fake);
    awaitIn(fakeOut, "FakeKimiServer at");
    Thread counter =
        new Thread(
            () -> {
              try {
                for (String l = fakeOut.take(); ; l = fakeOut.take()) {
                  if (l.contains("/chat/completions") && l.contains("-> 200")) {
                    ok.release();
                  } else if (l.contains("/chat/completions") && l.contains("-> 429")) {
                    refused.incrementAndGet();
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fake log");
    counter.setDaemon(true);
    counter.start();

    Job a = new Job(start(java("io.github.kimisdk.flink.BudgetJob", Integer.toString(ROWS))));
    Job b = new Job(start(java("io.github.kimisdk.flink.BudgetJob", Integer.toString(ROWS))));
    a.await("ready");
    b.await("ready");

    String common =
        "endpoint=http://127.0.0.1:"
            + fakePort
            + "/v1/chat/completions;api-key=sk-budget;model=kimi-k3;thinking=disabled;"
            + "error-handling-strategy=failover;rate-limit.max-concurrency=2";
    String shared =
        common
            + ";rate-limit.account=org-flink-test;rate-limit.redis=redis://127.0.0.1:"
            + redisPort
            + ";rate-limit.redis.restart-wait=false";

    a.run(shared);
    b.run(shared);
    assertThat(a.await("done")).isEqualTo("done " + ROWS + " 0");
    assertThat(b.await("done")).isEqualTo("done " + ROWS + " 0");
    awaitAnswers(ok, 2 * ROWS);
    assertThat(refused.get()).as("429s with the budget shared through Redis").isZero();

    a.run(common);
    b.run(common);
    assertThat(a.await("done")).isEqualTo("done " + ROWS + " 0");
    assertThat(b.await("done")).isEqualTo("done " + ROWS + " 0");
    awaitAnswers(ok, 2 * ROWS);
    System.out.println(
        "SharedBudgetTest: without Redis, two JVMs of 2 calls each against Kimi's 2 got "
            + refused.get()
            + " 429s (each waited out, 0 rows lost); with Redis 0");
    assertThat(refused.get()).as("429s when each JVM counts alone").isPositive();
  }

  /** A BudgetJob process: its options on standard input, its lines read as they come. */
  private static final class Job {
    final PrintWriter in;
    final BlockingQueue<String> out;

    Job(Process p) {
      this.in =
          new PrintWriter(
              new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), true);
      this.out = lines(p);
    }

    void run(String options) {
      in.println(options);
    }

    String await(String prefix) throws InterruptedException {
      return awaitIn(out, prefix);
    }
  }

  private Process start(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(p);
    return p;
  }

  private static List<String> java(String mainClass, String... args) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xmx512m");
    c.add("-XX:TieredStopAtLevel=1");
    c.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")); // the build's, not /tmp
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add(mainClass);
    c.addAll(List.of(args));
    return c;
  }

  /** Every line {@code p} prints, in a queue filled by a daemon thread. */
  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                  q.add(l);
                }
              } catch (IOException e) {
                q.add("(output ended: " + e + ")");
              }
            },
            "process output");
    t.setDaemon(true);
    t.start();
    return q;
  }

  /** The first line that starts with {@code prefix}; fails after 2 minutes of silence. */
  private static String awaitIn(BlockingQueue<String> q, String prefix)
      throws InterruptedException {
    while (true) {
      String l = q.poll(2, TimeUnit.MINUTES);
      assertThat(l).as("a line starting with " + prefix).isNotNull();
      if (l.startsWith(prefix)) {
        return l;
      }
    }
  }

  private static void awaitLine(Process p, String text) throws InterruptedException {
    BlockingQueue<String> q = lines(p);
    while (true) {
      String l = q.poll(2, TimeUnit.MINUTES);
      assertThat(l).as("a line with " + text).isNotNull();
      if (l.contains(text)) {
        return;
      }
    }
  }

  /** Waits until the fake has logged {@code n} more answers (its log lines trail the replies). */
  private static void awaitAnswers(Semaphore answers, int n) throws InterruptedException {
    assertThat(answers.tryAcquire(n, 1, TimeUnit.MINUTES)).as(n + " answers logged").isTrue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
