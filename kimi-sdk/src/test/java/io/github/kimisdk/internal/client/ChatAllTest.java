package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.platform.ChatResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChatAllTest {

  private final List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();

  private ChatAll chatAll(int n, int limit) {
    List<ChatRequest> requests =
        IntStream.range(0, n).mapToObj(i -> ChatRequest.of("kimi-k2.6", "q" + i)).toList();
    return new ChatAll(
        requests,
        limit,
        null,
        r -> {
          CompletableFuture<ChatCompletion> f = new CompletableFuture<>();
          calls.add(f);
          return f;
        },
        e -> TestErrors.exceptions().connection("failed: " + e, e, null));
  }

  @Test
  void cancellingCancelsCallsInFlightAndStartsNoMore() {
    CompletableFuture<List<ChatResult>> all = chatAll(6, 2).start();
    assertThat(calls).hasSize(2);

    all.cancel(true);

    assertThat(calls).allMatch(CompletableFuture::isCancelled);
    assertThat(calls).hasSize(2);
  }

  @Test
  void eachCompletionStartsExactlyOneMore() {
    CompletableFuture<List<ChatResult>> all = chatAll(3, 2).start();
    assertThat(calls).hasSize(2);
    calls.get(1).completeExceptionally(new IllegalStateException("x"));
    assertThat(calls).hasSize(3);
    calls.get(0).completeExceptionally(new IllegalStateException("y"));
    assertThat(all).isNotDone();
    calls.get(2).completeExceptionally(new IllegalStateException("z"));
    assertThat(all.join())
        .extracting(r -> r.error().getMessage())
        .containsExactly(
            "failed: java.lang.IllegalStateException: y",
            "failed: java.lang.IllegalStateException: x",
            "failed: java.lang.IllegalStateException: z");
  }

  @Test
  void aCallThatThrowsBecomesAFailedResult() {
    ChatAll all =
        new ChatAll(
            List.of(ChatRequest.of("kimi-k2.6", "q")),
            1,
            null,
            r -> {
              throw new IllegalStateException("closed");
            },
            e -> TestErrors.exceptions().connection("mapped", e, null));
    List<ChatResult> results = all.start().join();
    assertThat(results).singleElement().satisfies(r -> assertThat(r.isSuccess()).isFalse());
  }
}
