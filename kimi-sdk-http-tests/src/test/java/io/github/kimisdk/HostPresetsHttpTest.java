package io.github.kimisdk;

import static io.github.kimisdk.HostDialectsHttpTest.message;
import static io.github.kimisdk.HostDialectsHttpTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each host's preset against a {@link FakeKimiServer} that behaves as the host's own source and
 * docs describe (docs/hosts.md, "What was verified"): SGLang refusing a stream with an error event
 * on its 200, vLLM refusing past its admission limit, Fireworks' ids and strict message schema,
 * OpenRouter's and Together's switches.
 */
class HostPresetsHttpTest {

  private final List<FakeKimiServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(FakeKimiServer::close);
  }

  private FakeKimiServer fake(String dialect) {
    FakeKimiServer s = new FakeKimiServer().dialect(dialect).start();
    servers.add(s);
    return s;
  }

  private static KimiClient client(Host host) {
    return KimiClient.builder().apiKey("sk-test").host(host).build();
  }

  /** A client of {@code host} that spends no retry. */
  private static KimiClient spendingNoRetry(Host host) {
    return KimiClient.builder()
        .apiKey("sk-test")
        .host(host)
        .retryPolicy(RetryPolicy.defaults().withMaxRetries(0))
        .build();
  }

  private static JsonObject body(RecordedRequest r) {
    return r.json().asObject();
  }

  /** A request with thinking off. */
  private static final ChatRequest OFF =
      ChatRequest.builder("kimi-k2.6").addUser("hi").thinking(Thinking.disabled()).build();

  /** A request for {@code level} of reasoning effort. */
  private static ChatRequest effort(String level) {
    return ChatRequest.builder("kimi-k3").addUser("hi").reasoningEffort(level).build();
  }

  /** The thinking the fake read from {@code r}, as JSON. */
  private static String thinkingRead(RecordedRequest r) {
    return Json.write(r.asRead().orElseThrow().get("thinking"));
  }

  /**
   * Sends {@code requests} through a client of {@code host} at {@code fake}'s URL and returns what
   * the fake received, in order.
   */
  private static List<RecordedRequest> sent(
      FakeKimiServer fake, Host host, ChatRequest... requests) {
    try (KimiClient kimi = client(host.withBaseUrl(fake.baseUrl()))) {
      for (ChatRequest r : requests) {
        kimi.chat(r);
      }
    }
    List<RecordedRequest> sent = new ArrayList<>();
    for (int i = 0; i < requests.length; i++) {
      sent.add(fake.takeRequest());
    }
    return sent;
  }

  @Test
  void anSglangStreamRefusedWithItsErrorEventMovesOnAndCoolsTheHost() {
    FakeKimiServer sglang = fake("sglang").failCalls("queue-full=1");
    FakeKimiServer moonshot = fake("moonshot");
    int answered = 0;
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-team")
            .host(Host.sglang(sglang.baseUrl()))
            .fallback(
                Target.of(Host.moonshot(Endpoint.of(moonshot.baseUrl())), "kimi-k3").apiKey("sk-b"))
            // a busy host is held for the policy's first backoff: a minute here, so that the
            // 20 streams meet one hold however long a busy machine takes to send them
            .retryPolicy(
                RetryPolicy.defaults().withBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1)))
            .build()) {
      for (int i = 0; i < 20; i++) {
        try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "hi " + i))) {
          ChatCompletion c = s.toCompletion();
          assertThat(c.text()).isEqualTo("You said: hi " + i);
          assertThat(s.metadata().orElseThrow().servedBy().target()).isEqualTo(1);
          answered++;
        }
      }
    }
    assertThat(answered).as("streamed calls answered").isEqualTo(20);
    assertThat(sglang.requestCount()).as("SGLang asked once, then held busy").isEqualTo(1);
    assertThat(sglang.requests())
        .as("each refusal an error event on the stream's 200, as SGLang sends it")
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(moonshot.requestCount()).isEqualTo(20);
    System.out.printf(
        "SGLang refusing every stream first: 20 of 20 answered; requests to SGLang: %d%n",
        sglang.requestCount());
  }

  @Test
  void anSglangStreamRefusedAloneIsSentAgainSpendingNoRetry() {
    FakeKimiServer sglang = fake("sglang").failCalls("queue-full=0.5"); // the 2nd, 4th, ... call
    try (KimiClient kimi = spendingNoRetry(Host.sglang(sglang.baseUrl()))) {
      for (String text : List.of("one", "two")) {
        try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", text))) {
          assertThat(s.toCompletion().text()).isEqualTo("You said: " + text);
        }
      }
    }
    assertThat(sglang.requestCount())
        .as("the second stream refused once, then answered: a full queue is waited out")
        .isEqualTo(3);
  }

  @Test
  void aVllmAdmittingTwoAnswersTwentyCallsSentEightAtOnce() {
    FakeKimiServer vllm = fake("vllm").maxConcurrency(2).latency(Duration.ofMillis(100));
    List<ChatRequest> requests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      requests.add(ChatRequest.of("kimi-k3", "hi " + i));
    }
    List<ChatResult> results;
    try (KimiClient kimi = spendingNoRetry(Host.vllm(vllm.baseUrl()))) {
      results = kimi.chatAll(requests, 8, null);
    }
    assertThat(results).allMatch(ChatResult::isSuccess);
    List<RecordedRequest> refused =
        vllm.requests().stream().filter(r -> r.status() != 200).toList();
    // what the server recorded, however the calls interleaved: the 20 answers and its refusals,
    // each waited out and sent again (no retry is spent on a full queue: the policy has none)
    assertThat(vllm.requestCount()).isEqualTo(20 + refused.size());
    assertThat(refused)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(503);
              assertThat(text(r.error().orElseThrow().get("message")))
                  .startsWith("The engine is currently busy and cannot accept new requests.");
            });
    System.out.printf(
        "vLLM admitting 2, 20 calls 8 at once: %d 503s, peak %d at once%n",
        refused.size(), vllm.peakConcurrency());
  }

  @Test
  void anSglangAdmittingTwoAnswersTwentyStreamsSentEightAtOnceItsConcurrencyGateHearingItsEvents()
      throws Exception {
    FakeKimiServer sglang = fake("sglang").maxConcurrency(2).latency(Duration.ofMillis(100));
    java.util.concurrent.ExecutorService eight =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<String>> streams = new ArrayList<>();
    try (KimiClient kimi = spendingNoRetry(Host.sglang(sglang.baseUrl()))) {
      for (int i = 0; i < 20; i++) {
        String text = "hi " + i;
        streams.add(
            eight.submit(
                () -> {
                  try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", text))) {
                    return s.toCompletion().text();
                  }
                }));
      }
      for (int i = 0; i < 20; i++) {
        assertThat(streams.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo("You said: hi " + i);
      }
    } finally {
      eight.shutdownNow();
    }
    // what the server recorded, however the streams interleaved: the 20 answers and the streams
    // it refused with its event, each heard as a full queue (the policy has no retry to spend)
    // and sent again
    assertThat(sglang.requestCount()).isEqualTo(20 + sglang.rateLimitedCount());
    System.out.printf(
        "SGLang admitting 2, 20 streams 8 at once: %d refused with its event%n",
        sglang.rateLimitedCount());
  }

  @Test
  void kimiK25OnFireworksIsSentInFireworksSpellingAndItsToolRoundTripIsAccepted() {
    FakeKimiServer fireworks = fake("fireworks").models("kimi-k2.5", "kimi-k3");
    ChatRequest ask =
        HostDialectsHttpTest.weather()
            .model("kimi-k2.5")
            .addUser("the weather in city=Paris")
            .build();
    try (KimiClient kimi = client(Host.FIREWORKS.withBaseUrl(fireworks.baseUrl()))) {
      ChatCompletion called = kimi.chat(ask);
      ToolCall call = called.toolCalls().get(0);
      assertThat(call.name()).isEqualTo("get_weather");
      Message tool = Message.tool(call, "sunny");
      ChatCompletion answer =
          kimi.chat(ask.toBuilder().addMessage(called.message()).addMessage(tool).build());
      assertThat(answer.text()).isEqualTo("From the tools: get_weather says sunny.");
      assertThat(answer.model()).isEqualTo("accounts/fireworks/models/kimi-k2p5");
    }
    RecordedRequest first = fireworks.takeRequest();
    assertThat(text(body(first).get("model"))).isEqualTo("accounts/fireworks/models/kimi-k2p5");
    RecordedRequest replay = fireworks.takeRequest();
    assertThat(replay.status()).as("Fireworks' strict schema took the history").isEqualTo(200);
    JsonObject toolMessage = message(body(replay), "tool");
    assertThat(toolMessage.members().keySet()).containsExactly("role", "tool_call_id", "content");
  }

  @Test
  void aPartialReplyAFallbackFireworksCouldNotTakeFailsBeforeAnythingIsSent() {
    FakeKimiServer moonshot = fake("moonshot");
    FakeKimiServer fireworks = fake("fireworks");
    ChatRequest partial =
        ChatRequest.builder("kimi-k2.6")
            .addUser("Write a haiku")
            .addMessage(
                new io.github.kimisdk.chat.AssistantMessage(
                    "Autumn", null, List.of(), null, true, null, null))
            .build();
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-a")
            .baseUrl(moonshot.baseUrl())
            .fallback(
                Target.of(Host.FIREWORKS.withBaseUrl(fireworks.baseUrl()), "kimi-k2.6")
                    .apiKey("fw-b"))
            .build()) {
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> kimi.chat(partial)))
          .isInstanceOf(io.github.kimisdk.errors.ConfigurationException.class)
          .hasMessageContaining("partial assistant message")
          .hasMessageContaining("fireworks");
    }
    assertThat(moonshot.requestCount() + fireworks.requestCount()).isZero();
  }

  @Test
  void fireworksIsSentTheEffortAloneAndThinkingOffAsNone() {
    List<RecordedRequest> sent = sent(fake("fireworks"), Host.FIREWORKS, effort("max"), OFF);
    RecordedRequest max = sent.get(0);
    assertThat(max.status()).isEqualTo(200);
    assertThat(body(max).get("reasoning_effort")).isEqualTo(JsonString.of("max"));
    assertThat(body(max).has("thinking")).as("never beside reasoning_effort").isFalse();
    assertThat(thinkingRead(max)).isEqualTo("{\"type\":\"enabled\",\"effort\":\"max\"}");
    RecordedRequest off = sent.get(1);
    assertThat(body(off).get("reasoning_effort")).isEqualTo(JsonString.of("none"));
    assertThat(thinkingRead(off)).isEqualTo("{\"type\":\"disabled\"}");
  }

  @Test
  void openRouterIsSentItsOffSwitchAndMaxAsItsDocsNameThem() {
    FakeKimiServer openrouter = fake("openrouter");
    try (KimiClient kimi = client(Host.OPENROUTER.withBaseUrl(openrouter.baseUrl()))) {
      kimi.chat(OFF);
      ChatCompletion max = kimi.chat(effort("max"));
      assertThat(max.text()).isEqualTo("You said: hi");
    }
    RecordedRequest off = openrouter.takeRequest();
    assertThat(body(off).get("reasoning")).isEqualTo(Json.parse("{\"effort\":\"none\"}"));
    assertThat(thinkingRead(off)).isEqualTo("{\"type\":\"disabled\"}");
    RecordedRequest max = openrouter.takeRequest();
    assertThat(body(max).get("reasoning")).isEqualTo(Json.parse("{\"effort\":\"max\"}"));
    assertThat(body(max).has("reasoning_effort")).isFalse();
  }

  @Test
  void togetherIsSentTheEffortAtTheTopLevelAndThinkingOffAsEnabledFalse() {
    List<RecordedRequest> sent = sent(fake("together"), Host.TOGETHER, effort("low"), OFF);
    RecordedRequest low = sent.get(0);
    assertThat(body(low).get("reasoning_effort")).isEqualTo(JsonString.of("low"));
    assertThat(body(low).get("reasoning")).isEqualTo(Json.parse("{\"enabled\":true}"));
    assertThat(thinkingRead(low))
        .as("Together read the effort where its docs put it")
        .isEqualTo("{\"type\":\"enabled\",\"effort\":\"low\"}");
    RecordedRequest off = sent.get(1);
    assertThat(body(off).get("reasoning")).isEqualTo(Json.parse("{\"enabled\":false}"));
    assertThat(thinkingRead(off)).isEqualTo("{\"type\":\"disabled\"}");
  }
}
