package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Logprobs;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The accumulated completion of a stream equals the non-streamed completion of the same answer,
 * member for member, with members the records do not model at every level (chunk, choice, delta,
 * tool call, usage, logprobs), each reply streamed in random chunk splits (fixed seeds), through
 * the chunk fast path and the general reader alike.
 */
class StreamedEqualsWholeTest {

  /** One answer, whole and as a stream. */
  record Reply(String whole, List<String> chunks) {}

  /** Builds random replies and their streams; the same seed gives the same replies. */
  static final class Generator {
    private final Random r;
    private final boolean unknown;

    Generator(long seed, boolean unknown) {
      this.r = new Random(seed);
      this.unknown = unknown;
    }

    private String text(int max) {
      String alphabet = "ab c\u00e9\u4f60\"\\\n{}:,";
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(max);
      for (int i = 0; i < n; i++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      return sb.toString();
    }

    /** Splits {@code s} into 1 to 4 pieces (some possibly empty). */
    private List<String> split(String s) {
      int pieces = 1 + r.nextInt(4);
      List<String> out = new ArrayList<>();
      int at = 0;
      for (int i = 1; i < pieces; i++) {
        int next = at + r.nextInt(s.length() - at + 1);
        out.add(s.substring(at, next));
        at = next;
      }
      out.add(s.substring(at));
      return out;
    }

    /** A value that is neither a string nor an array, so it arrives whole, once. */
    private JsonValue scalar() {
      switch (r.nextInt(5)) {
        case 0:
          return JsonNull.INSTANCE;
        case 1:
          return JsonBoolean.of(r.nextBoolean());
        case 2:
          return JsonNumber.of(r.nextInt(1000) - 500);
        case 3:
          return JsonNumber.of(r.nextInt(100) / 8.0);
        default:
          return JsonObject.of("k", JsonArray.of(JsonString.of(text(3)), JsonNull.INSTANCE));
      }
    }

    /** Members that repeat or arrive once: the same value in every chunk that carries them. */
    private Map<String, JsonValue> metadata(String prefix) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      if (!unknown) {
        return m;
      }
      int n = r.nextInt(3);
      for (int i = 0; i < n; i++) {
        m.put(prefix + i, r.nextBoolean() ? JsonString.of(text(5)) : scalar());
      }
      return m;
    }

    /** A member's value in fragments: a string or an array split, or a scalar once. */
    private record Fragmented(JsonValue whole, List<JsonValue> pieces) {}

    private Fragmented fragmented() {
      switch (r.nextInt(3)) {
        case 0:
          {
            String s = text(12);
            List<JsonValue> pieces = new ArrayList<>();
            split(s).forEach(p -> pieces.add(JsonString.of(p)));
            return new Fragmented(JsonString.of(s), pieces);
          }
        case 1:
          {
            List<JsonValue> all = new ArrayList<>();
            List<JsonValue> pieces = new ArrayList<>();
            int parts = 1 + r.nextInt(3);
            for (int p = 0; p < parts; p++) {
              List<JsonValue> part = new ArrayList<>();
              int n = r.nextInt(3);
              for (int i = 0; i < n; i++) {
                part.add(r.nextBoolean() ? JsonString.of(text(3)) : scalar());
              }
              all.addAll(part);
              pieces.add(JsonArray.of(part));
            }
            return new Fragmented(JsonArray.of(all), pieces);
          }
        default:
          {
            JsonValue v = scalar();
            return new Fragmented(v, List.of(v));
          }
      }
    }

    /** One fragment of a choice: a member of the delta, or of the choice (logprobs, finish). */
    private record Op(String key, JsonValue value) {}

