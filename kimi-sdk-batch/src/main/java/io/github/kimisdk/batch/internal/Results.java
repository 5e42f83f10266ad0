package io.github.kimisdk.batch.internal;

import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.platform.BatchLine;
import io.github.kimisdk.platform.BatchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a finished run's results back from its state directory, part after part: the lines of each
 * part's output and error files matched to its rows by {@code custom_id} (the first line of a row
 * wins), then each row of the part no line answered, then the rows refused before sending. Every
 * row of the spool comes out once. Memory holds the ids of one part and the results of one line;
 * the server's texts are bounded and redacted as an exception's are, by the client that reads each
 * line ({@code KimiBatches.readLine}).
 */
public final class Results implements Iterator<Outcome>, AutoCloseable {

  private final Path dir;
  private final List<Part> parts;
  private final int maxLine;
  private final Function<String, BatchLine> read;
  private final ArrayDeque<Outcome> ready = new ArrayDeque<>();
  private int next; // the next part to read
  private boolean refusalsRead;
  private Part part; // the part being read, or null
  private Map<String, Long> ids; // the part's ids, in order, to their row index
  private Set<String> seen;
  private Lines lines; // the file being read, or null
  private Lines refusals; // refused.jsonl while it is read, or null
  private Iterator<Map.Entry<String, Long>> missing; // the part's rows, looked over at its end
  private String fileId;
  private int file; // 0: output, 1: errors, 2: the rows without a line
  private long unreadable; // lines of the part's files that could not be read

  Results(Path dir, List<Part> parts, int maxLine, Function<String, BatchLine> read) {
    this.dir = dir;
    this.parts = parts;
    this.maxLine = maxLine;
    this.read = read;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty()) {
      if (!advance()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Outcome next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  /** Reads on until an outcome is ready or everything is read; false at the end. */
  private boolean advance() {
    if (part == null) {
      if (next < parts.size()) {
        open(parts.get(next++));
        return true;
      }
      return readRefusal();
    }
    if (file < 2) {
      if (lines == null) {
        String kind = file == 0 ? "output" : "errors";
        fileId = file == 0 ? part.outputFileId : part.errorFileId;
        Path f = dir.resolve(part.file(kind));
        if (!part.stage().downloaded() || !Files.exists(f)) {
          file++;
          return true;
        }
        lines = new Lines(f, maxLine);
      }
      String line = lines.next();
      if (line == null) {
        unreadable += lines.tooLong();
        lines.close();
        lines = null;
        file++;
        return true;
      }
      match(line);
      return true;
    }
    if (missing == null) {
      missing = ids.entrySet().iterator();
    }
    while (missing.hasNext()) {
      Map.Entry<String, Long> id = missing.next();
      if (!seen.contains(id.getKey())) {
        ready.add(
            new Outcome(
                id.getKey(), id.getValue(), null, new BatchResult.Error(0, null, missing())));
        return true;
      }
    }
    part = null;
    ids = null;
    seen = null;
    missing = null;
    return true;
  }

  private void open(Part p) {
    part = p;
    file = 0;
    unreadable = 0;
    seen = new HashSet<>();
    ids = new LinkedHashMap<>();
    Path f = dir.resolve(p.file("ids"));
    try (Lines l = new Lines(f, Integer.MAX_VALUE - 8)) {
      for (String line = l.next(); line != null; line = l.next()) {
        JsonArray a = (JsonArray) Json.parse(line);
        ids.put(((JsonString) a.get(1)).value(), ((JsonNumber) a.get(0)).longValue());
      }
    }
  }

  private void match(String line) {
    BatchLine b;
    try {
      b = read.apply(line);
    } catch (DecodingException e) {
      String customId = customIdOf(line);
      Long index = customId == null ? null : ids.get(customId);
      if (index == null || !seen.add(customId)) {
        unreadable++;
        return;
      }
      ready.add(
          new Outcome(
              customId,
              index,
              null,
              new BatchResult.Error(
                  0,
                  null,
                  "The batch's result line for this row could not be read: " + e.getMessage())));
      return;
    }
    Long index = b.customId() == null ? null : ids.get(b.customId());
    if (index == null || !seen.add(b.customId())) {
      return; // a line of no row of this part, or a second line of one
    }
    ready.add(new Outcome(b.customId(), index, b.completion(), b.error())); // texts kept by read
  }

  private static String customIdOf(String line) {
    try {
      return Json.parse(line) instanceof JsonObject o && o.get("custom_id") instanceof JsonString s
          ? s.value()
          : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private String missing() {
    if (part.stage() == Part.Stage.SKIPPED) {
      return "Not sent: the run was cancelled before this row's batch was created";
    }
    return "No result for this row: batch "
        + part.batchId
        + " ended "
        + part.status // both checked or bounded when Kimi answered them
        + (unreadable == 0
            ? ""
            : " (" + unreadable + " lines of its result files could not be read)");
  }

  /** Reads the next row refused before sending; false when there is none left. */
  private boolean readRefusal() {
    if (refusals == null) {
      Path f = dir.resolve(Spool.REFUSED);
      if (refusalsRead || !Files.exists(f)) {
        return false;
      }
      refusals = new Lines(f, Integer.MAX_VALUE - 8); // the client's own lines
    }
    String line = refusals.next();
    if (line == null) {
      refusals.close();
      refusals = null;
      refusalsRead = true;
      return false;
    }
    JsonObject o = (JsonObject) Json.parse(line);
    ready.add(
        new Outcome(
            ((JsonString) o.get("custom_id")).value(),
            ((JsonNumber) o.get("index")).longValue(),
            null,
            new BatchResult.Error(
                0, null, "Not sent: " + ((JsonString) o.get("message")).value())));
    return true;
  }

  @Override
  public void close() {
    if (lines != null) {
      lines.close();
      lines = null;
    }
    if (refusals != null) {
      refusals.close();
      refusals = null;
    }
  }
}
