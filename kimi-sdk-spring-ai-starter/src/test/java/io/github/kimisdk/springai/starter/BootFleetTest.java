package io.github.kimisdk.springai.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 62's "done when": two Spring Boot application processes ({@link FleetApplication}) with the
 * starter, kimi-sdk-redis and Spring Boot's Redis starter, configured by properties alone ({@code
 * spring.data.redis.*}, {@code spring.ai.kimi.rate-limit.*}; no Kimi bean written by hand), share
 * one concurrency limit through a loopback {@code redis-server}: the {@link FakeKimiServer} both
 * call never has more in flight than the limit. Without the account (each process limited alone),
 * the same run goes over it, so the check can fail. The processes start and end by process id;
 * {@code restart-wait=false} spares them the wait of a Redis that just started.
 */
class BootFleetTest {

  private static final int LIMIT = 2;
  private static final int CALLS_EACH = 4;

  /** A line Spring Boot's console logs at WARN or ERROR. */
  private static final Pattern WARN_OR_ERROR = Pattern.compile("\\b(WARN|ERROR)\\b");

  private Process redis;
  private int redisPort;
  private FakeKimiServer kimi;
  private final List<Process> apps = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redisPort = freePort();
    redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(redisPort),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .start();
    new Output(redis).awaitContaining("Ready to accept connections").get(20, TimeUnit.SECONDS);
    kimi =
        new FakeKimiServer()
            .maxConcurrency(LIMIT) // Kimi's own limit: a request over it gets a 429
            .respondWith(r -> FakeResponse.reply("ok").withHeadersDelay(Duration.ofMillis(400)))
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : apps) {
      p.destroyForcibly().onExit().get(20, TimeUnit.SECONDS);
    }
    kimi.close();
    redis.destroyForcibly().onExit().get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}, shared: {1}")
  @CsvSource({"lettuce, true", "jedis, true", "lettuce, false"})
  void twoBootProcessesConfiguredByPropertiesHoldOneConcurrencyLimitBetweenThem(
      String client, boolean shared) throws Exception {
    long started = System.nanoTime();
    List<Output> outputs = new ArrayList<>();
    List<CompletableFuture<String>> ready = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Process app = launch(client, shared);
      apps.add(app);
      Output out = new Output(app);
      outputs.add(out);
      ready.add(out.await("ready"));
    }
    for (CompletableFuture<String> r : ready) {
      r.get(90, TimeUnit.SECONDS);
    }
    List<CompletableFuture<String>> done = new ArrayList<>();
    for (Output out : outputs) {
      done.add(out.await("done "));
    }
    for (Process app : apps) { // both send at once
      OutputStream in = app.getOutputStream();
      in.write("go\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
    }
    List<String> results = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      results.add(done.get(i).get(60, TimeUnit.SECONDS));
      assertThat(apps.get(i).waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    System.out.printf(
        "boot fleet on %s, shared %s: peak %d of %d, 429s %d, %d requests, %d ms%n",
        client,
        shared,
        kimi.peakConcurrency(),
        LIMIT,
        kimi.rateLimitedCount(),
        kimi.requestCount(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());

    for (Output out : outputs) {
      assertThat(out.lines().stream().filter(l -> WARN_OR_ERROR.matcher(l).find()))
          .as("WARN and ERROR lines of a process")
          .isEmpty();
    }
    if (shared) {
      for (int i = 0; i < 2; i++) {
        assertThat(results.get(i))
            .as("process %d: %s", i, outputs.get(i))
            .isEqualTo("done ok=" + CALLS_EACH + " failed=0");
      }
      assertThat(kimi.peakConcurrency()).isEqualTo(LIMIT); // reached, never passed
      assertThat(kimi.rateLimitedCount()).isZero();
      assertThat(kimi.requestCount()).isEqualTo(2 * CALLS_EACH);
    } else {
      // each process alone: Kimi's 429s (retried or failed, as the retry policy says)
      assertThat(kimi.peakConcurrency()).as("each process alone").isGreaterThan(LIMIT);
      assertThat(kimi.rateLimitedCount()).isPositive();
    }
  }

  private Process launch(String client, boolean shared) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                FleetApplication.class.getName(),
                "--spring.main.banner-mode=off",
                "--spring.ai.kimi.api-key=sk-fleet",
                "--spring.ai.kimi.base-url=" + kimi.baseUrl(),
                "--spring.data.redis.host=127.0.0.1",
                "--spring.data.redis.port=" + redisPort,
                "--spring.data.redis.timeout=500ms",
                "--spring.data.redis.client-type=" + client,
                "--spring.ai.kimi.rate-limit.max-concurrency=" + LIMIT,
                "--spring.ai.kimi.rate-limit.restart-wait=false",
                "--fleet.calls=" + CALLS_EACH));
    if (shared) {
      command.add("--spring.ai.kimi.rate-limit.account=org-boot-fleet");
    }
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    for (String key : List.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY")) {
      b.environment().remove(key);
    }
    b.environment().remove("KIMI_BASE_URL");
    return b.start();
  }

  /**
   * A process's output, read aside (so that it never blocks on a full pipe); a wait completes at
   * the first line starting with its prefix, or fails once the output ended without one.
   */
  private static final class Output {
    private final List<String> lines = new ArrayList<>();
    private final List<Map.Entry<String, CompletableFuture<String>>> waits = new ArrayList<>();
    private boolean ended;

    Output(Process process) {
      Thread reader = new Thread(() -> read(process), "output of " + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    private void read(Process process) {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (this) {
            lines.add(line);
            for (Map.Entry<String, CompletableFuture<String>> w : waits) {
              if (matches(w.getKey(), line)) {
                w.getValue().complete(line);
              }
            }
          }
        }
      } catch (IOException e) {
        // the process was killed: its output ends here
      }
      synchronized (this) {
        ended = true;
        waits.forEach(w -> w.getValue().completeExceptionally(new IOException("ended: " + lines)));
      }
    }

    synchronized CompletableFuture<String> awaitContaining(String text) {
      return await(text, false);
    }

    synchronized CompletableFuture<String> await(String prefix) {
      return await(prefix, true);
    }

    private CompletableFuture<String> await(String text, boolean atStart) {
      CompletableFuture<String> found = new CompletableFuture<>();
      String key = atStart ? text : "\u0000" + text;
      lines.stream().filter(l -> matches(key, l)).findFirst().ifPresent(found::complete);
      if (ended) {
        found.completeExceptionally(new IOException("ended: " + lines));
      }
      waits.add(Map.entry(key, found));
      return found;
    }

    /** Whether {@code line} starts with {@code key}, or contains it after a NUL (a mark). */
    private static boolean matches(String key, String line) {
      return key.startsWith("\u0000") ? line.contains(key.substring(1)) : line.startsWith(key);
    }

    synchronized List<String> lines() {
      return List.copyOf(lines);
    }

    @Override
    public synchronized String toString() {
      return String.join("\n", lines);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