    Reply reply() {
      String id = "chatcmpl-" + r.nextInt(1000);
      long created = 1_787_000_000L + r.nextInt(1000);
      Map<String, JsonValue> top = metadata("x_chunk_");
      int n = 1 + r.nextInt(2);
      List<JsonValue> wholeChoices = new ArrayList<>();
      List<List<Map<String, JsonValue>>> chunksPerChoice = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        Map<String, JsonValue> message = new LinkedHashMap<>();
        message.put("role", JsonString.of("assistant"));
        List<List<Op>> fields = new ArrayList<>();
        if (r.nextBoolean()) {
          String reasoning = text(20);
          message.put("reasoning_content", JsonString.of(reasoning));
          fields.add(ops("reasoning_content", split(reasoning)));
        }
        if (r.nextInt(4) != 0) {
          String content = text(30);
          message.put("content", JsonString.of(content));
          fields.add(ops("content", split(content)));
        }
        List<JsonValue> calls = new ArrayList<>();
        int callCount = r.nextInt(3);
        for (int k = 0; k < callCount; k++) {
          String callId = "call_" + c + "_" + k;
          String name = "tool_" + k;
          String args = "{\"q\":\"" + text(6).replace("\\", "").replace("\"", "") + "\"}";
          Map<String, JsonValue> callExtra = metadata("x_call_");
          Map<String, JsonValue> call = new LinkedHashMap<>();
          call.put("id", JsonString.of(callId));
          call.put("type", JsonString.of("function"));
          call.put(
              "function",
              JsonObject.of("name", JsonString.of(name), "arguments", JsonString.of(args)));
          call.putAll(callExtra);
          calls.add(JsonObject.of(call));
          List<Op> callOps = new ArrayList<>();
          List<String> argPieces = split(args);
          for (int p = 0; p < argPieces.size(); p++) {
            Map<String, JsonValue> fragment = new LinkedHashMap<>();
            fragment.put("index", JsonNumber.of(k));
            Map<String, JsonValue> fn = new LinkedHashMap<>();
            if (p == 0) {
              fragment.put("id", JsonString.of(callId));
              fragment.put("type", JsonString.of("function"));
              fn.put("name", JsonString.of(name));
            }
            fn.put("arguments", JsonString.of(argPieces.get(p)));
            fragment.put("function", JsonObject.of(fn));
            // the call's own unknown members: in the first fragment, or in every one
            if (p == 0 || r.nextBoolean()) {
              fragment.putAll(callExtra);
            }
            callOps.add(new Op("tool_calls", JsonArray.of(JsonObject.of(fragment))));
          }
          fields.add(callOps);
        }
        if (!calls.isEmpty()) {
          message.put("tool_calls", JsonArray.of(calls));
        }
        if (unknown) {
          int extras = r.nextInt(3);
          for (int e = 0; e < extras; e++) {
            String name = e == 0 ? "refusal" : "x_delta_" + e;
            Fragmented f = fragmented();
            message.put(name, f.whole());
            fields.add(ops(name, f.pieces()));
          }
        }
        Map<String, JsonValue> choice = new LinkedHashMap<>();
        choice.put("index", JsonNumber.of(c));
        choice.put("message", JsonObject.of(message));
        String finish = calls.isEmpty() ? (r.nextBoolean() ? "stop" : "length") : "tool_calls";
        choice.put("finish_reason", JsonString.of(finish));
        List<Op> logprobOps = new ArrayList<>();
        if (r.nextInt(3) == 0) {
          logprobOps = logprobs(choice);
        }
        Map<String, JsonValue> choiceExtra = metadata("x_choice_");
        choice.putAll(choiceExtra);
        wholeChoices.add(JsonObject.of(choice));
        chunksPerChoice.add(chunkChoices(c, interleave(fields), logprobOps, finish, choiceExtra));
      }
      Map<String, JsonValue> usage = new LinkedHashMap<>();
      usage.put("prompt_tokens", JsonNumber.of(10 + r.nextInt(50)));
      usage.put("completion_tokens", JsonNumber.of(1 + r.nextInt(50)));
      usage.put("total_tokens", JsonNumber.of(100));
      if (unknown) {
        usage.putAll(metadata("x_usage_"));
      }

