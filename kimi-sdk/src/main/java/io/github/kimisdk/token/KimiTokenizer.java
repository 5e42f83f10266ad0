package io.github.kimisdk.token;

import io.github.kimisdk.base.net.Hosts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Counts, encodes and decodes text exactly as Moonshot's tokenizer for Kimi K2, K2.x, K3,
 * Kimi-Linear and Moonlight does.
 *
 * <p>The vocabulary is Kimi's {@code tiktoken.model} rank file (163,584 byte-level BPE ranks, about
 * 2.8 MB). The SDK jar does not bundle it. {@link #standard()} fetches the file Moonshot publishes
 * once into a cache folder, checks its SHA-256 and loads it (offline, point {@value #VOCAB_ENV} at
 * a copy); or load it yourself from a file, a stream or a class-path resource you ship. Share the
 * instance: loading takes a fraction of a second and keeps about 7 MB of heap.
 *
 * <pre>{@code
 * KimiTokenizer tokenizer = KimiTokenizer.standard();   // fetched once, then from the cache
 * KimiTokenizer same = KimiTokenizer.load(Path.of("tiktoken.model"));
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

  /**
   * Where Moonshot publishes the vocabulary: beside its Kimi K2 weights on Hugging Face ({@code
   * moonshotai/Kimi-K2-Instruct}); K2.x and K3 use the same file.
   */
  public static final String STANDARD_URL =
      "https://huggingface.co/moonshotai/Kimi-K2-Instruct/resolve/main/tiktoken.model";

  /** The SHA-256 of Moonshot's {@code tiktoken.model} (2,795,286 bytes), in lower-case hex. */
  public static final String STANDARD_SHA256 =
      "b6c497a7469b33ced9c38afb1ad6e47f03f5e5dc05f15930799210ec050c5103";

  /**
   * The environment variable (or system property) that names a local copy of the vocabulary: when
   * set, {@link #standard()} and {@link Fetcher#load()} read that file and never go to the network.
   */
  public static final String VOCAB_ENV = "KIMI_TOKENIZER_VOCAB";

  /** The most bytes a fetch reads: the file is 2.8 MB. */
  static final int MAX_FETCH_BYTES = 16 * 1024 * 1024;

  private static volatile KimiTokenizer standard;

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
   * Returns the tokenizer for Moonshot's published vocabulary, loading it on first use as {@link
   * #fetcher()} does with its defaults: from the file {@value #VOCAB_ENV} names when that is set,
   * else from the cache folder, else fetched from {@link #STANDARD_URL} into the cache; the bytes
   * are checked against {@link #STANDARD_SHA256} in every case. Later calls return the same
   * instance.
   *
   * @return the tokenizer
   * @throws UncheckedIOException if the file cannot be read or fetched
   * @throws IllegalStateException if the bytes do not have the expected SHA-256
   */
  public static KimiTokenizer standard() {
    KimiTokenizer t = standard;
    if (t == null) {
      synchronized (KimiTokenizer.class) {
        t = standard;
        if (t == null) {
          t = fetcher().load();
          standard = t;
        }
      }
    }
    return t;
  }

  /**
   * Starts configuring where Moonshot's vocabulary comes from: a local file, a cache folder, or the
   * network, always checked by its SHA-256.
   *
   * <pre>{@code
   * KimiTokenizer t = KimiTokenizer.fetcher()
   *     .cacheDirectory(Path.of("/var/cache/my-app"))
   *     .offline(true)                 // never fetch: fail unless the cache or a file has it
   *     .load();
   * }</pre>
   *
   * @return a fetcher with the defaults: {@link #STANDARD_URL}, {@link #STANDARD_SHA256}, the
   *     folder {@code $XDG_CACHE_HOME/kimi-sdk} (or {@code ~/.cache/kimi-sdk}), network allowed
   */
  public static Fetcher fetcher() {
    return new Fetcher();
  }

  /**
   * Loads Moonshot's vocabulary from a file, the cache or the network; see {@link #fetcher()}. Not
   * thread-safe; {@link #load()} may be called from several processes at once (the cache file is
   * written whole, then moved into place).
   */
  public static final class Fetcher {
    private URI url = URI.create(STANDARD_URL);
    private String sha256 = STANDARD_SHA256;
    private Path cacheDirectory;
    private Path file;
    private boolean offline;
    private Duration timeout = Duration.ofMinutes(2);
    private Function<String, String> environment = Fetcher::setting;
    private int maxBytes = MAX_FETCH_BYTES;

    private Fetcher() {}

    private static String setting(String name) {
      String p = System.getProperty(name);
      return p != null ? p : System.getenv(name);
    }

    /**
     * Sets where the file is fetched from (default {@link #STANDARD_URL}); plain HTTP only to a
     * loopback address.
     *
     * @param url the address
     * @return this fetcher
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if the address is neither HTTPS nor HTTP to loopback
     */
    public Fetcher url(URI url) {
      Objects.requireNonNull(url, "url");
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !(scheme.equals("http") && Hosts.isLoopback(url.getHost()))) {
        throw new IllegalArgumentException(
            "the vocabulary must be fetched over HTTPS (plain HTTP only from loopback): " + url);
      }
      this.url = url;
      return this;
    }

    /**
     * Sets the SHA-256 the bytes must have (default {@link #STANDARD_SHA256}).
     *
     * @param sha256 64 hexadecimal digits
     * @return this fetcher
     * @throws IllegalArgumentException if {@code sha256} is not 64 hexadecimal digits
     */
    public Fetcher sha256(String sha256) {
      if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException("sha256 must be 64 hexadecimal digits: " + sha256);
      }
      this.sha256 = sha256.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * Sets the folder the fetched file is kept in (default {@code $XDG_CACHE_HOME/kimi-sdk}, or
     * {@code ~/.cache/kimi-sdk}); it is created when needed.
     *
     * @param cacheDirectory the folder
     * @return this fetcher
     * @throws NullPointerException if {@code cacheDirectory} is null
     */
    public Fetcher cacheDirectory(Path cacheDirectory) {
      this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
      return this;
    }

    /**
     * Reads the vocabulary from this file instead, which wins over {@value #VOCAB_ENV}, the cache
     * and the network; its SHA-256 is still checked. To load a different vocabulary, use {@link
     * KimiTokenizer#load(Path)}.
     *
     * @param file the file; null to look at {@value #VOCAB_ENV} and the cache again
     * @return this fetcher
     */
    public Fetcher file(Path file) {
      this.file = file;
      return this;
    }

    /**
     * Forbids fetching: the vocabulary must come from a file or the cache (default false).
     *
     * @param offline true to stay off the network
     * @return this fetcher
     */
    public Fetcher offline(boolean offline) {
      this.offline = offline;
      return this;
    }

    /**
     * Sets how long a fetch may take (default 2 minutes).
     *
     * @param timeout the limit
     * @return this fetcher
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Fetcher timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Replaces the environment lookup, for tests. */
    Fetcher environment(Function<String, String> environment) {
      this.environment = environment;
      return this;
    }

    /** Lowers the fetch limit, for tests. */
    Fetcher maxBytes(int maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Returns the cache file the vocabulary is kept in: {@code kimi-tiktoken-<sha256>.model} in the
     * cache folder.
     *
     * @return the path, whether or not the file exists
     */
    public Path cacheFile() {
      Path dir = cacheDirectory;
      if (dir == null) {
        String xdg = environment.apply("XDG_CACHE_HOME");
        dir =
            xdg != null && !xdg.isBlank()
                ? Path.of(xdg, "kimi-sdk")
                : Path.of(System.getProperty("user.home"), ".cache", "kimi-sdk");
      }
      return dir.resolve("kimi-tiktoken-" + sha256 + ".model");
    }

    /**
     * Loads the vocabulary: from {@link #file(Path)} when set, else from the file {@value
     * #VOCAB_ENV} names, else from {@link #cacheFile()}, else (unless offline) fetched into the
     * cache. A cached file whose SHA-256 is wrong is fetched again.
     *
     * @return the tokenizer
     * @throws UncheckedIOException if a file cannot be read, or the fetch fails or is refused
     * @throws IllegalStateException if the bytes do not have the expected SHA-256, or the
     *     vocabulary is not cached while offline
     */
    public KimiTokenizer load() {
      Path given = file;
      String source = "the file given";
      if (given == null) {
        String env = environment.apply(VOCAB_ENV);
        if (env != null && !env.isBlank()) {
          given = Path.of(env);
          source = VOCAB_ENV + "=" + env;
        }
      }
      if (given != null) {
        byte[] bytes = read(given);
        verify(bytes, source + " (" + given + ")");
        return new KimiTokenizer(Vocabulary.parse(bytes));
      }
      Path cache = cacheFile();
      if (Files.isRegularFile(cache)) {
        byte[] bytes = read(cache);
        if (digest(bytes).equals(sha256)) {
          return new KimiTokenizer(Vocabulary.parse(bytes));
        }
        if (offline) {
          throw new IllegalStateException(
              "the cached vocabulary "
                  + cache
                  + " does not have SHA-256 "
                  + sha256
                  + "; delete it, or allow fetching");
        }
      } else if (offline) {
        throw new IllegalStateException(
            "Kimi's tiktoken.model is not cached at "
                + cache
                + " and fetching is off; set "
                + VOCAB_ENV
                + " to a copy of the file, or allow fetching");
      }
      byte[] bytes = fetch();
      verify(bytes, url.toString());
      store(cache, bytes);
      return new KimiTokenizer(Vocabulary.parse(bytes));
    }

    private static byte[] read(Path path) {
      try {
        return Files.readAllBytes(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read tiktoken rank file " + path, e);
      }
    }

    private void verify(byte[] bytes, String from) {
      String actual = digest(bytes);
      if (!actual.equals(sha256)) {
        throw new IllegalStateException(
            "the vocabulary from "
                + from
                + " has SHA-256 "
                + actual
                + " ("
                + bytes.length
                + " bytes), not the expected "
                + sha256
                + "; it is not Moonshot's tiktoken.model (use KimiTokenizer.load for another file)");
      }
    }

    private byte[] fetch() {
      HttpClient client =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NORMAL)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
      try {
        HttpResponse<InputStream> response =
            client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
          if (response.statusCode() != 200) {
            throw new UncheckedIOException(
                new IOException(
                    "fetching "
                        + url
                        + " answered HTTP "
                        + response.statusCode()
                        + "; set "
                        + VOCAB_ENV
                        + " to a local copy of tiktoken.model"));
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream(3 * 1024 * 1024);
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = in.read(buf)) > 0) {
            if (out.size() + n > maxBytes) {
              throw new UncheckedIOException(
                  new IOException(
                      "fetching " + url + " sent more than " + maxBytes + " bytes; stopped"));
            }
            out.write(buf, 0, n);
          }
          return out.toByteArray();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot fetch " + url + " (offline? set " + VOCAB_ENV + " to a local copy)", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new IOException("interrupted while fetching " + url, e));
      }
    }

    private static void store(Path cache, byte[] bytes) {
      try {
        Files.createDirectories(cache.getParent());
        Path part = Files.createTempFile(cache.getParent(), ".kimi-tiktoken-", ".part");
        try {
          Files.write(part, bytes);
          try {
            Files.move(part, cache, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, cache, StandardCopyOption.REPLACE_EXISTING);
          }
        } finally {
          Files.deleteIfExists(part);
        }
      } catch (IOException e) {
        // the tokenizer still works; only the next process fetches again
        System.getLogger("io.github.kimisdk.token")
            .log(System.Logger.Level.WARNING, "cannot cache Kimi's vocabulary at " + cache, e);
      }
    }
  }

  static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
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
