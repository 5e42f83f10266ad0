package io.github.kimisdk.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatStream;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EventStreamTest {

  private static Flow.Publisher<ServerSentEvent> publisherOf(ServerSentEvent... events) {
    SubmissionPublisher<ServerSentEvent> publisher = new SubmissionPublisher<>();
    Thread producer =
        new Thread(
            () -> {
              // Wait for the subscriber, then publish everything.
              while (publisher.getNumberOfSubscribers() == 0) {
                Thread.onSpinWait();
              }
              for (ServerSentEvent event : events) {
                publisher.submit(event);
              }
              publisher.close();
            });
    producer.start();
    return publisher;
  }

  @Test
  void iteratesEveryEvent() {
    try (EventStream events =
        EventStream.of(
            publisherOf(ServerSentEvent.message("a"), new ServerSentEvent("t", "b", "1")))) {
      assertThat(events)
          .containsExactly(ServerSentEvent.message("a"), new ServerSentEvent("t", "b", "1"));
    }
  }

  @Test
  void streamsEveryEventAndClosingTheStreamClosesIt() {
    EventStream events =
        EventStream.of(publisherOf(ServerSentEvent.message("a"), ServerSentEvent.message("b")));
    List<String> data;
    try (Stream<ServerSentEvent> stream = events.stream()) {
      data = stream.map(ServerSentEvent::data).collect(Collectors.toList());
    }
    assertThat(data).containsExactly("a", "b");
  }

  @Test
  void closingTheStreamCancelsTheSubscription() {
    boolean[] cancelled = new boolean[1];
    EventStream events = EventStream.of(cancelRecording(cancelled));
    events.stream().close();
    assertThat(cancelled[0]).isTrue();
  }

  private static Flow.Publisher<ServerSentEvent> cancelRecording(boolean[] cancelled) {
    return subscriber ->
        subscriber.onSubscribe(
            new Flow.Subscription() {
              @Override
              public void request(long n) {}

              @Override
              public void cancel() {
                cancelled[0] = true;
              }
            });
  }

  @Test
  void iteratesOnlyOnce() {
    try (EventStream events = EventStream.of(publisherOf())) {
      events.iterator();
      assertThatThrownBy(events::iterator)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("only once");
      assertThatThrownBy(events::stream).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void closingCancelsTheSubscription() {
    boolean[] cancelled = new boolean[1];
    EventStream events = EventStream.of(cancelRecording(cancelled));
    events.close();
    assertThat(cancelled[0]).isTrue();
  }

  @Test
  void nullPublisherRejected() {
    assertThatThrownBy(() -> EventStream.of(null)).isInstanceOf(NullPointerException.class);
  }

  /** A publisher that never emits: it counts subscriptions, requests and cancels. */
  private static final class Silent implements Flow.Publisher<ServerSentEvent> {
    final AtomicInteger subscribed = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();
    final CountDownLatch requested = new CountDownLatch(1);

    @Override
    public void subscribe(Flow.Subscriber<? super ServerSentEvent> subscriber) {
      subscribed.incrementAndGet();
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              requested.countDown();
            }

            @Override
            public void cancel() {
              cancelled.incrementAndGet();
            }
          });
    }
  }

  @Test
  void aStreamNeverConsumedNeverSubscribes() {
    Silent source = new Silent();
    EventStream events = EventStream.of(source);
    assertThat(source.subscribed).hasValue(0);
    assertThat(events).hasToString("EventStream[not started]");
  }

  @Test
  void closedBeforeItIsConsumedItRefusesConsumersAndReleasesThePublisherLikeChatStream() {
    Silent source = new Silent();
    EventStream events = EventStream.of(source);
    events.close();
    events.close();
    assertThat(source.cancelled).as("a response body behind it is released").hasValue(1);
    assertThat(source.subscribed).hasValue(1);
    assertThatThrownBy(events::iterator)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This EventStream is closed");
    ChatStream chat = ChatStream.of(subscriber -> {});
    chat.close();
    assertThatThrownBy(chat::iterator)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This ChatStream is closed");
  }

  @Test
  void closedWhileAnotherThreadIteratesItFailsThatIteratorSayingSo() throws Exception {
    Silent source = new Silent();
    EventStream events = EventStream.of(source);
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread consumer =
        new Thread(
            () -> {
              try {
                events.iterator().hasNext();
                failure.complete(null);
              } catch (RuntimeException e) {
                failure.complete(e);
              }
            });
    consumer.start();
    assertThat(source.requested.await(10, TimeUnit.SECONDS)).isTrue();
    events.close();
    assertThat(failure.get(10, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class)
        .hasMessage("The EventStream was closed (close() on the stream) before it ended");
    assertThat(source.cancelled).hasValue(1);
    assertThat(events).hasToString("EventStream[closed]");
  }

  @Test
  void anInterruptedIteratorClosesTheStreamAndKeepsItsInterrupt() {
    Silent source = new Silent();
    EventStream events = EventStream.of(source);
    Iterator<ServerSentEvent> it = events.iterator();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(CancellationException.class)
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(source.cancelled).hasValue(1);
  }
}
