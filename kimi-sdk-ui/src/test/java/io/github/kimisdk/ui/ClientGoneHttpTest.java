package io.github.kimisdk.ui;

import static io.github.kimisdk.ui.ChatRig.types;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that goes away, over loopback, as docs/ui-message-stream.md says ("A stream that
 * survives"): a plain chat stream, which has no run, is cancelled, so Kimi's call is closed before
 * its end (the fake's own record: a streamed response the client abandoned); an agent's run goes on
 * to its end in the store, its call to Kimi read to the end, whether the client was the JDK
 * server's handler's (its connection closed) or a reactive framework's subscriber (cancelled). (The
 * JDK server's handler with a plain chat stream: {@code ChatStreamHttpTest}.)
 */
@ExtendWith(FakeKimiExtension.class)
class ClientGoneHttpTest {

  static final String ALICE = "alice@example.com";

  /** A chat whose forty words come a tenth of a second apart: four seconds if read to the end. */
  static FakeResponse slowChat() {
    FakeResponse.SseBuilder slow = FakeResponse.sse();
    for (int i = 0; i < 40; i++) {
      slow.data(
              "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                  + "\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w"
                  + i
                  + " \"}}]}")
          .pause(Duration.ofMillis(100));
    }
    return slow.done().build();
  }

  /** A subscriber that asks for one part at a time until it has seen a text-delta. */
  static final class UntilText implements Flow.Subscriber<String> {
    final List<String> parts = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch sawText = new CountDownLatch(1);
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(String part) {
      parts.add(part);
      if (part.contains("\"text-delta\"")) {
        sawText.countDown();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      ended.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      ended.complete(null);
    }
  }

  /** A page subscribed to a slow chat's events, once it has seen a text-delta. */
  static UntilText pageAtText(FakeKimiServer fake, KimiClient kimi) throws InterruptedException {
    fake.enqueue(slowChat());
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6").thinking(Thinking.disabled()).addUser("Hi").build();
    UntilText page = new UntilText();
    UiResponse.of(kimi.stream(request)).events().subscribe(page);
    assertThat(page.sawText.await(30, TimeUnit.SECONDS)).isTrue();
    return page;
  }

  /** Waits, bounded, for the agent to tell that the run ended, and reads its saved state. */
  static RunState awaitEnd(ChatRig rig, String runId) throws Exception {
    rig.ended(runId).get(60, TimeUnit.SECONDS);
    return rig.chat.agent().load(runId).orElseThrow();
  }

  @Test
  void aChatStreamsSubscriberThatCancelsCancelsKimisCall(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    UntilText page = pageAtText(fake, kimi);
    page.subscription.cancel(); // the page goes away mid-answer

    assertThat(fake.awaitDisconnect(Duration.ofSeconds(30)))
        .as("Kimi's call was closed before its end")
        .isTrue();
    assertThat(fake.disconnectCount()).isEqualTo(1);
    assertThat(page.ended).as("nothing after a cancellation").isNotDone();
  }

  @Test
  void aChatStreamsSubscriberThatRequestsZeroIsSentAnErrorAndKimisCallIsCancelled(
      FakeKimiServer fake, KimiClient kimi) throws Exception {
    UntilText page = pageAtText(fake, kimi);
    page.subscription.request(0); // rule 3.9

    assertThat(page.ended)
        .failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOf(IllegalArgumentException.class)
        .withMessageContaining("3.9");
    assertThat(fake.awaitDisconnect(Duration.ofSeconds(30)))
        .as("Kimi's call was closed before its end")
        .isTrue();
  }

  @Test
  void theJdkServersClientThatGoesAwayLeavesTheRunToGoOnToItsEnd(
      FakeKimiServer fake, KimiClient kimi) throws Exception {
    fake.enqueue(
        ResumeHttpTest.slowReply("kimi-k3", ResumeHttpTest.PIECES, Duration.ofMillis(200)));
    try (ChatRig rig = new ChatRig(kimi, RunStore.inMemory(), b -> b)) {
      HttpResponse<InputStream> page =
          rig.open(rig.postRequest(ChatRig.ask("chat-g", JsonArray.of(), "Limits?")), ALICE);
      assertThat(page.statusCode()).isEqualTo(200);
      List<JsonObject> before =
          ChatRig.Sse.read(page.body(), ps -> types(ps).contains("text-delta"));
      page.body().close(); // the page goes away mid-answer

      RunState run = awaitEnd(rig, "chat-g.1");

      assertThat(ChatRig.text(before, "text")).isNotEqualTo(ResumeHttpTest.whole());
      assertThat(run.status()).isEqualTo(RunState.Status.ANSWERED);
      assertThat(run.text()).isEqualTo(ResumeHttpTest.whole());
      assertThat(fake.requestCount()).isEqualTo(1);
      assertThat(fake.disconnectCount()).as("Kimi's stream was read to its end").isZero();
    }
  }

  @Test
  void aSubscriberThatCancelsLeavesTheRunToGoOnToItsEnd(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    fake.enqueue(
        ResumeHttpTest.slowReply("kimi-k3", ResumeHttpTest.PIECES, Duration.ofMillis(200)));
    try (ChatRig rig = new ChatRig(kimi, RunStore.inMemory(), b -> b)) {
      UiResponse r =
          rig.chat.post(
              ChatRig.ask("chat-h", JsonArray.of(), "Limits?").getBytes(StandardCharsets.UTF_8),
              ALICE);
      assertThat(r.status()).isEqualTo(200);
      UntilText page = new UntilText();

      r.events().subscribe(page);
      assertThat(page.sawText.await(30, TimeUnit.SECONDS)).isTrue();
      page.subscription.cancel(); // the page goes away mid-answer

      RunState run = awaitEnd(rig, "chat-h.1");
      assertThat(run.status()).isEqualTo(RunState.Status.ANSWERED);
      assertThat(run.text()).isEqualTo(ResumeHttpTest.whole());
      assertThat(fake.requestCount()).isEqualTo(1);
      assertThat(fake.disconnectCount()).as("Kimi's stream was read to its end").isZero();
      assertThat(page.ended).as("nothing after a cancellation").isNotDone();
    }
  }

  /**
   * A chat stream quiet for long (Kimi between two chunks) is sent comment lines, which find a
   * client that went away while nothing else would: its call is then closed, not left to run until
   * Kimi's next chunk. The interval here is 50 ms; {@code writeTo} sends one every 15 s.
   */
  @Test
  void aChatStreamQuietForLongIsSentKeepAlivesWhichFindAClientThatWentAway() throws Exception {
    try (FakeKimiServer fake = new FakeKimiServer().trackConnections().start();
        KimiClient kimi = KimiClient.builder().apiKey("sk-test").baseUrl(fake.baseUrl()).build()) {
      aQuietChatFindsAClientThatWentAway(fake, kimi);
    }
  }

  private static void aQuietChatFindsAClientThatWentAway(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    fake.enqueue(
        FakeResponse.sse()
            .data(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"Thinking it over\"}}]}")
            .pause(Duration.ofSeconds(60)) // Kimi quiet for a minute
            .done()
            .build());
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6").thinking(Thinking.disabled()).addUser("Hi").build();
    java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
    java.io.OutputStream client =
        new java.io.OutputStream() {
          private int keepAlives;

          @Override
          public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            String text = new String(b, off, len, StandardCharsets.UTF_8);
            boolean afterText = sent.toString(StandardCharsets.UTF_8).contains("Thinking it over");
            if (text.equals(Parts.KEEP_ALIVE) && afterText && ++keepAlives == 2) {
              throw new java.io.IOException("the client went away");
            }
            sent.write(b, off, len);
          }

          @Override
          public void write(int b) {
            throw new AssertionError("parts are written whole");
          }
        };

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> UiResponse.of(kimi.stream(request)).writeTo(client, 50))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("the client went away");

    String body = sent.toString(StandardCharsets.UTF_8);
    assertThat(body.indexOf("Thinking it over"))
        .as("the text, then a comment line in the quiet")
        .isNotNegative()
        .isLessThan(body.lastIndexOf(Parts.KEEP_ALIVE));
    assertThat(
            fake.awaitConnections(
                () -> fake.clientClosedConnections() == 1, Duration.ofSeconds(30)))
        .as("Kimi's call was closed in its quiet (the fake's record), not at its end a minute on")
        .isTrue();
    assertThat(fake.busyConnections()).isZero();
  }
}
