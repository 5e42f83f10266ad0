package io.github.kimisdk.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Decode only, on the same bytes: the recorded Kimi stream chunks (the 70 lines of the {@code
 * *.chunks.txt} fixtures, taken in turn) decoded by kimi-sdk's {@code ChatCodec.decodeChunk}, by
 * openai-java's own {@code ChatCompletionChunk} deserialisation through its {@code
 * ObjectMappers.jsonMapper()} (what its streaming call runs per chunk), and by plain Jackson
 * databind into the plain classes of {@link ChunkDecodeBenchmark}. One operation is one chunk.
 */
public class PeerDecodeBenchmark extends ChunkBenchmark {

  private JsonMapper openAiMapper;
  private ObjectMapper jackson;

  /** Loads the chunks and checks that the three decoders read the same id, model and text. */
  @Setup
  public void setUp() throws IOException {
    chunks = ChunkDecodeBenchmark.loadChunks();
    openAiMapper = ObjectMappers.jsonMapper();
    jackson = ChunkDecodeBenchmark.newMapper();
    for (byte[] c : chunks) {
      ChatCompletionChunk ours = ChatCodec.decodeChunk(c, 0, c.length);
      com.openai.models.chat.completions.ChatCompletionChunk theirs =
          openAiMapper.readValue(c, com.openai.models.chat.completions.ChatCompletionChunk.class);
      ChunkDecodeBenchmark.JacksonChunk plain =
          jackson.readValue(c, ChunkDecodeBenchmark.JacksonChunk.class);
      String theirText =
          theirs.choices().isEmpty() ? "" : theirs.choices().get(0).delta().content().orElse("");
      if (!ours.id().equals(theirs.id())
          || !ours.model().equals(theirs.model())
          || ours.created() != theirs.created()
          || !ours.text().equals(theirText)
          || !Objects.equals(ChunkDecodeBenchmark.summary(ours), plain.summary())) {
        throw new IllegalStateException(
            "decoders disagree on " + new String(c, StandardCharsets.UTF_8));
      }
    }
  }

  /** openai-java's {@code ChatCompletionChunk} through its own {@code JsonMapper}. */
  @Benchmark
  public com.openai.models.chat.completions.ChatCompletionChunk openAiJava() {
    try {
      return openAiMapper.readValue(
          nextChunk(), com.openai.models.chat.completions.ChatCompletionChunk.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Plain Jackson databind into plain classes with the same fields. */
  @Benchmark
  public ChunkDecodeBenchmark.JacksonChunk jackson() {
    try {
      return jackson.readValue(nextChunk(), ChunkDecodeBenchmark.JacksonChunk.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
