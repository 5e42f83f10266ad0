package io.github.kimisdk.batch.internal;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.JsonWriter;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * Writes a run's rows into its parts on disk, one row at a time: each part's JSONL input ({@code
 * part-NNNNN.jsonl}, at most so many rows and bytes), the row index and {@code custom_id} of each
 * of its lines ({@code ids-NNNNN.txt}), and the rows refused before sending ({@code
 * refused.jsonl}). Memory holds one row and the ids of the part being written (to refuse a {@code
 * custom_id} given twice in it), never the rows.
 */
final class Spool {

  static final String REFUSED = "refused.jsonl";

  /** What a completed spool wrote. */
  record Written(List<Part> parts, long rows, long refused) {}

  private final Path dir;
  private final int maxRows;
  private final long maxBytes;
  private final BiFunction<String, ChatRequest, byte[]> inputLine;

  Spool(Path dir, int maxRows, long maxBytes, BiFunction<String, ChatRequest, byte[]> inputLine) {
    this.dir = dir;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.inputLine = inputLine;
  }

  /** Deletes what an earlier spool that never completed left behind. */
  void clear() {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.startsWith("part-") || name.startsWith("ids-") || name.equals(REFUSED)) {
          Files.delete(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clear the batch run's state directory " + dir, e);
    }
  }

  /**
   * Writes every row, or stops early (returning null) once {@code stop} says so.
   *
   * @throws IllegalArgumentException if a part would hold one {@code custom_id} twice
   */
  Written write(Iterator<Map.Entry<String, ChatRequest>> rows, BooleanSupplier stop) {
    List<Part> parts = new ArrayList<>();
    long index = 0;
    long refused = 0;
    Set<String> ids = new HashSet<>();
    Out input = null;
    Out idsOut = null;
    try (Out refusals = new Out(dir.resolve(REFUSED))) {
      while (rows.hasNext()) {
        if (stop.getAsBoolean()) {
          return null;
        }
        Map.Entry<String, ChatRequest> row = rows.next();
        String customId = row.getKey();
        byte[] line;
        try {
          line = inputLine.apply(customId, row.getValue());
        } catch (KimiException e) {
          refusals.write(refusal(customId, index, e.getMessage()));
          refused++;
          index++;
          continue;
        }
        if (line.length > maxBytes) {
          refusals.write(
              refusal(
                  customId,
                  index,
                  "the request is "
                      + line.length
                      + " bytes as a batch line, over maxBytesPerBatch ("
                      + maxBytes
                      + ")"));
          refused++;
          index++;
          continue;
        }
        Part part = parts.isEmpty() ? null : parts.get(parts.size() - 1);
        if (part == null || part.rows == maxRows || part.bytes + line.length > maxBytes) {
          close(input, idsOut);
          part = new Part(parts.size());
          parts.add(part);
          input = new Out(dir.resolve(part.file("part")));
          idsOut = new Out(dir.resolve(part.file("ids")));
          ids.clear();
        }
        if (!ids.add(customId)) {
          throw new IllegalArgumentException(
              "custom_id \""
                  + customId
                  + "\" is given twice in batch "
                  + part.number
                  + " (row "
                  + index
                  + "); every row needs an id of its own, by which its result comes back");
        }
        input.write(line);
        idsOut.write(idLine(index, customId));
        part.rows++;
        part.bytes += line.length;
        index++;
      }
      close(input, idsOut);
      input = null;
      idsOut = null;
      refusals.sync();
    } finally {
      closeQuietly(input);
      closeQuietly(idsOut);
    }
    return new Written(parts, index, refused);
  }

  private static void close(Out input, Out idsOut) {
    if (input != null) {
      input.sync();
      input.close();
      idsOut.sync();
      idsOut.close();
    }
  }

  private static void closeQuietly(Out out) {
    if (out != null) {
      out.close();
    }
  }

  /** A line of an ids file: the row's index and its {@code custom_id}, {@code [7,"row-7"]}. */
  static byte[] idLine(long index, String customId) {
    byte[] b = new JsonWriter().beginArray().value(index).value(customId).endArray().toByteArray();
    byte[] line = new byte[b.length + 1];
    System.arraycopy(b, 0, line, 0, b.length);
    line[b.length] = '\n';
    return line;
  }

  private static byte[] refusal(String customId, long index, String message) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("custom_id").value(customId).name("index").value(index).name("message").value(message);
    byte[] b = w.endObject().toByteArray();
    byte[] line = new byte[b.length + 1];
    System.arraycopy(b, 0, line, 0, b.length);
    line[b.length] = '\n';
    return line;
  }

  /** A file written through a buffer, forced to disk before it counts as written. */
  private static final class Out implements AutoCloseable {
    private final Path file;
    private final FileOutputStream raw;
    private final OutputStream out;

    Out(Path file) {
      this.file = file;
      try {
        this.raw = new FileOutputStream(file.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + file, e);
      }
      this.out = new BufferedOutputStream(raw, 1 << 16);
    }

    void write(byte[] b) {
      try {
        out.write(b);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + file, e);
      }
    }

    void sync() {
      try {
        out.flush();
        raw.getChannel().force(true);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + file, e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + file, e);
      }
    }
  }
}
