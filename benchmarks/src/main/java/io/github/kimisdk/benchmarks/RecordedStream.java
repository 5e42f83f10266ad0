package io.github.kimisdk.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded Kimi stream of a few hundred chunks, as the {@code text/event-stream} body a server
 * sends: the role chunk of {@code moonshotai-metadata-live}, then its reasoning and content deltas
 * and those of the other recorded streams (rewritten to one stream id, as a real stream has) cycled
 * until {@link #DEFAULT_CHUNKS} chunks, then the finish chunk and the usage chunk, then {@code
 * data: [DONE]}.
 */
final class RecordedStream {

  /** Chunks per call in the streaming benchmarks, {@code [DONE]} not counted. */
  static final int DEFAULT_CHUNKS = 300;

  private static final String ID = "chatcmpl-7117912c-7176-9997-b5bf-7b4bc0b1659b";

  final byte[] body;
  final int chunks;

  /** Total characters of {@code delta.content} over the stream, which every client must see. */
  final long contentChars;

  private RecordedStream(byte[] body, int chunks, long contentChars) {
    this.body = body;
    this.chunks = chunks;
    this.contentChars = contentChars;
  }

  static RecordedStream build(int chunkCount) {
    byte[][] all = ChunkDecodeBenchmark.loadChunks();
    List<String> deltas = new ArrayList<>();
    String role = null;
    String finish = null;
    String usage = null;
    for (byte[] b : all) {
      String line =
          new String(b, StandardCharsets.UTF_8)
              .replaceFirst("\"id\":\"[^\"]*\"", "\"id\":\"" + ID + "\"");
      if (line.contains("\"choices\":[]")) {
        usage = usage == null ? line : usage;
      } else if (line.contains("\"role\":\"assistant\"")) {
        role = role == null ? line : role;
      } else if (!line.contains("\"finish_reason\":null")) {
        finish = finish == null ? line : finish;
      } else if (line.contains("\"content\":") || line.contains("\"reasoning_content\":")) {
        deltas.add(line);
      }
    }
    if (role == null || finish == null || usage == null || deltas.isEmpty()) {
      throw new IllegalStateException("recorded streams lack a role, finish or usage chunk");
    }
    List<String> stream = new ArrayList<>();
    stream.add(role);
    for (int i = 0; stream.size() < chunkCount - 2; i++) {
      stream.add(deltas.get(i % deltas.size()));
    }
    stream.add(finish);
    stream.add(usage);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long contentChars = 0;
    for (String s : stream) {
      out.writeBytes(("data: " + s + "\n\n").getBytes(StandardCharsets.UTF_8));
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      contentChars +=
          io.github.kimisdk.internal.wire.chat.ChatCodec.decodeChunk(b, 0, b.length)
              .text()
              .length();
    }
    out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    return new RecordedStream(out.toByteArray(), stream.size(), contentChars);
  }
}
