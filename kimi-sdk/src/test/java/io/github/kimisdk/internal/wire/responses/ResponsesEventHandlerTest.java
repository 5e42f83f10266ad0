package io.github.kimisdk.internal.wire.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.internal.wire.ChunkRecorder;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.sse.SseParser;
import io.github.kimisdk.tool.ToolCall;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Responses event handler on its own: a stream folds into the same completion as the reply's
 * final object (a property over seeded random replies, split at random), the role rides on the
 * first chunk, arguments arriving whole or in a {@code .done} are added once, and errors, cuts and
 * malformed events end the stream as the other wires' do.
 */
class ResponsesEventHandlerTest {

  static final ResponseMetadata METADATA = new ResponseMetadata(200, Map.of());

  final ResponsesEventHandler handler =
      new ResponsesEventHandler(METADATA, TestErrors.factory(), 64);
  final ChunkRecorder out = new ChunkRecorder();

  /** Feeds one event whose payload sits between other bytes, as the parser's buffer holds it. */
  Throwable feed(String type, String payload) {
    try {
      out.feed(handler, type, "{\"", payload, "}]");
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  void event(String json) {
    String type = ResponsesWire.string(Json.parse(json).asObject(), "type");
    Throwable t = feed(type, json);
    assertThat(t).as("event %s", json).isNull();
  }

  // --- a generator of replies and of the events a server streams for them ---

  /** A random reply: reasoning, text and calls in some order, with usage. */
  static JsonObject randomResponse(Random rnd) {
    List<JsonValue> output = new ArrayList<>();
    int items = 1 + rnd.nextInt(4);
    int calls = 0;
    for (int i = 0; i < items; i++) {
      switch (rnd.nextInt(3)) {
        case 0 -> {
          List<JsonValue> parts = new ArrayList<>();
          int n = 1 + rnd.nextInt(2);
          for (int k = 0; k < n; k++) {
            parts.add(part("summary_text", words(rnd)));
          }
          output.add(obj("type", "reasoning", "id", "rs_" + i, "summary", JsonArray.of(parts)));
        }
        case 1 ->
            output.add(
                obj(
                    "type",
                    "message",
                    "id",
                    "msg_" + i,
                    "role",
                    "assistant",
                    "status",
                    "completed",
                    "content",
                    JsonArray.of(List.of(part("output_text", words(rnd))))));
        default -> {
          calls++;
          output.add(
              obj(
                  "type",
                  "function_call",
                  "id",
                  "fc_" + i,
                  "call_id",
                  "tool_" + calls + ":" + i,
                  "name",
                  "tool_" + calls,
                  "arguments",
                  "{\"q\":\"" + words(rnd).replace("\"", "") + "\"}",
                  "status",
                  "completed"));
        }
      }
    }
    boolean cut = rnd.nextInt(5) == 0;
    JsonObject.Builder r =
        JsonObject.builder()
            .put("id", JsonString.of("resp_" + rnd.nextInt(1000)))
            .put("object", JsonString.of("response"))
            .put("created_at", JsonNumber.of(1764000000L + rnd.nextInt(100)))
            .put("status", JsonString.of(cut ? "incomplete" : "completed"))
            .put("model", JsonString.of("kimi-k3"))
            .put("output", JsonArray.of(output))
            .put(
                "usage",
                Json.parse(
                    "{\"input_tokens\":"
                        + (300 + rnd.nextInt(50))
                        + ",\"input_tokens_details\":{\"cached_tokens\":256},\"output_tokens\":"
                        + (1 + rnd.nextInt(90))
                        + ",\"output_tokens_details\":{\"reasoning_tokens\":1}}"));
    if (cut) {
      r.put("incomplete_details", obj("reason", "max_output_tokens"));
    }
    return r.build();
  }

  static String words(Random rnd) {
    String[] w = {
      "Oslo ", "is ", "cold", ", ", "so ", "bring ", "a ", "coat ", "é ", "🙂 ", "\"q\" "
    };
    StringBuilder sb = new StringBuilder();
    int n = 1 + rnd.nextInt(8);
    for (int i = 0; i < n; i++) {
      sb.append(w[rnd.nextInt(w.length)]);
    }
    return sb.toString();
  }

  static JsonObject part(String type, String text) {
    return obj("type", type, "text", text);
  }

  static JsonObject obj(Object... kv) {
    JsonObject.Builder b = JsonObject.builder();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      b.put((String) kv[i], v instanceof JsonValue j ? j : JsonString.of((String) v));
    }
    return b.build();
  }

  /** Splits a text into 1 to 4 random pieces. */
  static List<String> split(String s, Random rnd) {
    List<String> out = new ArrayList<>();
    int at = 0;
    int[] cps = s.codePoints().toArray();
    while (at < cps.length) {
      int n = 1 + rnd.nextInt(Math.max(1, cps.length / 2));
      int end = Math.min(cps.length, at + n);
      out.add(new String(cps, at, end - at));
      at = end;
    }
    return out;
  }

  /** The events a server streams for {@code r}, OpenAI's sequence, deltas split at random. */
  static List<String> events(JsonObject r, Random rnd) {
    return events(r, rnd, false);
  }

  /**
   * The events a server streams for {@code r}; with {@code rotate}, as a gateway that names an item
   * by a new id in every event and by another id, or none, in the final object (only {@code
   * output_index} and the call ids stay).
   */
  static List<String> events(JsonObject r, Random rnd, boolean rotate) {
    int[] fresh = {0};
    java.util.function.UnaryOperator<String> name =
        id -> rotate ? "rot_" + Integer.toHexString(0x5000 + fresh[0]++) : id;
    List<String> ev = new ArrayList<>();
    JsonObject head =
        obj(
            "id",
            r.get("id"),
            "object",
            "response",
            "created_at",
            r.get("created_at"),
            "status",
            "in_progress",
            "model",
            r.get("model"),
            "output",
            JsonArray.of(List.of()));
    ev.add(Json.write(obj("type", "response.created", "response", head)));
    ev.add(Json.write(obj("type", "response.in_progress", "response", head)));
    int index = 0;
    for (JsonValue v : ((JsonArray) r.get("output")).values()) {
      JsonObject item = (JsonObject) v;
      String id = ResponsesWire.string(item, "id");
      JsonNumber oi = JsonNumber.of(index);
      String type = ResponsesWire.string(item, "type");
      if (type.equals("reasoning")) {
        ev.add(
            Json.write(
                obj(
                    "type",
                    "response.output_item.added",
                    "output_index",
                    oi,
                    "item",
                    obj(
                        "type",
                        "reasoning",
                        "id",
                        name.apply(id),
                        "summary",
                        JsonArray.of(List.of())))));
        int si = 0;
        for (JsonValue p : ((JsonArray) item.get("summary")).values()) {
          JsonNumber sn = JsonNumber.of(si++);
          ev.add(
              Json.write(
                  obj(
                      "type",
                      "response.reasoning_summary_part.added",
                      "item_id",
                      name.apply(id),
                      "output_index",
                      oi,
                      "summary_index",
                      sn,
                      "part",
                      part("summary_text", ""))));
          for (String piece : split(ResponsesWire.string((JsonObject) p, "text"), rnd)) {
            ev.add(
                Json.write(
                    obj(
                        "type",
                        "response.reasoning_summary_text.delta",
                        "item_id",
                        name.apply(id),
                        "output_index",
                        oi,
                        "summary_index",
                        sn,
                        "delta",
                        piece)));
          }
        }
      } else if (type.equals("message")) {
        ev.add(
            Json.write(
                obj(
                    "type",
                    "response.output_item.added",
                    "output_index",
                    oi,
                    "item",
                    obj(
                        "type",
                        "message",
                        "id",
                        name.apply(id),
                        "role",
                        "assistant",
                        "content",
                        JsonArray.of(List.of())))));
        for (String piece : split(ResponsesWire.messageText(item), rnd)) {
          ev.add(
              Json.write(
                  obj(
                      "type",
                      "response.output_text.delta",
                      "item_id",
                      name.apply(id),
                      "output_index",
                      oi,
                      "content_index",
                      JsonNumber.of(0),
                      "delta",
                      piece)));
        }
      } else {
        ev.add(
            Json.write(
                obj(
                    "type",
                    "response.output_item.added",
                    "output_index",
                    oi,
                    "item",
                    obj(
                        "type",
                        "function_call",
                        "id",
                        name.apply(id),
                        "call_id",
                        item.get("call_id"),
                        "name",
                        item.get("name"),
                        "arguments",
                        ""))));
        String args = ResponsesWire.string(item, "arguments");
        List<String> pieces = split(args, rnd);
        // sometimes the last fragment only comes with the .done event
        int sent = rnd.nextBoolean() ? pieces.size() : pieces.size() - 1;
        for (int k = 0; k < sent; k++) {
          ev.add(
              Json.write(
                  obj(
                      "type",
                      "response.function_call_arguments.delta",
                      "item_id",
                      name.apply(id),
                      "output_index",
                      oi,
                      "delta",
                      pieces.get(k))));
        }
        ev.add(
            Json.write(
                obj(
                    "type",
                    "response.function_call_arguments.done",
                    "item_id",
                    name.apply(id),
                    "output_index",
                    oi,
                    "arguments",
                    args)));
      }
      ev.add(
          Json.write(
              obj(
                  "type",
                  "response.output_item.done",
                  "output_index",
                  oi,
                  "item",
                  rotate ? renamed(item, name.apply(id)) : item)));
      index++;
    }
    String end =
        "incomplete".equals(ResponsesWire.string(r, "status"))
            ? "response.incomplete"
            : "response.completed";
    JsonObject last = r;
    if (rotate) {
      List<JsonValue> renamed = new ArrayList<>();
      for (JsonValue v : ((JsonArray) r.get("output")).values()) {
        renamed.add(renamed((JsonObject) v, rnd.nextBoolean() ? name.apply("") : null));
      }
      JsonObject.Builder b = JsonObject.builder();
      r.members().forEach(b::put);
      last = b.put("output", JsonArray.of(renamed)).build();
    }
    ev.add(Json.write(obj("type", end, "response", last)));
    return ev;
  }

  /** An item with another id, or none. */
  static JsonObject renamed(JsonObject item, String id) {
    JsonObject.Builder b = JsonObject.builder();
    item.members()
        .forEach(
            (k, v) -> {
              if (!k.equals("id")) {
                b.put(k, v);
              }
            });
    if (id != null) {
      b.put("id", JsonString.of(id));
    }
    return b.build();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 47, 2026})
  void aStreamFoldsIntoWhatTheWholeReplySays(long seed) {
    foldsIntoTheWholeReply(seed, false);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 47, 2026})
  void aStreamWhoseIdsRotateFoldsIntoWhatTheWholeReplySays(long seed) {
    foldsIntoTheWholeReply(seed, true);
  }

  void foldsIntoTheWholeReply(long seed, boolean rotate) {
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      ResponsesEventHandler h = new ResponsesEventHandler(METADATA, TestErrors.factory(), 64);
      ChunkRecorder rec = new ChunkRecorder();
      JsonObject r = randomResponse(rnd);
      for (String e : events(r, rnd, rotate)) {
        byte[] b = e.getBytes(StandardCharsets.UTF_8);
        try {
          h.onEvent("message", b, 0, b.length, "", rec);
        } catch (Exception ex) {
          throw new AssertionError("seed " + seed + " round " + round + ": " + e, ex);
        }
      }
      assertThat(rec.complete).as("seed %d round %d", seed, round).isTrue();
      assertThat(rec.failure).isNull();
      ChatCompletion whole = ResponsesWire.response(r);
      ChatCompletion streamed = rec.folded();
      assertThat(streamed.id()).isEqualTo(whole.id());
      assertThat(streamed.model()).isEqualTo(whole.model());
      assertThat(streamed.choices().get(0).message())
          .as("seed %d round %d: %s", seed, round, r)
          .isEqualTo(whole.choices().get(0).message());
      assertThat(streamed.choices().get(0).finishReason())
          .isEqualTo(whole.choices().get(0).finishReason());
      assertThat(streamed.usage()).isEqualTo(whole.usage());
      assertThat(rec.items.get(0).choices().get(0).delta().role()).isEqualTo("assistant");
      assertThat(rec.items.stream().skip(1).map(c -> c.choices().get(0).delta().role()))
          .containsOnlyNulls();
    }
  }

  // --- one output item stays one item, whatever ids name it ---

  /** Feeds a whole event-stream body through the SSE parser into a fresh handler. */
  static ChunkRecorder replay(byte[] body) {
    ResponsesEventHandler h = new ResponsesEventHandler(METADATA, TestErrors.factory(), 64);
    ChunkRecorder rec = new ChunkRecorder();
    SseParser parser =
        new SseParser(
            e -> {
              byte[] b = e.data().getBytes(StandardCharsets.UTF_8);
              try {
                h.onEvent(e.event(), b, 0, b.length, e.id(), rec);
              } catch (Exception ex) {
                throw new AssertionError(e.data(), ex);
              }
            });
    parser.feed(ByteBuffer.wrap(body));
    parser.close();
    if (!rec.complete && rec.failure == null) {
      h.onEndOfInput(rec);
    }
    return rec;
  }

  @ParameterizedTest
  @MethodSource("io.github.kimisdk.internal.wire.responses.RenamingStreams#names")
  void oneItemStaysOneItemWhateverIdsNameIt(String name) {
    ChunkRecorder rec = replay(RenamingStreams.body(name));

    assertThat(rec.failure).as(name).isNull();
    assertThat(rec.complete).isTrue();
    ChatCompletion c = rec.folded();
    var m = c.choices().get(0).message();
    assertThat(m.content()).isEqualTo("Let me look that up for you.");
    assertThat(m.reasoningContent())
        .isEqualTo("The user asks for the weather in Oslo. I should call get_weather.");
    // a call's end event names the id the server recorded, which a tool result must name
    String id = name.equals("renamed-call-id.sse") ? "toolu_01Xy" : "get_weather:0";
    assertThat(m.toolCalls())
        .containsExactly(
            ToolCall.function(id, "get_weather", "{\"city\":\"Oslo\",\"unit\":\"celsius\"}"));
    assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(c.usage().promptTokens()).isEqualTo(412);
    assertThat(c.usage().completionTokens()).isEqualTo(57);
  }

  @Test
  void aCallTakesTheIdItsEndEventNamesWhenItDiffersFromTheAnnouncedOne() {
    event(
        "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":"
            + "\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"\"}}");
    event(
        "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":0,"
            + "\"item_id\":\"fc_1\",\"delta\":\"{}\"}");
    event(
        "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":"
            + "\"function_call\",\"id\":\"fc_2\",\"call_id\":\"c2\",\"name\":\"f\",\"arguments\":\"{}\"}}");
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":["
            + "{\"type\":\"function_call\",\"call_id\":\"c3\",\"name\":\"f\",\"arguments\":\"{}\"}]}}");

    assertThat(out.folded().choices().get(0).message().toolCalls())
        .as("the .done event's call_id, not the .added one's nor the final object's")
        .containsExactly(ToolCall.function("c2", "f", "{}"));
    assertThat(out.items.stream().flatMap(c -> c.choices().get(0).delta().toolCalls().stream()))
        .extracting(ChatCompletionChunk.ToolCallDelta::id)
        .as("announced with c1, renamed once")
        .containsExactly("c1", null, "c2");
  }

  @Test
  void aCallWhoseEndEventRepeatsItsIdIsToldOnce() {
    event(
        "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":"
            + "\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"\"}}");
    event(
        "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":"
            + "\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"}}");
    event("{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}");

    assertThat(out.folded().choices().get(0).message().toolCalls())
        .containsExactly(ToolCall.function("c1", "f", "{}"));
    assertThat(out.items.stream().flatMap(c -> c.choices().get(0).delta().toolCalls().stream()))
        .extracting(ChatCompletionChunk.ToolCallDelta::id)
        .containsExactly("c1", null);
  }

  @Test
  void theFinalObjectCompletesTextTheEventsDeliveredInPartAndKeepsTextTheyContradict() {
    event(
        "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"item_id\":\"m\","
            + "\"delta\":\"Hel\"}");
    event(
        "{\"type\":\"response.output_text.delta\",\"output_index\":1,\"item_id\":\"n\","
            + "\"delta\":\"Bye\"}");
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":["
            + "{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hello\"}]},"
            + "{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"Other\"}]}]}}");

    assertThat(out.folded().choices().get(0).message().content()).isEqualTo("HelByelo");
  }

  @Test
  void theFinalObjectPairsItsItemsByTypeWhenPositionsAndIdsDiffer() {
    // a server that numbers output items from 1 and renames them in the final object
    event(
        "{\"type\":\"response.reasoning_summary_text.delta\",\"output_index\":1,"
            + "\"item_id\":\"a\",\"summary_index\":0,\"delta\":\"Think.\"}");
    event(
        "{\"type\":\"response.output_text.delta\",\"output_index\":2,\"item_id\":\"b\","
            + "\"delta\":\"Done.\"}");
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":["
            + "{\"type\":\"reasoning\",\"id\":\"x\",\"summary\":[{\"type\":\"summary_text\","
            + "\"text\":\"Think.\"}]},{\"type\":\"message\",\"id\":\"y\",\"content\":["
            + "{\"type\":\"output_text\",\"text\":\"Done.\"}]}]}}");

    var m = out.folded().choices().get(0).message();
    assertThat(m.reasoningContent()).isEqualTo("Think.");
    assertThat(m.content()).isEqualTo("Done.");
  }

  @Test
  void aSummaryPartThatBeginsWithoutItsAddedEventIsStillSetApart() {
    event(
        "{\"type\":\"response.reasoning_summary_text.delta\",\"output_index\":0,"
            + "\"summary_index\":0,\"delta\":\"One.\"}");
    event(
        "{\"type\":\"response.reasoning_summary_text.delta\",\"output_index\":0,"
            + "\"summary_index\":1,\"delta\":\"Two.\"}");
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":["
            + "{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"One.\"},"
            + "{\"type\":\"summary_text\",\"text\":\"Two.\"}]}]}}");

    assertThat(out.folded().choices().get(0).message().reasoningContent())
        .isEqualTo("One.\n\nTwo.");
  }

  @Test
  void aServerThatStreamsOnlyTheFinalObjectStillGivesTheReply() {
    byte[] b = ResponsesWireTest.RESPONSE.getBytes(StandardCharsets.UTF_8);
    JsonObject r = Json.parse(b).asObject();
    event(Json.write(obj("type", "response.created", "response", obj("id", "resp_1"))));
    event(Json.write(obj("type", "response.completed", "response", r)));

    assertThat(out.complete).isTrue();
    assertThat(out.folded().choices().get(0).message())
        .isEqualTo(ResponsesWire.response(r).choices().get(0).message());
  }

  @Test
  void reasoningToldBothAsSummaryAndAsTextCountsOnce() {
    event("{\"type\":\"response.reasoning_text.delta\",\"item_id\":\"rs_1\",\"delta\":\"Hmm.\"}");
    event(
        "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\","
            + "\"delta\":\"Summary.\"}");
    event(
        "{\"type\":\"response.output_item.done\",\"item\":{\"type\":\"reasoning\",\"id\":\"rs_1\","
            + "\"summary\":[{\"type\":\"summary_text\",\"text\":\"Summary.\"}]}}");
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":[]}}");

    assertThat(out.folded().choices().get(0).message().reasoningContent()).isEqualTo("Hmm.");
    assertThat(out.folded().choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void argumentsThatContradictTheFragmentsAreAMalformedChunk() {
    event(
        "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":"
            + "\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"\"}}");
    event(
        "{\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\","
            + "\"delta\":\"{\\\"a\\\":1\"}");
    Throwable t =
        feed(
            "message",
            "{\"type\":\"response.function_call_arguments.done\",\"item_id\":\"fc_1\","
                + "\"arguments\":\"{\\\"b\\\":2}\"}");

    assertThat(t)
        .isInstanceOf(MalformedChunkException.class)
        .hasMessageContaining("do not continue");
    assertThat(((MalformedChunkException) t).partial().choices().get(0).message().toolCalls())
        .containsExactly(ToolCall.function("c1", "f", "{\"a\":1"));
  }

  @Test
  void argumentsForAnItemThatIsNoCallAreAMalformedChunk() {
    Throwable t =
        feed(
            "message",
            "{\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_9\",\"delta\":\"{\"}");
    assertThat(t).isInstanceOf(MalformedChunkException.class).hasMessageContaining("fc_9");
  }

  @Test
  void aPayloadThatIsNotJsonIsAMalformedChunk() {
    event("{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"Hel\"}");
    Throwable t = feed("response.output_text.delta", "{\"type\":");
    assertThat(t).isInstanceOf(MalformedChunkException.class);
    assertThat(((MalformedChunkException) t).partial().choices().get(0).message().content())
        .isEqualTo("Hel");
  }

  @Test
  void anErrorEventFailsTheStreamWithTheExceptionItsCodeNames() {
    event("{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"Hel\"}");
    event(
        "{\"type\":\"error\",\"code\":\"engine_overloaded_error\",\"message\":\"busy\","
            + "\"param\":null,\"sequence_number\":3}");
    assertThat(out.failure)
        .isInstanceOf(EngineOverloadedException.class)
        .hasMessageContaining("busy");
  }

  @Test
  void aRateLimitErrorEventIsARateLimit() {
    event(
        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_reached_error\","
            + "\"message\":\"slow down\"}}");
    assertThat(out.failure).isInstanceOf(RateLimitException.class);
  }

  @Test
  void aFailedResponseFailsTheStream() {
    event(
        "{\"type\":\"response.failed\",\"response\":{\"id\":\"resp_1\",\"status\":\"failed\","
            + "\"error\":{\"code\":\"server_error\",\"message\":\"the engine failed\"}}}");
    assertThat(out.failure)
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("the engine failed");
  }

  @Test
  void aBodyThatEndsBeforeTheLastEventIsTruncated() {
    event("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"model\":\"kimi-k3\"}}");
    event("{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"Hel\"}");
    handler.onEndOfInput(out);
    assertThat(out.failure).isInstanceOf(TruncatedStreamException.class);
    assertThat(
            ((TruncatedStreamException) out.failure).partial().choices().get(0).message().content())
        .isEqualTo("Hel");
  }

  @Test
  void doneMarkersBlankPayloadsAndUnknownEventsGiveNothing() {
    event("{\"type\":\"response.queued\",\"response\":{}}");
    event("{\"type\":\"response.content_part.added\",\"item_id\":\"m\",\"part\":{}}");
    assertThat(feed("message", "[DONE]")).isNull();
    assertThat(feed("message", "  ")).isNull();
    assertThat(out.items).isEmpty();
    assertThat(out.complete).isFalse();
  }

  @Test
  void everyChunkCarriesTheIdModelAndTimeOfTheStartEvent() {
    event(
        "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_9\",\"model\":\"kimi-k3\","
            + "\"created_at\":1764000009}}");
    event("{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"Hi\"}");
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":[]}}");

    assertThat(out.items).hasSize(2);
    for (ChatCompletionChunk c : out.items) {
      assertThat(c.id()).isEqualTo("resp_9");
      assertThat(c.model()).isEqualTo("kimi-k3");
      assertThat(c.created()).isEqualTo(1764000009L);
    }
  }

  @Test
  void itemsThatArriveOnlyWholeInTheirDoneEventAreDeliveredOnce() {
    event(
        "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":"
            + "\"reasoning\",\"id\":\"rs_1\",\"summary\":[]}}");
    event(
        "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":"
            + "\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\","
            + "\"text\":\"Think.\"}],\"encrypted_content\":\"enc\"}}");
    event(
        "{\"type\":\"response.output_item.added\",\"output_index\":1,\"item\":{\"type\":"
            + "\"message\",\"id\":\"msg_1\",\"content\":[]}}");
    event(
        "{\"type\":\"response.output_item.done\",\"output_index\":1,\"item\":{\"type\":"
            + "\"message\",\"id\":\"msg_1\",\"content\":[{\"type\":\"output_text\","
            + "\"text\":\"Done.\"}]}}");
    // a call announced without arguments, whose arguments come only with the item's end
    event(
        "{\"type\":\"response.output_item.added\",\"output_index\":2,\"item\":{\"type\":"
            + "\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\"}}");
    event(
        "{\"type\":\"response.output_item.done\",\"output_index\":2,\"item\":{\"type\":"
            + "\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\","
            + "\"arguments\":\"{}\"}}");
    // the final object repeats all three: nothing is added twice
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":["
            + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\","
            + "\"text\":\"Think.\"}]},{\"type\":\"message\",\"id\":\"msg_1\",\"content\":["
            + "{\"type\":\"output_text\",\"text\":\"Done.\"}]},{\"type\":\"function_call\","
            + "\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"}]}}");

    var m = out.folded().choices().get(0).message();
    assertThat(m.reasoningContent()).isEqualTo("Think.");
    assertThat(m.reasoningSignature()).isEqualTo("enc");
    assertThat(m.content()).isEqualTo("Done.");
    assertThat(m.toolCalls()).containsExactly(ToolCall.function("c1", "f", "{}"));
    assertThat(out.folded().choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void deltasThatNameTheirItemByPositionOnlyJoinIt() {
    event(
        "{\"type\":\"response.output_item.added\",\"output_index\":3,\"item\":{\"type\":"
            + "\"function_call\",\"id\":\"fc_3\",\"call_id\":\"c3\",\"name\":\"g\","
            + "\"arguments\":\"\"}}");
    event(
        "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":3,"
            + "\"delta\":\"{\\\"x\\\":1}\"}");
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":[]}}");

    assertThat(out.folded().choices().get(0).message().toolCalls())
        .containsExactly(ToolCall.function("c3", "g", "{\"x\":1}"));
  }

  @Test
  void itemsWithoutIdsInTheFinalObjectAreKeptApartByPosition() {
    event(
        "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":["
            + "{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"One. \"}]},"
            + "{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"Two.\"}]}]}}");
    assertThat(out.folded().choices().get(0).message().content()).isEqualTo("One. Two.");
  }

  @Test
  void anIncompleteResponseThatSaysNotWhyIsCutByLength() {
    event("{\"type\":\"response.output_text.delta\",\"output_index\":0,\"delta\":\"Hi\"}");
    event(
        "{\"type\":\"response.incomplete\",\"response\":{\"status\":\"incomplete\","
            + "\"output\":[]}}");
    assertThat(out.folded().choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  @Test
  void theEndOfInputAfterTheLastEventCompletes() {
    event("{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"Hi\"}");
    event(
        "{\"type\":\"response.incomplete\",\"response\":{\"status\":\"incomplete\","
            + "\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"output\":[]}}");
    assertThat(out.complete).isTrue();
    out.complete = false;
    handler.onEndOfInput(out);
    assertThat(out.complete).isTrue();
    assertThat(out.failure).isNull();
    assertThat(out.folded().choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
  }
}
