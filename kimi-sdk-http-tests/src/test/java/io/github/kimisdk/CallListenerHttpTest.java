package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Call listeners over loopback: what they hear, in which order, and that they cannot break it. */
class CallListenerHttpTest {

  static final String KEY = "sk-test-listener-key-0123456789abcdef";

  FakeKimiServer server;
  KimiClient kimi;
  Recorder client;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    client = new Recorder("client");
    Recorder.order.clear();
  }

  @AfterEach
  void stop() {
    if (kimi != null) {
      kimi.close();
    }
    server.close();
  }

  private KimiClient client(CallListener... more) {
    KimiClient.Builder b =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(server.baseUrl())
            .retryPolicy(FakeSuite.fastRetries())
            .listener(client);
    for (CallListener l : more) {
      b.listener(l);
    }
    kimi = b.build();
    return kimi;
  }

  @Test
  void aChatIsHeardFromRequestToEndWithItsUsageAndCostAndBothListenersFireClientsFirst()
      throws Exception {
    client();
    Recorder call = new Recorder("call");
    ChatCompletion c =
        kimi.withOptions(RequestOptions.builder().listener(call).build())
            .chat(ChatRequest.of("kimi-k3", "Name a river"));
    CallEvent.End end = client.end.get(10, TimeUnit.SECONDS);
    call.end.get(10, TimeUnit.SECONDS);

    assertThat(client.moments()).containsExactly("request 1", "headers 1 200", "end");
    assertThat(call.moments()).isEqualTo(client.moments());
    assertThat(Recorder.order).containsSubsequence("client:request 1", "call:request 1");
    assertThat(Recorder.order).containsSubsequence("client:end", "call:end");

    CallEvent.Request req = (CallEvent.Request) client.events.get(0);
    assertThat(req.call().operation()).isEqualTo(CallEvent.Operation.CHAT);
    assertThat(req.call().model()).isEqualTo("kimi-k3");
    assertThat(req.call().path()).isEqualTo("chat/completions");
    assertThat(req.bodyBytes()).isEqualTo(server.takeRequest().body().length);
    assertThat(req.estimatedPromptTokens()).isNull(); // no rate limiter, no estimate
    assertThat(end.call()).isEqualTo(req.call());
    assertThat(end.attempts()).isEqualTo(1);
    assertThat(end.usage()).isEqualTo(c.usage());
    assertThat(end.finishReason()).isEqualTo(c.finishReason());
    assertThat(end.cost()).isEqualTo(kimi.prices().cost("kimi-k3", c.usage()).orElseThrow());
    assertThat(end.metadata().requestId()).isEqualTo(c.metadata().requestId());
    assertThat(end.timeToFirstChunk()).isNull();
    CallEvent.Headers h = (CallEvent.Headers) client.events.get(1);
    assertThat(h.timeToHeaders()).isLessThanOrEqualTo(end.duration());
    assertThat(String.valueOf(client.events)).doesNotContain(KEY).doesNotContain("Name a river");
  }

  @Test
  void aRetriedCallIsHeardWithTheFailureAndTheWaitBeforeTheNextAttempt() throws Exception {
    client();
    server.enqueue(FakeResponse.error(500, err("server_error", "boom")));
    kimi.chat(ChatRequest.of("kimi-k2.6", "Hi"));
    CallEvent.End end = client.end.get(10, TimeUnit.SECONDS);

    assertThat(client.moments())
        .containsExactly(
            "request 1", "headers 1 500", "retry 1", "request 2", "headers 2 200", "end");
    CallEvent.Retry retry = (CallEvent.Retry) client.events.get(2);
    assertThat(retry.failure()).isInstanceOf(ServerException.class);
    assertThat(((ServerException) retry.failure()).status()).isEqualTo(500);
    assertThat(retry.delay()).isBetween(Duration.ZERO, Duration.ofMillis(5));
    assertThat(end.attempts()).isEqualTo(2);
  }

  @Test
  void aStreamIsHeardWithItsFirstChunkAndItsUsageAtTheEnd() throws Exception {
    client();
    ChatCompletion whole;
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "Name a sea"))) {
      whole = s.toCompletion();
    }
    CallEvent.End end = client.end.get(10, TimeUnit.SECONDS);

    assertThat(client.moments()).containsExactly("request 1", "headers 1 200", "first", "end");
    assertThat(end.call().operation()).isEqualTo(CallEvent.Operation.CHAT_STREAM);
    assertThat(end.usage()).isEqualTo(whole.usage()).isNotNull();
    assertThat(end.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(end.cost()).isEqualTo(kimi.prices().cost("kimi-k3", whole.usage()).orElseThrow());
    CallEvent.FirstChunk first = (CallEvent.FirstChunk) client.events.get(2);
    assertThat(end.timeToFirstChunk()).isEqualTo(first.timeToFirstChunk());
    assertThat(first.timeToFirstChunk()).isLessThanOrEqualTo(end.duration());
  }

  @Test
  void aFailedCallIsHeardOnceWithTheFailureTheCallerSees() throws Exception {
    client();
    server.enqueue(FakeResponse.error(400, err("invalid_request_error", "bad")));
    Throwable thrown = null;
    try {
      kimi.chat(ChatRequest.of("kimi-k3", "Hi"));
    } catch (InvalidRequestException e) {
      thrown = e;
    }
    CallEvent.Failure f = client.failure.get(10, TimeUnit.SECONDS);
    assertThat(thrown).isNotNull();
    assertThat(f.failure()).isSameAs(thrown);
    assertThat(f.attempts()).isEqualTo(1);
    assertThat(client.moments()).containsExactly("request 1", "headers 1 400", "failure");
  }

  @Test
  void aStreamClosedBeforeItsEndIsHeardAsTheFailureItsConsumerWouldSee() throws Exception {
    client();
    // one chunk, then comments and no end until the client goes
    server.enqueue(FakeResponse.rawSse("data: " + content("a") + "\n\n").holdingOpen());
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "Hi"))) {
      s.iterator().next();
    }
    CallEvent.Failure f = client.failure.get(10, TimeUnit.SECONDS);
    assertThat(f.failure())
        .isInstanceOf(StreamAbortedException.class)
        .hasMessageContaining("closed (close() on the stream)");
    assertThat(client.moments()).endsWith("first", "failure").doesNotContain("end");
  }

  /** Throws on every end; a class of its own, so its one log line is this test's. */
  static final class ThrowsOnEnd implements CallListener {
    @Override
    public void onEnd(CallEvent.End e) {
      throw new IllegalStateException("listener-boom-42\nforged line");
    }
  }

  @Test
  void aListenerThatThrowsIsLoggedByNameWithWhatItThrew() {
    List<String> lines;
    try (JulLines log = new JulLines("io.github.kimisdk.listener")) {
      lines = log.lines;
      client(new ThrowsOnEnd());
      kimi.chat(ChatRequest.of("kimi-k3", "Hi"));
      kimi.chat(ChatRequest.of("kimi-k3", "Hi"));
    }

    assertThat(lines)
        .containsExactly(
            "The CallListener io.github.kimisdk.CallListenerHttpTest$ThrowsOnEnd threw"
                + " java.lang.IllegalStateException: listener-boom-42\\nforged line; the call"
                + " goes on (logged once per listener class)");
  }

  @Test
  void aListenerThatThrowsNeverBreaksTheCallAndTheOthersStillHearIt() throws Exception {
    CallListener throwing =
        new CallListener() {
          @Override
          public void onRequest(CallEvent.Request e) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onHeaders(CallEvent.Headers e) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onFirstChunk(CallEvent.FirstChunk e) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onEnd(CallEvent.End e) {
            throw new IllegalStateException("listener bug");
          }
        };
    Recorder after = new Recorder("after");
    client(throwing, after);
    assertThat(kimi.chat(ChatRequest.of("kimi-k3", "Hi")).text()).isNotEmpty();
    after.end.get(10, TimeUnit.SECONDS);
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "Hi"))) {
      assertThat(s.toCompletion().text()).isNotEmpty();
    }
    assertThat(client.moments()).contains("first").endsWith("end");
  }

  @Test
  void aPlatformCallIsHeardWithItsPath() throws Exception {
    client();
    kimi.models().list();
    CallEvent.End end = client.end.get(10, TimeUnit.SECONDS);
    assertThat(end.call().operation()).isEqualTo(CallEvent.Operation.PLATFORM);
    assertThat(end.call().path()).isEqualTo("models");
    assertThat(end.call().model()).isNull();
    assertThat(end.metadata().statusCode()).isEqualTo(200);
  }

  @Test
  void listenersAreNotNullAndOptionsMergeThemInOrder() {
    assertThatThrownBy(() -> RequestOptions.builder().listener(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> KimiClient.builder().listener(null))
        .isInstanceOf(NullPointerException.class);
    CallListener a = new CallListener() {};
    CallListener b = new CallListener() {};
    RequestOptions merged =
        RequestOptions.builder()
            .listener(a)
            .build()
            .merge(RequestOptions.builder().listener(b).build());
    assertThat(merged.listeners()).containsExactly(a, b);
    assertThat(merged.isEmpty()).isFalse();
    assertThat(merged.toString()).contains("listeners=2");
  }

  static String err(String type, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}";
  }

  static String content(String text) {
    return ClientInternals.content("c", "kimi-k3", text);
  }

  /** Records what it hears, in order; completes a future at the end or failure. */
  static final class Recorder implements CallListener {
    static final List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    final String name;
    final List<CallEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<CallEvent.End> end = new CompletableFuture<>();
    final CompletableFuture<CallEvent.Failure> failure = new CompletableFuture<>();

    Recorder(String name) {
      this.name = name;
    }

    List<String> moments() {
      List<String> out = new ArrayList<>();
      synchronized (events) {
        for (CallEvent e : events) {
          out.add(moment(e));
        }
      }
      return out;
    }

    static String moment(CallEvent e) {
      if (e instanceof CallEvent.Request r) {
        return "request " + r.attempt();
      } else if (e instanceof CallEvent.Headers h) {
        return "headers " + h.attempt() + " " + h.metadata().statusCode();
      } else if (e instanceof CallEvent.Retry r) {
        return "retry " + r.attempt();
      } else if (e instanceof CallEvent.FirstChunk) {
        return "first";
      } else if (e instanceof CallEvent.End) {
        return "end";
      }
      return "failure";
    }

    private void heard(CallEvent e) {
      events.add(e);
      order.add(name + ":" + moment(e));
    }

    @Override
    public void onRequest(CallEvent.Request e) {
      heard(e);
    }

    @Override
    public void onHeaders(CallEvent.Headers e) {
      heard(e);
    }

    @Override
    public void onFirstChunk(CallEvent.FirstChunk e) {
      heard(e);
    }

    @Override
    public void onRetry(CallEvent.Retry e) {
      heard(e);
    }

    @Override
    public void onEnd(CallEvent.End e) {
      heard(e);
      end.complete(e);
    }

    @Override
    public void onFailure(CallEvent.Failure e) {
      heard(e);
      failure.complete(e);
    }
  }
}
