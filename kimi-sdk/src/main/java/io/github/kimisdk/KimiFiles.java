package io.github.kimisdk;

import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.internal.http.Multipart;
import io.github.kimisdk.internal.platform.PlatformCodec;
import io.github.kimisdk.platform.FileContent;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import java.io.FileNotFoundException;
import java.net.URLConnection;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Kimi's file API ({@code /files}), reached through {@link KimiClient#files()}. Uploads stream the
 * file from disk, so its size is bounded by the server's limit (100 MB), not by the heap.
 *
 * <pre>{@code
 * FileObject f = kimi.files().upload(Path.of("report.pdf"), FilePurpose.FILE_EXTRACT);
 * String text = kimi.files().content(f.id()).text();
 * kimi.files().delete(f.id());
 * }</pre>
 *
 * <p>Every operation has the forms the client's have: blocking, and {@code ...Async} returning a
 * {@link CompletableFuture} that completes exceptionally with a {@link KimiException} (cancelling
 * it aborts the exchange). Settings of a call's own come from a derived client ({@code
 * kimi.withOptions(options).files()}); a file call is sent once unless those options give a {@link
 * RequestOptions.Builder#retryPolicy retry policy}.
 */
public final class KimiFiles {

  private final ClientScope scope;

  KimiFiles(ClientScope scope) {
    this.scope = scope;
  }

  /**
   * Uploads a file ({@code POST /files}, multipart), streaming it from disk; its name is sent as
   * the file name.
   *
   * @param file the file
   * @param purpose what the file is for
   * @return the stored file
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   * @throws KimiException if the call fails
   */
  public FileObject upload(Path file, FilePurpose purpose) {
    return scope.await(uploadAsync(file, purpose));
  }

  /**
   * Uploads a file under another file name, streaming it from disk.
   *
   * @param file the file
   * @param filename the name to store it under; quotes, CR and LF are escaped on the wire
   * @param purpose what the file is for
   * @return the stored file
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   * @throws KimiException if the call fails
   */
  public FileObject upload(Path file, String filename, FilePurpose purpose) {
    return scope.await(uploadAsync(file, filename, purpose));
  }

  /**
   * Uploads a file without blocking (see {@link #upload(Path, FilePurpose)}). The file is checked
   * before the call starts.
   *
   * @param file the file
   * @param purpose what the file is for
   * @return the future stored file
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   */
  public CompletableFuture<FileObject> uploadAsync(Path file, FilePurpose purpose) {
    Objects.requireNonNull(file, "file");
    Path name = file.getFileName();
    return uploadAsync(file, name == null ? "file" : name.toString(), purpose);
  }

  /**
   * Uploads a file under another file name without blocking.
   *
   * @param file the file
   * @param filename the name to store it under
   * @param purpose what the file is for
   * @return the future stored file
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   */
  public CompletableFuture<FileObject> uploadAsync(
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
    return scope.platform("POST", "files", body, form.contentType(), true, PlatformCodec::file);
  }

  /** Uploads bytes held in memory; for generated files such as batch input. */
  CompletableFuture<FileObject> uploadBytesAsync(
      byte[] content, String filename, FilePurpose purpose) {
    Multipart form = new Multipart().field("purpose", purpose.value());
    BodyPublisher body = form.bytes("file", filename, "application/jsonl", content);
    return scope.platform("POST", "files", body, form.contentType(), true, PlatformCodec::file);
  }

  /**
   * Lists the files of the account ({@code GET /files}).
   *
   * @return the files, in the server's order
   * @throws KimiException if the call fails
   */
  public List<FileObject> list() {
    return scope.await(listAsync());
  }

  /**
   * Lists the files without blocking.
   *
   * @return the future files
   */
  public CompletableFuture<List<FileObject>> listAsync() {
    return scope.platform("GET", "files", null, null, true, PlatformCodec::files);
  }

  /**
   * Returns one file's metadata ({@code GET /files/{id}}).
   *
   * @param fileId the file id
   * @return the file
   * @throws NotFoundException if there is no such file
   * @throws KimiException for any other failure
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public FileObject get(String fileId) {
    return scope.await(getAsync(fileId));
  }

  /**
   * Returns one file's metadata without blocking.
   *
   * @param fileId the file id
   * @return the future file
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public CompletableFuture<FileObject> getAsync(String fileId) {
    return scope.platform("GET", "files/" + segment(fileId), null, null, true, PlatformCodec::file);
  }

  /**
   * Returns a file's content ({@code GET /files/{id}/content}): the extracted text of a {@code
   * file-extract} upload, or the content of a batch output file.
   *
   * @param fileId the file id
   * @return the content as text, and as JSON when it parses
   * @throws NotFoundException if there is no such file
   * @throws KimiException for any other failure
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public FileContent content(String fileId) {
    return scope.await(contentAsync(fileId));
  }

  /**
   * Returns a file's content without blocking.
   *
   * @param fileId the file id
   * @return the future content
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public CompletableFuture<FileContent> contentAsync(String fileId) {
    return scope.platform(
        "GET", "files/" + segment(fileId) + "/content", null, null, false, PlatformCodec::content);
  }

  /**
   * Writes a file's content ({@code GET /files/{id}/content}) to {@code target} as it arrives, in
   * bounded memory: for a file too large to hold, such as a big batch's results. A file larger than
   * {@code maxBytes} fails the download, and what was written is removed.
   *
   * @param fileId the file id
   * @param target the file to write, replaced if it exists
   * @param maxBytes the most bytes to write, at least 1
   * @return the bytes written
   * @throws KimiException if the call fails, or the file is larger than {@code maxBytes}
   * @throws IllegalArgumentException if {@code fileId} is blank or {@code maxBytes} is below 1
   */
  public long download(String fileId, Path target, long maxBytes) {
    Objects.requireNonNull(target, "target");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
    }
    String path = "files/" + segment(fileId) + "/content";
    try {
      return scope.await(scope.download(path, target, maxBytes));
    } catch (RuntimeException e) {
      try {
        java.nio.file.Files.deleteIfExists(target);
      } catch (java.io.IOException | RuntimeException left) {
        e.addSuppressed(left);
      }
      throw e;
    }
  }

  /**
   * Deletes a file ({@code DELETE /files/{id}}).
   *
   * @param fileId the file id
   * @return true if the server reported it deleted
   * @throws NotFoundException if there is no such file
   * @throws KimiException for any other failure
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public boolean delete(String fileId) {
    return scope.await(deleteAsync(fileId));
  }

  /**
   * Deletes a file without blocking.
   *
   * @param fileId the file id
   * @return the future outcome: true if the server reported it deleted
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  public CompletableFuture<Boolean> deleteAsync(String fileId) {
    return scope.platform(
        "DELETE", "files/" + segment(fileId), null, null, true, PlatformCodec::deleted);
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
    return scope.await(documentMessageAsync(file, deleteAfter));
  }

  /**
   * The "chat with a document" pattern without blocking (see {@link #documentMessage(Path,
   * boolean)}); the file is deleted afterwards, when asked, whether fetching its text worked.
   *
   * @param file the document
   * @param deleteAfter whether to delete the uploaded file once its text is fetched
   * @return the future message
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   */
  public CompletableFuture<Message> documentMessageAsync(Path file, boolean deleteAfter) {
    return scope
        .calls()
        .compose(
            uploadAsync(file, FilePurpose.FILE_EXTRACT),
            f -> {
              CompletableFuture<Message> text =
                  scope.calls().map(contentAsync(f.id()), c -> Message.system(c.text()));
              if (!deleteAfter) {
                return text;
              }
              CompletableFuture<Message> out = new CompletableFuture<>();
              text.whenComplete(
                  (m, e) ->
                      deleteAsync(f.id())
                          .whenComplete(
                              (deleted, d) -> {
                                if (e != null || d != null) {
                                  out.completeExceptionally(
                                      scope.calls().failure(e != null ? e : d));
                                } else {
                                  out.complete(m);
                                }
                              }));
              return out;
            });
  }

  private static String segment(String id) {
    Objects.requireNonNull(id, "fileId");
    if (id.isBlank()) {
      throw new IllegalArgumentException("fileId must not be blank");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
