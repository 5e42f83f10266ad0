package io.github.kimisdk.benchmarks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Decodes the recorded Kimi stream chunks into records with {@code ChatCodec.decodeChunk}, beside
 * Jackson databind ({@code ObjectMapper.readValue}) into equivalent plain classes, on the same
 * bytes. One operation decodes one chunk; the chunks are taken in turn from every recorded stream.
 * Run with {@code -prof gc} for the allocation per chunk ({@code gc.alloc.rate.norm}).
 *
 * <p>The warmup is long because the hand-written decoder spreads over more methods than Jackson's
 * generic bean deserializer: on a busy two-core machine C2 needs 10 to 20 seconds to compile them
 * all, and iterations before that measure C1 code.
 */
public class ChunkDecodeBenchmark extends ChunkBenchmark {

  /** The recorded streams, one chunk JSON per line. */
  static final String[] STREAMS = {
    "moonshotai-max-completion-tokens.chunks.txt",
    "moonshotai-metadata-live.chunks.txt",
    "moonshotai-stream-choice-usage.chunks.txt",
    "moonshotai-stream-explicit-tool-call-index.chunks.txt",
    "moonshotai-usage-live.chunks.txt",
  };

  private byte[][] interleaved;
  private int nextInterleaved;
  private ObjectMapper mapper;

  /** Loads the chunks and checks that both decoders read the same values from each. */
  @Setup
  public void setUp() {
    chunks = loadChunks();
    interleaved = interleave(chunks);
    mapper = newMapper();
    for (byte[] c : chunks) {
      String ours = summary(ChatCodec.decodeChunk(c, 0, c.length));
      String general = summary(ChatCodec.readChunk(JsonReader.of(c, 0, c.length)));
      if (!ours.equals(general)) {
        throw new IllegalStateException(
            "decodeChunk and readChunk disagree: " + ours + " vs " + general);
      }
      String theirs;
      try {
        theirs = mapper.readValue(c, JacksonChunk.class).summary();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!ours.equals(theirs)) {
        throw new IllegalStateException(
            "decoders disagree on "
                + new String(c, StandardCharsets.UTF_8)
                + ": "
                + ours
                + " vs "
                + theirs);
      }
    }
  }

  /** The fields both decoders read, in one comparable string. */
  static String summary(ChatCompletionChunk c) {
    StringBuilder sb = new StringBuilder();
    sb.append(c.id()).append('|').append(c.created()).append('|').append(c.model());
    sb.append('|').append(c.systemFingerprint());
    for (ChatCompletionChunk.ChunkChoice ch : c.choices()) {
      ChatCompletionChunk.Delta d = ch.delta();
      sb.append("|choice ").append(ch.index()).append(' ').append(d.role());
      sb.append(' ').append(d.content()).append(' ').append(d.reasoningContent());
      for (ChatCompletionChunk.ToolCallDelta t : d.toolCalls()) {
        sb.append(" call ").append(t.index()).append(' ').append(t.id()).append(' ');
        sb.append(t.type()).append(' ').append(t.name()).append(' ').append(t.arguments());
      }
      sb.append(' ').append(ch.finishReason() == null ? null : ch.finishReason().value());
      sb.append(' ').append(ch.usage());
    }
    Usage top = c.choices().isEmpty() ? c.usage() : null;
    return sb.append("|usage ").append(top).toString();
  }

