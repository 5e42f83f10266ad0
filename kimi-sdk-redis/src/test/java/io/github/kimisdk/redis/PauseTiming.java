package io.github.kimisdk.redis;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What stands between a 429 and the pause in the store (issue 75), in one fresh client JVM on a
 * real redis-server: the client makes {@code successes} calls, then its next is refused with a 429
 * ({@code Retry-After: 5}); it prints how long after the 429's headers reached the client it began
 * writing the pause, gave the refused slot back, and its listener heard the failure. With {@code
 * failed}, its first call is refused with a 400 first, so that the client has made its error
 * machinery before the 429. The store is the fleet's ({@link FleetClient.Timed}), which also prints
 * its {@code paused} line. Run as the fleet's clients run ({@code -XX:TieredStopAtLevel=1}):
 *
 * <pre>{@code
 * java -XX:TieredStopAtLevel=1 -cp TEST_CLASS_PATH io.github.kimisdk.redis.PauseTiming 20 [failed]
 * }</pre>
 */
final class PauseTiming {

  private PauseTiming() {}

  private static volatile long headersAt;
  private static volatile long heardAt;

  public static void main(String[] args) throws Exception {
    int successes = Integer.parseInt(args[0]);
    boolean failed = args.length > 1 && args[1].equals("failed");
    AtomicInteger n = new AtomicInteger();
    try (RedisServer redis = RedisServer.start();
        FakeKimiServer kimi =
            new FakeKimiServer()
                .respondWith(
                    r -> {
                      int i = n.getAndIncrement();
                      if (failed && i == 0) {
                        return FakeResponse.error(
                            400,
                            "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"no\"}}");
                      }
                      if (i < successes + (failed ? 1 : 0)) {
                        return FakeResponse.json(Fleet.ANSWER);
                      }
                      return FakeResponse.error(
                              429,
                              "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your"
                                  + " account org<ak> request reached organization max"
                                  + " concurrency: 4, please try again after 5 seconds\"}}")
                          .withHeader("Retry-After", "5");
                    })
                .start();
        ClientKind.Connected connected = ClientKind.JEDIS.standalone(redis.port())) {
      FleetClient.Timed timed =
          new FleetClient.Timed(
              RedisRateLimitStore.builder(connected.scripts()).restartWait(false).build());
      try (KimiClient client =
          KimiClient.builder()
              .apiKey("sk-timing")
              .baseUrl(kimi.baseUrl())
              .retryPolicy(RetryPolicy.defaults().withMaxRetries(0))
              .rateLimit(RateLimit.builder().maxConcurrency(4).store(timed, "org").build())
              .listener(
                  new CallListener() {
                    @Override
                    public void onHeaders(CallEvent.Headers event) {
                      if (event.metadata().statusCode() == 429) {
                        headersAt = System.nanoTime();
                      }
                    }

                    @Override
                    public void onFailure(CallEvent.Failure event) {
                      if (headersAt != 0 && heardAt == 0) {
                        heardAt = System.nanoTime();
                      }
                    }
                  })
              .build()) {
        for (int i = 0; i <= successes + (failed ? 1 : 0); i++) {
          try {
            client.chat(ChatRequest.of("kimi-k2.6", "timing " + i));
          } catch (RuntimeException e) {
            // the 400 and the 429
          }
        }
        System.out.printf(
            "after %d calls%s: from the 429's headers, the pause began after %.2f ms, the slot went"
                + " back after %.2f ms, the listener heard the failure after %.2f ms%n",
            successes,
            failed ? " (a failure first)" : "",
            (timed.pausedAt - headersAt) / 1e6,
            (timed.lastGaveBackAt - headersAt) / 1e6,
            (heardAt - headersAt) / 1e6);
      }
    }
  }
}
