package io.github.kimisdk.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The log of one message's parts: one named case per rule of order, replay and bounds. */
class PartLogTest {

  static List<String> drain(PartLog.Reader r) {
    List<String> out = new ArrayList<>();
    for (String p = r.poll(); p != null; p = r.poll()) {
      out.add(p);
    }
    return out;
  }

  static String type(String part) {
    return part.equals(Parts.DONE) ? "[DONE]" : Json.parse(part).get("type").asString();
  }

  static List<String> types(List<String> parts) {
    return parts.stream().map(PartLogTest::type).toList();
  }

  @Test
  void aTextIsItsStartItsDeltasAndItsEnd() {
    PartLog log = new PartLog(1000);
    PartLog.Reader r = log.reader(0);
    PartLog.Flowing t = log.openText("t");
    log.append(t, "Hel");
    assertThat(types(drain(r))).containsExactly("text-start", "text-delta");
    log.append(t, "lo");
    log.close(t);
    List<String> rest = drain(r);
    assertThat(types(rest)).containsExactly("text-delta", "text-end");
    assertThat(Json.parse(rest.get(0)).get("delta").asString()).isEqualTo("lo");
  }

  @Test
  void aLateReaderGetsWhatItMissedAsOneDelta() {
    PartLog log = new PartLog(1000);
    PartLog.Flowing t = log.openText("t");
    for (String piece : List.of("a", "b", "c", "d")) {
      log.append(t, piece);
    }
    List<String> parts = drain(log.reader(0));
    assertThat(types(parts)).containsExactly("text-start", "text-delta");
    assertThat(Json.parse(parts.get(1)).get("delta").asString()).isEqualTo("abcd");
  }

  @Test
  void aSinglePartWaitsForEveryBlockBeforeItToEnd() {
    PartLog log = new PartLog(1000);
    PartLog.Reader r = log.reader(0);
    PartLog.Flowing in = log.openToolInput("c1", "transfer");
    log.append(in, "{\"to\":");
    log.single(Parts.toolOutputAvailable("c0", "done"));
    assertThat(types(drain(r))).containsExactly("tool-input-start", "tool-input-delta");
    log.append(in, "\"x\"}");
    log.close(in, Parts.toolInputAvailable("c1", "transfer", Parts.input("{\"to\":\"x\"}")));
    assertThat(types(drain(r)))
        .containsExactly("tool-input-delta", "tool-input-available", "tool-output-available");
  }

  @Test
  void twoFlowingBlocksInterleave() {
    PartLog log = new PartLog(1000);
    PartLog.Reader r = log.reader(0);
    PartLog.Flowing a = log.openToolInput("a", "t");
    PartLog.Flowing b = log.openToolInput("b", "t");
    log.append(a, "{}");
    log.append(b, "{}");
    List<String> parts = drain(r);
    assertThat(types(parts))
        .containsExactly(
            "tool-input-start", "tool-input-delta", "tool-input-start", "tool-input-delta");
    log.append(a, " ");
    assertThat(types(drain(r))).containsExactly("tool-input-delta");
  }

  @Test
  void theEndComesOnceAfterTheFinish() {
    PartLog log = new PartLog(1000);
    PartLog.Reader r = log.reader(0);
    log.single(Parts.finish("stop", null));
    assertThat(types(drain(r))).containsExactly("finish");
    log.end();
    assertThat(drain(r)).containsExactly(Parts.DONE);
    assertThat(r.poll()).isNull();
    assertThat(r.finished()).isTrue();
  }

  @Test
  void endingClosesTheBlocksLeftOpen() {
    PartLog log = new PartLog(1000);
    PartLog.Flowing t = log.openText("t");
    log.append(t, "cut");
    log.end();
    assertThat(types(drain(log.reader(0))))
        .containsExactly("text-start", "text-delta", "text-end", "[DONE]");
  }

  @Test
  void aReaderFromTheMiddleSkipsWhatCameBefore() {
    PartLog log = new PartLog(1000);
    log.single(Parts.start("m"));
    log.single(Parts.startStep());
    int from = log.size();
    log.single(Parts.finishStep());
    assertThat(types(drain(log.reader(from)))).containsExactly("finish-step");
    assertThat(types(drain(log.reader(0)))).containsExactly("start", "start-step", "finish-step");
  }

  @Test
  void passingTheLimitEndsTheStreamWithAnErrorAndDropsTheRest() {
    PartLog log = new PartLog(200);
    PartLog.Flowing t = log.openText("t");
    log.append(t, "x".repeat(150));
    log.append(t, "y".repeat(100));
    log.single(Parts.finish("stop", null));
    List<String> parts = drain(log.reader(0));
    assertThat(types(parts))
        .containsExactly("text-start", "text-delta", "text-end", "error", "finish", "[DONE]");
    assertThat(Json.parse(parts.get(1)).get("delta").asString()).isEqualTo("x".repeat(150));
    assertThat(Json.parse(parts.get(3)).get("errorText").asString()).contains("reload the page");
    assertThat(log.overflowed()).isTrue();
  }

  @Test
  void aWaitingReaderWakesWhenAPartIsWritten() throws Exception {
    PartLog log = new PartLog(1000);
    PartLog.Reader r = log.reader(0);
    CountDownLatch waiting = new CountDownLatch(1);
    List<String> got = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              waiting.countDown();
              try {
                got.add(r.await(60_000));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    reader.start();
    assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
    log.single(Parts.startStep());
    reader.join(60_000);
    assertThat(types(got)).containsExactly("start-step");
  }

  /**
   * Whatever the chunking and however readers interleave with the writer, each reader's deltas join
   * to the text written, and every part of a block comes in its order (seeded).
   */
  @Test
  void everyReaderSeesTheWholeTextInOrderWhateverTheChunking() {
    Random random = new Random(105);
    for (int round = 0; round < 200; round++) {
      PartLog log = new PartLog(1_000_000);
      List<PartLog.Reader> readers = new ArrayList<>();
      List<StringBuilder> seen = new ArrayList<>();
      StringBuilder written = new StringBuilder();
      PartLog.Flowing t = log.openText("t");
      int pieces = 1 + random.nextInt(30);
      for (int i = 0; i < pieces; i++) {
        if (random.nextInt(4) == 0) {
          readers.add(log.reader(0));
          seen.add(new StringBuilder());
        }
        String piece = Integer.toString(random.nextInt(1000), 36);
        written.append(piece);
        log.append(t, piece);
        for (int j = 0; j < readers.size(); j++) {
          if (random.nextBoolean()) {
            collect(readers.get(j), seen.get(j));
          }
        }
      }
      log.close(t);
      log.end();
      readers.add(log.reader(0));
      seen.add(new StringBuilder());
      for (int j = 0; j < readers.size(); j++) {
        collect(readers.get(j), seen.get(j));
        assertThat(seen.get(j).toString()).isEqualTo(written.toString());
        assertThat(readers.get(j).finished()).isTrue();
      }
    }
  }

  private static void collect(PartLog.Reader r, StringBuilder text) {
    for (String p = r.poll(); p != null; p = r.poll()) {
      if (p.equals(Parts.DONE)) {
        continue;
      }
      JsonObject o = Json.parse(p).asObject();
      if (o.get("type").asString().equals("text-delta")) {
        text.append(o.get("delta").asString());
      }
    }
  }
}
