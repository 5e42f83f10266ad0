package io.github.kimisdk.batch.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a file line by line in one pass, each line bounded: a line longer than the bound is skipped
 * to its end without being kept, and counted. Blank lines are skipped. Not thread-safe.
 */
final class Lines implements AutoCloseable {

  private final Path file;
  private final InputStream in;
  private final int max;
  private byte[] buf = new byte[1024];
  private int size;
  private long tooLong;

  Lines(Path file, int max) {
    this.file = file;
    this.max = max;
    try {
      this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** Returns the next line that is not blank and not over the bound, or null at the end. */
  String next() {
    try {
      while (true) {
        size = 0;
        boolean over = false;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
          if (over) {
            continue;
          }
          if (size == max) {
            over = true;
            continue;
          }
          if (size == buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(max, buf.length * 2L));
          }
          buf[size++] = (byte) b;
        }
        if (over) {
          tooLong++;
        } else if (!blank()) {
          return new String(buf, 0, size, StandardCharsets.UTF_8);
        }
        if (b < 0) {
          return null;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private boolean blank() {
    for (int i = 0; i < size; i++) {
      if (buf[i] != ' ' && buf[i] != '\r' && buf[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  /** How many lines were skipped for their length. */
  long tooLong() {
    return tooLong;
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }
}
