package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ClientInternals;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.time.Duration;
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

  static List<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().contains("SelectorManager"))
        .toList();
  }

  /**
   * Builds a client, makes a call and a stream, closes it, and returns a weak reference to the
   * HttpClient it built. In a method of its own: no local of the test's frame holds the client (an
   * interpreted frame keeps a dead local's value until the slot is reused, and on a busy machine
   * the test's loop may not be compiled before it judges).
   */
  static WeakReference<HttpClient> usedAndClosed(
      FakeKimiServer server, ReferenceQueue<HttpClient> collected) {
    KimiClient k = KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();
    k.chat(ChatRequest.of("kimi-k3", "hi"));
    try (var s = k.stream(ChatRequest.of("kimi-k3", "hi"))) {
      s.toCompletion();
    }
    WeakReference<HttpClient> ref =
        new WeakReference<>(ClientInternals.core(k).ownedHttpClient(), collected);
    k.close();
    return ref;
  }

  /**
   * A closed client that something still holds (a caller's field, or, as happened on a busy
   * machine, the JDK's last exchange keeping the stream's machinery and through it the client's)
   * holds no longer the HttpClient it built: once closed, nothing of the client's reaches it.
   */
  @Test
  void aClosedClientStillHeldLetsGoOfItsHttpClient() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().lenient().start()) {
      KimiClient k = KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();
      try (var s = k.stream(ChatRequest.of("kimi-k3", "hi"))) {
        s.toCompletion();
      }
      ReferenceQueue<HttpClient> collected = new ReferenceQueue<>();
      WeakReference<HttpClient> ref =
          new WeakReference<>(ClientInternals.core(k).ownedHttpClient(), collected);
      k.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      boolean cleared = false;
      while (!cleared && System.nanoTime() < deadline) {
        System.gc();
        cleared = collected.remove(100) != null;
      }
      assertThat(cleared).as("the HttpClient of a closed client that is still held").isTrue();
      assertThat(ClientInternals.core(k).isClosed()).isTrue(); // the client was held all along
    }
  }

  @Test
  void closedClientsAreCollectedWithTheirSelectorThreads() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().lenient().start()) {
      List<Thread> before = selectorThreads();
      ReferenceQueue<HttpClient> collected = new ReferenceQueue<>();
      List<WeakReference<HttpClient>> refs = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        refs.add(usedAndClosed(server, collected));
      }
      // wait for the collector to clear each reference: a GC, then the queue's own wait
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      int cleared = 0;
      while (cleared < CLIENTS && System.nanoTime() < deadline) {
        System.gc();
        while (collected.remove(100) != null) {
          cleared++;
        }
      }
      long alive = refs.stream().filter(r -> r.get() != null).count();
      // a bare JDK client's selector thread ends within seconds of its collection: join them
      for (Thread t : selectorThreads()) {
        if (!before.contains(t)) {
          t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
      }
      long extraThreads = selectorThreads().stream().filter(t -> !before.contains(t)).count();
      assertThat(alive).as("closed HttpClients still reachable").isZero();
      // a bare JDK client's selector thread ends within seconds of its collection
      assertThat(extraThreads).as("selector threads left").isLessThanOrEqualTo(0);
    }
  }
}
