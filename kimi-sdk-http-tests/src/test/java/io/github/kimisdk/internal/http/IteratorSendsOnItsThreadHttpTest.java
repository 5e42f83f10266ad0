package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A stream's blocking iterator sends its first attempt with {@code HttpClient.send} on the
 * consumer's own thread (no thread per call), whoever listens to the call: the client's listeners,
 * the call's, or none.
 */
@ExtendWith(FakeKimiExtension.class)
class IteratorSendsOnItsThreadHttpTest {

  /** Records which of the client's methods each exchange went through, and on which thread. */
  static final class Recording extends DelegatingHttpClient {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      calls.add("sendAsync");
      return super.sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
        throws IOException, InterruptedException {
      calls.add("send on " + Thread.currentThread().getName());
      return super.send(request, handler);
    }
  }

  static final List<CallEvent> heard = new CopyOnWriteArrayList<>();

  static final CallListener LISTENER =
      new CallListener() {
        @Override
        public void onEnd(CallEvent.End e) {
          heard.add(e);
        }
      };

  static Stream<Arguments> listeners() {
    UnaryOperator<KimiClient.Builder> none = b -> b;
    UnaryOperator<KimiClient.Builder> client = b -> b.listener(LISTENER);
    return Stream.of(
        Arguments.of("nobody", none, RequestOptions.none(), 0),
        Arguments.of("the client's", client, RequestOptions.none(), 1),
        Arguments.of("the call's", none, RequestOptions.builder().listener(LISTENER).build(), 1));
  }

  @ParameterizedTest(name = "{0} listening")
  @MethodSource("listeners")
  void theIteratorSendsOnTheConsumersThread(
      String who,
      UnaryOperator<KimiClient.Builder> settings,
      RequestOptions options,
      int ends,
      FakeKimiServer server,
      FakeKimiExtension.Clients clients) {
    heard.clear();
    Recording http = new Recording();
    KimiClient kimi = clients.build(b -> settings.apply(b.httpClient(http)));
    ChatCompletion done;
    try (ChatStream s = kimi.withOptions(options).stream(ChatRequest.of("kimi-k2.6", "Hello"))) {
      StringBuilder text = new StringBuilder();
      done = s.forEachText(text::append);
      assertThat(text).hasToString("You said: Hello");
    }
    assertThat(done.text()).isEqualTo("You said: Hello");
    assertThat(http.calls).containsExactly("send on " + Thread.currentThread().getName());
    assertThat(heard).hasSize(ends);
  }
}
