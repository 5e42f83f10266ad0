package io.github.kimisdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.internal.client.ChildJvm;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The first builder of a JVM starts one daemon thread that makes the JDK's default TLS context and
 * ends; later builders start none. Checked in a fresh JVM, since this one made its builders long
 * ago.
 */
@Tag("multiprocess") // a fresh JVM of its own: mvn -B -P slow verify
class TlsWarmupTest {

  @Test
  void theFirstBuilderStartsOneDaemonThreadThatEndsAndLaterBuildersStartNone() throws Exception {
    String out = ChildJvm.run(Child.class);
    assertThat(out.lines().filter(l -> l.startsWith("started: ")))
        .containsExactly("started: kimi-tls-warmup daemon");
    assertThat(out).contains("ended: true");
  }

  /**
   * Makes a builder, then two more, prints the threads each started, waits up to 30 s for them to
   * end and prints whether they did.
   */
  static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      KimiClient.builder();
      List<Thread> started = startedSince(before);
      Set<Thread> after = Thread.getAllStackTraces().keySet();
      KimiClient.builder();
      KimiClient.builder();
      started.addAll(startedSince(after));
      for (Thread t : started) {
        System.out.println("started: " + t.getName() + (t.isDaemon() ? " daemon" : ""));
      }
      boolean ended = true;
      for (Thread t : started) {
        t.join(30_000);
        ended &= !t.isAlive();
      }
      System.out.println("ended: " + ended);
    }

    private static List<Thread> startedSince(Set<Thread> before) {
      return Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.getName().startsWith("kimi-"))
          .collect(Collectors.toList());
    }
  }
}
