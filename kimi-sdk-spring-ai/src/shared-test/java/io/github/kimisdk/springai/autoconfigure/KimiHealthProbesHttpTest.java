package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * What a load balancer sees when it probes {@code /actuator/health} of an application with Kimi:
 * the application's own status whatever Kimi's, Kimi's status at {@code /actuator/health/kimi}, and
 * at most one request to Kimi for many probes, each bounded. Runs on both Spring lines ({@link
 * HealthContexts} reads each line's health).
 */
class KimiHealthProbesHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  /** The calls the client sends, counted by a listener a customizer adds. */
  private final AtomicInteger calls = new AtomicInteger();

  private final ApplicationContextRunner runner =
      HealthContexts.withKimiHealth()
          .withBean(
              KimiClientCustomizer.class,
              () ->
                  builder ->
                      builder.listener(
                          new CallListener() {
                            @Override
                            public void onRequest(CallEvent.Request event) {
                              calls.incrementAndGet();
                            }
                          }))
          .withPropertyValues(
              "spring.ai.kimi.api-key=sk-boot", "management.endpoint.health.show-details=always");

  @AfterEach
  void close() {
    server.close();
  }

  private static HealthContexts.Seen root(ApplicationContext context) {
    return HealthContexts.root(context);
  }

  /** Kimi's group, {@code /actuator/health/kimi}. */
  private static HealthContexts.Seen kimiGroup(ApplicationContext context) {
    return HealthContexts.at(context, "kimi");
  }

  private static HealthContexts.Seen kimi(ApplicationContext context) {
    return HealthContexts.kimi(context);
  }

  /** The components {@code /actuator/health} shows. */
  private static java.util.Set<String> rootComponents(ApplicationContext context) {
    return root(context).components();
  }

  private long modelRequests() {
    return server.requests().stream().filter(r -> r.path().equals("/v1/models")).count();
  }

  /**
   * Probes ten times: the application up and Kimi down, unreachable, each pair of probes within
   * {@code bound} (the first waits for the check).
   */
  private static void tenProbesFindKimiUnreachable(ApplicationContext context, Duration bound) {
    for (int i = 0; i < 10; i++) {
      long start = System.nanoTime();
      assertThat(root(context).status()).isEqualTo("UP");
      assertThat(kimi(context).status()).isEqualTo("DOWN");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
    }
    assertThat(kimi(context).details()).containsEntry("status", "UNREACHABLE");
  }

  /** What a test's server does with a connection it accepted. */
  @FunctionalInterface
  private interface Accepted {
    void accept(Socket s) throws IOException;
  }

  /**
   * Hands each connection {@code server} accepts to {@code each}, on a daemon thread, until it
   * closes.
   */
  private static void accepting(ServerSocket server, String name, Accepted each) {
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  each.accept(server.accept());
                }
              } catch (IOException closed) {
                // the test is over
              }
            },
            name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void tenProbesOfAnApplicationWithKimiAskKimiOnce() {
    runner
        .withPropertyValues("spring.ai.kimi.base-url=" + server.baseUrl())
        .run(
            context -> {
              for (int i = 0; i < 10; i++) {
                assertThat(root(context).status()).isEqualTo("UP");
                assertThat(kimiGroup(context).status()).isEqualTo("UP");
              }
              assertThat(rootComponents(context)).doesNotContain("kimiApi");
              assertThat(kimi(context).details())
                  .containsEntry("status", "OK")
                  .containsKeys("checkedAt", "latencyMs");
            });

    assertThat(modelRequests()).isEqualTo(1);
  }

  @Test
  void withKimiUnreachableTheApplicationStaysUpAndKimiIsDownAndAskedOnce() throws IOException {
    runner
        .withPropertyValues("spring.ai.kimi.base-url=http://127.0.0.1:" + closedPort() + "/v1")
        .run(
            context -> {
              for (int i = 0; i < 10; i++) {
                assertThat(root(context).status()).isEqualTo("UP");
                assertThat(kimiGroup(context).status()).isEqualTo("DOWN");
              }
              assertThat(kimi(context).details())
                  .containsEntry("status", "UNREACHABLE")
                  .doesNotContainValue("sk-boot");
            });

    assertThat(calls).hasValue(1);
  }

  @Test
  void aProbeOfAKimiThatNeverAnswersEndsWithinTheTimeoutAndStillAsksOnce() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      accepting(silent, "silent-kimi", accepted::add); // held open, never answered
      runner
          .withPropertyValues(
              "spring.ai.kimi.base-url=http://127.0.0.1:" + silent.getLocalPort() + "/v1",
              "spring.ai.kimi.health.timeout=300ms")
          .run(context -> tenProbesFindKimiUnreachable(context, Duration.ofSeconds(2)));
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
    assertThat(calls).hasValue(1);
    assertThat(accepted).hasSize(1);
  }

  /**
   * A Kimi that reads each request and closes the connection unanswered: ten probes make one check
   * (one request of the client's), which the JDK's HTTP client sends once more on a new connection
   * (it does so for every GET and HEAD whose connection closes before a byte of the answer, as RFC
   * 9110 allows, whatever its caller wants), so the server reads two; the probes all report it
   * down, and none waits past the timeout.
   */
  @Test
  void tenProbesOfAKimiThatDropsTheConnectionMakeOneCheckWhichTheJdkSendsTwice() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket dropping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      accepting(
          dropping,
          "dropping-kimi",
          s -> {
            try (s) {
              connections.incrementAndGet();
              java.io.BufferedReader in =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
              String line = in.readLine();
              if (line != null && line.startsWith("GET /v1/models ")) {
                requests.incrementAndGet();
              }
              while (line != null && !line.isEmpty()) {
                line = in.readLine(); // the rest of the request's head
              }
            } // closed, unanswered
          });
      runner
          .withPropertyValues(
              "spring.ai.kimi.base-url=http://127.0.0.1:" + dropping.getLocalPort() + "/v1")
          .run(context -> tenProbesFindKimiUnreachable(context, Duration.ofSeconds(3)));
    }
    assertThat(calls).as("checks the client sent").hasValue(1);
    assertThat(requests).as("requests the server read").hasValue(2);
    assertThat(connections).hasValue(2);
  }

  @Test
  void inTheRootStatusOnRequestKimiDownTakesTheApplicationDown() throws IOException {
    runner
        .withPropertyValues(
            "spring.ai.kimi.base-url=http://127.0.0.1:" + closedPort() + "/v1",
            "spring.ai.kimi.health.in-root-status=true")
        .run(
            context -> {
              assertThat(root(context).status()).isEqualTo("DOWN");
              assertThat(rootComponents(context)).contains("kimiApi");
              assertThat(kimiGroup(context).status()).isEqualTo("DOWN");
            });
  }

  @Test
  void aGroupThatIncludesKimiCountsIt() throws IOException {
    runner
        .withPropertyValues(
            "spring.ai.kimi.base-url=http://127.0.0.1:" + closedPort() + "/v1",
            "management.endpoint.health.group.dependencies.include=kimiApi")
        .run(
            context -> {
              assertThat(root(context).status()).isEqualTo("UP");
              assertThat(HealthContexts.at(context, "dependencies").status()).isEqualTo("DOWN");
            });
  }

  @Test
  void withoutCachingEachProbeAsks() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.base-url=" + server.baseUrl(), "spring.ai.kimi.health.cache-for=0")
        .run(
            context -> {
              for (int i = 0; i < 3; i++) {
                assertThat(kimi(context).status()).isEqualTo("UP");
              }
            });

    assertThat(modelRequests()).isEqualTo(3);
  }

  @Test
  void aCheckIsReusedForCacheForThenAskedAgain() {
    AtomicLong now = new AtomicLong();
    try (KimiClient client =
        KimiClient.builder().apiKey("sk-boot").baseUrl(server.baseUrl()).build()) {
      KimiHealthIndicator indicator =
          new KimiHealthIndicator(client, Duration.ofSeconds(120), Duration.ofSeconds(2), now::get);
      HealthContexts.Seen first = HealthContexts.of(indicator);
      assertThat(first.status()).isEqualTo("UP");
      assertThat(first.details())
          .containsEntry(KimiHealthCheck.AGE, 0L)
          .containsEntry(KimiHealthCheck.NEXT_CHECK, 120_000L);
      now.addAndGet(Duration.ofSeconds(119).toNanos());
      HealthContexts.Seen cached = HealthContexts.of(indicator);
      assertThat(cached.status()).isEqualTo("UP");
      // the same check, saying how old it is: a cached UP speaks of then
      assertThat(cached.details())
          .containsEntry("checkedAt", first.details().get("checkedAt"))
          .containsEntry(KimiHealthCheck.AGE, 119_000L)
          .containsEntry(KimiHealthCheck.NEXT_CHECK, 1_000L);
      assertThat(modelRequests()).isEqualTo(1);

      now.addAndGet(Duration.ofSeconds(1).toNanos());
      HealthContexts.Seen again = HealthContexts.of(indicator);
      assertThat(again.status()).isEqualTo("UP");
      assertThat(again.details()).containsEntry(KimiHealthCheck.AGE, 0L);
      assertThat(modelRequests()).isEqualTo(2);
    }
  }

  @Test
  void probesThatArriveTogetherShareOneCheck() throws Exception {
    server.enqueue(
        io.github.kimisdk.testing.FakeResponse.json("{\"object\":\"list\",\"data\":[]}")
            .withHeadersDelay(Duration.ofMillis(300)));
    try (KimiClient client =
        KimiClient.builder().apiKey("sk-boot").baseUrl(server.baseUrl()).build()) {
      KimiHealthIndicator indicator =
          new KimiHealthIndicator(client, Duration.ofMinutes(2), Duration.ofSeconds(5), () -> 0);
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<HealthContexts.Seen>> probes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        probes.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await(5, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return HealthContexts.of(indicator);
                }));
      }
      go.countDown();
      for (CompletableFuture<HealthContexts.Seen> p : probes) {
        assertThat(p.get(10, TimeUnit.SECONDS).status()).isEqualTo("UP");
      }
    }
    assertThat(modelRequests()).isEqualTo(1);
  }

  @Test
  void theDefaultsAreWellAboveAProbeIntervalAndWellUnderItsTimeout() {
    KimiHealthProperties defaults = new KimiHealthProperties();
    assertThat(defaults.getCacheFor()).isEqualTo(Duration.ofMinutes(2));
    assertThat(defaults.getTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.isInRootStatus()).isFalse();
    assertThat(Map.of("cacheFor", defaults.getCacheFor()).toString()).contains("PT2M");
  }
}
