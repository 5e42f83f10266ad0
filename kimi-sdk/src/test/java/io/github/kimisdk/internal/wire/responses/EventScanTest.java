package io.github.kimisdk.internal.wire.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EventScan} reads what the tree reads, or gives up: on generated events in the layouts
 * servers send (and others), on every byte-level mutation of them, and in sequences that exercise
 * the layout it keeps from one event to the next, what the scan accepts must be what {@link Json}
 * parses, read as the stream handler reads the tree; what the tree refuses, the scan must refuse.
 */
class EventScanTest {

  static final int MAX_DEPTH = 64;

  /** The kinds the scan reads, by type. */
  static int kind(String type) {
    for (int k = 1; k < EventScan.TYPES.length; k++) {
      if (EventScan.TYPES[k].equals(type)) {
        return k;
      }
    }
    switch (type) {
      case "response.output_text.done":
      case "response.content_part.added":
      case "response.content_part.done":
      case "response.reasoning_summary_text.done":
      case "response.reasoning_summary_part.done":
      case "response.reasoning_text.done":
        return EventScan.SKIPPED;
      default:
        return -1;
    }
  }

  /** Checks one event against the tree; returns whether the scan read it. */
  static boolean agrees(EventScan scan, byte[] b, int off, int len) {
    JsonValue tree;
    try {
      tree = Json.parse(b, off, len, MAX_DEPTH);
    } catch (RuntimeException e) {
      tree = null;
    }
    boolean read = scan.read(b, off, len, MAX_DEPTH);
    String text = new String(b, off, len, StandardCharsets.UTF_8);
    if (!read) {
      return false;
    }
    assertThat(tree).as("the scan read what the tree refuses: %s", text).isNotNull();
    JsonObject o = (JsonObject) tree;
    String type = ((JsonString) o.get("type")).value();
    int kind = kind(type);
    assertThat(scan.kind).as(text).isEqualTo(kind);
    if (kind == EventScan.SKIPPED) {
      return true;
    }
    assertThat(scan.position)
        .as("position of %s", text)
        .isEqualTo(ResponsesEventHandler.position(o.get("output_index")));
    long summary =
        o.get("summary_index") instanceof JsonNumber n ? Math.max(-1, n.longValue()) : -1;
    assertThat(scan.summaryIndex).as("summary index of %s", text).isEqualTo(summary);
    String member = kind == EventScan.ARGUMENTS_DONE ? "arguments" : "delta";
    assertThat(scan.value).as("value of %s", text).isEqualTo(ResponsesWire.string(o, member));
    byte[] copy = Arrays.copyOfRange(b, 0, b.length);
    assertThat(scan.id(copy)).as("id of %s", text).isEqualTo(ResponsesWire.string(o, "item_id"));
    return true;
  }

  // --- events as servers write them ---

  static final String[] TEXTS = {
    "Hel", "lo", " wörld", "🙂", "\"quoted\"", "a\\b", "line\nbreak", "tab\t", "", "é", "\u2028"
  };

  static String quoted(String s) {
    return Json.write(JsonString.of(s));
  }

  /** A delta event in OpenAI's layout, with the given item, position and text. */
  static String delta(String type, long seq, String id, int position, Integer summary, String t) {
    StringBuilder sb = new StringBuilder("{\"type\":\"").append(type).append('"');
    sb.append(",\"sequence_number\":").append(seq);
    sb.append(",\"item_id\":").append(quoted(id));
    sb.append(",\"output_index\":").append(position);
    if (summary != null) {
      sb.append(",\"summary_index\":").append(summary);
    } else if (type.equals(EventScan.TYPES[EventScan.TEXT_DELTA])) {
      sb.append(",\"content_index\":0");
    }
    String member = type.equals(EventScan.TYPES[EventScan.ARGUMENTS_DONE]) ? "arguments" : "delta";
    sb.append(",\"").append(member).append("\":").append(quoted(t));
    if (type.equals(EventScan.TYPES[EventScan.TEXT_DELTA])) {
      sb.append(",\"logprobs\":[]");
    }
    return sb.append('}').toString();
  }

