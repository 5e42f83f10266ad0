package io.github.kimisdk.ui;

import static io.github.kimisdk.ui.ChatRig.approved;
import static io.github.kimisdk.ui.ChatRig.first;
import static io.github.kimisdk.ui.ChatRig.text;
import static io.github.kimisdk.ui.ChatRig.types;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stream that survives, over loopback: a page that reconnects mid-answer is sent the whole
 * answer; another server instance replays the run from the store and follows it; two tabs that
 * approve the same call on two instances at once make one transfer.
 */
@ExtendWith(FakeKimiExtension.class)
class ResumeHttpTest {

  static final String ALICE = "alice@example.com";

  /** A reply streamed in {@code pieces} pieces with a pause between them. */
  static FakeResponse slowReply(String model, List<String> pieces, Duration pause) {
    FakeResponse.SseBuilder b = FakeResponse.sse();
    for (String piece : pieces) {
      b.data(
              "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
                  + model
                  + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
                  + Json.write(io.github.kimisdk.json.JsonString.of(piece))
                  + "}}]}")
          .pause(pause);
    }
    b.data(
        "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
            + model
            + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20}}");
    return b.done().build();
  }

  static final List<String> PIECES =
      List.of("The ", "transfer ", "limits ", "are ", "set ", "by ", "your ", "bank.");

  static String whole() {
    return String.join("", PIECES);
  }

  @Test
  void aPageThatReconnectsMidAnswerIsSentTheWholeAnswer(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    fake.enqueue(slowReply("kimi-k3", PIECES, Duration.ofMillis(300)));
    try (ChatRig rig = new ChatRig(kimi, RunStore.inMemory(), b -> b)) {
      HttpResponse<InputStream> first =
          rig.open(rig.postRequest(ChatRig.ask("chat-r", JsonArray.of(), "Limits?")), ALICE);
      assertThat(first.statusCode()).isEqualTo(200);
      List<JsonObject> before =
          ChatRig.Sse.read(first.body(), ps -> types(ps).contains("text-delta"));
      first.body().close(); // the page reloads

      ChatRig.Reply again = rig.get("/chat-r/stream", ALICE);
      assertThat(again.status()).isEqualTo(200);
      List<JsonObject> parts = again.parts();
      assertThat(types(parts)).startsWith("start").endsWith("finish", "[DONE]");
      assertThat(text(parts, "text")).isEqualTo(whole());
      assertThat(text(before, "text")).isNotEqualTo(whole()); // it did reload mid-answer
      assertThat(first(parts, "finish").get("finishReason").asString()).isEqualTo("stop");
      assertThat(rig.chat.agent().load("chat-r.1").orElseThrow().status())
          .isEqualTo(RunState.Status.ANSWERED);
    }
  }

  @Test
  void anotherInstanceReplaysTheRunFromTheStoreAndFollowsIt(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    fake.enqueue(slowReply("kimi-k3", PIECES, Duration.ofMillis(300)));
    RunStore shared = RunStore.inMemory();
    try (ChatRig a = new ChatRig(kimi, shared, b -> b);
        ChatRig b =
            new ChatRig(
                kimi,
                shared,
                x -> x,
                c -> c.follow(Duration.ofMillis(50), Duration.ofMinutes(2)))) {
      HttpResponse<InputStream> onA =
          a.open(a.postRequest(ChatRig.ask("chat-s", JsonArray.of(), "Limits?")), ALICE);
      ChatRig.Sse.read(onA.body(), ps -> types(ps).contains("text-delta"));

      ChatRig.Reply onB = b.get("/chat-s/stream", ALICE);
      assertThat(onB.status()).isEqualTo(200);
      List<JsonObject> parts = onB.parts();
      assertThat(types(parts))
          .startsWith("start")
          .containsSubsequence("start-step", "text-start", "text-delta", "text-end", "finish-step")
          .endsWith("finish", "[DONE]");
      assertThat(text(parts, "text")).isEqualTo(whole());
      assertThat(first(parts, "finish").get("finishReason").asString()).isEqualTo("stop");
      assertThat(first(parts, "finish").get("messageMetadata").get("status").asString())
          .isEqualTo("answered");
      assertThat(fake.requestCount()).as("B drove nothing: A did").isEqualTo(1);
      onA.body().close();
    }
  }

  @Test
  void twoTabsApprovingTheSameCallOnTwoInstancesAtOnceMakeOneTransfer(
      FakeKimiServer fake, KimiClient kimi) throws Exception {
    RunStore shared = RunStore.inMemory();
    try (ChatRig a = new ChatRig(kimi, shared, b -> b);
        ChatRig b = new ChatRig(kimi, shared, x -> x)) {
      ChatRig.Reply paused =
          a.post(
              ChatRig.ask("chat-t", JsonArray.of(), "Please transfer to=acct-9 amount=250"), ALICE);
      assertThat(paused.status()).isEqualTo(200);
      JsonArray messages = Json.parse(a.get("/chat-t/messages", ALICE).body()).asArray();
      String body =
          ChatRig.answer(
              "chat-t", ChatRig.edit(messages, "chat-t.1:1:0", p -> approved(p, true, null)));
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<ChatRig.Reply> tabOne =
          CompletableFuture.supplyAsync(() -> await(go, () -> a.post(body, ALICE)));
      CompletableFuture<ChatRig.Reply> tabTwo =
          CompletableFuture.supplyAsync(() -> await(go, () -> b.post(body, ALICE)));
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      List<String> refusals = new ArrayList<>();
      for (ChatRig.Reply r :
          List.of(tabOne.get(2, TimeUnit.MINUTES), tabTwo.get(2, TimeUnit.MINUTES))) {
        statuses.add(r.status());
        if (r.status() != 200) {
          refusals.add(r.error());
        }
      }
      assertThat(statuses).containsExactlyInAnyOrder(200, 409);
      assertThat(refusals.get(0)).endsWith("nothing was run");
      assertThat(a.bank.transfers().size() + b.bank.transfers().size()).isEqualTo(1);
      assertThat(a.bank.requests() + b.bank.requests()).isEqualTo(1);
      assertThat(a.chat.agent().load("chat-t.1").orElseThrow().status())
          .isEqualTo(RunState.Status.ANSWERED);
    }
  }

  /**
   * A store shared with the instance that drives the run, whose claims wait until the test says so:
   * a store slow to claim, as a busy database is.
   */
  static RunStore slowToClaim(RunStore store, CountDownLatch go, List<Claim> claims) {
    // a proxy, not a class forwarding each operation (kimi-sdk-agents' ForwardingRunStore is in
    // that module's package, which these tests, on the module path, cannot share)
    return (RunStore)
        java.lang.reflect.Proxy.newProxyInstance(
            RunStore.class.getClassLoader(),
            new Class<?>[] {RunStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("claim") && !go.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test never let the claim go");
              }
              Object out;
              try {
                out = method.invoke(store, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
              if (out instanceof Claim c) {
                claims.add(c);
              }
              return out;
            });
  }

  @Test
  void aStreamAnsweredBeforeItsClaimThatFindsTheRunTakenFollowsItToItsEnd(
      FakeKimiServer fake, KimiClient kimi) throws Exception {
    fake.enqueue(slowReply("kimi-k3", PIECES, Duration.ofMillis(400)));
    RunStore shared = RunStore.inMemory();
    CountDownLatch claimsGo = new CountDownLatch(1);
    List<Claim> claims = new java.util.concurrent.CopyOnWriteArrayList<>();
    RunStore slow = slowToClaim(shared, claimsGo, claims);
    try (ChatRig a = new ChatRig(kimi, shared, x -> x);
        ChatRig b =
            new ChatRig(
                kimi,
                slow,
                x -> x,
                c ->
                    c.claimWait(Duration.ofMillis(50))
                        .follow(Duration.ofMillis(50), Duration.ofMinutes(2)))) {
      HttpResponse<InputStream> onA =
          a.open(a.postRequest(ChatRig.ask("chat-w", JsonArray.of(), "Limits?")), ALICE);
      ChatRig.Sse.read(onA.body(), ps -> types(ps).contains("text-delta"));

      // B resumes the run it finds running; its claim waits in the store past B's claim wait, so
      // B answers with the stream first, and only then finds the run taken by A
      HttpRequest.Builder get =
          HttpRequest.newBuilder(URI.create(b.base() + "/chat-w/stream")).GET();
      HttpResponse<InputStream> onB = b.open(get, ALICE);
      assertThat(onB.statusCode()).isEqualTo(200);
      claimsGo.countDown();

      // the stream follows A's run to its end (it used to stay open, with nothing more, forever)
      CompletableFuture<List<JsonObject>> read =
          CompletableFuture.supplyAsync(() -> ChatRig.Sse.read(onB.body(), ps -> false));
      List<JsonObject> parts = read.get(1, TimeUnit.MINUTES);
      assertThat(types(parts))
          .containsSubsequence("text-start", "text-delta", "text-end")
          .endsWith("finish", "[DONE]");
      assertThat(text(parts, "text")).isEqualTo(whole());
      assertThat(first(parts, "finish").get("messageMetadata").get("status").asString())
          .isEqualTo("answered");
      assertThat(fake.requestCount()).as("B drove nothing: A did").isEqualTo(1);
      assertThat(claims)
          .as("B's claim found the run A drives (A had not answered yet)")
          .first()
          .isInstanceOf(Claim.Taken.class);
      onA.body().close();
    }
  }

  static <T> T await(CountDownLatch go, java.util.function.Supplier<T> then) {
    try {
      assertThat(go.await(1, TimeUnit.MINUTES)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return then.get();
  }

  @Test
  void aSecondTabOnTheSameServerIsToldTheReplyIsStreaming(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    fake.enqueue(slowReply("kimi-k3", PIECES, Duration.ofMillis(300)));
    try (ChatRig rig = new ChatRig(kimi, RunStore.inMemory(), b -> b)) {
      HttpResponse<InputStream> first =
          rig.open(rig.postRequest(ChatRig.ask("chat-u", JsonArray.of(), "Limits?")), ALICE);
      ChatRig.Sse.read(first.body(), ps -> types(ps).contains("text-delta"));
      ChatRig.Reply second = rig.post(ChatRig.ask("chat-u", JsonArray.of(), "Limits?"), ALICE);
      assertThat(second.status()).isEqualTo(409);
      assertThat(second.error()).contains("is streaming").contains("reconnect");
      assertThat(fake.requestCount()).isEqualTo(1);
      first.body().close();
      HttpRequest.Builder get =
          HttpRequest.newBuilder(URI.create(rig.base() + "/chat-u/stream")).GET();
      ChatRig.Sse.read(rig.open(get, ALICE).body(), ps -> false);
    }
  }
}
