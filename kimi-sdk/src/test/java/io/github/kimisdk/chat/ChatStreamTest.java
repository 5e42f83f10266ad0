package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ChatStreamTest {

  static ChatCompletionChunk chunk(String content) {
    byte[] b =
        ("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + content
                + "\"},\"finish_reason\":null}]}")
            .getBytes(StandardCharsets.UTF_8);
    return ChatCodec.decodeChunk(b, 0, b.length);
  }

  /** A synchronous publisher of fixed chunks that records cancellation and subscriptions. */
  static final class ListPublisher implements Flow.Publisher<ChatCompletionChunk> {
    final List<ChatCompletionChunk> items;
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicInteger subscriptions = new AtomicInteger();

    ListPublisher(ChatCompletionChunk... items) {
      this.items = List.of(items);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> s) {
      subscriptions.incrementAndGet();
      s.onSubscribe(
          new Flow.Subscription() {
            int next;
            boolean done;

            @Override
            public void request(long n) {
              for (long i = 0; i < n && next < items.size() && !cancelled.get(); i++) {
                s.onNext(items.get(next++));
              }
              if (next == items.size() && !done && !cancelled.get()) {
                done = true;
                s.onComplete();
              }
            }

            @Override
            public void cancel() {
              cancelled.set(true);
            }
          });
    }
  }

  @Test
  void iteratesTheChunksOfAnyPublisher() {
    ListPublisher p = new ListPublisher(chunk("a"), chunk(""), chunk("b"));
    List<String> texts = new ArrayList<>();
    try (ChatStream s = ChatStream.of(p)) {
      for (ChatCompletionChunk c : s) {
        texts.add(c.text());
      }
    }
    assertThat(texts).containsExactly("a", "", "b");
  }

  @Test
  void forEachTextSkipsEmptyPiecesAndReturnsTheWhole() {
    List<String> seen = new ArrayList<>();
    ChatCompletion done =
        ChatStream.of(new ListPublisher(chunk("Hel"), chunk(""), chunk("lo")))
            .forEachText(seen::add);
    assertThat(seen).containsExactly("Hel", "lo");
    assertThat(done.text()).isEqualTo("Hello");
  }

  @Test
  void streamViewClosesTheChatStream() {
    ListPublisher p = new ListPublisher(chunk("x"), chunk("y"));
    ChatStream s = ChatStream.of(p);
    try (Stream<ChatCompletionChunk> chunks = s.stream()) {
      assertThat(chunks.map(ChatCompletionChunk::text).collect(Collectors.joining()))
          .isEqualTo("xy");
    }
    assertThat(s.toString()).contains("closed");
  }

  @Test
  void closingAfterTheFirstChunkCancelsTheSource() {
    ListPublisher p = new ListPublisher(chunk("x"), chunk("y"), chunk("z"));
    ChatStream s = ChatStream.of(p);
    List<String> got = new ArrayList<>();
    s.subscribe(
        new Flow.Subscriber<>() {
          Flow.Subscription sub;

          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            sub = subscription;
            sub.request(1);
          }

          @Override
          public void onNext(ChatCompletionChunk item) {
            got.add(item.text());
          }

          @Override
          public void onError(Throwable throwable) {}

          @Override
          public void onComplete() {}
        });
    assertThat(s.toString()).contains("started");
    s.close();
    s.close();
    assertThat(p.cancelled).isTrue();
    assertThat(got).containsExactly("x");
  }

  @Test
  void aClosedOrConsumedStreamRefusesNewConsumers() {
    ListPublisher p = new ListPublisher(chunk("x"));
    ChatStream closed = ChatStream.of(p);
    assertThat(closed.toString()).contains("not started");
    closed.close();
    assertThatThrownBy(closed::iterator)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    AtomicReference<Throwable> error = new AtomicReference<>();
    closed.subscribe(errorRecorder(error));
    assertThat(error.get()).isInstanceOf(IllegalStateException.class);
    assertThat(p.subscriptions).as("subscribed to only to cancel, as sse.EventStream").hasValue(1);
    assertThat(p.cancelled).isTrue();

    ChatStream used = ChatStream.of(new ListPublisher(chunk("x")));
    used.iterator();
    assertThatThrownBy(used::iterator)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only once");
    AtomicReference<Throwable> second = new AtomicReference<>();
    used.subscribe(errorRecorder(second));
    assertThat(second.get()).hasMessageContaining("only once");
  }

  @Test
  void aStreamConsumedToTheEndSaysItCanBeConsumedOnlyOnce() {
    ChatStream s = ChatStream.of(new ListPublisher(chunk("x")));
    assertThat(s.toCompletion().text()).isEqualTo("x");
    assertThatThrownBy(s::toCompletion)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only once")
        .hasMessageNotContaining("is closed");
    assertThatThrownBy(s::iterator).hasMessageContaining("only once");
    AtomicReference<Throwable> error = new AtomicReference<>();
    s.subscribe(errorRecorder(error));
    assertThat(error.get()).hasMessageContaining("only once");
  }

  @Test
  void metadataComesFromTheSupplier() {
    AtomicReference<ResponseMetadata> md = new AtomicReference<>();
    ChatStream s = ChatStream.of(new ListPublisher(), md::get);
    assertThat(s.metadata()).isEmpty();
    md.set(new ResponseMetadata(200, Map.of()));
    assertThat(s.metadata()).contains(md.get());
    assertThat(ChatStream.of(new ListPublisher()).metadata()).isEmpty();
    assertThatThrownBy(() -> ChatStream.of(null)).isInstanceOf(NullPointerException.class);
  }

  static Flow.Subscriber<ChatCompletionChunk> errorRecorder(AtomicReference<Throwable> error) {
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {}

      @Override
      public void onNext(ChatCompletionChunk item) {}

      @Override
      public void onError(Throwable throwable) {
        error.set(throwable);
      }

      @Override
      public void onComplete() {}
    };
  }
}
