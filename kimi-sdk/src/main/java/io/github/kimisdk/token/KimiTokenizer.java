package io.github.kimisdk.token;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Counts, encodes and decodes text exactly as Moonshot's tokenizer for Kimi K2, K2.x, K3,
 * Kimi-Linear and Moonlight does.
 *
 * <p>The vocabulary is Kimi's {@code tiktoken.model} rank file (163,584 byte-level BPE ranks, about
 * 2.8 MB). The SDK jar does not bundle it: load it once from a file, a stream or a class-path
 * resource you ship, and share the instance. Loading takes a fraction of a second and keeps about 7
 * MB of heap.
 *
 * <pre>{@code
 * KimiTokenizer tokenizer = KimiTokenizer.load(Path.of("tiktoken.model"));
 * int n = tokenizer.count("你好，世界！");          // 4
 * int[] ids = tokenizer.encode("Hello, Kimi");
 * String back = tokenizer.decode(ids);            // "Hello, Kimi"
 * }</pre>
 *
 * <p><b>What is exact.</b> For plain text the ids are the ones Moonshot's reference code ({@code
 * tokenization_kimi.py} on top of tiktoken) produces: the input is cut into chunks of at most
 * 400,000 code points and into runs of at most 25,000 consecutive whitespace or non-whitespace code
 * points, each part is split with Kimi's eight-alternative pre-tokenization pattern (Han runs,
 * Latin-style words with Han excluded, digit groups of one to three, punctuation runs, line breaks,
 * other whitespace), and each piece is encoded as UTF-8 and merged pair by pair, always merging the
 * adjacent pair whose concatenation has the lowest rank. Character classes (letter, number, Han,
 * whitespace) are those of Unicode 16.0 on every JDK from 17, as in the Rust regex engine that
 * tiktoken uses (the {@code regex} crate from 1.11): the JDK's own tables, completed for the 10,125
 * code points that JDK 17's Unicode 13.0 lacks or classes otherwise, such as CJK Extension H. Only
 * characters added after Unicode 16.0 follow the running JDK. An independent reference (Python's
 * {@code regex} module and byte-pair merging written from the description above) gave the same ids
 * on the 1,110 documents of the estimator's calibration corpus, 260,000 random texts and 9 texts of
 * up to 450,000 characters, on JDK 17 and JDK 25; {@code benchmarks/tokenizer-check} has the steps.
 * An unpaired surrogate in a {@code String} is encoded as U+FFFD, as {@link
 * String#getBytes(java.nio.charset.Charset)} does.
 *
 * <p><b>What is not produced.</b> Special tokens (ids 163,584 and up, such as {@code <|im_end|>})
 * are never produced from text: a literal {@code "<|im_end|>"} in the input is encoded as ordinary
 * text, as Moonshot's tokenizer does with special tokens disallowed. The tokens the chat template
 * adds around messages are therefore not part of {@link #count(String)}.
 *
 * <p>Instances are immutable and safe to share between threads. Nothing is cached between calls.
 */
public final class KimiTokenizer {
  /**
   * Moonshot's pre-tokenization pattern; {@code \p{IsHan}} is the Han script. {@link PreTokenizer}
   * implements it by hand; this is its specification in tests.
   */
  static final Pattern PRE_TOKENIZE =
      Pattern.compile(
          String.join(
              "|",
              "[\\p{IsHan}]+",
              "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}&&[^\\p{IsHan}]]*"
                  + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}&&[^\\p{IsHan}]]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
              "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}&&[^\\p{IsHan}]]+"
                  + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}&&[^\\p{IsHan}]]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
              "\\p{N}{1,3}",
              " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*",
              "\\s*[\\r\\n]+",
              "\\s+(?!\\S)",
              "\\s+"),
          // Unicode \s (White_Space) and Unicode-aware (?i), as in the Rust regex engine.
          Pattern.UNICODE_CHARACTER_CLASS);

  /** Moonshot's wrapper encodes at most this many code points per tiktoken call. */
  static final int MAX_CHUNK_CODE_POINTS = 400_000;

  /** Moonshot's wrapper cuts runs of whitespace or non-whitespace longer than this. */
  static final int MAX_RUN_CODE_POINTS = 25_000;

  /** Pieces up to this many bytes use the quadratic scan; longer ones use a heap (measured). */
  static final int SCAN_LIMIT = 32;

  private static final int NONE = Integer.MAX_VALUE;

  private final Vocabulary vocabulary;

  private KimiTokenizer(Vocabulary vocabulary) {
    this.vocabulary = vocabulary;
  }

  /**
   * Loads a tokenizer from a tiktoken rank file such as Kimi's {@code tiktoken.model}.
   *
   * @param file the rank file: one {@code <base64 token> <rank>} per line, ranks {@code 0..n-1}
   * @return a tokenizer for that vocabulary
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if the file is malformed (the message names the line)
   */
  public static KimiTokenizer load(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return new KimiTokenizer(Vocabulary.parse(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tiktoken rank file " + file, e);
    }
  }

  /**
   * Loads a tokenizer from a stream holding a tiktoken rank file, reading it to the end. The stream
   * is not closed.
   *
   * @param in the rank file's bytes
   * @return a tokenizer for that vocabulary
   * @throws UncheckedIOException if reading fails
   * @throws IllegalArgumentException if the file is malformed (the message names the line)
   */
  public static KimiTokenizer load(InputStream in) {
    Objects.requireNonNull(in, "in");
    try {
      return new KimiTokenizer(Vocabulary.parse(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tiktoken rank file from stream", e);
    }
  }

  /**
   * Loads a tokenizer from a class-path resource, as {@link ClassLoader#getResourceAsStream} finds
   * it (an absolute name without a leading slash, such as {@code "kimi/tiktoken.model"}).
   *
   * @param loader the class loader to search
   * @param name the resource name
   * @return a tokenizer for that vocabulary
   * @throws IllegalArgumentException if there is no such resource or it is malformed
   * @throws UncheckedIOException if reading fails
   */
  public static KimiTokenizer loadResource(ClassLoader loader, String name) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(name, "name");
    return loadFrom(loader.getResourceAsStream(name), name, "class loader " + loader);
  }

  /**
   * Loads a tokenizer from a class-path resource, as {@link Class#getResourceAsStream} finds it: a
   * name starting with {@code /} is absolute, any other is relative to the class's package. In a
   * named module the resource must be in a package the module opens to {@code io.github.kimisdk} or
   * not in a package at all, as {@code Class.getResourceAsStream} requires.
   *
   * @param anchor the class whose loader and package resolve the name
   * @param name the resource name
   * @return a tokenizer for that vocabulary
   * @throws IllegalArgumentException if there is no such resource or it is malformed
   * @throws UncheckedIOException if reading fails
   */
  public static KimiTokenizer loadResource(Class<?> anchor, String name) {
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(name, "name");
    return loadFrom(anchor.getResourceAsStream(name), name, anchor.getName());
  }

  private static KimiTokenizer loadFrom(InputStream in, String name, String where) {
    if (in == null) {
      throw new IllegalArgumentException(
          "no class-path resource '"
              + name
              + "' found via "
              + where
              + "; Kimi's tiktoken.model is not bundled with the SDK, ship it with your"
              + " application or load it from a file");
    }
    try (InputStream stream = in) {
      return load(stream);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close resource " + name, e);
    }
  }

  /**
   * Returns the number of ranks in the vocabulary: 163,584 for Kimi's file. The model's full
   * vocabulary adds 256 special-token ids after these, which this class never produces.
   *
   * @return the number of byte-level tokens, the exclusive upper bound of the ids {@link #encode}
   *     returns
   */
  public int vocabularySize() {
    return vocabulary.size();
  }

  /**
   * Encodes text into Kimi token ids.
   *
   * @param text the text to encode
   * @return the token ids, in order; empty for empty text
   * @throws NullPointerException if {@code text} is null
   */
  public int[] encode(String text) {
    Objects.requireNonNull(text, "text");
    Work work = new Work(true);
    run(text, work);
    return Arrays.copyOf(work.ids, work.count);
  }

  /**
   * Counts the Kimi tokens of text: the length of {@link #encode(String)}'s result, without
   * building it.
   *
   * @param text the text to count
   * @return the number of tokens
   * @throws NullPointerException if {@code text} is null
   */
  public int count(String text) {
    Objects.requireNonNull(text, "text");
    Work work = new Work(false);
    run(text, work);
    return work.count;
  }

  /**
   * Decodes token ids back into text: their bytes are joined and decoded as UTF-8, malformed
   * sequences (such as a character whose bytes are split across a cut-off list) becoming U+FFFD.
   * {@code decode(encode(s))} returns {@code s} for any string without unpaired surrogates.
   *
   * @param ids token ids, each in {@code [0, vocabularySize())}
   * @return the decoded text
   * @throws NullPointerException if {@code ids} is null
   * @throws IllegalArgumentException if an id is negative or not below {@link #vocabularySize()}
   *     (special tokens have no text here)
   */
  public String decode(int[] ids) {
    Objects.requireNonNull(ids, "ids");
    int total = 0;
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= vocabulary.size()) {
        throw new IllegalArgumentException(
            "ids["
                + i
                + "] = "
                + id
                + " is not a text token: ids must be in [0, "
                + vocabulary.size()
                + "); special tokens are not decoded");
      }
      total += vocabulary.tokenLength(id);
    }
    byte[] bytes = new byte[total];
    int pos = 0;
    for (int id : ids) {
      pos = vocabulary.copyToken(id, bytes, pos);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Bytes held by the vocabulary's arrays (pool and hash tables), for footprint reports. */
  long footprintBytes() {
    return vocabulary.footprintBytes();
  }

  // ---------------------------------------------------------------------------------------------
  // Pipeline: chunk and run cuts -> pre-tokenization -> UTF-8 -> byte-pair merging.

  private void run(String text, Work work) {
    int len = text.length();
    if (len <= MAX_RUN_CODE_POINTS) {
      // A String this short cannot hold a cut: it has at most len code points.
      if (len > 0) {
        split(text, 0, len, work);
      }
      return;
    }
    int sliceStart = 0;
    int chunkCount = 0;
    boolean runSpace = false;
    int runLength = 0;
    for (int i = 0; i < len; ) {
      int cp = text.codePointAt(i);
      boolean space = isPythonSpace(cp);
      if (chunkCount == MAX_CHUNK_CODE_POINTS) {
        split(text, sliceStart, i, work);
        sliceStart = i;
        chunkCount = 0;
      }
      if (chunkCount == 0) {
        runSpace = space;
        runLength = 0;
      }
      if (space != runSpace) {
        runSpace = space;
        runLength = 1;
      } else if (++runLength > MAX_RUN_CODE_POINTS) {
        split(text, sliceStart, i, work);
        sliceStart = i;
        runLength = 1;
      }
      chunkCount++;
      i += Character.charCount(cp);
    }
    split(text, sliceStart, len, work);
  }

  /** Python's {@code str.isspace()}, which Moonshot's run cutting uses. */
  static boolean isPythonSpace(int cp) {
    if (cp <= ' ') {
      return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    }
    if (cp < 0x85) {
      return false;
    }
    switch (cp) {
      case 0x85:
      case 0xA0:
      case 0x1680:
      case 0x2028:
      case 0x2029:
      case 0x202F:
      case 0x205F:
      case 0x3000:
        return true;
      default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
  }

  private void split(String text, int from, int to, Work work) {
    // Each part is matched as if it were the whole input (the (?!\S) lookahead sees its end), as
    // when Moonshot's wrapper hands each part to tiktoken separately.
    int pos = from;
    while (pos < to) {
      int end = PreTokenizer.next(text, pos, to);
      int n = work.utf8(text, pos, end);
      encodePiece(work.bytes, n, work);
      pos = end;
    }
  }

  private void encodePiece(byte[] bytes, int len, Work work) {
    if (len == 1) {
      work.add(vocabulary.byteRank(bytes[0]));
      return;
    }
    int whole = vocabulary.rankOf(bytes, 0, len);
    if (whole >= 0) {
      work.add(whole);
    } else if (len <= SCAN_LIMIT) {
      mergeByScan(bytes, len, work);
    } else {
      mergeByHeap(bytes, len, work);
    }
  }

  private int rank(byte[] bytes, int from, int to) {
    int r = vocabulary.rankOf(bytes, from, to - from);
    return r < 0 ? NONE : r;
  }

  /** Quadratic merging over a small array, as tiktoken does; fast for word-sized pieces. */
  void mergeByScan(byte[] bytes, int len, Work work) {
    int[] starts = work.starts(len + 1);
    int[] pairs = work.pairs(len);
    for (int i = 0; i <= len; i++) {
      starts[i] = i;
    }
    for (int i = 0; i < len - 1; i++) {
      pairs[i] = rank(bytes, i, i + 2);
    }
    // parts are [starts[i], starts[i + 1]) for i < parts; pairs[i] is the rank of parts i and i+1.
    int parts = len;
    while (parts > 1) {
      int min = NONE;
      int at = -1;
      for (int i = 0; i < parts - 1; i++) {
        if (pairs[i] < min) {
          min = pairs[i];
          at = i;
        }
      }
      if (at < 0) {
        break;
      }
      System.arraycopy(starts, at + 2, starts, at + 1, parts - at - 1);
      int tail = parts - at - 3;
      if (tail > 0) {
        System.arraycopy(pairs, at + 2, pairs, at + 1, tail);
      }
      parts--;
      if (at + 1 < parts) {
        pairs[at] = rank(bytes, starts[at], starts[at + 2]);
      }
      if (at > 0) {
        pairs[at - 1] = rank(bytes, starts[at - 1], starts[at + 1]);
      }
    }
    for (int i = 0; i < parts; i++) {
      work.add(vocabulary.rankOf(bytes, starts[i], starts[i + 1] - starts[i]));
    }
  }

  /**
   * Merging with a doubly linked list of parts and a min-heap of candidate pairs keyed by (rank,
   * start), so that a long piece costs O(n log n). Choosing the smallest (rank, start) is the
   * quadratic scan's choice of the leftmost lowest rank, so both give the same tokens.
   */
  void mergeByHeap(byte[] bytes, int len, Work work) {
    int[] next = work.starts(len + 1);
    int[] prev = work.prevs(len + 1);
    int[] pairRank = work.pairs(len + 1);
    long[] heap = work.heap(3 * len);
    int size = 0;
    for (int i = 0; i <= len; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    for (int i = 0; i < len; i++) {
      int r = i + 2 <= len ? rank(bytes, i, i + 2) : NONE;
      pairRank[i] = r;
      if (r != NONE) {
        size = push(heap, size, (long) r << 32 | i);
      }
    }
    while (size > 0) {
      long top = heap[0];
      size = pop(heap, size);
      int i = (int) top;
      int r = (int) (top >>> 32);
      if (pairRank[i] != r) {
        continue; // stale: the part at i changed or was absorbed since this entry was pushed
      }
      int j = next[i];
      int k = next[j];
      next[i] = k;
      prev[k] = i;
      pairRank[j] = -1;
      int nr = k < len ? rank(bytes, i, next[k]) : NONE;
      pairRank[i] = nr;
      if (nr != NONE) {
        size = push(heap, size, (long) nr << 32 | i);
      }
      int p = prev[i];
      if (p >= 0) {
        int pr = rank(bytes, p, k);
        pairRank[p] = pr;
        if (pr != NONE) {
          size = push(heap, size, (long) pr << 32 | p);
        }
      }
    }
    for (int i = 0; i < len; i = next[i]) {
      work.add(vocabulary.rankOf(bytes, i, next[i] - i));
    }
  }

  private static int push(long[] heap, int size, long value) {
    int i = size;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= value) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = value;
    return size + 1;
  }

  private static int pop(long[] heap, int size) {
    int last = size - 1;
    long value = heap[last];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= last) {
        break;
      }
      if (child + 1 < last && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= value) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = value;
    return last;
  }

  /** Per-call scratch space and output; never shared between threads. */
  static final class Work {
    final boolean collect;
    int[] ids;
    int count;
    byte[] bytes = new byte[256];
    private int[] starts = new int[SCAN_LIMIT + 1];
    private int[] pairs = new int[SCAN_LIMIT + 1];
    private int[] prevs;
    private long[] heap;

    Work(boolean collect) {
      this.collect = collect;
      this.ids = collect ? new int[64] : null;
    }

    void add(int id) {
      if (collect) {
        if (count == ids.length) {
          ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count] = id;
      }
      count++;
    }

    int[] starts(int n) {
      if (starts.length < n) {
        starts = new int[n];
      }
      return starts;
    }

    int[] pairs(int n) {
      if (pairs.length < n) {
        pairs = new int[n];
      }
      return pairs;
    }

    int[] prevs(int n) {
      if (prevs == null || prevs.length < n) {
        prevs = new int[n];
      }
      return prevs;
    }

    long[] heap(int n) {
      if (heap == null || heap.length < n) {
        heap = new long[n];
      }
      return heap;
    }

    /** Encodes {@code text[from, to)} as UTF-8 into {@link #bytes}; returns the byte count. */
    int utf8(String text, int from, int to) {
      int max = (to - from) * 3;
      if (bytes.length < max) {
        bytes = new byte[Math.max(max, bytes.length * 2)];
      }
      byte[] b = bytes;
      int n = 0;
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        if (c < 0x80) {
          b[n++] = (byte) c;
        } else if (c < 0x800) {
          b[n++] = (byte) (0xC0 | c >> 6);
          b[n++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isSurrogate(c)) {
          char d;
          if (Character.isHighSurrogate(c)
              && i + 1 < to
              && Character.isLowSurrogate(d = text.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, d);
            i++;
            b[n++] = (byte) (0xF0 | cp >> 18);
            b[n++] = (byte) (0x80 | (cp >> 12 & 0x3F));
            b[n++] = (byte) (0x80 | (cp >> 6 & 0x3F));
            b[n++] = (byte) (0x80 | (cp & 0x3F));
          } else {
            b[n++] = (byte) 0xEF;
            b[n++] = (byte) 0xBF;
            b[n++] = (byte) 0xBD;
          }
        } else {
          b[n++] = (byte) (0xE0 | c >> 12);
          b[n++] = (byte) (0x80 | (c >> 6 & 0x3F));
          b[n++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      return n;
    }
  }
}
