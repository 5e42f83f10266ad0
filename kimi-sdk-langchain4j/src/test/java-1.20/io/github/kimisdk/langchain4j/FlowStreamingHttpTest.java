package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatModelStreamingEvent;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialToolCall;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KimiStreamingChatModel}'s {@code Flow} API (LangChain4j 1.20 and later), over HTTP against
 * the fake: the events a reply becomes, demand, cancellation, failures as the handler path reports
 * them, the listeners, and {@code chat(String)}'s publisher of text.
 */
class FlowStreamingHttpTest {

  private static final ToolSpecification WEATHER =
      ToolSpecification.builder()
          .name("get_weather")
          .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
          .build();

  private final FakeKimiServer server = new FakeKimiServer().trackConnections().start();

  @AfterEach
  void close() {
    server.close();
  }

  private KimiStreamingChatModel.Builder streaming() {
    return FakeModels.streaming(server);
  }

  private static ChatRequest ask(String text) {
    return ChatRequest.builder().messages(UserMessage.from(text)).build();
  }

  /** A content chunk of a scripted stream, with a finish reason or {@code null}. */
  private static String chunk(String content, String finishReason) {
    return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k3\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + content
        + "\"},\"finish_reason\":"
        + finishReason
        + "}]}";
  }

  /** Ten content chunks, {@code 0 } to {@code 9 }, the last finishing. */
  private static List<String> tenChunks() {
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      chunks.add(chunk(i + " ", i == 9 ? "\"stop\"" : "null"));
    }
    return chunks;
  }

  @Test
  void aReplyIsPublishedAsThinkingTextAndOneCompleteResponseLastWithUsageAndMetadata()
      throws Exception {
    Events events = new Events(Long.MAX_VALUE);
    Thread caller = Thread.currentThread();
    streaming().build().chat(ask("Hello from a subscriber")).subscribe(events);
    events.awaitEnd();

    assertThat(events.failure).isNull();
    assertThat(events.completed).isTrue();
    assertThat(events.threads).doesNotContain(caller);
    List<ChatModelStreamingEvent> all = events.list;
    assertThat(all.get(0)).isInstanceOf(PartialThinking.class);
    assertThat(all.get(all.size() - 1)).isInstanceOf(CompleteResponse.class);
    assertThat(all).filteredOn(CompleteResponse.class::isInstance).hasSize(1);
    ChatResponse response = ((CompleteResponse) all.get(all.size() - 1)).chatResponse();
    assertThat(text(all, PartialResponse.class)).isEqualTo(response.aiMessage().text());
    assertThat(text(all, PartialThinking.class))
        .isEqualTo(response.aiMessage().thinking())
        .isNotBlank();
    assertThat(response.aiMessage().text()).isEqualTo("You said: Hello from a subscriber");
    KimiTokenUsage usage = (KimiTokenUsage) response.tokenUsage();
    assertThat(usage.inputTokenCount()).isPositive();
    assertThat(usage.outputTokenCount()).isPositive();
    KimiChatResponseMetadata metadata = (KimiChatResponseMetadata) response.metadata();
    assertThat(metadata.modelName()).isEqualTo("kimi-k3");
    assertThat(metadata.requestId()).isNotBlank();
  }

  @Test
  void toolCallsArePublishedAsFragmentsThenTheCompleteCallThenTheResponse() throws Exception {
    Events events = new Events(Long.MAX_VALUE);
    streaming()
        .build()
        .chat(
            ChatRequest.builder()
                .messages(UserMessage.from("What is the weather in city=Oslo?"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(WEATHER).build())
                .build())
        .subscribe(events);
    events.awaitEnd();

    List<ChatModelStreamingEvent> all = events.list;
    List<PartialToolCall> fragments =
        all.stream()
            .filter(PartialToolCall.class::isInstance)
            .map(PartialToolCall.class::cast)
            .toList();
    CompleteToolCall complete =
        all.stream()
            .filter(CompleteToolCall.class::isInstance)
            .map(CompleteToolCall.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(fragments).isNotEmpty();
    assertThat(fragments)
        .allSatisfy(
            f -> {
              assertThat(f.index()).isZero();
              assertThat(f.name()).isEqualTo("get_weather");
              assertThat(f.id()).isEqualTo(complete.toolExecutionRequest().id());
            });
    assertThat(fragments.stream().map(PartialToolCall::partialArguments).collect(joining()))
        .isEqualTo(complete.toolExecutionRequest().arguments())
        .contains("Oslo");
    assertThat(all.indexOf(complete)).isGreaterThan(all.indexOf(fragments.get(fragments.size() - 1)));
    ChatResponse response = ((CompleteResponse) all.get(all.size() - 1)).chatResponse();
    assertThat(response.aiMessage().toolExecutionRequests())
        .containsExactly(complete.toolExecutionRequest());
  }

  @Test
  void noMoreEventsAreDeliveredThanRequestedThoughTheWholeReplyArrived() throws Exception {
    server.enqueue(FakeResponse.stream(tenChunks()));
    Events events = new Events(3);
    streaming().build().chat(ask("count")).subscribe(events);
    events.awaitCount(3);
    // the server wrote the whole reply: every chunk is at the client, and still only 3 went out
    assertThat(server.awaitConnections(() -> server.activeExchanges() == 0, Duration.ofSeconds(5)))
        .isTrue();
    assertThat(events.list).hasSize(3);
    assertThat(events.completed).isFalse();

    events.subscription.request(Long.MAX_VALUE);
    events.awaitEnd();
    assertThat(events.list).hasSize(11); // ten pieces of text and the response
    assertThat(text(events.list, PartialResponse.class)).isEqualTo("0 1 2 3 4 5 6 7 8 9 ");
  }

  @Test
  void cancellingTheSubscriptionClosesTheConnectionAndEndsTheEvents() throws Exception {
    server.enqueue(FakeResponse.stream(tenChunks(), Duration.ofMillis(200)));
    Events events = new Events(Long.MAX_VALUE);
    streaming().build().chat(ask("count slowly")).subscribe(events);
    events.awaitCount(2);
    events.subscription.cancel();

    assertThat(server.awaitDisconnect(Duration.ofSeconds(5))).isTrue();
    assertThat(server.clientClosedConnections()).isEqualTo(1);
    assertThat(events.list.size()).isLessThan(11);
    assertThat(events.completed).isFalse();
    assertThat(events.failure).isNull();
  }

  @Test
  void aSubscriberWhoseOnNextThrowsHasItsConnectionClosedAndGetsNothingMore() throws Exception {
    server.enqueue(FakeResponse.stream(tenChunks(), Duration.ofMillis(200)));
    Events events = new Events(Long.MAX_VALUE).throwingAt(2);
    streaming().build().chat(ask("count slowly")).subscribe(events);

    assertThat(server.awaitDisconnect(Duration.ofSeconds(5))).isTrue();
    assertThat(events.list).hasSize(2);
    assertThat(events.completed).isFalse();
    assertThat(events.failure).isNull();
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("io.github.kimisdk.langchain4j.KimiErrorsHttpTest#statuses")
  void aFailedCallIsOnErrorWithTheExceptionTheHandlerPathReports(
      int status, String type, Class<? extends Exception> expected) throws Exception {
    server.enqueue(
        FakeResponse.error(
            status,
            "{\"error\":{\"type\":\"" + type + "\",\"message\":\"scripted " + type + "\"}}"));
    Events events = new Events(Long.MAX_VALUE);
    streaming().build().chat(ask("Hi")).subscribe(events);
    events.awaitEnd();

    assertThat(events.list).isEmpty();
    assertThat(events.failure).isExactlyInstanceOf(expected);
    assertThat(events.failure.getCause()).isInstanceOf(HttpException.class);
    assertThat(((HttpException) events.failure.getCause()).statusCode()).isEqualTo(status);
    assertThat(events.failure.getCause().getCause()).isInstanceOf(ApiException.class);
  }

  @Test
  void aRequestKimiCannotTakeIsOnErrorAfterOnSubscribeAndNothingIsSent() throws Exception {
    Events events = new Events(Long.MAX_VALUE);
    ChatRequest topK =
        ChatRequest.builder()
            .messages(UserMessage.from("Hi"))
            .parameters(ChatRequestParameters.builder().topK(5).build())
            .build();
    Flow.Publisher<ChatModelStreamingEvent> publisher = streaming().build().chat(topK);
    publisher.subscribe(events);
    events.awaitEnd();

    assertThat(events.subscription).isNotNull();
    assertThat(events.failure).isExactlyInstanceOf(UnsupportedFeatureException.class);
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void eachSubscriberGetsACallOfItsOwn() throws Exception {
    Flow.Publisher<ChatModelStreamingEvent> publisher =
        streaming().build().chat(ask("Hello twice"));
    Events first = new Events(Long.MAX_VALUE);
    Events second = new Events(Long.MAX_VALUE);
    publisher.subscribe(first);
    publisher.subscribe(second);
    first.awaitEnd();
    second.awaitEnd();
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(text(first.list, PartialResponse.class)).isEqualTo("You said: Hello twice");
    assertThat(text(second.list, PartialResponse.class)).isEqualTo("You said: Hello twice");
  }

  @Test
  void theListenersHearTheRequestThenTheResponseOrTheError() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    ChatModelListener listener = FakeModels.recording(heard);
    KimiStreamingChatModel model = streaming().listeners(List.of(listener)).build();
    Events ok = new Events(Long.MAX_VALUE);
    model.chat(ask("Hi")).subscribe(ok);
    ok.awaitEnd();
    server.enqueue(
        FakeResponse.error(429, "{\"error\":{\"type\":\"rate_limit_reached_error\"}}"));
    Events failed = new Events(Long.MAX_VALUE);
    model.chat(ask("Hi")).subscribe(failed);
    failed.awaitEnd();

    assertThat(heard)
        .containsExactly(
            "request kimi-k3",
            "response You said: Hi",
            "request kimi-k3",
            "error RateLimitException");
  }

  @Test
  void chatOfAStringPublishesTheTextAlone() throws Exception {
    List<String> pieces = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    CompletableFuture<Void> done = new CompletableFuture<>();
    streaming()
        .build()
        .chat("Hello as text")
        .subscribe(
            new Flow.Subscriber<String>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(1); // one at a time: the publisher skips the other events
              }

              @Override
              public void onNext(String piece) {
                pieces.add(piece);
                first.countDown();
              }

              @Override
              public void onError(Throwable failure) {
                done.completeExceptionally(failure);
              }

              @Override
              public void onComplete() {
                done.complete(null);
              }
            });
    // with one requested, the first piece of text comes, past the reasoning before it
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pieces).singleElement().asString().isNotEmpty();
    assertThat(done).isNotDone();
  }

  private static String text(List<ChatModelStreamingEvent> events, Class<?> type) {
    return events.stream()
        .filter(type::isInstance)
        .map(e -> e instanceof PartialThinking t ? t.text() : ((PartialResponse) e).text())
        .collect(joining());
  }

  private static java.util.stream.Collector<CharSequence, ?, String> joining() {
    return Collectors.joining();
  }

  /** A subscriber that keeps what it is given. */
  static final class Events implements Flow.Subscriber<ChatModelStreamingEvent> {
    final List<ChatModelStreamingEvent> list = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final long initial;
    private final CountDownLatch end = new CountDownLatch(1);
    private final Semaphore arrived = new Semaphore(0);
    private int throwAt = -1;
    volatile Flow.Subscription subscription;
    volatile Throwable failure;
    volatile boolean completed;

    Events(long initial) {
      this.initial = initial;
    }

    /** Throws from {@code onNext} once it holds {@code n} events. */
    Events throwingAt(int n) {
      this.throwAt = n;
      return this;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(initial);
    }

    @Override
    public void onNext(ChatModelStreamingEvent event) {
      list.add(event);
      threads.add(Thread.currentThread());
      arrived.release();
      if (list.size() == throwAt) {
        throw new IllegalStateException("a subscriber's bug");
      }
    }

    @Override
    public void onError(Throwable t) {
      failure = t;
      end.countDown();
    }

    @Override
    public void onComplete() {
      completed = true;
      end.countDown();
    }

    void awaitEnd() throws InterruptedException {
      assertThat(end.await(10, TimeUnit.SECONDS)).as("the stream ended").isTrue();
    }

    void awaitCount(int n) throws InterruptedException {
      assertThat(arrived.tryAcquire(n, 10, TimeUnit.SECONDS)).as("%d events arrived", n).isTrue();
    }
  }
}
