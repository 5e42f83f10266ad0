package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.TestClients;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.limit.RateLimiter;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rate limiter's interceptor: a blocking call whose permit is granted on another thread (the
 * one that gave a slot back) is not sent on that thread, which belongs to another caller.
 */
@ExtendWith(FakeKimiExtension.class)
class LimitingHttpTest {

  static final ChatRequest HI = ChatRequest.of("kimi-k2.6", "Hi");

  @Test
  void aBlockingCallGrantedItsSlotOnAnotherCallersThreadDoesNotBlockThatCaller(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    KimiClient kimi =
        clients.build(b -> b.rateLimit(RateLimit.builder().maxConcurrency(1).build()));
    RateLimiter limiter = TestClients.core(kimi).limiter();
    CountDownLatch firstReturned = new CountDownLatch(1);
    AtomicBoolean secondWaitedInVain = new AtomicBoolean();
    AtomicInteger seen = new AtomicInteger();
    server.respondWith(
        r -> {
          if (seen.incrementAndGet() == 1) {
            // the first call holds the one slot until the second queues behind it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (limiter.queued() == 0 && System.nanoTime() < deadline) {
              LockSupport.parkNanos(1_000_000);
            }
            return FakeResponse.reply("first");
          }
          try {
            // the second answers once the first caller got its answer; on the old code the first
            // caller's thread was sending this very exchange, and waited for it
            secondWaitedInVain.set(!firstReturned.await(10, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FakeResponse.reply("second");
        });

    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(
            () -> {
              String text = kimi.chat(HI).text();
              firstReturned.countDown();
              return text;
            });
    CompletableFuture<String> second =
        CompletableFuture.supplyAsync(
            () -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
              while (server.requestCount() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000); // the first call holds the slot
              }
              return kimi.chat(HI).text();
            });

    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("first");
    assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("second");
    assertThat(secondWaitedInVain)
        .as("the first caller returned before the second's answer")
        .isFalse();
  }
}
