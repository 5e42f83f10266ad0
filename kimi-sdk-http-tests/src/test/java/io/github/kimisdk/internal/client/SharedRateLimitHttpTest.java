package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.internal.http.CountingHttpClient;
import io.github.kimisdk.testing.FakeKimiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two clients of one account against a {@link FakeKimiServer} enforcing its RPM, on one virtual
 * clock: each limiting itself, the account overshoots; sharing a store, it does not.
 */
class SharedRateLimitHttpTest {

  private final ManualScheduler time = new ManualScheduler();
  private final CountingHttpClient http = new CountingHttpClient();
  private final FakeKimiServer server =
      new FakeKimiServer(new RateLimitHttpTest.VirtualClock(time)).start();
  private final List<KimiClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(KimiClient::close);
    server.close();
  }

  private KimiClient client(RateLimit limit) {
    KimiClient c = RateLimitHttpTest.virtual(time, http, server).rateLimit(limit).build();
    clients.add(c);
    return c;
  }

  /** Sends 15 calls from each client at once and runs virtual time until all finished. */
  private List<CompletableFuture<ChatCompletion>> burst(KimiClient a, KimiClient b) {
    return RateLimitHttpTest.together(
        time, http, 15, List.of(Map.entry("a", a), Map.entry("b", b)));
  }

  @Test
  void twoClientsSharingAStoreStayUnderTheAccountsLimitTogether() {
    server.requestsPerMinute(10);
    VirtualStore store = new VirtualStore(time);
    RateLimit limit = RateLimit.builder().requestsPerMinute(10).store(store, "org-a").build();

    List<CompletableFuture<ChatCompletion>> calls = burst(client(limit), client(limit));

    assertThat(calls).allMatch(f -> !f.isCompletedExceptionally());
    assertThat(server.rateLimitedCount()).isZero();
    assertThat(server.requestCount()).isEqualTo(30);
    // 10 per rolling minute for the account: the 30th request goes out in the third minute
    assertThat(time.elapsed()).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(3));
  }

  @Test
  void twoClientsEachLimitingItselfOvershootTheAccount() {
    server.requestsPerMinute(10);
    RateLimit limit = RateLimit.builder().requestsPerMinute(10).build();

    burst(client(limit), client(limit));

    assertThat(server.rateLimitedCount()).isPositive();
  }
}