  static byte[][] loadChunks() {
    List<byte[]> out = new ArrayList<>();
    for (String name : STREAMS) {
      try (InputStream in = ChunkDecodeBenchmark.class.getResourceAsStream("/kimi/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource /kimi/" + name);
        }
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank()) {
            out.add(line.getBytes(StandardCharsets.UTF_8));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toArray(new byte[0][]);
  }

  /**
   * The same chunks in an order where no two consecutive chunks come from the same stream (every
   * 31st chunk, and no stream has more than 30), as when a client decodes several streams in turn:
   * the decoder's sharing of what the previous chunk repeated then never applies to the header.
   */
  static byte[][] interleave(byte[][] chunks) {
    byte[][] out = new byte[chunks.length][];
    for (int i = 0; i < chunks.length; i++) {
      out[i] = chunks[(int) ((long) i * 31 % chunks.length)];
    }
    return out;
  }

  static ObjectMapper newMapper() {
    return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /**
   * Decodes one chunk with the SDK's codec, taking the chunks in {@link #interleave(byte[][])}
   * order: the case of several streams decoded in turn.
   */
  @Benchmark
  public ChatCompletionChunk kimiSdkInterleaved() {
    int i = nextInterleaved;
    nextInterleaved = i + 1 == interleaved.length ? 0 : i + 1;
    byte[] c = interleaved[i];
    return ChatCodec.decodeChunk(c, 0, c.length);
  }

  /**
   * Decodes one chunk with the codec's general path over {@link JsonReader} ({@code
   * ChatCodec.readChunk}), which {@code decodeChunk} falls back to for chunks its fast path does
   * not take.
   */
  @Benchmark
  public ChatCompletionChunk kimiSdkGeneralPath() {
    byte[] c = nextChunk();
    JsonReader r = JsonReader.of(c, 0, c.length);
    ChatCompletionChunk chunk = ChatCodec.readChunk(r);
    r.endDocument();
    return chunk;
  }

  /**
   * Only tokenizes one chunk with {@link JsonReader} and skips it: the floor under {@link
   * #kimiSdk()}, which adds field matching and the records.
   */
  @Benchmark
  public JsonReader jsonReaderSkipOnly() {
    byte[] c = nextChunk();
    JsonReader r = JsonReader.of(c, 0, c.length);
    r.skipValue();
    r.endDocument();
    return r;
  }

  /** Decodes one chunk with Jackson databind. */
  @Benchmark
  public JacksonChunk jackson() throws IOException {
    return mapper.readValue(nextChunk(), JacksonChunk.class);
  }

  /** A stream chunk, as Jackson binds it. */
  public static final class JacksonChunk {
    public String id;
    public String object;
    public long created;
    public String model;
    public List<JacksonChoice> choices;
    public JacksonUsage usage;

    @JsonProperty("system_fingerprint")
    public String systemFingerprint;

    String summary() {
      StringBuilder sb = new StringBuilder();
      sb.append(id).append('|').append(created).append('|').append(model);
      sb.append('|').append(systemFingerprint);
      for (JacksonChoice ch : choices) {
        JacksonDelta d = ch.delta;
        sb.append("|choice ").append(ch.index).append(' ').append(d.role);
        sb.append(' ').append(d.content).append(' ').append(d.reasoningContent);
        if (d.toolCalls != null) {
          for (JacksonToolCallDelta t : d.toolCalls) {
            sb.append(" call ").append(t.index).append(' ').append(t.id).append(' ');
            sb.append(t.type).append(' ').append(t.function.name).append(' ');
            sb.append(t.function.arguments);
          }
        }
        sb.append(' ').append(ch.finishReason).append(' ').append(JacksonUsage.toUsage(ch.usage));
      }
      Usage top = choices.isEmpty() ? JacksonUsage.toUsage(usage) : null;
      return sb.append("|usage ").append(top).toString();
    }
  }

  /** One choice of a chunk. */
  public static final class JacksonChoice {
    public int index;
    public JacksonDelta delta;

    @JsonProperty("finish_reason")
    public String finishReason;

    public JacksonUsage usage;
  }

  /** What a chunk adds to a choice. */
  public static final class JacksonDelta {
    public String role;
    public String content;

    @JsonProperty("reasoning_content")
    public String reasoningContent;

    @JsonProperty("tool_calls")
    public List<JacksonToolCallDelta> toolCalls;
  }

  /** A tool-call fragment. */
  public static final class JacksonToolCallDelta {
    public Integer index;
    public String id;
    public String type;
    public JacksonFunction function;
  }

  /** The function part of a tool-call fragment. */
  public static final class JacksonFunction {
    public String name;
    public String arguments;
  }

  /** Token counts. */
  public static final class JacksonUsage {
    @JsonProperty("prompt_tokens")
    public int promptTokens;

    @JsonProperty("completion_tokens")
    public int completionTokens;

    @JsonProperty("total_tokens")
    public int totalTokens;

    @JsonProperty("cached_tokens")
    public Integer cachedTokens;

    @JsonProperty("prompt_tokens_details")
    public JacksonPromptDetails promptTokensDetails;

    @JsonProperty("completion_tokens_details")
    public JacksonCompletionDetails completionTokensDetails;

    static Usage toUsage(JacksonUsage u) {
      if (u == null) {
        return null;
      }
      Integer cached = u.cachedTokens;
      if (cached == null && u.promptTokensDetails != null) {
        cached = u.promptTokensDetails.cachedTokens;
      }
      Integer reasoning =
          u.completionTokensDetails == null ? null : u.completionTokensDetails.reasoningTokens;
      return new Usage(u.promptTokens, u.completionTokens, u.totalTokens, cached, reasoning);
    }
  }

  /** Prompt token details. */
  public static final class JacksonPromptDetails {
    @JsonProperty("cached_tokens")
    public Integer cachedTokens;
  }

  /** Completion token details. */
  public static final class JacksonCompletionDetails {
    @JsonProperty("reasoning_tokens")
    public Integer reasoningTokens;
  }
}