  /** A stream's worth of events of every kind the scan reads, and some it leaves to the tree. */
  static List<String> events(Random rnd) {
    List<String> out = new ArrayList<>();
    long seq = 0;
    String[] ids = {"msg_1", "rs_2", "fc_3", "msg_\u00e9"};
    for (int round = 0; round < 6; round++) {
      String id = ids[rnd.nextInt(ids.length)];
      int position = rnd.nextInt(3);
      for (int i = 0; i < 4; i++) {
        int k = 1 + rnd.nextInt(EventScan.TYPES.length - 1);
        Integer summary =
            k == EventScan.SUMMARY_DELTA || k == EventScan.SUMMARY_PART ? rnd.nextInt(2) : null;
        out.add(
            delta(
                EventScan.TYPES[k],
                seq++,
                id,
                position,
                summary,
                TEXTS[rnd.nextInt(TEXTS.length)]));
      }
      // the repeats the handler skips, with nested parts
      out.add(
          "{\"type\":\"response.content_part.done\",\"sequence_number\":"
              + seq++
              + ",\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"part\":"
              + "{\"type\":\"output_text\",\"text\":"
              + quoted(TEXTS[rnd.nextInt(TEXTS.length)])
              + ",\"annotations\":[]}}");
      out.add(
          "{\"type\":\"response.output_text.done\",\"sequence_number\":"
              + seq++
              + ",\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"text\":"
              + quoted("whole " + TEXTS[rnd.nextInt(TEXTS.length)])
              + ",\"logprobs\":[]}");
    }
    // other layouts: members reordered, whitespace, no position, no sequence number, odd values
    out.add(
        "{ \"type\" : \"response.output_text.delta\" , \"delta\" : \"x\" , \"output_index\" : 2 }");
    out.add("{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"y\"}");
    out.add("{\"delta\":\"z\",\"type\":\"response.output_text.delta\",\"output_index\":0}");
    out.add("{\"type\":\"response.output_text.delta\",\"output_index\":1.0,\"delta\":\"z\"}");
    out.add("{\"type\":\"response.output_text.delta\",\"output_index\":null,\"delta\":\"z\"}");
    out.add("{\"type\":\"response.output_text.delta\",\"output_index\":-1,\"delta\":\"z\"}");
    out.add(
        "{\"type\":\"response.output_text.delta\",\"output_index\":12345678901,\"delta\":\"z\"}");
    out.add("{\"type\":\"response.output_text.delta\",\"output_index\":0,\"delta\":null}");
    out.add("{\"type\":\"response.output_text.delta\",\"output_index\":0,\"delta\":[\"a\"]}");
    out.add("{\"type\":\"response.output_text.delta\",\"delta\":\"a\",\"delta\":\"b\"}");
    out.add("{\"type\":\"response.output_text.delta\",\"delta\":\"a\",\"type\":\"error\"}");
    out.add("{\"type\":\"response.output_text.delta\",\"item_id\":7,\"delta\":\"a\"}");
    out.add("{\"type\":\"response.output_text.delta\",\"d\\u0065lta\":\"a\"}");
    out.add("{\"type\":\"response.output_text.delt\\u0061\",\"delta\":\"a\"}");
    out.add("{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{}}");
    out.add("{\"type\":\"response.output_text.delta\",\"x\":{\"y\":[1,-2.5e3,true,false,null]}}");
    out.add("\uFEFF{\"type\":\"response.output_text.delta\",\"delta\":\"a\"}");
    out.add("{\"type\":\"response.output_text.delta\",\"delta\":\"a\"} x");
    return out;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 47, 2026})
  void whatTheScanReadsTheTreeReadsAlike(long seed) {
    Random rnd = new Random(seed);
    EventScan scan = new EventScan();
    int read = 0;
    int accepted = 0;
    for (int round = 0; round < 40; round++) {
      for (String e : events(rnd)) {
        byte[] b = e.getBytes(StandardCharsets.UTF_8);
        // inside a larger buffer, as the SSE parser holds it
        byte[] buf = new byte[b.length + 8];
        Arrays.fill(buf, (byte) '}');
        System.arraycopy(b, 0, buf, 3, b.length);
        read++;
        if (agrees(scan, buf, 3, b.length)) {
          accepted++;
        }
      }
    }
    // nearly every event is one the scan reads: the check above is not vacuous
    assertThat(accepted).isGreaterThan(read * 3 / 4);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 47, 2026})
  void everyMutationIsReadAsTheTreeReadsItOrLeftToTheTree(long seed) {
    Random rnd = new Random(seed);
    EventScan scan = new EventScan();
    byte[] alphabet = "\"\\{}[],:0123456789-.eE tnfu/ax\n\t".getBytes(StandardCharsets.US_ASCII);
    for (String e : events(rnd)) {
      byte[] b = e.getBytes(StandardCharsets.UTF_8);
      for (int m = 0; m < 60; m++) {
        // a valid event first, so the layout it keeps is the one the mutation departs from
        agrees(scan, b, 0, b.length);
        byte[] x = mutate(b, rnd, alphabet);
        agrees(scan, x, 0, x.length);
      }
    }
  }

  static byte[] mutate(byte[] b, Random rnd, byte[] alphabet) {
    int at = rnd.nextInt(b.length);
    byte c =
        switch (rnd.nextInt(6)) {
          case 0 -> (byte) 0xC3;
          case 1 -> (byte) 0x80;
          case 2 -> (byte) 0xFF;
          default -> alphabet[rnd.nextInt(alphabet.length)];
        };
    switch (rnd.nextInt(4)) {
      case 0:
        {
          byte[] x = b.clone();
          x[at] = c;
          return x;
        }
      case 1:
        {
          byte[] x = new byte[b.length - 1];
          System.arraycopy(b, 0, x, 0, at);
          System.arraycopy(b, at + 1, x, at, b.length - at - 1);
          return x;
        }
      case 2:
        {
          byte[] x = new byte[b.length + 1];
          System.arraycopy(b, 0, x, 0, at);
          x[at] = c;
          System.arraycopy(b, at, x, at + 1, b.length - at);
          return x;
        }
      default:
        return Arrays.copyOf(b, at);
    }
  }

  @Test
  void eventsOfOneItemReuseTheirLayoutAndANewItemIsReadAnew() {
    EventScan scan = new EventScan();
    String t = EventScan.TYPES[EventScan.TEXT_DELTA];
    byte[] a = delta(t, 5, "msg_1", 1, null, "Hel").getBytes(StandardCharsets.UTF_8);
    byte[] b = delta(t, 6, "msg_1", 1, null, "lo").getBytes(StandardCharsets.UTF_8);
    byte[] c = delta(t, 70, "msg_2", 2, null, "Bye").getBytes(StandardCharsets.UTF_8);
    assertThat(agrees(scan, a, 0, a.length)).isTrue();
    assertThat(agrees(scan, b, 0, b.length)).isTrue();
    assertThat(scan.value).isEqualTo("lo");
    assertThat(scan.position).isEqualTo(1);
    assertThat(agrees(scan, c, 0, c.length)).isTrue();
    assertThat(scan.position).isEqualTo(2);
    assertThat(scan.id(c)).isEqualTo("msg_2");
    // and a text that does not end where the layout says is refused, not misread
    byte[] cut = Arrays.copyOf(b, b.length - 20);
    assertThat(agrees(scan, cut, 0, cut.length)).isFalse();
  }
}