      Map<String, JsonValue> whole = new LinkedHashMap<>();
      whole.put("id", JsonString.of(id));
      whole.put("object", JsonString.of("chat.completion"));
      whole.put("created", JsonNumber.of(created));
      whole.put("model", JsonString.of("kimi-k3"));
      whole.put("choices", JsonArray.of(wholeChoices));
      whole.put("usage", JsonObject.of(usage));
      whole.putAll(top);

      List<String> chunks = new ArrayList<>();
      for (List<Map<String, JsonValue>> perChoice : chunksPerChoice) {
        for (Map<String, JsonValue> choice : perChoice) {
          chunks.add(
              Json.write(
                  JsonObject.of(chunk(id, created, top, JsonArray.of(JsonObject.of(choice))))));
        }
      }
      Map<String, JsonValue> last = chunk(id, created, top, JsonArray.of(List.of()));
      last.put("usage", JsonObject.of(usage));
      last.putAll(top); // each of the chunk's unknown members arrives at least once
      chunks.add(Json.write(JsonObject.of(last)));
      return new Reply(Json.write(JsonObject.of(whole)), chunks);
    }

    private Map<String, JsonValue> chunk(
        String id, long created, Map<String, JsonValue> top, JsonArray choices) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("id", JsonString.of(id));
      m.put("object", JsonString.of("chat.completion.chunk"));
      m.put("created", JsonNumber.of(created));
      m.put("model", JsonString.of("kimi-k3"));
      m.put("choices", choices);
      // the chunk's own unknown members: in every chunk, or in some (same value)
      for (Map.Entry<String, JsonValue> e : top.entrySet()) {
        if (r.nextInt(3) != 0) {
          m.put(e.getKey(), e.getValue());
        }
      }
      return m;
    }

    private static List<Op> ops(String key, List<? extends Object> pieces) {
      List<Op> out = new ArrayList<>();
      for (Object p : pieces) {
        out.add(new Op(key, p instanceof JsonValue v ? v : JsonString.of((String) p)));
      }
      return out;
    }

    /** Merges the fields' fragment lists at random, each field's fragments in order. */
    private List<Op> interleave(List<List<Op>> fields) {
      List<List<Op>> left = new ArrayList<>();
      for (List<Op> f : fields) {
        left.add(new ArrayList<>(f));
      }
      List<Op> out = new ArrayList<>();
      while (!left.isEmpty()) {
        int i = r.nextInt(left.size());
        out.add(left.get(i).remove(0));
        if (left.get(i).isEmpty()) {
          left.remove(i);
        }
      }
      return out;
    }

    /**
     * Log probabilities of the content, sometimes of a refusal, with unknown members; returns their
     * fragments, one per chunk.
     */
    private List<Op> logprobs(Map<String, JsonValue> choice) {
      List<JsonValue> tokens = tokens(1 + r.nextInt(4));
      List<JsonValue> refusal = r.nextBoolean() ? tokens(1 + r.nextInt(3)) : List.of();
      Map<String, JsonValue> whole = new LinkedHashMap<>();
      whole.put("content", JsonArray.of(tokens));
      if (!refusal.isEmpty()) {
        whole.put("refusal", JsonArray.of(refusal));
      }
      List<Map<String, JsonValue>> pieces = new ArrayList<>();
      int parts = 1 + r.nextInt(3);
      for (int p = 0; p < parts; p++) {
        pieces.add(new LinkedHashMap<>());
      }
      spread("content", tokens, pieces);
      if (!refusal.isEmpty()) {
        spread("refusal", refusal, pieces);
      }
      if (unknown) {
        Fragmented f = fragmented();
        whole.put("x_logprobs", f.whole());
        for (int p = 0; p < f.pieces().size(); p++) {
          pieces.get(Math.min(p, parts - 1)).put("x_logprobs", f.pieces().get(p));
        }
        if (f.pieces().size() > parts) {
          // more pieces than chunks: the rest rides in the last, joined beforehand
          JsonValue rest = f.pieces().get(parts - 1);
          for (int p = parts; p < f.pieces().size(); p++) {
            rest = join(rest, f.pieces().get(p));
          }
          pieces.get(parts - 1).put("x_logprobs", rest);
        }
      }
      choice.put("logprobs", JsonObject.of(whole));
      List<Op> out = new ArrayList<>();
      for (Map<String, JsonValue> p : pieces) {
        out.add(new Op("logprobs", JsonObject.of(p)));
      }
      return out;
    }

    private List<JsonValue> tokens(int n) {
      List<JsonValue> tokens = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String t = text(2);
        tokens.add(
            JsonObject.of(
                "token",
                JsonString.of(t),
                "logprob",
                JsonNumber.of(-r.nextInt(100) / 16.0),
                "top_logprobs",
                JsonArray.of(List.of())));
      }
      return tokens;
    }

    /** Puts consecutive runs of {@code tokens} (some possibly empty) into the pieces, in order. */
    private void spread(String name, List<JsonValue> tokens, List<Map<String, JsonValue>> pieces) {
      int at = 0;
      for (int p = 0; p < pieces.size(); p++) {
        int next = p == pieces.size() - 1 ? tokens.size() : at + r.nextInt(tokens.size() - at + 1);
        pieces.get(p).put(name, JsonArray.of(tokens.subList(at, next)));
        at = next;
      }
    }

    private static JsonValue join(JsonValue a, JsonValue b) {
      if (a instanceof JsonString x && b instanceof JsonString y) {
        return JsonString.of(x.value() + y.value());
      }
      if (a instanceof JsonArray x && b instanceof JsonArray y) {
        List<JsonValue> all = new ArrayList<>(x.values());
        all.addAll(y.values());
        return JsonArray.of(all);
      }
      return b;
    }

    /**
     * The chunks' choices for one choice: the delta fragments grouped at random (a member never
     * twice in one delta), the log probabilities spread over them, the role first, the finish
     * reason (and maybe the choice's unknown members) last.
     */
    private List<Map<String, JsonValue>> chunkChoices(
        int index,
        List<Op> deltaOps,
        List<Op> logprobOps,
        String finish,
        Map<String, JsonValue> choiceExtra) {
      List<Map<String, JsonValue>> deltas = new ArrayList<>();
      Map<String, JsonValue> current = new LinkedHashMap<>();
      current.put("role", JsonString.of("assistant"));
      for (Op op : deltaOps) {
        if (current.containsKey(op.key()) || r.nextInt(3) == 0) {
          deltas.add(current);
          current = new LinkedHashMap<>();
        }
        current.put(op.key(), op.value());
      }
      deltas.add(current);
      while (deltas.size() < logprobOps.size()) {
        deltas.add(new LinkedHashMap<>());
      }
      List<Map<String, JsonValue>> out = new ArrayList<>();
      boolean extraEverywhere = r.nextBoolean();
      for (int i = 0; i < deltas.size(); i++) {
        Map<String, JsonValue> choice = new LinkedHashMap<>();
        choice.put("index", JsonNumber.of(index));
        choice.put("delta", JsonObject.of(deltas.get(i)));
        if (i < logprobOps.size()) {
          choice.put("logprobs", logprobOps.get(i).value());
        }
        boolean last = i == deltas.size() - 1;
        choice.put("finish_reason", last ? JsonString.of(finish) : JsonNull.INSTANCE);
        if (last || extraEverywhere) {
          choice.putAll(choiceExtra);
        }
        out.add(choice);
      }
      return out;
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Folds the chunks, each decoded by both paths, which must agree. */
  static ChatCompletion accumulate(List<String> chunks) {
    ChatAccumulator acc = new ChatAccumulator();
    for (String json : chunks) {
      byte[] b = utf8(json);
      ChatCompletionChunk chunk = ChatCodec.decodeChunk(b, 0, b.length);
      assertThat(chunk).as(json).isEqualTo(ChatCodec.decodeChunkGeneral(b, 0, b.length, 64));
      acc.add(chunk);
    }
    return acc.toCompletion();
  }

  @Test
  void aStreamAccumulatesToTheWholeReplyWithEveryUnknownMember() {
    int checked = 0;
    int withUnknown = 0;
    int withRefusalLogprobs = 0;
    for (long seed = 1; seed <= 300; seed++) {
      Reply reply = new Generator(seed, true).reply();
      ChatCompletion whole = ChatCodec.decodeCompletion(utf8(reply.whole()));
      ChatCompletion streamed = accumulate(reply.chunks());
      assertThat(streamed).as("seed %d: %s", seed, reply.chunks()).isEqualTo(whole);
      checked++;
      if (reply.whole().contains("\"x_") || reply.whole().contains("refusal")) {
        withUnknown++;
      }
      if (whole.choices().stream()
          .anyMatch(c -> c.logprobs() != null && !c.logprobs().refusal().isEmpty())) {
        withRefusalLogprobs++;
      }
    }
    assertThat(withRefusalLogprobs).as("refusal logprobs are among them").isGreaterThan(10);
    assertThat(checked).isEqualTo(300);
    assertThat(withUnknown).as("most replies carry unknown members").isGreaterThan(250);
  }

  @Test
  void aStreamWithoutUnknownMembersTakesTheFastPathAndStillAccumulatesToTheWholeReply() {
    for (long seed = 1; seed <= 100; seed++) {
      Reply reply = new Generator(seed, false).reply();
      ChatCompletion whole = ChatCodec.decodeCompletion(utf8(reply.whole()));
      assertThat(accumulate(reply.chunks())).as("seed %d", seed).isEqualTo(whole);
    }
  }

  static final String NO =
      "{\"token\":\"No\",\"logprob\":-0.5,\"bytes\":[78,111],\"top_logprobs\":[]}";
  static final String WAY =
      "{\"token\":\" way\",\"logprob\":-1.25,\"bytes\":null,\"top_logprobs\":[]}";

  @Test
  void theUnknownMembersLandWhereAWholeReplyKeepsThem() {
    String whole =
        "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"tier\":\"t\","
            + "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"x\":1,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi\",\"refusal\":\"No way\","
            + "\"tool_calls\":[{\"id\":\"a\",\"type\":\"function\",\"sig\":\"s\","
            + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
            + "\"logprobs\":{\"content\":[],\"refusal\":["
            + NO
            + ","
            + WAY
            + "],\"x_lp\":[1,2]}}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3,\"u\":0}}";
    List<String> chunks =
        List.of(
            "{\"id\":\"c\",\"created\":1,\"model\":\"m\",\"tier\":\"t\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\",\"refusal\":null},"
                + "\"logprobs\":{\"content\":[],\"refusal\":["
                + NO
                + "],\"x_lp\":[1]}}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"No \","
                + "\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"type\":\"function\",\"sig\":\"s\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]},"
                + "\"logprobs\":{\"content\":[],\"refusal\":["
                + WAY
                + "],\"x_lp\":[2]}}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"way\","
                + "\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"}\"}}]},"
                + "\"finish_reason\":\"stop\",\"x\":1}]}",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
                + "\"total_tokens\":3,\"u\":0}}");
    ChatCompletion streamed = accumulate(chunks);
    assertThat(streamed).isEqualTo(ChatCodec.decodeCompletion(utf8(whole)));
    assertThat(streamed.additionalFields()).isEqualTo(Json.parse("{\"tier\":\"t\"}"));
    assertThat(streamed.choices().get(0).additionalFields()).isEqualTo(Json.parse("{\"x\":1}"));
    assertThat(streamed.message().additionalFields())
        .isEqualTo(Json.parse("{\"refusal\":\"No way\"}"));
    assertThat(streamed.toolCalls().get(0).additionalFields())
        .isEqualTo(Json.parse("{\"sig\":\"s\"}"));
    assertThat(streamed.choices().get(0).logprobs().refusal())
        .extracting(Logprobs.Token::token)
        .containsExactly("No", " way");
    assertThat(streamed.choices().get(0).logprobs().additionalFields())
        .isEqualTo(Json.parse("{\"x_lp\":[1,2]}"));
    assertThat(streamed.usage().additionalFields()).isEqualTo(Json.parse("{\"u\":0}"));
  }
}
