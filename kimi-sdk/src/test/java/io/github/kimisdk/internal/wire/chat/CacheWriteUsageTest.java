package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The prompt tokens written to Kimi's cache, from each spelling kimi-api.md lists (the field is
 * unverified, "Changes of 2026-11-25"): {@code prompt_tokens_details.cache_write_tokens} and {@code
 * cache_creation_input_tokens}, never their sum; an unknown spelling stays an additional field. A
 * reply, a chunk on the fast path, a chunk on the general path and an accumulated stream read the
 * same.
 */
class CacheWriteUsageTest {

  private static final String COUNTS =
      "\"prompt_tokens\":1000,\"completion_tokens\":10,\"total_tokens\":1010";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      value = {
        "OpenAI-style details | ,\"prompt_tokens_details\":{\"cached_tokens\":200,"
            + "\"cache_write_tokens\":800} | 200 | 800 | {}",
        "Anthropic-style name | ,\"cached_tokens\":200,\"cache_creation_input_tokens\":800"
            + " | 200 | 800 | {}",
        "both, equal: counted once | ,\"cache_creation_input_tokens\":800,"
            + "\"prompt_tokens_details\":{\"cache_write_tokens\":800} | none | 800 | {}",
        "both, different: the details win | ,\"prompt_tokens_details\":{\"cache_write_tokens\":"
            + "800},\"cache_creation_input_tokens\":700 | none | 800 | {}",
        "both cached spellings and a write | ,\"cached_tokens\":200,\"prompt_tokens_details\":"
            + "{\"cached_tokens\":200,\"cache_write_tokens\":800} | 200 | 800 | {}",
        "none | | none | none | {}",
        "a null count | ,\"cache_creation_input_tokens\":null | none | none | {}",
        "an unknown spelling is kept, not counted | ,\"cache_write_input_tokens\":800 | none"
            + " | none | {\"cache_write_input_tokens\":800}",
      })
  void readsTheWrittenTokensOnceWhicheverSpellingArrived(
      String what, String members, Integer cached, Integer written, String extra) {
    String usage = "{" + COUNTS + (members == null ? "" : members) + "}";
    Usage expected =
        new Usage(1000, 10, 1010, cached, null, (JsonObject) Json.parse(extra), written);

    ChatCompletion reply =
        ChatCodec.decodeCompletion(
            utf8(
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k3\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":"
                    + usage
                    + "}"));
    assertThat(reply.usage()).as("reply").isEqualTo(expected);

    String first =
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k3\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},"
            + "\"finish_reason\":null}]}";
    // Kimi's own placement: the usage inside the finishing choice
    String last =
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k3\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"usage\":"
            + usage
            + "}]}";
    byte[] b = utf8(last);
    ChatCompletionChunk general =
        ChatCodec.decodeChunkGeneral(b, 0, b.length, JsonReader.DEFAULT_MAX_DEPTH);
    assertThat(general.choices().get(0).usage()).as("general path").isEqualTo(expected);
    ChatCompletionChunk fast = ChunkFastPath.decode(b, 0, b.length);
    if (extra.equals("{}")) {
      assertThat(fast).as("the fast path takes every known spelling").isEqualTo(general);
    } else {
      assertThat(fast).as("an unknown member is left to the general path").isNull();
    }

    ChatAccumulator acc = new ChatAccumulator();
    acc.add(ChatCodec.decodeChunk(utf8(first)));
    acc.add(ChatCodec.decodeChunk(b));
    assertThat(acc.toCompletion().usage()).as("stream").isEqualTo(expected);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
