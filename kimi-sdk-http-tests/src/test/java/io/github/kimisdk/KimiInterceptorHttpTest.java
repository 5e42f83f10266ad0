package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.http.EndingSubscriber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The public interceptor: what it sees, what it changes on the wire, what it answers without a
 * request reaching the server, once per call or once per attempt, for whole replies and streams.
 */
@ExtendWith(FakeKimiExtension.class)
class KimiInterceptorHttpTest {

  static final String MODEL = "kimi-k2.6";
  static final ChatRequest HI = ChatRequest.of(MODEL, "Hi");
  static final RetryPolicy FAST =
      RetryPolicy.defaults()
          .withMaxRetries(2)
          .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1));
  static final String BUSY = "{\"error\":{\"type\":\"server_error\",\"message\":\"busy\"}}";

  /** A cache of whole answers by request, as the examples' cache keeps them. */
  static final class Cache implements KimiInterceptor {
    final Map<ChatRequest, ChatCompletion> answers = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<ChatCompletion> intercept(Chain chain) {
      ChatCompletion hit = answers.get(chain.request());
      if (hit != null) {
        return CompletableFuture.completedFuture(hit);
      }
      return chain
          .proceed(chain.request())
          .thenApply(
              reply -> {
                answers.put(chain.request(), reply);
                return reply;
              });
    }
  }

  /** Writes down each attempt's number and URL; adds the attempt's number as a header. */
  static final class Attempts implements KimiInterceptor {
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    public boolean perAttempt() {
      return true;
    }

    @Override
    public CompletableFuture<ChatCompletion> intercept(Chain chain) {
      seen.add(chain.attempt() + " " + chain.endpoint());
      return chain.proceed(chain.request(), Map.of("X-Attempt", "" + chain.attempt()));
    }
  }

  /** {@code body} run once per attempt (below the retries). */
  static KimiInterceptor perAttempt(KimiInterceptor body) {
    return new KimiInterceptor() {
      @Override
      public boolean perAttempt() {
        return true;
      }

      @Override
      public CompletableFuture<ChatCompletion> intercept(Chain chain) {
        return body.intercept(chain);
      }
    };
  }

  /** An interceptor that runs once per attempt, tells {@code seen} of it, and passes it on. */
  static KimiInterceptor eachAttempt(java.util.function.Consumer<KimiInterceptor.Chain> seen) {
    return perAttempt(
        chain -> {
          seen.accept(chain);
          return chain.proceed(chain.request());
        });
  }

  static ChatCompletion answer(String text) {
    return new ChatCompletion(
        "cached-1",
        "chat.completion",
        1L,
        MODEL,
        List.of(
            new Choice(
                0,
                new AssistantMessage(text, null, List.of(), null, false),
                FinishReason.STOP,
                null)),
        new Usage(3, 2, 5, null, null),
        null);
  }

  @Test
  void anInterceptorAnswersFromItsCacheWithoutARequestReachingTheServer(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    Cache cache = new Cache();
    KimiClient kimi = clients.build(b -> b.interceptor(cache));
    server.enqueue(FakeResponse.reply("first answer"));

    ChatCompletion first = kimi.chat(HI);
    ChatCompletion again = kimi.chat(HI);

    assertThat(server.requestCount()).as("the fake saw one request").isEqualTo(1);
    assertThat(again.text()).isEqualTo("first answer");
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aCacheHitIsNotHeardByTheListenersNorCountedAsSpend(FakeKimiExtension.Clients clients) {
    Cache cache = new Cache();
    List<CallEvent> heard = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(cache)
                    .listener(
                        new CallListener() {
                          @Override
                          public void onEnd(CallEvent.End e) {
                            heard.add(e);
                          }
                        }));
    kimi.chat(HI);
    var spent = kimi.spend();

    kimi.chat(HI);

    assertThat(heard).hasSize(1);
    assertThat(kimi.spend()).isEqualTo(spent);
  }

  @Test
  void aChangedRequestIsWhatTheServerReceivesAndTheListenersHear(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    AtomicReference<ChatRequest> heard = new AtomicReference<>();
    KimiInterceptor redact =
        chain -> {
          List<Message> messages = new ArrayList<>();
          for (Message m : chain.request().messages()) {
            messages.add(
                m instanceof UserMessage u
                    ? Message.user(u.text().replaceAll("[\\w.+-]+@[\\w-]+\\.[\\w.]+", "[email]"))
                    : m);
          }
          return chain.proceed(chain.request().toBuilder().messages(messages).build());
        };
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(redact)
                    .listener(
                        new CallListener() {
                          @Override
                          public void onRequest(CallEvent.Request e) {
                            heard.set(e.call().request());
                          }
                        }));

    kimi.chat(ChatRequest.of(MODEL, "Write to ada@example.com today"));

    String sent = server.takeRequest().bodyText();
    assertThat(sent).contains("Write to [email] today").doesNotContain("ada@example.com");
    assertThat(((UserMessage) heard.get().messages().get(0)).text())
        .isEqualTo("Write to [email] today");
  }

  @Test
  void aChangedModelIsAdaptedAsTheCallersWouldBe(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(
                    chain -> chain.proceed(chain.request().toBuilder().model("kimi-k3").build())));

    kimi.chat(ChatRequest.builder(MODEL).addUser("Hi").maxCompletionTokens(64).build());

    ChatRequest adapted =
        kimi.adapt(ChatRequest.builder("kimi-k3").addUser("Hi").maxCompletionTokens(64).build());
    JsonObject body = (JsonObject) server.takeRequest().json();
    assertThat(((JsonString) body.get("model")).value()).isEqualTo("kimi-k3");
    assertThat(body.has("temperature")).isEqualTo(adapted.temperature() != null);
    assertThat(body.has("thinking") || body.has("reasoning_effort"))
        .isEqualTo(adapted.thinking() != null || adapted.reasoningEffort() != null);
  }

  @Test
  void aPerAttemptInterceptorSeesEachRetryWithItsNumberAndTheUrlItGoesTo(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    Attempts attempts = new Attempts();
    KimiClient kimi = clients.build(b -> b.retryPolicy(FAST).interceptor(attempts));
    server.enqueue(FakeResponse.error(503, BUSY));
    server.enqueue(FakeResponse.reply("hello"));

    assertThat(kimi.chat(HI).text()).isEqualTo("hello");

    URI chat = URI.create(server.baseUrl() + "/chat/completions");
    assertThat(attempts.seen).containsExactly("1 " + chat, "2 " + chat);
    assertThat(server.takeRequest().header("X-Attempt")).hasValue("1");
    assertThat(server.takeRequest().header("X-Attempt")).hasValue("2");
  }

  @Test
  void aPerCallInterceptorSeesTheCallOnceAfterItsRetries(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi =
        clients.build(
            b ->
                b.retryPolicy(FAST)
                    .interceptor(
                        chain -> {
                          seen.add(chain.attempt());
                          return chain.proceed(chain.request(), Map.of("X-Call", "one"));
                        }));
    server.enqueue(FakeResponse.error(503, BUSY));
    server.enqueue(FakeResponse.reply("hello"));

    assertThat(kimi.chat(HI).text()).isEqualTo("hello");

    assertThat(seen).containsExactly(0);
    assertThat(server.takeRequest().header("X-Call")).hasValue("one");
    assertThat(server.takeRequest().header("X-Call")).hasValue("one");
  }

  @Test
  void everyAttemptOfACallHasTheCallsIdAndEveryCallItsOwn(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<Long> calls = Collections.synchronizedList(new ArrayList<>());
    List<Long> attempts = Collections.synchronizedList(new ArrayList<>());
    KimiInterceptor attempt =
        perAttempt(
            chain -> {
              attempts.add(chain.callId());
              return chain.proceed(chain.request());
            });
    KimiClient kimi =
        clients.build(
            b ->
                b.retryPolicy(FAST)
                    .interceptor(
                        chain -> {
                          calls.add(chain.callId());
                          return chain.proceed(chain.request());
                        })
                    .interceptor(attempt));
    server.enqueue(FakeResponse.error(503, BUSY));

    kimi.chat(HI);
    kimi.chat(HI);

    assertThat(calls).hasSize(2).doesNotHaveDuplicates();
    assertThat(attempts).containsExactly(calls.get(0), calls.get(0), calls.get(1));
  }

  @Test
  void aPerAttemptInterceptorSeesEachAttemptOfAStream(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    Attempts attempts = new Attempts();
    KimiClient kimi = clients.build(b -> b.retryPolicy(FAST).interceptor(attempts));
    server.enqueue(FakeResponse.error(503, BUSY));
    server.enqueue(FakeResponse.reply("hello"));

    assertThat(kimi.stream(HI).toCompletion().text()).isEqualTo("hello");

    assertThat(attempts.seen).hasSize(2);
    assertThat(server.takeRequest().header("X-Attempt")).hasValue("1");
    assertThat(server.takeRequest().header("X-Attempt")).hasValue("2");
  }

  @Test
  void aPerAttemptInterceptorOfAStreamSeesWhatTheStreamDelivered(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    AtomicReference<ChatCompletion> seen = new AtomicReference<>();
    KimiInterceptor attempt =
        perAttempt(chain -> chain.proceed(chain.request()).whenComplete((c, e) -> seen.set(c)));
    KimiClient kimi = clients.build(b -> b.interceptor(attempt));
    server.enqueue(FakeResponse.reply("streamed words"));

    ChatCompletion whole = kimi.stream(HI).toCompletion();

    assertThat(seen.get()).isNotNull();
    assertThat(seen.get().text()).isEqualTo("streamed words");
    assertThat(seen.get()).isEqualTo(whole);
  }

  @Test
  void aStreamInterceptorSeesTheStreamsEndAsTheCompletionItsChunksMakeUp(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    AtomicReference<ChatCompletion> seen = new AtomicReference<>();
    AtomicReference<Boolean> streamed = new AtomicReference<>();
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(
                    chain -> {
                      streamed.set(chain.streamed());
                      return chain.proceed(chain.request()).whenComplete((c, e) -> seen.set(c));
                    }));
    server.enqueue(FakeResponse.reply("one two three"));

    StringBuilder text = new StringBuilder();
    try (ChatStream s = kimi.stream(HI)) {
      assertThat(seen.get()).as("nothing runs before the stream is consumed").isNull();
      for (ChatCompletionChunk c : s) {
        text.append(c.text());
      }
      assertThat(s.metadata()).isNotNull();
    }

    assertThat(streamed.get()).isTrue();
    assertThat(text).hasToString("one two three");
    assertThat(seen.get().text()).isEqualTo("one two three");
    assertThat(seen.get().metadata()).as("the completion carries its response").isNotNull();
    assertThat(server.takeRequest().json().get("stream").toString()).isEqualTo("true");
  }

  @Test
  void aStreamAnsweredByAnInterceptorReplaysAsAStreamOfChunks(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    ChatCompletion cached = answer("from the cache");
    KimiClient kimi =
        clients.build(b -> b.interceptor(chain -> CompletableFuture.completedFuture(cached)));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (ChatStream s = kimi.stream(HI)) {
      s.forEach(chunks::add);
    }

    assertThat(server.requestCount()).isZero();
    assertThat(chunks).isNotEmpty();
    ChatAccumulator acc = new ChatAccumulator();
    chunks.forEach(acc::add);
    assertThat(acc.toCompletion()).isEqualTo(cached);
    assertThat(chunks.get(0).text()).isEqualTo("from the cache");
  }

  @Test
  void aStreamAnsweredLaterFromAnotherThreadReplaysToAnAsyncSubscriber(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      KimiClient kimi =
          clients.build(
              b ->
                  b.interceptor(
                      chain -> CompletableFuture.supplyAsync(() -> answer("later"), pool)));

      ChatCompletion whole = kimi.stream(HI).toCompletion();

      assertThat(whole.text()).isEqualTo("later");
      assertThat(server.requestCount()).isZero();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aStreamAttemptAnsweredByAPerAttemptInterceptorReplays(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiInterceptor attempt =
        perAttempt(chain -> CompletableFuture.completedFuture(answer("attempt's own")));
    KimiClient kimi = clients.build(b -> b.interceptor(attempt));

    assertThat(kimi.stream(HI).toCompletion().text()).isEqualTo("attempt's own");
    assertThat(kimi.chat(HI).text()).isEqualTo("attempt's own");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aBlockingCallWhoseInterceptorProceedsFromAnotherThreadIsSent(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      KimiClient kimi =
          clients.build(
              b ->
                  b.interceptor(
                      chain ->
                          CompletableFuture.supplyAsync(chain::request, pool)
                              .thenCompose(chain::proceed)));
      server.enqueue(FakeResponse.reply("later"));
      server.enqueue(FakeResponse.reply("async"));

      assertThat(kimi.chat(HI).text()).isEqualTo("later");
      assertThat(kimi.chatAsync(HI).get(10, TimeUnit.SECONDS).text()).isEqualTo("async");
      assertThat(server.requestCount()).isEqualTo(2);
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void interceptorsRunInTheOrderAddedTheClientsFirst(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(
                        chain -> {
                          order.add("client 1");
                          return chain.proceed(chain.request());
                        })
                    .interceptor(
                        chain -> {
                          order.add("client 2");
                          return chain.proceed(chain.request());
                        }));
    KimiClient derived =
        kimi.withOptions(
            RequestOptions.builder()
                .interceptor(
                    chain -> {
                      order.add("options");
                      return chain.proceed(chain.request());
                    })
                .build());

    derived.chat(HI);
    kimi.chat(HI);

    assertThat(order).containsExactly("client 1", "client 2", "options", "client 1", "client 2");
  }

  /** Throws from {@code intercept}, as a class of its own. */
  static final class Exploding implements KimiInterceptor {
    @Override
    public CompletableFuture<ChatCompletion> intercept(Chain chain) {
      throw new IllegalStateException("interceptor-boom-42");
    }
  }

  /**
   * How a failed call names its interceptor, one rule per row: a class by its binary name, a lambda
   * by the class that wrote it (never its generated name), a named one by its name; whether it
   * threw or failed its future; each says what it threw.
   */
  @Test
  void anInterceptorThatFailsFailsTheCallNamingItAndSayingWhatItThrewAndSendsNothing(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiInterceptor lambda =
        chain -> {
          throw new IllegalStateException("interceptor-boom-42");
        };
    KimiInterceptor failedFuture =
        chain ->
            chain
                .proceed(chain.request())
                .thenCompose(
                    reply ->
                        CompletableFuture.failedFuture(
                            new IllegalStateException("interceptor-boom-42")));
    Object[][] rows = {
      {new Exploding(), "io.github.kimisdk.KimiInterceptorHttpTest$Exploding"},
      {lambda, "a lambda in io.github.kimisdk.KimiInterceptorHttpTest"},
      {KimiInterceptor.named("tenant-tags", lambda), "tenant-tags"},
      {KimiInterceptor.named("after-the-reply", failedFuture), "after-the-reply"},
    };
    for (Object[] row : rows) {
      KimiInterceptor broken = (KimiInterceptor) row[0];
      String name = (String) row[1];
      KimiClient kimi = clients.build(b -> b.interceptor(broken));
      int before = server.requestCount();

      // a stream's end reached its consumer before the interceptor failed after it: no failure
      List<ThrowingCall> calls =
          name.equals("after-the-reply")
              ? List.of(() -> kimi.chat(HI))
              : List.of(() -> kimi.chat(HI), () -> kimi.stream(HI).toCompletion());
      for (ThrowingCall call : calls) {
        assertThatThrownBy(call::run)
            .as(name)
            .isInstanceOf(ConfigurationException.class)
            .hasMessage(
                "The interceptor "
                    + name
                    + " failed the call: java.lang.IllegalStateException: interceptor-boom-42")
            .hasCauseInstanceOf(IllegalStateException.class);
      }
      if (!name.equals("after-the-reply")) {
        assertThat(server.requestCount()).as(name + " sends nothing").isEqualTo(before);
      }
    }
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void whatAnInterceptorThrewIsEscapedCutAndWithoutTheKeyInTheCallsFailure(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    String key = "sk-interceptor-failure-0123456789abcdef";
    KimiInterceptor leaky =
        chain -> {
          throw new IllegalStateException(
              "forged\nWARNING line with " + key + " " + "x".repeat(10_000));
        };
    KimiClient kimi = clients.build(b -> b.apiKey(key).interceptor(leaky));

    assertThatThrownBy(() -> kimi.chat(HI))
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e -> {
              String m = e.getMessage();
              assertThat(m).doesNotContain(key).doesNotContain("\n").contains("forged\\n");
              assertThat(m).contains("[API key redacted]").hasSizeLessThan(1_000);
            });
  }

  @Test
  void aNamedInterceptorIsTheSameInterceptorUnderAName(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    Attempts attempts = new Attempts();
    KimiInterceptor named = KimiInterceptor.named("attempts", attempts);
    assertThat(named.perAttempt()).isTrue();
    assertThat(named.name()).isEqualTo("attempts");
    assertThat(named).hasToString("KimiInterceptor[attempts]");
    KimiClient kimi = clients.build(b -> b.retryPolicy(FAST).interceptor(named));
    server.enqueue(FakeResponse.error(503, BUSY));

    kimi.chat(HI);

    assertThat(attempts.seen).hasSize(2);
    assertThat(new Exploding().name())
        .isEqualTo("io.github.kimisdk.KimiInterceptorHttpTest$Exploding");
    for (String bad : new String[] {"", "  ", "n".repeat(101)}) {
      assertThatThrownBy(() -> KimiInterceptor.named(bad, attempts))
          .as("[" + bad + "]")
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theServersFailurePassesThroughTheInterceptorAsItIs(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi =
        clients.build(
            b -> b.retryPolicy(RetryPolicy.none()).interceptor(c -> c.proceed(c.request())));
    server.enqueue(FakeResponse.error(503, BUSY));

    assertThatThrownBy(() -> kimi.chat(HI)).isInstanceOf(ServerException.class);
  }

  @Test
  void theKeysHeadersCannotBeSetThroughAnInterceptor(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(
                    chain -> chain.proceed(chain.request(), Map.of("Authorization", "Bearer x"))));

    assertThatThrownBy(() -> kimi.chat(HI))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Authorization");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void theChainPrintsNeitherTheKeyNorTheRequest(FakeKimiExtension.Clients clients) {
    AtomicReference<String> printed = new AtomicReference<>();
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(
                    chain -> {
                      printed.set(chain.toString());
                      return chain.proceed(chain.request());
                    }));

    kimi.chat(ChatRequest.of(MODEL, "secret words"));

    assertThat(printed.get())
        .doesNotContain(FakeKimiExtension.KEY)
        .doesNotContain("secret words")
        .contains("chat");
  }

  @Test
  void aStreamClosedWhileItsInterceptorWaitsEndsCancelled(FakeKimiExtension.Clients clients) {
    CompletableFuture<ChatCompletion> never = new CompletableFuture<>();
    KimiClient kimi = clients.build(b -> b.interceptor(chain -> never));
    ChatStream s = kimi.stream(HI);
    EndingSubscriber<ChatCompletionChunk> ended = new EndingSubscriber<>();
    s.subscribe(ended);

    s.close();

    assertThat(ended.error)
        .isCompletedWithValueMatching(
            e -> e instanceof io.github.kimisdk.errors.CancelledException, "cancelled");
  }

  @Test
  void toolCallsOfAReplayedAnswerAddUpToTheAnswer(FakeKimiExtension.Clients clients) {
    ChatCompletion withTools =
        new ChatCompletion(
            "c-2",
            "chat.completion",
            2L,
            MODEL,
            List.of(
                new Choice(
                    0,
                    new AssistantMessage(
                        null,
                        "thinking",
                        List.of(
                            new ToolCall("call-1", "function", "weather", "{\"city\":\"Paris\"}"),
                            new ToolCall("call-2", "function", "time", "{}")),
                        null,
                        false),
                    FinishReason.TOOL_CALLS,
                    null)),
            new Usage(10, 4, 14, null, null),
            "fp");
    KimiClient kimi =
        clients.build(b -> b.interceptor(chain -> CompletableFuture.completedFuture(withTools)));

    assertThat(kimi.stream(HI).toCompletion()).isEqualTo(withTools);
  }

  static final String OVERLOADED =
      "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}";

  /**
   * The chain docs/hosts.md shows first: two targets on one URL, two models. The first target's
   * model is overloaded, so the call falls back to the second: the interceptors, the listeners and
   * the reply all say so, though both attempts went to the same URL.
   */
  @Test
  void aFallbackBetweenTwoTargetsOfOneUrlIsAFallbackToTheInterceptorsAndTheListeners(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.respondWith(
        r ->
            r.bodyText().contains("\"model\":\"kimi-k3\"")
                ? FakeResponse.error(429, OVERLOADED)
                : null);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    KimiInterceptor perCall =
        chain -> {
          seen.add("call on " + chain.target());
          return chain.proceed(chain.request());
        };
    KimiInterceptor perAttempt =
        eachAttempt(
            chain ->
                seen.add(
                    "attempt "
                        + chain.attempt()
                        + " on target "
                        + chain.target().target()
                        + " "
                        + chain.target().model()
                        + " at "
                        + chain.endpoint()));
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CallListener heard =
        new CallListener() {
          @Override
          public void onRetry(CallEvent.Retry e) {
            events.add("retry after attempt " + e.attempt());
          }

          @Override
          public void onFallback(CallEvent.Fallback e) {
            events.add("fallback from " + e.from().target() + " to " + e.to().target());
          }
        };
    Host sameUrl = Host.moonshot(Endpoint.of(server.baseUrl()));
    KimiClient kimi =
        clients.build(
            b ->
                b.retryPolicy(FAST)
                    .interceptor(perCall)
                    .interceptor(perAttempt)
                    .listener(heard)
                    .fallback(Target.of(sameUrl, MODEL).apiKey(FakeKimiExtension.KEY)));

    ChatCompletion reply = kimi.chat(ChatRequest.of("kimi-k3", "Hi"));

    URI chat = URI.create(server.baseUrl() + "/chat/completions");
    ServedBy own = new ServedBy(0, sameUrl.name(), sameUrl.endpoint().uri(), null);
    assertThat(seen)
        .containsExactly(
            "call on " + own,
            "attempt 1 on target 0 null at " + chat,
            "attempt 2 on target 1 " + MODEL + " at " + chat);
    assertThat(events).containsExactly("fallback from 0 to 1");
    assertThat(reply.metadata().servedBy().target()).isEqualTo(1);
  }

  @Test
  void aClientWithoutFallbackTargetsIsItsOwnOnlyTarget(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<ServedBy> targets = Collections.synchronizedList(new ArrayList<>());
    KimiInterceptor perAttempt = eachAttempt(chain -> targets.add(chain.target()));
    KimiClient kimi = clients.build(b -> b.retryPolicy(FAST).interceptor(perAttempt));
    server.enqueue(FakeResponse.error(503, BUSY));

    kimi.chat(HI);

    ServedBy own = new ServedBy(0, "moonshot", URI.create(server.baseUrl()), null);
    assertThat(targets).containsExactly(own, own);
    KimiClient vllm =
        clients.build(
            b -> b.host(Host.vllm(server.baseUrl())).retryPolicy(FAST).interceptor(perAttempt));
    targets.clear();
    server.dialect("vllm");
    vllm.chat(ChatRequest.of("kimi-k3", "Hi"));
    assertThat(targets)
        .singleElement()
        .satisfies(t -> assertThat(t.host()).isEqualTo("vllm"))
        .satisfies(t -> assertThat(t.target()).isZero());
  }

  @Test
  void aStreamsOncePerCallInterceptorHearsEachChunkAsItReachesTheConsumer(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<ChatCompletionChunk> heard = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    KimiClient kimi =
        clients.build(
            b ->
                b.interceptor(
                    chain -> {
                      chain.onChunk(
                          c -> {
                            heard.add(c);
                            threads.add(Thread.currentThread().getName());
                          });
                      return chain.proceed(chain.request());
                    }));
    server.enqueue(FakeResponse.reply("one two three"));

    List<ChatCompletionChunk> consumed = new ArrayList<>();
    try (ChatStream s = kimi.stream(HI)) {
      s.forEach(consumed::add);
    }

    assertThat(consumed).hasSizeGreaterThan(2);
    assertThat(heard).containsExactlyElementsOf(consumed);
    heard.clear();
    kimi.chat(HI);
    assertThat(heard).as("a whole reply has no chunks").isEmpty();
  }

  @Test
  void anObserverThatThrowsStopsNothingAndAReplayedAnswerHasNoChunksToTell(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<ChatCompletionChunk> heard = Collections.synchronizedList(new ArrayList<>());
    KimiInterceptor observing =
        chain -> {
          chain.onChunk(
              c -> {
                throw new IllegalStateException("observer-boom");
              });
          chain.onChunk(heard::add);
          return chain.proceed(chain.request());
        };
    KimiClient kimi = clients.build(b -> b.interceptor(observing));
    server.enqueue(FakeResponse.reply("one two three"));

    List<ChatCompletionChunk> consumed = new ArrayList<>();
    try (ChatStream s = kimi.stream(HI)) {
      s.forEach(consumed::add);
    }
    assertThat(heard).isNotEmpty().containsExactlyElementsOf(consumed);

    heard.clear();
    KimiClient cached =
        clients.build(
            b ->
                b.interceptor(observing)
                    .interceptor(chain -> CompletableFuture.completedFuture(answer("cached"))));
    assertThat(cached.stream(HI).toCompletion().text()).isEqualTo("cached");
    assertThat(heard).isEmpty();
  }

  /** A request kimi-k3's rules refuse before sending: temperature 1.0 with thinking off. */
  static final ChatRequest REFUSED =
      ChatRequest.builder("kimi-k3")
          .addUser("Hi")
          .thinking(io.github.kimisdk.chat.Thinking.disabled())
          .temperature(1.0)
          .build();

  @Test
  void aCallRefusedBeforeSendingRunsItsOncePerCallInterceptorsWithTheRefusal(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    KimiInterceptor tracing =
        chain -> {
          String what = (chain.streamed() ? "stream " : "chat ") + chain.request().model();
          return chain
              .proceed(chain.request())
              .whenComplete(
                  (r, e) ->
                      seen.add(
                          what + " -> " + (e == null ? "reply" : e.getClass().getSimpleName())));
        };
    KimiInterceptor answering = chain -> CompletableFuture.completedFuture(answer("cached"));
    Attempts attempts = new Attempts();
    KimiClient kimi = clients.build(b -> b.interceptor(tracing).interceptor(attempts));
    KimiClient cached = clients.build(b -> b.interceptor(tracing).interceptor(answering));

    assertThatThrownBy(() -> kimi.chat(REFUSED))
        .isInstanceOf(io.github.kimisdk.errors.PreflightException.class);
    assertThatThrownBy(() -> kimi.stream(REFUSED))
        .isInstanceOf(io.github.kimisdk.errors.PreflightException.class);
    assertThatThrownBy(() -> cached.chat(REFUSED))
        .as("the refusal stands, whatever the interceptors answer")
        .isInstanceOf(io.github.kimisdk.errors.PreflightException.class);

    assertThat(seen)
        .containsExactly(
            "chat kimi-k3 -> PreflightException",
            "stream kimi-k3 -> PreflightException",
            "chat kimi-k3 -> reply");
    assertThat(attempts.seen).as("no attempt").isEmpty();
    assertThat(server.requestCount()).isZero();
  }
}
