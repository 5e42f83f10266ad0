package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * No thread per call: a blocking call sends on its caller's thread, so on a machine with 2 CPUs
 * (where the JDK completes {@code sendAsync} on a new thread per task) its listeners hear it there
 * and no thread is started for it. Checked in a fresh JVM told it has 2 processors.
 */
@Tag("multiprocess") // a fresh JVM of its own: mvn -B -P slow verify
class BlockingCallThreadsHttpTest {

  @Test
  void thirtyBlockingChatsOnTwoCpusEndOnAtMostFourThreadsAndStartOnTheCallersThread()
      throws Exception {
    List<String> lines = ChildJvm.run(Child.class, "-XX:ActiveProcessorCount=2").lines().toList();
    assertThat(lines).contains("processors: 2", "calls: 30");
    List<String> ends = values(lines, "end on: ");
    assertThat(ends).as("the threads the calls ended on").isNotEmpty().hasSizeLessThanOrEqualTo(4);
    assertThat(values(lines, "request on: ")).containsExactly("main");
  }

  private static List<String> values(List<String> lines, String prefix) {
    return lines.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .collect(Collectors.toList());
  }

  /** Makes 30 blocking chats on one client and prints where the listener heard them. */
  static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      Set<String> requests = ConcurrentHashMap.newKeySet();
      Set<String> ends = ConcurrentHashMap.newKeySet();
      int calls = 0;
      try (FakeKimiServer server = new FakeKimiServer().start();
          KimiClient kimi =
              KimiClient.builder()
                  .apiKey("sk-test")
                  .baseUrl(server.baseUrl())
                  .listener(
                      new CallListener() {
                        @Override
                        public void onRequest(CallEvent.Request e) {
                          requests.add(Thread.currentThread().getName());
                        }

                        @Override
                        public void onEnd(CallEvent.End e) {
                          ends.add(Thread.currentThread().getName());
                        }
                      })
                  .build()) {
        for (int i = 0; i < 30; i++) {
          kimi.chat(ChatRequest.of("kimi-k2.6", "Hello " + i));
          calls++;
        }
      }
      System.out.println("processors: " + Runtime.getRuntime().availableProcessors());
      System.out.println("calls: " + calls);
      requests.forEach(t -> System.out.println("request on: " + t));
      ends.forEach(t -> System.out.println("end on: " + t));
    }
  }
}
