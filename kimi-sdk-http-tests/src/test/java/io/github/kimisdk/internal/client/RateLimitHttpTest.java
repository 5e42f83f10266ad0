package io.github.kimisdk.internal.client;

import static io.github.kimisdk.ClientInternals.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.ClientInternals;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.internal.http.CountingHttpClient;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.platform.Balance;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rate limiter against a {@link FakeKimiServer} that enforces an RPM limit. Client and server
 * share one virtual clock that moves only when every HTTP exchange has settled, so nothing sleeps
 * and loopback latency cannot skew the count.
 */
class RateLimitHttpTest {

  private static final int CALLERS = 50;

  private final ManualScheduler time = new ManualScheduler();
  private final CountingHttpClient http = new CountingHttpClient();
  private final FakeKimiServer server = new FakeKimiServer(new VirtualClock(time)).start();
  private KimiClient kimi;

  @AfterEach
  void close() {
    if (kimi != null) {
      kimi.close();
    }
    server.close();
  }

  private KimiClient client(RateLimit limit) {
    kimi = virtual(time, http, server).rateLimit(limit).build();
    return kimi;
  }

  /** A builder of a client of {@code server} on the test's virtual time and counting transport. */
  static KimiClient.Builder virtual(
      ManualScheduler time, CountingHttpClient http, FakeKimiServer server) {
    return ClientInternals.builder(time)
        .apiKey("sk-test")
        .baseUrl(server.baseUrl())
        .httpClient(http);
  }

  /** Starts 50 callers at once and runs virtual time until all of them finished. */
  private List<CompletableFuture<ChatCompletion>> fiftyCallers() {
    return together(time, http, CALLERS, List.of(Map.entry("question ", kimi)));
  }

