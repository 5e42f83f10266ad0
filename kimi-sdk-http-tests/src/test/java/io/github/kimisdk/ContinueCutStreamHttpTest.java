package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A chat stream cut after its text began goes on from what arrived when the retry policy says so
 * ({@link RetryPolicy#withStreamContinuation}): on the same target, or on the next when that one is
 * overloaded, in the form that target's host continues an answer; the caller reads one stream with
 * each word once and never retries. Where it cannot go on, it fails as it did, saying why. Against
 * fakes that cut every second stream after 5 of its 12 chunks and read each host's form as the host
 * does.
 */
class ContinueCutStreamHttpTest {

  static final String WORDS = "one two three four five six seven eight nine ten";
  private static final RetryPolicy CONTINUES =
      RetryPolicy.defaults()
          .withBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
          .withStreamContinuation(true);

  private final List<FakeKimiServer> servers = new ArrayList<>();
  private final List<CallEvent.Rerouted> rerouted = new CopyOnWriteArrayList<>();
  private final CallListener listener =
      new CallListener() {
        @Override
        public void onRerouted(CallEvent.Rerouted event) {
          rerouted.add(event);
        }
      };

  @AfterEach
  void stop() {
    servers.forEach(FakeKimiServer::close);
  }

  private FakeKimiServer fake(UnaryOperator<FakeKimiServer> setUp) {
    FakeKimiServer s = setUp.apply(new FakeKimiServer()).start();
    servers.add(s);
    return s;
  }

  static Host host(String dialect, String url) {
    return dialect.equals("moonshot") ? Host.moonshot(Endpoint.of(url)) : Host.of(dialect, url);
  }

  /** The {@code i}th question: ten words and its number, thinking off. */
  static ChatRequest ask(int i) {
    return ChatRequest.builder("kimi-k3")
        .addUser(WORDS + " call" + i)
        .thinking(Thinking.disabled())
        .build();
  }

  private static String expected(int i) {
    return "You said: " + WORDS + " call" + i;
  }

  /** What the caller reads of ten streams, chunk by chunk and folded; the caller retries none. */
  private static List<String> tenStreams(KimiClient kimi, List<ChatCompletion> folded) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      StringBuilder read = new StringBuilder();
      List<ChatCompletionChunk> chunks = new ArrayList<>();
      try (ChatStream s = kimi.stream(ask(i))) {
        for (ChatCompletionChunk c : s) {
          read.append(c.text());
          chunks.add(c);
        }
      }
      long roles =
          chunks.stream()
              .flatMap(c -> c.choices().stream())
              .filter(c -> c.delta().role() != null)
              .count();
      assertThat(roles).as("the role is said once").isEqualTo(1);
      io.github.kimisdk.chat.ChatAccumulator acc = new io.github.kimisdk.chat.ChatAccumulator();
      chunks.forEach(acc::add);
      folded.add(acc.toCompletion());
      texts.add(read.toString());
    }
    return texts;
  }

  private static void eachWordOnce(List<String> texts) {
    for (int i = 0; i < texts.size(); i++) {
      assertThat(texts.get(i)).isEqualTo(expected(i));
      List<String> words = Arrays.asList(texts.get(i).split(" "));
      Set<String> once = new HashSet<>(words);
      assertThat(once).as("each word once: %s", texts.get(i)).hasSameSizeAs(words);
    }
  }

  private static boolean continues(RecordedRequest r) {
    JsonObject body = r.json().asObject();
    JsonArray messages = (JsonArray) body.get("messages");
    JsonObject last = (JsonObject) messages.get(messages.size() - 1);
    return last.get("role").equals(io.github.kimisdk.json.JsonString.of("assistant"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"moonshot", "vllm", "sglang", "openrouter"})
  void tenStreamsEverySecondCutFinishOnTheirTargetWithTheExactTextEachWordOnce(String dialect) {
    FakeKimiServer server = fake(s -> s.dialect(dialect).cutStreams(2, 5));
    List<ChatCompletion> folded = new ArrayList<>();
    List<String> texts;
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-t")
            .host(host(dialect, server.baseUrl()))
            .retryPolicy(CONTINUES)
            .listener(listener)
            .build()) {
      texts = tenStreams(kimi, folded);
      long prompt = folded.stream().mapToLong(c -> c.usage().promptTokens()).sum();
      long completion = folded.stream().mapToLong(c -> c.usage().completionTokens()).sum();
      assertThat(kimi.spend().promptTokens())
          .as("the spend counts the usage each stream ended with, a continuation's included")
          .isEqualTo(prompt);
      assertThat(kimi.spend().completionTokens()).isEqualTo(completion);
    }
    eachWordOnce(texts);
    assertThat(server.cutStreamCount()).isEqualTo(5);
    assertThat(server.requests().stream().filter(ContinueCutStreamHttpTest::continues))
        .as("each cut continued once")
        .hasSize(5);
    for (int i = 0; i < 10; i++) {
      assertThat(folded.get(i).text()).isEqualTo(expected(i));
      assertThat(folded.get(i).usage()).as("the usage of the attempt that finished").isNotNull();
    }
    assertThat(rerouted).hasSize(5);
    assertThat(rerouted)
        .allSatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo(CallEvent.Reroute.CONTINUED);
              assertThat(e.attempt()).isEqualTo(2);
              assertThat(e.from()).isEqualTo(e.to());
              assertThat(e.after()).isZero();
            });
  }

  /**
   * The first target cuts every second stream and is overloaded for what would continue it: the
   * continuation moves to the second target and is written in that target's host's form.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"moonshot", "vllm"})
  void aCutStreamWhoseTargetIsOverloadedFinishesOnTheNextTargetInItsForm(String dialect) {
    FakeKimiServer first =
        fake(
            s ->
                s.cutStreams(2, 5)
                    .respondWith(
                        r ->
                            r.bodyText().contains("\"partial\":true")
                                ? FakeResponse.error(
                                    429,
                                    "{\"error\":{\"type\":\"engine_overloaded_error\","
                                        + "\"message\":\"busy\"}}")
                                : null));
    FakeKimiServer second = fake(s -> s.dialect(dialect));
    List<ChatCompletion> folded = new ArrayList<>();
    List<String> texts;
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-a")
            .host(Host.moonshot(Endpoint.of(first.baseUrl())))
            .fallback(Target.of(host(dialect, second.baseUrl())).apiKey("sk-b"))
            .retryPolicy(CONTINUES.withCooldown(Duration.ofMillis(1), Duration.ofMillis(1)))
            .listener(listener)
            .build()) {
      texts = tenStreams(kimi, folded);
    }
    eachWordOnce(texts);
    int cuts = first.cutStreamCount();
    assertThat(cuts)
        .as("a call that went to the second target while the first cooled")
        .isPositive();
    List<RecordedRequest> finished =
        second.requests().stream().filter(ContinueCutStreamHttpTest::continues).toList();
    assertThat(finished).as("every cut finished on the second target").hasSize(cuts);
    for (RecordedRequest r : finished) {
      JsonObject body = r.json().asObject();
      JsonArray messages = (JsonArray) body.get("messages");
      JsonObject last = (JsonObject) messages.get(messages.size() - 1);
      if (dialect.equals("vllm")) {
        assertThat(body.get("continue_final_message")).isEqualTo(JsonBoolean.TRUE);
        assertThat(body.get("add_generation_prompt")).isEqualTo(JsonBoolean.FALSE);
        assertThat(last.has("partial")).isFalse();
      } else {
        assertThat(last.get("partial")).isEqualTo(JsonBoolean.TRUE);
      }
    }
    assertThat(rerouted).hasSize(cuts).allSatisfy(e -> assertThat(e.from().target()).isZero());
  }

  @Test
  void withoutThePolicyACutStreamFailsAsItDidAndSaysNothingOfContinuing() {
    FakeKimiServer server = fake(s -> s.cutStreams(1, 5));
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-t")
            .host(Host.moonshot(Endpoint.of(server.baseUrl())))
            .retryPolicy(CONTINUES.withStreamContinuation(false))
            .listener(listener)
            .build()) {
      Throwable t = catchThrowable(() -> kimi.stream(ask(0)).toCompletion());
      assertThat(t).isInstanceOf(TruncatedStreamException.class);
      assertThat(t.getMessage()).doesNotContain("continued");
      assertThat(((StreamException) t).resumeRequest()).isPresent();
    }
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(rerouted).isEmpty();
  }

  /** Each state a cut stream cannot go on from: it fails as it did, and its message says why. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "host,documents no way to continue an answer",
    "reasoning,its reasoning was cut before the answer began",
    "toolCall,a tool call had begun",
    "jsonObject,structured output",
    "retriesSpent,its retries are spent"
  })
  void aCutStreamThatCannotGoOnFailsSayingWhy(String state, String why) {
    String dialect = state.equals("host") ? "together" : "moonshot";
    FakeKimiServer server =
        fake(
            s -> {
              s.dialect(dialect).cutStreams(1, 5);
              if (state.equals("reasoning")) {
                s.respondWith(
                    r ->
                        FakeResponse.rawSse(
                            chunk("{\"role\":\"assistant\",\"reasoning_content\":\"Let me\"}")
                                + chunk("{\"reasoning_content\":\" think\"}")));
              } else if (state.equals("toolCall")) {
                s.respondWith(
                    r ->
                        FakeResponse.rawSse(
                            chunk("{\"role\":\"assistant\",\"content\":\"I will look\"}")
                                + chunk(
                                    "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                                        + "\"type\":\"function\",\"function\":{\"name\":\"find\","
                                        + "\"arguments\":\"{\\\"q\\\":\"}}]}")));
              }
              return s;
            });
    ChatRequest.Builder b = ask(0).toBuilder();
    if (state.equals("jsonObject")) {
      b.responseFormat(ResponseFormat.jsonObject()).addUser("Answer in JSON.");
    }
    RetryPolicy policy = state.equals("retriesSpent") ? CONTINUES.withMaxRetries(0) : CONTINUES;
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-t")
            .host(host(dialect, server.baseUrl()))
            .retryPolicy(policy)
            .timeouts(
                Timeouts.defaults()
                    .withStreamIdle(Duration.ofSeconds(20))
                    .withFirstEvent(Duration.ofSeconds(20)))
            .listener(listener)
            .build()) {
      Throwable t = catchThrowable(() -> kimi.stream(b.build()).toCompletion());
      assertThat(t)
          .isInstanceOf(StreamException.class)
          .hasMessageContaining("It was not continued (RetryPolicy.withStreamContinuation)")
          .hasMessageContaining(why);
      StreamException e = (StreamException) t;
      // (a JSON object's request cannot end with a partial answer: it has none)
      assertThat(e.resumeRequest().isPresent())
          .as("the caller may still resume it")
          .isEqualTo(!state.equals("jsonObject"));
      assertThat(e.partial().text()).isNotNull();
    }
    assertThat(server.requestCount()).as("nothing more was sent").isEqualTo(1);
    assertThat(rerouted).isEmpty();
  }

  private static String chunk(String delta) {
    return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + "}]}\n\n";
  }

  /** A stream continued once and cut again carries all the caller read, and resumes from it. */
  @Test
  void aContinuedStreamCutAgainWithNoRetryLeftCarriesAllTheCallerRead() {
    FakeKimiServer server =
        fake(
            s ->
                s.respondWith(
                    r ->
                        continues(r)
                            ? FakeResponse.rawSse(
                                chunk("{\"role\":\"assistant\",\"content\":\" world\"}"))
                            : FakeResponse.rawSse(
                                chunk("{\"role\":\"assistant\",\"content\":\"Hello\"}"))));
    List<String> read = new ArrayList<>();
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-t")
            .host(Host.moonshot(Endpoint.of(server.baseUrl())))
            .retryPolicy(CONTINUES.withMaxRetries(1))
            .listener(listener)
            .build()) {
      Throwable t =
          catchThrowable(
              () -> {
                try (ChatStream s = kimi.stream(ask(0))) {
                  for (ChatCompletionChunk c : s) {
                    read.add(c.text());
                  }
                }
              });
      assertThat(t).isInstanceOf(TruncatedStreamException.class).hasMessageContaining("spent");
      StreamException e = (StreamException) t;
      assertThat(String.join("", read)).isEqualTo("Hello world");
      assertThat(e.partial().text()).isEqualTo("Hello world");
      ChatRequest resume = e.resumeRequest().orElseThrow();
      assertThat(resume.messages().get(resume.messages().size() - 1).toString())
          .contains("Hello world");
      assertThat(e.attempts()).isEqualTo(2);
    }
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(rerouted).singleElement().extracting(CallEvent.Rerouted::attempt).isEqualTo(2);
  }
}
