package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import java.util.Objects;

/**
 * A file stored on the Kimi platform, as the file endpoints return it.
 *
 * @param id the file id, used in the other file calls and as {@code ms://<id>} in chat
 * @param bytes the size in bytes
 * @param createdAt when the file was uploaded, in seconds since the epoch
 * @param filename the name it was uploaded with; may be null
 * @param purpose what it is for; may be null when the server sent none
 * @param status the processing status as the server wrote it (such as {@code "ok"} or {@code
 *     "ready"}); may be null
 * @param statusDetails details about the status, such as an extraction error; may be null
 */
public record FileObject(
    String id,
    long bytes,
    long createdAt,
    String filename,
    FilePurpose purpose,
    String status,
    String statusDetails) {

  /**
   * Validates the id.
   *
   * @param id the file id, used in the other file calls and as {@code ms://<id>} in chat
   * @param bytes the size in bytes
   * @param createdAt when the file was uploaded, in seconds since the epoch
   * @param filename the name it was uploaded with; may be null
   * @param purpose what it is for; may be null when the server sent none
   * @param status the processing status as the server wrote it (such as {@code "ok"} or {@code
   *     "ready"}); may be null
   * @param statusDetails details about the status, such as an extraction error; may be null
   * @throws NullPointerException if {@code id} is null
   */
  public FileObject {
    Objects.requireNonNull(id, "id");
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("FileObject")
        .add("id", id)
        .add("bytes", bytes)
        .add("createdAt", createdAt)
        .add("filename", filename)
        .add("purpose", purpose)
        .add("status", status)
        .add("statusDetails", statusDetails)
        .toString();
  }
}