  /**
   * Starts {@code rounds} calls of each client at once, in rounds, each client's {@code i}-th
   * asking its prompt prefix followed by {@code i}, and runs virtual time until all of them
   * finished.
   */
  static List<CompletableFuture<ChatCompletion>> together(
      ManualScheduler time,
      CountingHttpClient http,
      int rounds,
      List<Map.Entry<String, KimiClient>> prefixedClients) {
    List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      for (Map.Entry<String, KimiClient> c : prefixedClients) {
        calls.add(c.getValue().chatAsync(ChatRequest.of("kimi-k2.6", c.getKey() + i)));
      }
    }
    http.runUntilDone(time, calls);
    return calls;
  }

  @Test
  void fiftyCallersSharingALimitedClientAllSucceedWithoutA429() {
    server.requestsPerMinute(10);
    client(RateLimit.builder().maxConcurrency(5).requestsPerMinute(10).build());

    List<CompletableFuture<ChatCompletion>> calls = fiftyCallers();

    assertThat(calls).allMatch(f -> !f.isCompletedExceptionally());
    assertThat(calls.get(7).join().text()).isEqualTo("You said: question 7");
    assertThat(server.rateLimitedCount()).isZero();
    assertThat(server.requestCount()).isEqualTo(CALLERS);
    // 10 per rolling minute: the 50th request goes out in the fifth minute
    assertThat(time.elapsed()).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
  }

  @Test
  void aClientThatOverestimatesTheLimitPausesForEveryoneSoRefusalsStayBounded() {
    // the console said Tier 1 but the organisation really has 10 RPM (limits change; kimi-api.md 6)
    server.requestsPerMinute(10);
    client(RateLimit.builder().maxConcurrency(5).requestsPerMinute(200).build());

    List<CompletableFuture<ChatCompletion>> calls = fiftyCallers();

    assertThat(calls).allMatch(f -> !f.isCompletedExceptionally());
    // only the calls already in flight when the first 429 came back can be refused: at most the
    // concurrency; then everyone pauses, one probe goes, and the limit stated in Kimi's message
    // ("max RPM: 10") replaces the configured one
    assertThat(server.rateLimitedCount()).isBetween(1, 5);
    assertThat(ClientInternals.core(kimi).limiter().requestsPerMinute()).isEqualTo(10);
    assertThat(ClientInternals.core(kimi).limiter().rejected())
        .isEqualTo(server.rateLimitedCount());
    assertThat(server.requestCount()).isEqualTo(CALLERS + server.rateLimitedCount());
  }

  @Test
  void withoutTheLimiterTheSameBurstBecomesARetryStorm() {
    server.requestsPerMinute(10);
    kimi = virtual(time, http, server).build();

    List<CompletableFuture<ChatCompletion>> calls = fiftyCallers();

    // every caller retries alone after Retry-After, all at the same moment: 40 + 30 + 20 refused
    assertThat(server.rateLimitedCount()).isEqualTo(90);
    assertThat(calls.stream().filter(CompletableFuture::isCompletedExceptionally)).hasSize(20);
  }

  @Test
  void chatAllSharesTheLimit() {
    server.requestsPerMinute(4);
    client(RateLimit.builder().requestsPerMinute(4).build());
    List<ChatRequest> requests =
        IntStream.range(0, 9).mapToObj(i -> ChatRequest.of("kimi-k2.6", "q" + i)).toList();

    CompletableFuture<List<ChatResult>> all = kimi.chatAllAsync(requests, 8, null);
    http.runUntilDone(time, List.of(all));

    assertThat(all.join()).allMatch(ChatResult::isSuccess);
    assertThat(server.rateLimitedCount()).isZero();
    assertThat(time.elapsed()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void platformCallsCountAsRequests() {
    server.requestsPerMinute(2);
    client(RateLimit.builder().requestsPerMinute(2).build());
    CompletableFuture<List<ListedModel>> models = kimi.models().listAsync();
    CompletableFuture<Balance> balance = kimi.account().balanceAsync();
    CompletableFuture<ChatCompletion> chat = kimi.chatAsync(ChatRequest.of("kimi-k2.6", "hi"));
    http.awaitSettled();
    assertThat(models.join()).isNotEmpty();
    assertThat(balance.join().available()).isPositive();
    assertThat(chat).isNotDone();
    assertThat(http.sent()).isEqualTo(2);

    time.advanceToNext();
    http.awaitSettled();
    assertThat(chat.join().text()).isEqualTo("You said: hi");
    assertThat(server.rateLimitedCount()).isZero();
  }

  @Test
  void aRequestLargerThanTheWholeTokenBudgetFailsFast() {
    client(RateLimit.builder().tokensPerMinute(5_000).build());
    ChatRequest big =
        ChatRequest.of("kimi-k2.6", "hi").toBuilder().maxCompletionTokens(8_000).build();

    CompletableFuture<ChatCompletion> f = kimi.chatAsync(big);
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join)
        .hasCauseInstanceOf(PreflightException.class)
        .hasMessageContaining("exceeds the whole tokens-per-minute limit of 5000")
        .hasMessageContaining("max_completion_tokens");
    assertThatThrownBy(() -> kimi.chat(big)).isInstanceOf(PreflightException.class);
    assertThatThrownBy(() -> kimi.stream(big)).isInstanceOf(PreflightException.class);
    assertThat(http.sent()).isZero();
  }

  @Test
  void anOpenStreamHoldsItsSlotUntilClosed() {
    client(RateLimit.builder().maxConcurrency(1).build());
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    ChatStream stream = kimi.stream(ChatRequest.of("kimi-k2.6", "long"));
    Iterator<ChatCompletionChunk> it = stream.iterator();
    assertThat(it.next().text()).isEqualTo("first");

    CompletableFuture<ChatCompletion> waiting = kimi.chatAsync(ChatRequest.of("kimi-k2.6", "next"));
    assertThat(http.sent()).isEqualTo(1);
    assertThat(waiting).isNotDone();

    stream.close();
    assertThat(waiting.orTimeout(30, TimeUnit.SECONDS).join().text()).isEqualTo("You said: next");
    assertThat(http.sent()).isEqualTo(2);
  }

  @Test
  void aCancelledStreamSubscriptionReleasesItsSlot() {
    client(RateLimit.builder().maxConcurrency(1).build());
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    ChatStream stream = kimi.stream(ChatRequest.of("kimi-k2.6", "long"));
    CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    stream.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscribed.complete(s);
            s.request(1);
          }

          @Override
          public void onNext(ChatCompletionChunk item) {
            first.complete(item.text());
          }

          @Override
          public void onError(Throwable t) {
            first.completeExceptionally(t);
          }

          @Override
          public void onComplete() {}
        });
    assertThat(first.orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo("first");
    CompletableFuture<ChatCompletion> waiting = kimi.chatAsync(ChatRequest.of("kimi-k2.6", "next"));
    assertThat(waiting).isNotDone();

    subscribed.join().cancel();
    assertThat(waiting.orTimeout(30, TimeUnit.SECONDS).join().text()).isEqualTo("You said: next");
  }

  @Test
  void aStreamQueuedBehindTheLimitStartsOnceASlotFrees() {
    client(RateLimit.builder().maxConcurrency(1).build());
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    ChatStream holder = kimi.stream(ChatRequest.of("kimi-k2.6", "long"));
    Iterator<ChatCompletionChunk> it = holder.iterator();
    assertThat(it.next().text()).isEqualTo("first");

    ChatStream queued = kimi.stream(ChatRequest.of("kimi-k2.6", "queued"));
    CompletableFuture<ChatCompletion> whole =
        CompletableFuture.supplyAsync(() -> queued.forEachText(t -> {}));
    assertThat(http.sent()).isEqualTo(1);

    holder.close();
    assertThat(whole.orTimeout(30, TimeUnit.SECONDS).join().text()).isEqualTo("You said: queued");
    // the finished stream gave its slot back too
    assertThat(
            kimi.chatAsync(ChatRequest.of("kimi-k2.6", "after"))
                .orTimeout(30, TimeUnit.SECONDS)
                .join()
                .text())
        .isEqualTo("You said: after");
  }

  @Test
  void aStreamRefusedForConcurrencyLowersTheLimitPausesNobodyAndIsSentAgainAfterItsRetryAfter() {
    kimi =
        virtual(time, http, server)
            // a wait for a busy host of 7 s, which the default busy wait (5 s) would not take
            .retryPolicy(
                RetryPolicy.defaults().withMaxRetries(0).withBusyWait(Duration.ofSeconds(10)))
            .rateLimit(RateLimit.builder().maxConcurrency(4).build())
            .build();
    server.enqueue(
        FakeResponse.error(
                429,
                "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your account"
                    + " o<a> request reached organization max concurrency: 2, please try again after"
                    + " 7 seconds\"}}")
            .withHeader("Retry-After", "7"));
    ChatStream stream = kimi.stream(ChatRequest.of("kimi-k2.6", "s"));
    CompletableFuture<ChatCompletion> whole = CompletableFuture.supplyAsync(stream::toCompletion);
    time.awaitScheduled(Duration.ofSeconds(7)); // its retry, after the wait Kimi asked for
    assertThat(ClientInternals.core(kimi).limiter().pauseLeft()).isEmpty();
    assertThat(ClientInternals.core(kimi).limiter().maxConcurrency()).isEqualTo(2);
    assertThat(ClientInternals.core(kimi).gate().limit()).isEqualTo(2);

    // nobody else waits: another call goes at once
    CompletableFuture<ChatCompletion> next = kimi.chatAsync(ChatRequest.of("kimi-k2.6", "n"));
    assertThat(next.orTimeout(30, TimeUnit.SECONDS).join().text()).isEqualTo("You said: n");
    assertThat(http.sent()).as("the stream not sent again before its 7 s").isEqualTo(2);

    assertThat(whole).isNotDone();
    time.advance(Duration.ofSeconds(7));
    assertThat(whole.orTimeout(30, TimeUnit.SECONDS).join().text())
        .as("sent again, no retry spent")
        .isEqualTo("You said: s");
  }

  @Test
  void aStreamRefusedForTheRateWithA429PausesEveryoneSharingTheClient() {
    kimi =
        virtual(time, http, server)
            .retryPolicy(RetryPolicy.none())
            .rateLimit(RateLimit.builder().maxConcurrency(4).requestsPerMinute(500).build())
            .build();
    server.enqueue(
        FakeResponse.error(
                429,
                "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your account"
                    + " o<a> request reached organization max RPM: 100, please try again after"
                    + " 7 seconds\"}}")
            .withHeader("Retry-After", "7"));
    ChatStream stream = kimi.stream(ChatRequest.of("kimi-k2.6", "s"));
    assertThatThrownBy(() -> stream.forEachText(t -> {})).isInstanceOf(RateLimitException.class);
    http.awaitSettled();
    assertThat(ClientInternals.core(kimi).limiter().pauseLeft()).hasValue(Duration.ofSeconds(7));
    assertThat(ClientInternals.core(kimi).limiter().requestsPerMinute()).isEqualTo(100);

    CompletableFuture<ChatCompletion> next = kimi.chatAsync(ChatRequest.of("kimi-k2.6", "n"));
    assertThat(http.sent()).isEqualTo(1);
    time.advance(Duration.ofSeconds(7));
    assertThat(next.orTimeout(30, TimeUnit.SECONDS).join().text()).isEqualTo("You said: n");
  }

  @Test
  void closingTheClientCancelsCallsWaitingForTheLimiter() {
    client(RateLimit.builder().maxConcurrency(1).build());
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    ChatStream stream = kimi.stream(ChatRequest.of("kimi-k2.6", "long"));
    assertThat(stream.iterator().next().text()).isEqualTo("first");
    CompletableFuture<ChatCompletion> waiting = kimi.chatAsync(ChatRequest.of("kimi-k2.6", "x"));
    CompletableFuture<Balance> balance = kimi.account().balanceAsync();
    assertThat(balance.orTimeout(30, TimeUnit.SECONDS).join()).isNotNull(); // no slot needed

    kimi.close();

    assertThat(waiting.orTimeout(30, TimeUnit.SECONDS).handle((r, e) -> e).join()).isNotNull();
    assertThat(waiting.isCompletedExceptionally()).isTrue();
    assertThat(http.sent()).isEqualTo(2);
  }

  /**
   * A {@link Clock} reading the test's virtual time, so the fake counts minutes as the client does.
   */
  static final class VirtualClock extends Clock {
    private final ManualScheduler time;

    VirtualClock(ManualScheduler time) {
      this.time = time;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(1_700_000_000L).plusNanos(time.nanoTime());
    }
  }
}
