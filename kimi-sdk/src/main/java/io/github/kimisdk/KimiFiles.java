package io.github.kimisdk;

import io.github.kimisdk.chat.Message;
import io.github.kimisdk.internal.client.PlatformCalls;
import io.github.kimisdk.internal.http.Multipart;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.io.FileNotFoundException;
import java.net.URLConnection;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Kimi's file API ({@code /files}), reached through {@link KimiClient#files()}. Uploads stream the
 * file from disk, so its size is bounded by the server's limit (100 MB), not by the heap.
 *
 * <pre>{@code
 * FileObject f = kimi.files().upload(Path.of("report.pdf"), FilePurpose.FILE_EXTRACT);
 * String text = kimi.files().content(f.id()).extractedText();
 * kimi.files().delete(f.id());
 * }</pre>
 */
public final class KimiFiles {

  private final KimiClient client;

  KimiFiles(KimiClient client) {
    this.client = client;
  }

  /**
   * Uploads a file ({@code POST /files}, multipart), streaming it from disk.
   *
   * @param file the file; its name is sent as the file name
   * @param purpose what the file is for
   * @return the stored file
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   * @throws ApiException if Kimi refused the upload
   * @throws KimiException for any other failure
   */
  public FileObject upload(Path file, FilePurpose purpose) {
    Objects.requireNonNull(file, "file");
    Path name = file.getFileName();
    return upload(file, name == null ? "file" : name.toString(), purpose);
  }

  /**
   * Uploads a file under another file name, streaming it from disk.
   *
   * @param file the file
   * @param filename the name to store it under; quotes, CR and LF are escaped on the wire
   * @param purpose what the file is for
   * @return the stored file
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   * @throws ApiException if Kimi refused the upload
   * @throws KimiException for any other failure
   */
  public FileObject upload(Path file, String filename, FilePurpose purpose) {
    return client.await(uploadAsync(file, filename, purpose));
  }

