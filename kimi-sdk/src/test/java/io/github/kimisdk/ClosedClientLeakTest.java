package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A closed client lets go of the {@link HttpClient} it built. On JDK 17 to 20 there is no {@code
 * HttpClient.close()}: only the JDK's cleaner, once the client is unreachable, stops its selector
 * thread and closes its pooled connections, so anything of ours that the pool keeps reachable (the
 * last exchange's body handler) would keep every closed client's thread and sockets alive.
 */
class ClosedClientLeakTest {

  static final int CLIENTS = 40;

  static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().contains("SelectorManager"))
        .count();
  }

  @Test
  void closedClientsAreCollectedWithTheirSelectorThreads() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().lenient().start()) {
      long before = selectorThreads();
      List<WeakReference<HttpClient>> refs = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        KimiClient k = KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();
        k.chat(ChatRequest.of("kimi-k3", "hi"));
        try (var s = k.stream(ChatRequest.of("kimi-k3", "hi"))) {
          s.toCompletion();
        }
        refs.add(new WeakReference<>(k.core().ownedHttpClient()));
        k.close();
      }
      long alive = CLIENTS;
      long extraThreads = CLIENTS;
      for (int i = 0; i < 60 && (alive > 0 || extraThreads > 0); i++) {
        System.gc();
        Thread.sleep(250);
        alive = refs.stream().filter(r -> r.get() != null).count();
        extraThreads = selectorThreads() - before;
      }
      assertThat(alive).as("closed HttpClients still reachable").isZero();
      // a bare JDK client's selector thread ends within seconds of its collection
      assertThat(extraThreads).as("selector threads left").isLessThanOrEqualTo(0);
    }
  }
}
