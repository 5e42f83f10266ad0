package io.github.kimisdk.benchmarks;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * A decode benchmark over the recorded Kimi stream chunks ({@link
 * ChunkDecodeBenchmark#loadChunks()}), taken in turn, one chunk an operation; its {@link
 * #kimiSdk()} is the SDK's hand-written codec, which each subclass compares with other decoders.
 */
public abstract class ChunkBenchmark extends CodecBenchmark {

  /** The chunks, loaded by the subclass's setup. */
  protected byte[][] chunks;

  private int next;

  /** For subclasses. */
  protected ChunkBenchmark() {}

  /**
   * The next chunk, from the first again after the last.
   *
   * @return the chunk's bytes
   */
  protected final byte[] nextChunk() {
    int i = next;
    next = i + 1 == chunks.length ? 0 : i + 1;
    return chunks[i];
  }

  /**
   * Decodes one chunk with the SDK's hand-written codec.
   *
   * @return the chunk
   */
  @Benchmark
  public ChatCompletionChunk kimiSdk() {
    byte[] c = nextChunk();
    return ChatCodec.decodeChunk(c, 0, c.length);
  }
}
