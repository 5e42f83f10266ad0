package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.testing.FakeResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChatAllHttpTest extends FakeSuite {

  private static List<ChatRequest> requests(int n) {
    return IntStream.range(0, n).mapToObj(i -> ChatRequest.of("kimi-k2.6", "q" + i)).toList();
  }

  @Test
  void resultsComeBackInInputOrderAndFailuresStayIsolated() {
    server.respondWith(
        r ->
            r.bodyText().contains("\"q3\"") || r.bodyText().contains("\"q7\"")
                ? FakeResponse.error(
                    400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}")
                : null);
    List<ChatResult> heard = Collections.synchronizedList(new ArrayList<>());
    List<ChatResult> results = kimi.chatAll(requests(10), 3, heard::add);

    assertThat(results).hasSize(10);
    for (int i = 0; i < 10; i++) {
      ChatResult r = results.get(i);
      assertThat(r.index()).isEqualTo(i);
      assertThat(r.request().messages()).hasSize(1);
      if (i == 3 || i == 7) {
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.error()).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(r::completionOrThrow).isSameAs(r.error());
      } else {
        assertThat(r.completionOrThrow().text()).isEqualTo("You said: q" + i);
      }
    }
    // each result heard once, as its request finished
    assertThat(heard).hasSize(10).containsExactlyInAnyOrderElementsOf(results);
    assertThat(heard).filteredOn(r -> !r.isSuccess()).extracting(ChatResult::index).contains(3, 7);
    assertThat(server.requestCount()).isEqualTo(10);
  }

  @Test
  void neverHasMoreThanTheBoundInFlight() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    server.respondWith(
        r -> {
          int now = inFlight.incrementAndGet();
          peak.accumulateAndGet(now, Math::max);
          try {
            // hold the first wave until the test has seen the bound reached
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          inFlight.decrementAndGet();
          return null;
        });
    var future = kimi.chatAllAsync(requests(8), 2, null);
    while (server.requestCount() < 2) {
      Thread.onSpinWait();
    }
    assertThat(server.requestCount()).isEqualTo(2);
    release.countDown();
    List<ChatResult> results = future.get(10, TimeUnit.SECONDS);
    assertThat(results).allMatch(ChatResult::isSuccess);
    assertThat(peak.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void aThrowingListenerDoesNotStallTheRest() {
    List<ChatResult> results =
        kimi.chatAll(
            requests(4),
            2,
            r -> {
              throw new IllegalStateException("listener bug");
            });
    assertThat(results).hasSize(4).allMatch(ChatResult::isSuccess);
  }

  @Test
  void emptyInputAndBadArguments() {
    assertThat(kimi.chatAll(List.of(), 4, null)).isEmpty();
    assertThatThrownBy(() -> kimi.chatAll(requests(1), 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrency");
    assertThatThrownBy(() -> new ChatResult(0, ChatRequest.of("kimi-k2.6", "x"), null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNullRequestIsNamedByItsIndex() {
    List<ChatRequest> withNull = new java.util.ArrayList<>(requests(3));
    withNull.set(1, null);
    assertThatThrownBy(() -> kimi.chatAll(withNull, 4, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("requests[1] is null");
    assertThatThrownBy(() -> kimi.chatAllAsync(null, 4, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("requests");
    assertThat(server.requestCount()).as("nothing was sent").isZero();
  }
}
