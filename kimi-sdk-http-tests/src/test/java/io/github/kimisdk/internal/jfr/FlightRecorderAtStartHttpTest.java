package io.github.kimisdk.internal.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.internal.client.ChildJvm;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh JVM in which no recording runs loads none of Flight Recorder's event machinery for the
 * SDK (loading and registering the event class cost a tenth of a second or more of its start), and
 * a recording started later, after the client was built, still records every call. Checked in a
 * fresh JVM, because a recording started by any other test initializes Flight Recorder for good.
 */
@Tag("multiprocess") // fresh JVMs of their own: mvn -B -P slow verify
class FlightRecorderAtStartHttpTest {

  static final String MARK = "-- recording starts --";

  @Test
  void noRecordingLoadsNoEventClassAndALaterRecordingRecordsEveryCall() throws Exception {
    List<String> lines =
        ChildJvm.run(Child.class, "-Xlog:class+load=info:stdout:none").lines().toList();
    int mark = lines.indexOf(MARK);
    assertThat(mark).as("the child's output:%n%s", String.join("\n", lines)).isPositive();
    List<String> before =
        lines.subList(0, mark).stream()
            .map(l -> l.split(" ", 2)[0])
            .filter(c -> c.startsWith("jdk.jfr.") || c.startsWith(Jfr.class.getPackageName()))
            .collect(Collectors.toList());
    assertThat(before)
        .as("the SDK's and Flight Recorder's classes loaded by calls while nothing records")
        .isNotEmpty() // the SDK's own: the check that nothing records loads them
        .doesNotContain(KimiCallEvent.class.getName(), "jdk.jfr.Event", "jdk.jfr.EventType")
        .noneMatch(c -> c.startsWith("jdk.jfr.internal."));
    assertThat(lines.subList(mark, lines.size()))
        .contains("initialized before: false", "events: 2")
        .anyMatch(l -> l.startsWith(KimiCallEvent.class.getName() + " "));
  }

  /**
   * A recording from the JVM's start ({@code -XX:StartFlightRecording}, as a profiled service or a
   * CI job starts one) records the first calls of a client built under it.
   */
  @Test
  void aRecordingFromTheJvmsStartRecordsTheFirstCalls(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("start.jfr");
    String out =
        ChildJvm.run(
            FromStart.class, "-XX:StartFlightRecording:filename=" + file + ",settings=default");
    assertThat(out).contains("initialized at build: true");
    List<String> models =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals(KimiCallEvent.NAME))
            .map(e -> e.getString("operation") + " " + e.getString("model"))
            .sorted()
            .collect(Collectors.toList());
    assertThat(models).containsExactly("CHAT kimi-k3", "CHAT_STREAM kimi-k2.6");
  }

  /**
   * Builds a client under the recording the JVM started with and makes a chat call and a stream.
   */
  static final class FromStart {
    private FromStart() {}

    public static void main(String[] args) throws Exception {
      try (FakeKimiServer server = new FakeKimiServer().start();
          KimiClient kimi =
              KimiClient.builder().apiKey("sk-test-jfr").baseUrl(server.baseUrl()).build()) {
        System.out.println("initialized at build: " + FlightRecorder.isInitialized());
        Child.calls(kimi);
      }
    }
  }

  /**
   * Builds a client and makes a chat call and a stream with no recording, prints whether Flight
   * Recorder was initialized and {@link #MARK}, then starts a recording, makes the same two calls
   * with the same client and prints how many of the SDK's events the recording holds.
   */
  static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      Path file = Files.createTempFile("calls", ".jfr");
      try (FakeKimiServer server = new FakeKimiServer().start();
          KimiClient kimi =
              KimiClient.builder().apiKey("sk-test-jfr").baseUrl(server.baseUrl()).build()) {
        calls(kimi);
        boolean initialized = FlightRecorder.isInitialized();
        System.out.println(MARK);
        System.out.println("initialized before: " + initialized);
        try (Recording recording = new Recording()) {
          recording.enable(KimiCallEvent.NAME);
          recording.start();
          calls(kimi);
          recording.stop();
          recording.dump(file);
        }
        long events =
            RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(KimiCallEvent.NAME))
                .count();
        System.out.println("events: " + events);
      } finally {
        Files.delete(file);
      }
    }

    static void calls(KimiClient kimi) {
      kimi.chat(ChatRequest.of("kimi-k3", "Name a river"));
      try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k2.6", "Name a sea"))) {
        s.toCompletion();
      }
    }
  }
}
