package io.github.kimisdk.testing;

import io.github.kimisdk.json.JsonWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The platform endpoints of {@link FakeKimiServer}: files, the balance and batches ({@link
 * FakeBatches}). Returns null for any other path.
 *
 * <p>Files live where their size and purpose put them: a batch's input and output, and any upload
 * over {@link #IN_MEMORY} bytes, on disk in the server's storage directory (made in the system's
 * temporary directory when first needed, deleted by {@link #close()}), everything else in memory.
 * An upload's body over {@link #IN_MEMORY} bytes is read to a file of that directory as it arrives
 * ({@link #readUpload}) and parsed there, mapped rather than read into the heap, so an input of
 * 100,000 lines and more is never held in memory; a stored file's content is sent from its file.
 * Uploads follow Kimi's documented limits: 100 MB a file, none empty, 1,000 files an account.
 */
final class FakePlatform implements AutoCloseable {

  /** The largest request body kept in memory, and the largest file not of a batch kept there. */
  static final int IN_MEMORY = 4 * 1024 * 1024;

  /** Kimi's largest file ("max file size is 100MB"), read as 100 MiB: no stricter than Kimi. */
  static final long MAX_FILE = 100L * 1024 * 1024;

  /** Kimi's most files an account keeps. */
  static final int MAX_FILES = 1000;

  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, StoredFile> files = new LinkedHashMap<>();
  private final FakeBatches batches;
  private Path storage; // guarded by this; null until first needed
  private boolean closed; // guarded by this

  FakePlatform(Clock clock, Function<RecordedRequest, FakeResponse> chat) {
    this.clock = clock;
    this.batches = new FakeBatches(clock, this, chat);
  }

  FakeBatches batches() {
    return batches;
  }

  /**
   * A stored file: its content in memory ({@code bytes}), or {@code length} bytes on disk ({@code
   * path}); {@code uploaded} when a client uploaded it (counted against the account's files).
   */
  record StoredFile(
      String id,
      String filename,
      String purpose,
      long createdAt,
      byte[] bytes,
      Path path,
      long length,
      boolean uploaded) {

    /** Opens the content for reading. */
    InputStream open() throws IOException {
      return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(path);
    }

    /** Reads the whole content; for a file known to be small. */
    byte[] read() {
      try {
        return bytes != null ? bytes : Files.readAllBytes(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  FakeResponse respond(RecordedRequest request) {
    String path = request.path();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    boolean batch = path.equals("/v1/batches") || path.startsWith("/v1/batches/");
    if (!path.equals("/v1/files")
        && !path.startsWith("/v1/files/")
        && !path.equals("/v1/users/me/balance")
        && !batch) {
      return null;
    }
    String auth = request.header("Authorization").orElse("");
    if (!auth.startsWith("Bearer ") || auth.substring(7).isBlank()) {
      return FakeModel.error(401, "invalid_authentication_error", "Invalid Authentication");
    }
    if (batch) {
      return batches.respond(request, path);
    }
    String method = request.method();
    if (path.equals("/v1/users/me/balance") && method.equals("GET")) {
      return FakeResponse.json(
          "{\"code\":0,\"data\":{\"available_balance\":49.58894,\"voucher_balance\":46.58893,"
              + "\"cash_balance\":3.00001},\"scode\":\"0x0\",\"status\":true}");
    }
    if (path.equals("/v1/files")) {
      if (method.equals("POST")) {
        return upload(request);
      }
      if (method.equals("GET")) {
        return list();
      }
    } else if (path.startsWith("/v1/files/")) {
      String rest = path.substring("/v1/files/".length());
      boolean content = rest.endsWith("/content");
      String id = content ? rest.substring(0, rest.length() - "/content".length()) : rest;
      StoredFile f;
      synchronized (files) {
        f = files.get(id);
      }
      if (f == null) {
        return FakeModel.error(404, "resource_not_found_error", "File not found: " + id);
      }
      if (content && method.equals("GET")) {
        return content(f);
      }
      if (!content && method.equals("GET")) {
        return FakeResponse.json(fileJson(f));
      }
      if (!content && method.equals("DELETE")) {
        synchronized (files) {
          files.remove(id);
        }
        if (f.path() != null) {
          deleteQuietly(f.path());
        }
        return FakeResponse.json("{\"id\":\"" + id + "\",\"object\":\"file\",\"deleted\":true}");
      }
    }
    return FakeModel.error(405, "invalid_request_error", "Method not allowed: " + method);
  }

  /** A new stored file's id. */
  private String nextId() {
    return String.format(Locale.ROOT, "cs%020d", sequence.incrementAndGet());
  }

  /** Stores content held in memory, as if uploaded by the fake itself. */
  StoredFile store(String filename, String purpose, byte[] content) {
    return put(
        new StoredFile(
            nextId(),
            filename,
            purpose,
            clock.millis() / 1000,
            content,
            null,
            content.length,
            false));
  }

  /** Stores a file of the storage directory (a batch's output), which the store now owns. */
  StoredFile store(String filename, String purpose, Path file) {
    long length;
    try {
      length = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return put(
        new StoredFile(
            nextId(), filename, purpose, clock.millis() / 1000, null, file, length, false));
  }

  private StoredFile put(StoredFile f) {
    synchronized (files) {
      files.put(f.id(), f);
    }
    return f;
  }

  StoredFile file(String id) {
    synchronized (files) {
      return files.get(id);
    }
  }

  /** A new file in the storage directory, for the caller to fill. */
  Path newFile(String prefix) {
    try {
      return Files.createTempFile(storage(), prefix, ".part");
    } catch (IOException e) {
      throw new UncheckedIOException("FakeKimiServer cannot write its storage directory", e);
    }
  }

  private synchronized Path storage() throws IOException {
    if (closed) {
      throw new IOException("the server is closed");
    }
    if (storage == null) {
      storage = Files.createTempDirectory("fake-kimi-files-");
    }
    return storage;
  }

  /**
   * Reads an upload's request: a body of up to {@link #IN_MEMORY} bytes into memory, a larger one
   * into a file of the storage directory, which the request reads back from when asked.
   */
  RecordedRequest readUpload(
      String method, String target, Map<String, List<String>> headers, InputStream in)
      throws IOException {
    byte[] head = in.readNBytes(IN_MEMORY + 1);
    if (head.length <= IN_MEMORY) {
      return new RecordedRequest(method, target, headers, head);
    }
    Path spool = Files.createTempFile(storage(), "upload-", ".body");
    long size;
    try (OutputStream out = Files.newOutputStream(spool)) {
      out.write(head);
      size = head.length + in.transferTo(out);
    }
    return new RecordedRequest(method, target, headers, spool, size);
  }

  /** Lets go of a request nobody will take: its spooled body's file, if it has one, goes. */
  void forget(RecordedRequest request) {
    if (request.spool() != null) {
      deleteQuietly(request.spool());
    }
  }

  /** Sends a file body's bytes to {@code out}, read from its file as they go. */
  void copy(FakeResponse.FileBody body, OutputStream out) throws IOException {
    try (FileChannel in = FileChannel.open(body.path(), StandardOpenOption.READ)) {
      WritableByteChannel sink = Channels.newChannel(out);
      long pos = body.offset();
      long end = body.offset() + body.length();
      while (pos < end) {
        long n = in.transferTo(pos, end - pos, sink);
        if (n <= 0) {
          break; // the file shrank: the client sees the body cut short
        }
        pos += n;
      }
    }
  }

  private FakeResponse upload(RecordedRequest request) {
    String ct = request.header("Content-Type").orElse("");
    int b = ct.indexOf("boundary=");
    if (!ct.startsWith("multipart/form-data") || b < 0) {
      return FakeModel.error(
          400, "invalid_request_error", "Invalid request: expected multipart/form-data");
    }
    String boundary = ct.substring(b + "boundary=".length()).replace("\"", "");
    try (Body body = Body.of(request)) {
      List<Part> parts = parse(body.buffer(), boundary);
      if (parts == null) {
        return FakeModel.error(
            400, "invalid_request_error", "Invalid request: malformed multipart");
      }
      String purpose = null;
      Part file = null;
      for (Part p : parts) {
        if (p.name.equals("purpose")) {
          purpose = new String(bytes(body.buffer(), p), StandardCharsets.UTF_8);
        } else if (p.name.equals("file")) {
          file = p;
        }
      }
      if (file == null || file.filename == null) {
        return FakeModel.error(400, "invalid_request_error", "Invalid request: no file part");
      }
      if (purpose == null
          || !List.of("file-extract", "image", "video", "batch").contains(purpose)) {
        return FakeModel.error(
            400,
            "invalid_request_error",
            "Invalid request: purpose must be file-extract, image, video or batch");
      }
      if (file.length == 0) {
        return FakeModel.error(400, "invalid_request_error", "File size is zero");
      }
      if (file.length > MAX_FILE) {
        return FakeModel.error(
            400, "invalid_request_error", "File size is too large, max file size is 100MB");
      }
      synchronized (files) {
        if (files.values().stream().filter(StoredFile::uploaded).count() >= MAX_FILES) {
          return FakeModel.error(
              400,
              "invalid_request_error",
              "The number of files you have uploaded exceeded the max file count " + MAX_FILES);
        }
      }
      long now = clock.millis() / 1000;
      StoredFile stored;
      if (purpose.equals("batch") || file.length > IN_MEMORY) {
        Path on = newFile("file-");
        try (FileChannel out = FileChannel.open(on, StandardOpenOption.WRITE)) {
          ByteBuffer content = body.buffer().duplicate();
          content.limit((int) (file.offset + file.length)).position((int) file.offset);
          while (content.hasRemaining()) {
            out.write(content);
          }
        }
        stored = new StoredFile(nextId(), file.filename, purpose, now, null, on, file.length, true);
      } else {
        stored =
            new StoredFile(
                nextId(),
                file.filename,
                purpose,
                now,
                bytes(body.buffer(), file),
                null,
                file.length,
                true);
      }
      return FakeResponse.json(fileJson(put(stored)));
    } catch (IOException e) {
      throw new UncheckedIOException("FakeKimiServer cannot store an upload", e);
    }
  }

  /** A request body as a buffer: wrapped when in memory, mapped when spooled to a file. */
  private record Body(ByteBuffer buffer, FileChannel channel) implements AutoCloseable {
    static Body of(RecordedRequest request) throws IOException {
      if (request.spool() == null) {
        return new Body(ByteBuffer.wrap(request.body()), null);
      }
      FileChannel c = FileChannel.open(request.spool(), StandardOpenOption.READ);
      return new Body(c.map(FileChannel.MapMode.READ_ONLY, 0, c.size()), c);
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }

  private static byte[] bytes(ByteBuffer body, Part p) {
    byte[] b = new byte[(int) p.length];
    body.get((int) p.offset, b);
    return b;
  }

  private FakeResponse list() {
    List<StoredFile> all;
    synchronized (files) {
      all = new ArrayList<>(files.values());
    }
    StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
    for (int i = 0; i < all.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(fileJson(all.get(i)));
    }
    return FakeResponse.json(sb.append("]}").toString());
  }

  private static FakeResponse content(StoredFile f) {
    if (f.purpose().equals("batch_output") || f.purpose().equals("batch")) {
      if (f.path() != null) {
        return FakeResponse.file(
            200, "application/octet-stream", new FakeResponse.FileBody(f.path(), 0, f.length()));
      }
      return FakeResponse.body(
          200, "application/octet-stream", new String(f.read(), StandardCharsets.UTF_8));
    }
    String text = CassetteFormat.utf8(f.read());
    if (text == null) {
      return FakeModel.error(
          400, "invalid_request_error", "File extraction failed: not a text document");
    }
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("content").value(text);
    w.name("file_type").value("text/plain");
    w.name("filename").value(f.filename());
    w.name("title").value("");
    w.name("type").value("file");
    return FakeResponse.json(w.endObject().toString());
  }

  private static String fileJson(StoredFile f) {
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("id").value(f.id());
    w.name("object").value("file");
    w.name("bytes").value(f.length());
    w.name("created_at").value(f.createdAt());
    w.name("filename").value(f.filename());
    w.name("purpose").value(f.purpose());
    w.name("status").value("ok");
    w.name("status_details").value("");
    return w.endObject().toString();
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the storage directory goes whole at close
    }
  }

  /** Deletes the storage directory and everything in it; later writes fail. */
  @Override
  public void close() {
    Path dir;
    synchronized (this) {
      closed = true;
      dir = storage;
      storage = null;
    }
    batches.close();
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(FakePlatform::deleteQuietly);
    } catch (IOException ignored) {
      // a file in use: what is left is in the system's temporary directory
    }
  }

  /** A part of a multipart body: its name, file name, and where its content lies. */
  private record Part(String name, String filename, long offset, long length) {}

  /** Splits a multipart body; null when it is malformed. One pass over the body. */
  static List<Part> parse(ByteBuffer body, String boundary) {
    byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] first = ("--" + boundary + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    if (!startsWith(body, 0, first)) {
      return null;
    }
    List<Part> parts = new ArrayList<>();
    int pos = first.length;
    while (true) {
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
      if (headersEnd < 0) {
        return null;
      }
      byte[] h = new byte[headersEnd - pos];
      body.get(pos, h);
      String headers = new String(h, StandardCharsets.UTF_8);
      int contentStart = headersEnd + 4;
      int end = indexOf(body, delimiter, contentStart);
      if (end < 0) {
        return null;
      }
      String name = param(headers, "name");
      if (name == null) {
        return null;
      }
      parts.add(new Part(name, param(headers, "filename"), contentStart, end - contentStart));
      pos = end + delimiter.length;
      if (startsWith(body, pos, "--".getBytes(StandardCharsets.ISO_8859_1))) {
        return parts;
      }
      if (!startsWith(body, pos, "\r\n".getBytes(StandardCharsets.ISO_8859_1))) {
        return null;
      }
      pos += 2;
    }
  }

  private static String param(String headers, String key) {
    String needle = "; " + key + "=\"";
    int i = headers.indexOf(needle);
    if (i < 0) {
      return null;
    }
    int start = i + needle.length();
    int end = headers.indexOf('"', start);
    if (end < 0) {
      return null;
    }
    return headers
        .substring(start, end)
        .replace("%22", "\"")
        .replace("%0D", "\r")
        .replace("%0A", "\n");
  }

  private static boolean startsWith(ByteBuffer b, int at, byte[] prefix) {
    if (at < 0 || b.limit() - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b.get(at + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The first index of {@code needle} from {@code from}, or -1; a needle starts with CR. */
  private static int indexOf(ByteBuffer b, byte[] needle, int from) {
    int last = b.limit() - needle.length;
    outer:
    for (int i = from; i <= last; i++) {
      if (b.get(i) != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (b.get(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
