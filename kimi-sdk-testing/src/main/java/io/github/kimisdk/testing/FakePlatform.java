package io.github.kimisdk.testing;

import io.github.kimisdk.json.JsonWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The platform endpoints of {@link FakeKimiServer}: files (an in-memory store that "extracts" the
 * text of UTF-8 uploads), the balance and batches ({@link FakeBatches}). Returns null for any other
 * path.
 */
final class FakePlatform {

  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, StoredFile> files = new LinkedHashMap<>();
  private final FakeBatches batches;

  FakePlatform(Clock clock, Function<RecordedRequest, FakeResponse> chat) {
    this.clock = clock;
    this.batches = new FakeBatches(clock, this, chat);
  }

  /** A stored upload. */
  record StoredFile(String id, String filename, String purpose, long createdAt, byte[] content) {}

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
        return FakeResponse.json("{\"id\":\"" + id + "\",\"object\":\"file\",\"deleted\":true}");
      }
    }
    return FakeModel.error(405, "invalid_request_error", "Method not allowed: " + method);
  }

  /** Stores content directly, as if uploaded; for batch output files. */
  StoredFile store(String filename, String purpose, byte[] content) {
    String id = String.format(Locale.ROOT, "cs%020d", sequence.incrementAndGet());
    StoredFile f = new StoredFile(id, filename, purpose, clock.millis() / 1000, content);
    synchronized (files) {
      files.put(id, f);
    }
    return f;
  }

  StoredFile file(String id) {
    synchronized (files) {
      return files.get(id);
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
    List<Part> parts = parse(request.body(), boundary);
    if (parts == null) {
      return FakeModel.error(400, "invalid_request_error", "Invalid request: malformed multipart");
    }
    String purpose = null;
    Part file = null;
    for (Part p : parts) {
      if (p.name.equals("purpose")) {
        purpose = new String(p.content, StandardCharsets.UTF_8);
      } else if (p.name.equals("file")) {
        file = p;
      }
    }
    if (file == null || file.filename == null) {
      return FakeModel.error(400, "invalid_request_error", "Invalid request: no file part");
    }
    if (purpose == null || !List.of("file-extract", "image", "video", "batch").contains(purpose)) {
      return FakeModel.error(
          400,
          "invalid_request_error",
          "Invalid request: purpose must be file-extract, image, video or batch");
    }
    return FakeResponse.json(fileJson(store(file.filename, purpose, file.content)));
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
    if (f.purpose.equals("batch_output") || f.purpose.equals("batch")) {
      return FakeResponse.body(
          200, "application/octet-stream", new String(f.content, StandardCharsets.UTF_8));
    }
    String text = utf8(f.content);
    if (text == null) {
      return FakeModel.error(
          400, "invalid_request_error", "File extraction failed: not a text document");
    }
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("content").value(text);
    w.name("file_type").value("text/plain");
    w.name("filename").value(f.filename);
    w.name("title").value("");
    w.name("type").value("file");
    return FakeResponse.json(w.endObject().toString());
  }

  private static String fileJson(StoredFile f) {
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("id").value(f.id);
    w.name("object").value("file");
    w.name("bytes").value(f.content.length);
    w.name("created_at").value(f.createdAt);
    w.name("filename").value(f.filename);
    w.name("purpose").value(f.purpose);
    w.name("status").value("ok");
    w.name("status_details").value("");
    return w.endObject().toString();
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private record Part(String name, String filename, byte[] content) {}

  /** Splits a multipart body; null when it is malformed. */
  static List<Part> parse(byte[] body, String boundary) {
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
      String headers = new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
      int contentStart = headersEnd + 4;
      int end = indexOf(body, delimiter, contentStart);
      if (end < 0) {
        return null;
      }
      String name = param(headers, "name");
      if (name == null) {
        return null;
      }
      byte[] content = new byte[end - contentStart];
      System.arraycopy(body, contentStart, content, 0, content.length);
      parts.add(new Part(name, param(headers, "filename"), content));
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

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    if (at < 0 || b.length - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, byte[] needle, int from) {
    outer:
    for (int i = from; i <= b.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