  private CompletableFuture<KimiResponse<byte[]>> sendUpload(
      Path file, String filename, FilePurpose purpose) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(filename, "filename");
    Objects.requireNonNull(purpose, "purpose");
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "file must be a readable regular file: " + file.toAbsolutePath());
    }
    String mediaType = URLConnection.guessContentTypeFromName(filename);
    Multipart form = new Multipart().field("purpose", purpose.value());
    BodyPublisher body;
    try {
      body =
          form.file(
              "file", filename, mediaType == null ? "application/octet-stream" : mediaType, file);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("file cannot be read: " + file.toAbsolutePath(), e);
    }
    return client.send("POST", "files", body, form.contentType());
  }

  /**
   * Uploads a file without blocking (see {@link #upload(Path, FilePurpose)}). The file is checked
   * before the call starts.
   *
   * @param file the file; its name is sent as the file name
   * @param purpose what the file is for
   * @return the future stored file; it completes exceptionally with a {@link KimiException}, and
   *     cancelling it aborts the upload
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   */
  public CompletableFuture<FileObject> uploadAsync(Path file, FilePurpose purpose) {
    Objects.requireNonNull(file, "file");
    Path name = file.getFileName();
    return uploadAsync(file, name == null ? "file" : name.toString(), purpose);
  }

  /**
   * Uploads a file under another file name without blocking (see {@link #upload(Path, String,
   * FilePurpose)}).
   *
   * @param file the file
   * @param filename the name to store it under
   * @param purpose what the file is for
   * @return the future stored file; it completes exceptionally with a {@link KimiException}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   */
  public CompletableFuture<FileObject> uploadAsync(
      Path file, String filename, FilePurpose purpose) {
    return decodeAsync(sendUpload(file, filename, purpose));
  }

  /** Uploads bytes held in memory; for generated files such as batch input. */
  CompletableFuture<FileObject> uploadBytesAsync(
      byte[] content, String filename, FilePurpose purpose) {
    Multipart form = new Multipart().field("purpose", purpose.value());
    BodyPublisher body = form.bytes("file", filename, "application/jsonl", content);
    return decodeAsync(client.send("POST", "files", body, form.contentType()));
  }

  /**
   * Lists the files of the account ({@code GET /files}).
   *
   * @return the files, in the server's order
   * @throws ApiException if Kimi answered with an error
   * @throws KimiException for any other failure
   */
  public List<FileObject> list() {
    return client.await(listAsync());
  }

  /**
   * Lists the files without blocking (see {@link #list()}).
   *
   * @return the future files; it completes exceptionally with a {@link KimiException}
   */
  public CompletableFuture<List<FileObject>> listAsync() {
    return client.calls().map(client.send("GET", "files", null, null), this::decodeList);
  }

  private List<FileObject> decodeList(KimiResponse<byte[]> r) {
    JsonObject o = PlatformCalls.object(r, client.errors(), "a file list");
    List<FileObject> out = new ArrayList<>();
    if (o.get("data") instanceof JsonArray data) {
      for (JsonValue v : data.values()) {
        if (v instanceof JsonObject f) {
          out.add(decode(f, r));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Returns one file's metadata ({@code GET /files/{id}}).
   *
   * @param fileId the file id
   * @return the file
   * @throws NotFoundException if there is no such file
   * @throws KimiException for any other failure
   */
  public FileObject get(String fileId) {
    return client.await(getAsync(fileId));
  }

  /**
   * Returns one file's metadata without blocking (see {@link #get(String)}).
   *
   * @param fileId the file id
   * @return the future file; it completes exceptionally with a {@link KimiException}, such as
   *     {@link NotFoundException}
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public CompletableFuture<FileObject> getAsync(String fileId) {
    return decodeAsync(client.send("GET", "files/" + segment(fileId), null, null));
  }

  /**
   * Returns a file's content ({@code GET /files/{id}/content}): the extracted text of a {@code
   * file-extract} upload, or the content of a batch output file.
   *
   * @param fileId the file id
   * @return the content as text, and as JSON when it parses
   * @throws NotFoundException if there is no such file
   * @throws KimiException for any other failure
   */
  public FileContent content(String fileId) {
    return client.await(contentAsync(fileId));
  }

  /**
   * Returns a file's content without blocking (see {@link #content(String)}).
   *
   * @param fileId the file id
   * @return the future content; it completes exceptionally with a {@link KimiException}
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public CompletableFuture<FileContent> contentAsync(String fileId) {
    return client
        .calls()
        .map(
            client.send("GET", "files/" + segment(fileId) + "/content", null, null),
            KimiFiles::decodeContent);
  }

  private static FileContent decodeContent(KimiResponse<byte[]> r) {
    String text = new String(r.value(), StandardCharsets.UTF_8);
    JsonValue json = null;
    String t = text.strip();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        json = Json.parse(r.value());
      } catch (RuntimeException notJson) {
        // JSONL (batch output) or text that merely starts with a brace: text only
        json = null;
      }
    }
    return new FileContent(text, json);
  }

  /**
   * Deletes a file ({@code DELETE /files/{id}}).
   *
   * @param fileId the file id
   * @return true if the server reported it deleted
   * @throws NotFoundException if there is no such file
   * @throws KimiException for any other failure
   */
  public boolean delete(String fileId) {
    return client.await(deleteAsync(fileId));
  }

  /**
   * Deletes a file without blocking (see {@link #delete(String)}).
   *
   * @param fileId the file id
   * @return the future outcome: true if the server reported it deleted; it completes exceptionally
   *     with a {@link KimiException}
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public CompletableFuture<Boolean> deleteAsync(String fileId) {
    return client
        .calls()
        .map(
            client.send("DELETE", "files/" + segment(fileId), null, null),
            r -> {
              JsonObject o = PlatformCalls.object(r, client.errors(), "a deletion result");
              return o.get("deleted") instanceof JsonBoolean b && b.value();
            });
  }

  /**
   * Moonshot's "chat with a document" pattern: uploads {@code file} with purpose {@code
   * file-extract}, fetches the extracted text and returns it as a system message to put before the
   * user's question. The message content is the content endpoint's body as Moonshot's examples use
   * it.
   *
   * <pre>{@code
   * Message doc = kimi.files().documentMessage(Path.of("paper.pdf"), true);
   * ChatRequest req = ChatRequest.builder("kimi-k2.6")
   *     .addMessage(doc)
   *     .addMessage(Message.user("Summarise the paper"))
   *     .build();
   * }</pre>
   *
   * @param file the document
   * @param deleteAfter whether to delete the uploaded file once its text is fetched (the text stays
   *     usable; a file left behind counts against the 1000-file limit)
   * @return a system message holding the extracted text
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   * @throws KimiException if a call fails
   */
  public Message documentMessage(Path file, boolean deleteAfter) {
    FileObject f = upload(file, FilePurpose.FILE_EXTRACT);
    try {
      return Message.system(content(f.id()).text());
    } finally {
      if (deleteAfter) {
        delete(f.id());
      }
    }
  }

  private CompletableFuture<FileObject> decodeAsync(CompletableFuture<KimiResponse<byte[]>> f) {
    return client.calls().map(f, this::decode);
  }

  private FileObject decode(KimiResponse<byte[]> r) {
    return decode(PlatformCalls.object(r, client.errors(), "a file object"), r);
  }

  private FileObject decode(JsonObject o, KimiResponse<byte[]> r) {
    String id = PlatformCalls.string(o, "id");
    if (id == null) {
      throw client.errors().decoding(r.metadata(), "A file object has no id", null);
    }
    return new FileObject(
        id,
        PlatformCalls.number(o, "bytes"),
        PlatformCalls.number(o, "created_at"),
        PlatformCalls.string(o, "filename"),
        FilePurpose.of(PlatformCalls.string(o, "purpose")),
        PlatformCalls.string(o, "status"),
        PlatformCalls.string(o, "status_details"));
  }

  private static String segment(String id) {
    Objects.requireNonNull(id, "fileId");
    if (id.isBlank()) {
      throw new IllegalArgumentException("fileId must not be blank");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
