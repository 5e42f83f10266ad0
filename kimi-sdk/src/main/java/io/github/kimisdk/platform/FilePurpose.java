package io.github.kimisdk.platform;

import java.util.Objects;
import java.util.Set;

/**
 * What an uploaded file is for. An open type: values the server adds later decode fine.
 *
 * @param value the raw value, such as {@code "file-extract"}
 */
public record FilePurpose(String value) {

  /** A document whose text Kimi extracts (pdf, docx, txt, ...), for "chat with a document". */
  public static final FilePurpose FILE_EXTRACT = new FilePurpose("file-extract");

  /** An image, referenced in chat as {@code ms://<file id>}. */
  public static final FilePurpose IMAGE = new FilePurpose("image");

  /** A video, referenced in chat as {@code ms://<file id>}. */
  public static final FilePurpose VIDEO = new FilePurpose("video");

  /** A JSONL input file for the batch API. */
  public static final FilePurpose BATCH = new FilePurpose("batch");

  private static final Set<String> KNOWN = Set.of("file-extract", "image", "video", "batch");

  /**
   * Validates the value.
   *
   * @param value the raw value, such as {@code "file-extract"}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is blank
   */
  public FilePurpose {
    Objects.requireNonNull(value, "file purpose must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(
          "file purpose must not be blank; use FilePurpose.FILE_EXTRACT, IMAGE, VIDEO or BATCH");
    }
  }

  /**
   * Returns the purpose for a raw value.
   *
   * @param value the raw value; may be null
   * @return the purpose, or null when {@code value} is null or blank
   */
  public static FilePurpose of(String value) {
    return value == null || value.isBlank() ? null : new FilePurpose(value);
  }

  /**
   * Tells whether this is one of the purposes this SDK version knows.
   *
   * @return true for the constants of this class
   */
  public boolean isKnown() {
    return KNOWN.contains(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
