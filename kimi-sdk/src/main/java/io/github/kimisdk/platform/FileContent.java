package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.Objects;

/**
 * The body of {@code GET /files/{id}/content}: the text Kimi extracted from a {@code file-extract}
 * upload (or the raw content of a batch output file).
 *
 * @param text the body decoded as UTF-8
 * @param json the body parsed as JSON when it is JSON (Kimi usually answers {@code {"content": ...,
 *     "file_type": ..., "filename": ..., "title": ..., "type": ...}}), else null
 */
public record FileContent(String text, JsonValue json) {

  /**
   * Validates the text.
   *
   * @param text the body decoded as UTF-8
   * @param json the body parsed as JSON when it is JSON (Kimi usually answers {@code {"content":
   *     ..., "file_type": ..., "filename": ..., "title": ..., "type": ...}}), else null
   * @throws NullPointerException if {@code text} is null
   */
  public FileContent {
    Objects.requireNonNull(text, "text");
  }

  /**
   * Returns the extracted text alone: the {@code content} member when the body is such a JSON
   * object, else the whole body.
   *
   * @return the extracted text
   */
  public String extractedText() {
    if (json instanceof JsonObject o && o.get("content") instanceof JsonString s) {
      return s.value();
    }
    return text;
  }

  /** Returns the body once: as {@code json} when it parsed, else as {@code text}. */
  @Override
  public String toString() {
    return RecordText.of("FileContent")
        .add("text", json == null ? text : null)
        .add("json", json)
        .toString();
  }
}
