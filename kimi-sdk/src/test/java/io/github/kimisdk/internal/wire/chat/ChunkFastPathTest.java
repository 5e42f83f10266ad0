package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkFastPath} against the general path ({@link ChatCodec#decodeChunkGeneral}): whatever
 * the fast path accepts it must decode to an equal chunk, whatever the general path rejects it must
 * decline, and it must never throw. Each input is decoded twice, so the second decode goes through
 * the shared strings and the shared header of the first.
 */
class ChunkFastPathTest {

  private static final String HEAD =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1787762060,"
          + "\"model\":\"kimi-k3\",\"choices\":[";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Checks the fast path against the general path on {@code b[off, off + len)}; returns the fast
   * path's chunk (null when it declined).
   */
  private static ChatCompletionChunk agree(byte[] b, int off, int len) {
    ChatCompletionChunk general;
    JsonException error = null;
    try {
      general = ChatCodec.decodeChunkGeneral(b, off, len, JsonReader.DEFAULT_MAX_DEPTH);
    } catch (JsonException e) {
      general = null;
      error = e;
    }
    ChatCompletionChunk fast;
    try {
      fast = ChunkFastPath.decode(b, off, len);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "fast path threw on " + new String(b, off, len, StandardCharsets.UTF_8), e);
    }
    String input = new String(b, off, len, StandardCharsets.UTF_8);
    if (error != null) {
      assertThat(fast).as("fast path accepted what the general path rejects: %s", input).isNull();
      assertThatThrownBy(() -> ChatCodec.decodeChunk(b, off, len))
          .isInstanceOf(JsonException.class)
          .hasMessage(error.getMessage());
    } else {
      if (fast != null) {
        assertThat(fast).as("fast path on %s", input).isEqualTo(general);
      }
      assertThat(ChatCodec.decodeChunk(b, off, len))
          .as("decodeChunk on %s", input)
          .isEqualTo(general);
    }
    return fast;
  }

  /** Checks {@code json} twice (cold, then with the shared values of the first pass). */
  private static ChatCompletionChunk agreeTwice(String json) {
    byte[] b = utf8(json);
    agree(b, 0, b.length);
    return agree(b, 0, b.length);
  }

  private static void accepted(String json) {
    byte[] b = utf8(json);
    assertThat(agree(b, 0, b.length)).as("fast path declined %s", json).isNotNull();
    assertThat(agree(b, 0, b.length)).as("fast path declined %s the second time", json).isNotNull();
  }

  private static void declined(String json) {
    byte[] b = utf8(json);
    assertThat(agree(b, 0, b.length)).as("fast path accepted %s", json).isNull();
    assertThat(agree(b, 0, b.length)).as("fast path accepted %s the second time", json).isNull();
  }

  private static List<byte[]> recordedChunks() {
    List<byte[]> out = new ArrayList<>();
    for (String name : Fixtures.names(".chunks.txt")) {
      out.addAll(Fixtures.chunkLines(name));
    }
    out.add(Fixtures.bytes("kimi-cli-stream-usage.chunk.json"));
    return out;
  }

  @Test
  void everyRecordedChunkTakesTheFastPathAndDecodesAsTheGeneralPathDoes() {
    List<byte[]> chunks = recordedChunks();
    assertThat(chunks).hasSizeGreaterThan(60);
    for (int round = 0; round < 2; round++) {
      for (byte[] c : chunks) {
        String json = new String(c, StandardCharsets.UTF_8).trim();
        assertThat(agree(c, 0, c.length)).as("declined %s", json).isNotNull();
      }
    }
  }

  @Test
  void streamsDecodedInTurnShareNothingWrong() {
    List<byte[]> chunks = recordedChunks();
    int n = chunks.size();
    Random random = new Random(3);
    for (int round = 0; round < 20; round++) {
      // Every 31st chunk in turn, then a random order: consecutive chunks of different streams.
      for (int i = 0; i < n; i++) {
        byte[] c = chunks.get(round == 0 ? (int) ((long) i * 31 % n) : random.nextInt(n));
        assertThat(agree(c, 0, c.length)).isNotNull();
      }
    }
  }

  @Test
  void acceptsTheVariationsTheGeneralPathReadsTheSame() {
    String[] table = {
      // Members in other orders, at every level.
      "{\"choices\":[{\"delta\":{\"content\":\"a\",\"role\":\"assistant\"},\"finish_reason\":null,"
          + "\"index\":0}],\"model\":\"m\",\"created\":5,\"object\":\"chat.completion.chunk\",\"id\":\"i\"}",
      "{\"usage\":{\"total_tokens\":3,\"completion_tokens_details\":{\"reasoning_tokens\":1},"
          + "\"prompt_tokens\":1,\"completion_tokens\":2},\"choices\":[],\"id\":\"i\"}",
      HEAD
          + "{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{}\",\"name\":\"f\"},"
          + "\"type\":\"function\",\"id\":\"f_0\",\"index\":0}]},\"index\":0}]}",
      // Null logprobs, and unknown scalar members where the records keep none (a function, the
      // usage details); every other level keeps its unknown members, so the general path decodes
      // them: see declinesWhatTheGeneralPathReadsLenientlyOrRejectsNotHere.
      "{\"id\":\"i\","
          + "\"choices\":[{\"logprobs\":null,"
          + "\"index\":0,\"delta\":{\"content\":\"c\","
          + "\"tool_calls\":[{\"index\":1,\"function\":{\"name\":\"f\",\"x\":1.25,"
          + "\"arguments\":\"\"}}]},\"usage\":{\"prompt_tokens\":1,"
          + "\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":1},"
          + "\"completion_tokens_details\":{\"other\":\"\\u00e9\",\"reasoning_tokens\":2}}}]}",
      // Null for every field the codec reads.
      "{\"id\":null,\"object\":null,\"created\":null,\"model\":null,\"system_fingerprint\":null,"
          + "\"usage\":null,\"choices\":[{\"index\":null,\"delta\":{\"role\":null,\"content\":null,"
          + "\"reasoning_content\":null,\"tool_calls\":[{\"index\":null,\"id\":null,\"type\":null,"
          + "\"function\":null}]},\"finish_reason\":null,\"usage\":{\"prompt_tokens\":null,"
          + "\"completion_tokens\":null,\"total_tokens\":null,\"cached_tokens\":null,"
          + "\"prompt_tokens_details\":null,\"completion_tokens_details\":null}}]}",
      "{\"choices\":null}",
      "{\"choices\":[{\"delta\":null}]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":null}}]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":[]}}]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{}}]}}]}",
      "{\"choices\":[{}],\"usage\":{}}",
      "{}",
      " \t\r\n{ } \n",
      // Usage at the top level, in the choice, and both; cached tokens in the details only.
      HEAD + "],\"usage\":{\"prompt_tokens\":90,\"completion_tokens\":50,\"total_tokens\":140}}",
      HEAD
          + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":1,"
          + "\"completion_tokens\":2,\"total_tokens\":3,\"cached_tokens\":0}}],\"usage\":"
          + "{\"prompt_tokens\":7,\"prompt_tokens_details\":{\"cached_tokens\":7}}}",
      // Several choices and tool-call fragments, with and without index.
      HEAD
          + "{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}},"
          + "{\"delta\":{}},{\"index\":7},{\"index\":8}]}",
      HEAD
          + "{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"a_0\",\"type\":\"function\","
          + "\"function\":{\"name\":\"a\",\"arguments\":\"\"}},{\"function\":{\"arguments\":\"{\\\"x\\\"\"}},"
          + "{\"index\":3,\"function\":{\"arguments\":\":1}\"}},{\"index\":4},{\"index\":5}]}}]}",
      // Reasoning, finish reasons known and not.
      HEAD + "{\"index\":0,\"delta\":{\"reasoning_content\":\"\"},\"finish_reason\":null}]}",
      HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}",
      HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\"}]}",
      HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
      HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"repeat\"}]}",
      HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stopped\"}]}",
      HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"sto\"}]}",
      HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"\"}]}",
      // Roles and types other than the shared constants.
      HEAD + "{\"delta\":{\"role\":\"assistan\"}}]}",
      HEAD + "{\"delta\":{\"role\":\"assistants\"}}]}",
      HEAD + "{\"delta\":{\"role\":\"tool\",\"tool_calls\":[{\"type\":\"functions\"}]}}]}",
      // Escapes and non-ASCII text in every string, names included as unknown members.
      "{\"id\":\"q\\\"1\",\"model\":\"k\\u0069mi\",\"system_fingerprint\":\"\u00e9\","
          + "\"choices\":[{\"delta\":{\"content\":\"caf\\u00e9 \u4f60\u597d \\ud83d\\ude00 \ud83d\ude00"
          + " \\\"q\\\"\\n\\t\\/\\\\\\b\\f\\r\",\"reasoning_content\":\"\\\\\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"\\\"\"}}]}",
      // U+FFFD itself, written out and escaped, next to other non-ASCII text.
      "{\"choices\":[{\"delta\":{\"content\":\"\ufffd\u4f60\",\"reasoning_content\":\"\\ufffd\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"\u4f60\u597d\uff0c\u4e16\u754c\u3002\ud83d\ude00\u00e9\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"\\\\\"}}]}",
      // Numbers at their limits.
      "{\"created\":0,\"choices\":[{\"index\":0,\"usage\":{\"prompt_tokens\":0}}]}",
      "{\"created\":999999999999999,\"choices\":[{\"index\":999999999}]}",
      // Whitespace everywhere.
      "{ \"id\" : \"i\" , \"created\" :\t1 ,\n\"choices\" : [ { \"index\" : 0 , \"delta\" : {"
          + " \"content\" : \"x\" , \"tool_calls\" : [ { \"index\" : 0 , \"function\" : {"
          + " \"name\" : \"n\" } } ] } , \"usage\" : { \"prompt_tokens\" : 1 ,"
          + " \"prompt_tokens_details\" : { \"cached_tokens\" : 1 } } } ] }\r\n",
      // Duplicate members: the last one wins.
      "{\"id\":\"x\",\"id\":\"y\",\"model\":\"a\",\"model\":null,\"choices\":[{\"index\":0}],"
          + "\"choices\":[],\"created\":1,\"created\":2}",
      "{\"choices\":[{\"index\":1,\"index\":2,\"delta\":{\"content\":\"a\",\"content\":\"b\"},"
          + "\"delta\":{\"role\":\"assistant\"}}]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":\"a\"},"
          + "\"function\":{\"arguments\":\"b\"}},{\"function\":{\"name\":\"a\"},\"function\":null}]}}]}",
      "{\"usage\":{\"cached_tokens\":1,\"cached_tokens\":null,\"prompt_tokens_details\":"
          + "{\"cached_tokens\":2,\"cached_tokens\":3}}}",
    };
    for (String json : table) {
      accepted(json);
    }
  }

  @Test
  void declinesWhatTheGeneralPathReadsLenientlyOrRejectsNotHere() {
    String[] table = {
      // Unknown members holding objects or arrays.
      "{\"future\":{\"a\":[1,{\"b\":null}]},\"id\":\"x\",\"choices\":[]}",
      // Unknown members of the chunk or its usage, even scalars: the general path keeps them.
      "{\"id\":\"i\",\"service_tier\":\"default\",\"choices\":[]}",
      "{\"choices\":[{\"usage\":{\"prompt_tokens\":1,\"tpm\":9}}]}",
      // Unknown members of a choice, a delta or a tool call, even scalars or null.
      "{\"choices\":[{\"index\":0,\"x\":null}]}",
      "{\"choices\":[{\"index\":0,\"n\":-1.5e3}]}",
      "{\"choices\":[{\"delta\":{\"refusal\":null,\"content\":\"c\"}}]}",
      "{\"choices\":[{\"delta\":{\"audio\":\"\"}}]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1,\"extra\":0}]}}]}",
      // Logprobs that are not null.
      "{\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[]}}]}",
      "{\"usage\":{\"x\":null}}",
      "{\"choices\":[{\"logprobs\":{\"content\":[]},\"index\":0}]}",
      "{\"choices\":[{\"delta\":{\"audio\":[1,2],\"content\":\"hi\"}}]}",
      "{\"usage\":{\"prompt_tokens_details\":[1]}}",
      // Null elements, content parts, arguments as JSON.
      "{\"choices\":[null,{\"index\":0}]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":[null]}}]}",
      "{\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}}]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":{\"a\":1}}}]}}]}",
      // Scalars of another type, converted by the general path.
      "{\"id\":12345,\"created\":\"1787762066\",\"model\":true}",
      "{\"choices\":[{\"index\":\"1\"}]}",
      "{\"choices\":[{\"index\":1.0}]}",
      "{\"choices\":[{\"index\":1e0}]}",
      "{\"choices\":[{\"index\":-1}]}",
      "{\"choices\":[{\"index\":1234567890}]}",
      "{\"created\":1000000000000000}",
      "{\"created\":9007199254740993}",
      "{\"choices\":[{\"finish_reason\":1}]}",
      "{\"choices\":[{\"delta\":{\"role\":false}}]}",
      // Names the fast path does not decode, and a byte order mark.
      "{\"\\u0069d\":\"x\"}",
      "{\"\u00e9\":1}",
      "\ufeff{\"id\":\"x\"}",
    };
    for (String json : table) {
      declined(json);
    }
  }

  @Test
  void malformedInputIsLeftToTheGeneralPathWhichRejectsIt() {
    String[] table = {
      "",
      "   ",
      "[]",
      "{",
      "{\"id\":",
      "{\"id\":\"a\"",
      "{\"id\":\"a\"} trailing",
      "{\"id\":\"a\"}}",
      "{\"id\":\"a\",}",
      "{,\"id\":\"a\"}",
      "{\"id\" \"a\"}",
      "{\"id\":\"a\" \"b\":1}",
      "{id:\"a\"}",
      "{\"choices\":[{\"index\":0},]}",
      "{\"choices\":[{\"index\":0}}",
      "{\"choices\":[{\"index\":01}]}",
      "{\"choices\":[{\"index\":0}],\"n\":01}",
      "{\"n\":-}",
      "{\"n\":1.}",
      "{\"n\":1e}",
      "{\"n\":.5}",
      "{\"n\":nul}",
      "{\"n\":tru}",
      "{\"n\":fals}",
      "{\"n\":nulll}",
      "{\"choices\":{}}",
      "{\"choices\":\"x\"}",
      "{\"choices\":[{\"delta\":\"x\"}]}",
      "{\"usage\":[]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":{}}}]}",
      "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":\"f\"}]}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"a\u0001b\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"a\\x\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"a\\u12\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"a\\",
      "{\"id\":\"a\\\"}",
    };
    for (String json : table) {
      byte[] b = utf8(json);
      assertThat(agree(b, 0, b.length)).as(json).isNull();
      assertThatThrownBy(() -> ChatCodec.decodeChunk(b, 0, b.length))
          .as(json)
          .isInstanceOf(JsonException.class);
    }
    // Invalid UTF-8 inside strings: a stray continuation byte, an overlong form, a surrogate, a
    // sequence cut short by the quote.
    byte[][] bad = {
      {(byte) 0x80},
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xE4, (byte) 0xBD}
    };
    for (byte[] seq : bad) {
      for (String field : new String[] {"id", "model", "content", "unknown"}) {
        String before =
            field.equals("content")
                ? "{\"choices\":[{\"delta\":{\"content\":\"a"
                : "{\"" + field + "\":\"a";
        String after = field.equals("content") ? "b\"}}]}" : "b\"}";
        byte[] b = concat(utf8(before), seq, utf8(after));
        assertThat(agree(b, 0, b.length)).isNull();
        assertThatThrownBy(() -> ChatCodec.decodeChunk(b, 0, b.length))
            .isInstanceOf(JsonException.class);
      }
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void decodesASliceOfALargerBufferWithoutReadingPastIt() {
    for (byte[] c : recordedChunks()) {
      byte[] framed = concat(utf8("data: "), c, utf8("}]\"\n\n"));
      int len = c.length;
      while (len > 0 && (c[len - 1] == '\n' || c[len - 1] == '\r')) {
        len--;
      }
      assertThat(agree(framed, 6, len)).isNotNull();
      // Cut short inside the buffer: the bytes after the range must not complete it.
      for (int cut = 1; cut < len; cut += 7) {
        agree(framed, 6, len - cut);
      }
    }
    assertThatThrownBy(() -> ChatCodec.decodeChunk(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void theNestingLimitStillApplies() {
    byte[] b =
        utf8(
            HEAD
                + "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                + "{\"name\":\"f\"}}]}}]}");
    assertThat(ChatCodec.decodeChunk(b, 0, b.length, 7)).isEqualTo(ChatCodec.decodeChunk(b));
    assertThatThrownBy(() -> ChatCodec.decodeChunk(b, 0, b.length, 6))
        .isInstanceOf(JsonException.class);
    byte[] flat = utf8("{\"id\":\"a\",\"choices\":[]}");
    assertThat(ChatCodec.decodeChunk(flat, 0, flat.length, 2).id()).isEqualTo("a");
    assertThatThrownBy(() -> ChatCodec.decodeChunk(flat, 0, flat.length, 1))
        .isInstanceOf(JsonException.class);
  }

  @Test
  void sharedStringsAreReusedOnlyForTheSameBytes() {
    ChatCompletionChunk a =
        agreeTwice(
            "{\"id\":\"chatcmpl-aaaa\",\"model\":\"kimi-k3\",\"system_fingerprint\":\"fp_1\","
                + "\"choices\":[]}");
    // A different member order, so the shared header does not apply: the strings are shared.
    ChatCompletionChunk b =
        agreeTwice(
            "{\"model\":\"kimi-k3\",\"id\":\"chatcmpl-aaaa\",\"choices\":[],"
                + "\"system_fingerprint\":\"fp_1\"}");
    assertThat(b.id()).isSameAs(a.id());
    assertThat(b.model()).isSameAs(a.model());
    assertThat(b.systemFingerprint()).isSameAs(a.systemFingerprint());
    // Same length, one byte different, at the start, in the middle and at the end.
    String[] ids = {"chatcmpl-aaaa", "xhatcmpl-aaaa", "chatcmpl-abaa", "chatcmpl-aaab"};
    String[] models = {"kimi-k3", "kimi-k4", "Kimi-k3", "kimi_k3"};
    String[] prints = {"fp_1", "fp_2", "gp_1", "fp-1"};
    Random random = new Random(7);
    for (int i = 0; i < 400; i++) {
      String id = ids[random.nextInt(ids.length)];
      String model = models[random.nextInt(models.length)];
      String print = prints[random.nextInt(prints.length)];
      boolean swap = random.nextBoolean();
      String json =
          swap
              ? "{\"model\":\""
                  + model
                  + "\",\"id\":\""
                  + id
                  + "\",\"choices\":[],"
                  + "\"system_fingerprint\":\""
                  + print
                  + "\"}"
              : "{\"id\":\""
                  + id
                  + "\",\"model\":\""
                  + model
                  + "\",\"choices\":[],"
                  + "\"system_fingerprint\":\""
                  + print
                  + "\"}";
      ChatCompletionChunk c = agreeTwice(json);
      assertThat(c.id()).isEqualTo(id);
      assertThat(c.model()).isEqualTo(model);
      assertThat(c.systemFingerprint()).isEqualTo(print);
    }
    // Escaped forms of the shared value are decoded, and equal it.
    agreeTwice("{\"id\":\"chatcmpl-aaaa\",\"choices\":[]}");
    assertThat(agreeTwice("{\"id\":\"chatcmpl-aaa\\u0061\",\"choices\":[]}").id())
        .isEqualTo("chatcmpl-aaaa");
    assertThat(agreeTwice("{\"id\":\"chatcmpl-aaa\",\"choices\":[]}").id())
        .isEqualTo("chatcmpl-aaa");
  }

  @Test
  void theSharedHeaderAppliesOnlyToTheSameBytes() {
    String tail = "{\"index\":0,\"delta\":{\"content\":\"x\"}}]}";
    ChatCompletionChunk first = agreeTwice(HEAD + tail);
    ChatCompletionChunk second = agreeTwice(HEAD + "]}");
    assertThat(second.id()).isSameAs(first.id());
    assertThat(second.model()).isSameAs(first.model());
    // One byte different anywhere in the header, with the same length.
    Random random = new Random(11);
    for (int i = 0; i < 300; i++) {
      agreeTwice(HEAD + tail);
      byte[] h = utf8(HEAD);
      int at = random.nextInt(h.length);
      byte[] digits = utf8("0123456789abcdefxyz\"{}[],: ");
      h[at] = digits[random.nextInt(digits.length)];
      byte[] b = concat(h, utf8(tail));
      agree(b, 0, b.length);
      agree(b, 0, b.length);
    }
    // The header alone, or cut inside it, after the whole chunk was seen.
    agreeTwice(HEAD + tail);
    for (int cut = 0; cut <= HEAD.length() + 2; cut++) {
      byte[] b = utf8((HEAD + tail).substring(0, cut));
      agree(b, 0, b.length);
    }
    // A header holding usage and a fingerprint before choices.
    String withUsage =
        "{\"usage\":{\"prompt_tokens\":1},\"system_fingerprint\":\"fp\",\"id\":\"u\",\"choices\":";
    ChatCompletionChunk u1 = agreeTwice(withUsage + "[]}");
    ChatCompletionChunk u2 = agreeTwice(withUsage + "[" + tail);
    assertThat(u2.usage()).isEqualTo(u1.usage());
    assertThat(u2.systemFingerprint()).isEqualTo("fp");
    ChatCompletionChunk u3 = agreeTwice(withUsage + "[],\"usage\":null,\"id\":\"v\"}");
    assertThat(u3.usage()).isNull();
    assertThat(u3.id()).isEqualTo("v");
  }

  // ---------------------------------------------------------------------------------------------
  // Generated chunks

  /** Writes random chunks in the shapes the fast path reads, with the variations it must allow. */
  private static final class Generator {
    private final Random r;
    private final boolean wild;
    private final StringBuilder sb = new StringBuilder();

    Generator(long seed, boolean wild) {
      this.r = new Random(seed);
      this.wild = wild;
    }

    String chunk() {
      sb.setLength(0);
      List<Runnable> members = new ArrayList<>();
      members.add(() -> member("id", this::sharedString));
      members.add(() -> member("object", () -> sb.append("\"chat.completion.chunk\"")));
      members.add(() -> member("created", () -> number(15)));
      members.add(() -> member("model", this::sharedString));
      members.add(() -> member("choices", this::choices));
      members.add(() -> member("usage", this::usageOrNull));
      members.add(() -> member("system_fingerprint", this::sharedString));
      object(members, wild); // an unknown member here leaves the fast path
      return sb.toString();
    }

    private void object(List<Runnable> members) {
      object(members, wild); // an unknown member of a choice, delta or call leaves the fast path
    }

    private void object(List<Runnable> members, boolean unknown) {
      List<Runnable> chosen = new ArrayList<>();
      for (Runnable m : members) {
        if (r.nextInt(8) != 0) {
          chosen.add(m);
        }
      }
      if (r.nextInt(4) == 0) {
        java.util.Collections.shuffle(chosen, r);
      }
      if (unknown && r.nextInt(6) == 0) {
        chosen.add(r.nextInt(chosen.size() + 1), this::unknownMember);
      }
      if (!chosen.isEmpty() && r.nextInt(10) == 0) {
        // A duplicate member.
        chosen.add(chosen.get(r.nextInt(chosen.size())));
      }
      sb.append('{');
      for (int i = 0; i < chosen.size(); i++) {
        if (i > 0) {
          sb.append(',');
          space();
        }
        space();
        chosen.get(i).run();
      }
      space();
      sb.append('}');
    }

    private void member(String name, Runnable value) {
      sb.append('"').append(name).append('"');
      space();
      sb.append(':');
      space();
      if (r.nextInt(12) == 0) {
        sb.append("null");
      } else {
        value.run();
      }
    }

    private void unknownMember() {
      sb.append("\"x_").append(r.nextInt(3)).append("\":");
      switch (r.nextInt(wild ? 7 : 5)) {
        case 0:
          sb.append("null");
          break;
        case 1:
          sb.append(r.nextBoolean());
          break;
        case 2:
          sb.append(r.nextInt(2000) - 1000).append(r.nextBoolean() ? ".5e-3" : "");
          break;
        case 3:
          string(text());
          break;
        case 4:
          sb.append("\"plain\"");
          break;
        case 5:
          sb.append("{\"a\":[1,null]}");
          break;
        default:
          sb.append("[]");
      }
    }

    private void space() {
      if (r.nextInt(10) == 0) {
        sb.append(" \n\t\r".charAt(r.nextInt(4)));
      }
    }

    private void number(int maxDigits) {
      if (wild && r.nextInt(10) == 0) {
        sb.append(new String[] {"1.0", "-3", "7e2", "\"12\"", "12345678901234567"}[r.nextInt(5)]);
        return;
      }
      int digits = 1 + r.nextInt(maxDigits);
      long v = r.nextInt(9) + 1;
      for (int i = 1; i < digits; i++) {
        v = v * 10 + r.nextInt(10);
      }
      sb.append(r.nextInt(5) == 0 ? 0 : v);
    }

    private void sharedString() {
      String[] values = {"chatcmpl-6a8f158b", "chatcmpl-6a8f158c", "kimi-k3", "kimi-k4", "fp_1"};
      if (r.nextInt(6) == 0) {
        string(text());
      } else {
        sb.append('"').append(values[r.nextInt(values.length)]).append('"');
      }
    }

    private String text() {
      StringBuilder t = new StringBuilder();
      int n = r.nextInt(20);
      String[] pieces = {
        "a",
        "Z",
        " ",
        "\"",
        "\\",
        "/",
        "\n",
        "\t",
        "\u00e9",
        "\u4f60",
        "\ud83d\ude00",
        "\u0001",
        "\u007f",
        "\u2028",
        "{",
        "}",
        ":",
        ","
      };
      for (int i = 0; i < n; i++) {
        t.append(pieces[r.nextInt(pieces.length)]);
      }
      return t.toString();
    }

    /** Writes {@code s} as a JSON string, escaping the characters it must and some others. */
    private void string(String s) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean escape = r.nextInt(4) == 0;
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20 || (escape && c > 0x7e)) {
          sb.append(String.format("\\u%04x", (int) c));
        } else if (escape && c == '/') {
          sb.append("\\/");
        } else {
          sb.append(c);
        }
      }
      sb.append('"');
    }

    private void choices() {
      sb.append('[');
      int n = r.nextInt(10) < 7 ? 1 : r.nextInt(4);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(',');
        }
        if (wild && r.nextInt(20) == 0) {
          sb.append("null");
          continue;
        }
        List<Runnable> members = new ArrayList<>();
        members.add(() -> member("index", () -> number(2)));
        members.add(() -> member("delta", this::delta));
        members.add(
            () ->
                member(
                    "finish_reason",
                    () -> {
                      String[] reasons = {"stop", "length", "tool_calls", "content_filter", "x"};
                      sb.append('"').append(reasons[r.nextInt(reasons.length)]).append('"');
                    }));
        members.add(() -> member("usage", this::usage));
        object(members);
      }
      sb.append(']');
    }

    private void delta() {
      List<Runnable> members = new ArrayList<>();
      members.add(
          () -> member("role", () -> sb.append(r.nextBoolean() ? "\"assistant\"" : "\"x\"")));
      members.add(() -> member("content", () -> string(text())));
      members.add(() -> member("reasoning_content", () -> string(text())));
      members.add(() -> member("tool_calls", this::toolCalls));
      object(members);
    }

    private void toolCalls() {
      sb.append('[');
      int n = r.nextInt(3);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(',');
        }
        List<Runnable> members = new ArrayList<>();
        members.add(() -> member("index", () -> number(2)));
        members.add(() -> member("id", () -> string("call_" + r.nextInt(3))));
        members.add(() -> member("type", () -> sb.append("\"function\"")));
        members.add(
            () ->
                member(
                    "function",
                    () -> {
                      List<Runnable> fn = new ArrayList<>();
                      fn.add(() -> member("name", () -> string("get_weather")));
                      fn.add(() -> member("arguments", () -> string(text())));
                      object(fn);
                    }));
        object(members);
      }
      sb.append(']');
    }

    private void usageOrNull() {
      usage();
    }

    private void usage() {
      List<Runnable> members = new ArrayList<>();
      members.add(() -> member("prompt_tokens", () -> number(6)));
      members.add(() -> member("completion_tokens", () -> number(6)));
      members.add(() -> member("total_tokens", () -> number(6)));
      members.add(() -> member("cached_tokens", () -> number(6)));
      members.add(
          () ->
              member(
                  "prompt_tokens_details",
                  () -> object(List.of(() -> member("cached_tokens", () -> number(6))))));
      members.add(
          () ->
              member(
                  "completion_tokens_details",
                  () -> object(List.of(() -> member("reasoning_tokens", () -> number(6))))));
      object(members, wild); // an unknown member here leaves the fast path
    }
  }

  @Test
  void generatedChunksInTheUsualShapesTakeTheFastPathAndDecodeAsTheGeneralPathDoes() {
    for (long seed = 1; seed <= 40; seed++) {
      Generator g = new Generator(seed, false);
      for (int i = 0; i < 100; i++) {
        String json = g.chunk();
        byte[] b = utf8(json);
        // Twice: the second time reuses the header and strings of the first.
        for (int k = 0; k < 2; k++) {
          if (agree(b, 0, b.length) == null) {
            fail("seed " + seed + ": fast path declined " + json);
          }
        }
      }
    }
  }

  @Test
  void generatedChunksWithLenientValuesDecodeAsTheGeneralPathDoes() {
    int fast = 0;
    int total = 0;
    for (long seed = 1; seed <= 40; seed++) {
      Generator g = new Generator(seed * 31, true);
      for (int i = 0; i < 100; i++) {
        byte[] b = utf8(g.chunk());
        if (agree(b, 0, b.length) != null) {
          fast++;
        }
        agree(b, 0, b.length);
        total++;
      }
    }
    // Both outcomes occur, so the comparison covers both.
    assertThat(fast).isBetween(total / 10, total - total / 10);
  }

  @Test
  void mutatedRecordedChunksNeverMakeTheFastPathDisagreeOrThrow() {
    List<byte[]> chunks = recordedChunks();
    byte[] interesting = utf8("\"\\{}[],:0159-.eEntf \t\u0001a");
    Random random = new Random(20261123L);
    for (int i = 0; i < 20_000; i++) {
      byte[] c = chunks.get(random.nextInt(chunks.size()));
      // The unmutated chunk first, so the mutated one often shares its header.
      agree(c, 0, c.length);
      byte[] m;
      int at = random.nextInt(c.length);
      switch (random.nextInt(4)) {
        case 0:
          m = c.clone();
          m[at] =
              random.nextInt(4) == 0
                  ? (byte) random.nextInt(256)
                  : interesting[random.nextInt(interesting.length)];
          break;
        case 1:
          m = concat(Arrays.copyOf(c, at), Arrays.copyOfRange(c, at + 1, c.length));
          break;
        case 2:
          m =
              concat(
                  Arrays.copyOf(c, at),
                  new byte[] {interesting[random.nextInt(interesting.length)]},
                  Arrays.copyOfRange(c, at, c.length));
          break;
        default:
          m = Arrays.copyOf(c, at);
      }
      agree(m, 0, m.length);
    }
  }
}
