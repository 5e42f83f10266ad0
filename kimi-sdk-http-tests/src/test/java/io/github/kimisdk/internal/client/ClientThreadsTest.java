package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The threads a client starts are gone after {@link KimiClient#close()}, so a program that closes
 * its client exits at once, even under a launcher that waits for daemon threads ({@code mvn
 * exec:java}). Checked in a fresh JVM, because a thread such as the JDK's shared {@code
 * CompletableFutureDelayScheduler} lives as long as the JVM once anything started it.
 */
@Tag("multiprocess") // a fresh JVM of its own: mvn -B -P slow verify
class ClientThreadsTest {

  @Test
  void noThreadTheClientStartedOutlivesClose() throws Exception {
    List<String> left = runChild();
    assertThat(left)
        .as("threads alive after close (on JDK %d)", Runtime.version().feature())
        .noneMatch(n -> n.startsWith("kimi-"))
        .noneMatch(n -> n.startsWith("CompletableFutureDelayScheduler"));
    if (Runtime.version().feature() >= 21) {
      // HttpClient is AutoCloseable from JDK 21: the client closes the one it built
      assertThat(left).noneMatch(n -> n.startsWith("HttpClient-"));
    }
  }

  /** Runs {@link Child} in a new JVM and returns the names it printed. */
  private static List<String> runChild() throws IOException, InterruptedException {
    return ChildJvm.run(Child.class)
        .lines()
        .filter(l -> l.startsWith("alive: "))
        .map(l -> l.substring(7))
        .collect(Collectors.toList());
  }

  /**
   * Makes a chat call, a retried chat call, a stream and a rate-limited call, closes the client,
   * builds and at once closes another, closes the server, waits up to 10 s for the threads started
   * meanwhile to end and prints those still alive.
   */
  static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      FakeKimiServer server = new FakeKimiServer().start();
      KimiClient kimi =
          KimiClient.builder()
              .apiKey("sk-test")
              .baseUrl(server.baseUrl())
              .rateLimit(RateLimit.builder().maxConcurrency(2).build())
              .build();
      ChatRequest hello = ChatRequest.of("kimi-k2.6", "Hello");
      kimi.chat(hello);
      server.enqueue(FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\"}}"));
      kimi.chat(hello); // retried after a scheduled backoff
      kimi.stream(hello).toCompletion();
      kimi.close();
      // closed at once, while its pool may still be building its HTTP client
      KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build().close();
      server.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      for (Thread t : started(before)) {
        if (ours(t)) { // wait for it to end, no longer than the deadline in all
          t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
      }
      List<Thread> left = started(before);
      for (Thread t : left) {
        System.out.println("alive: " + t.getName());
      }
    }

    private static List<Thread> started(Set<Thread> before) {
      return Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.isAlive())
          .toList();
    }

    private static boolean ours(Thread t) {
      String n = t.getName();
      return n.startsWith("kimi-")
          || n.startsWith("CompletableFutureDelayScheduler")
          || (Runtime.version().feature() >= 21 && n.startsWith("HttpClient-"));
    }
  }
}
