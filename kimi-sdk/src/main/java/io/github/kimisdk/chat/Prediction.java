package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import java.util.List;
import java.util.Objects;

/**
 * Holds a predicted output ({@code prediction: {"type": "content", "content": ...}}): text the
 * reply is expected to largely repeat, such as a file being edited, which lets the server generate
 * the unchanged parts faster. Sent as a string ({@link #of(String)}) or as text parts ({@link
 * #parts(List)}), as the caller gives it.
 *
 * <pre>{@code
 * ChatRequest edit = ChatRequest.builder("kimi-k3")
 *     .addUser("Rename the variable x to count in:\n" + source)
 *     .prediction(Prediction.of(source))
 *     .build();
 * }</pre>
 *
 * @param text the predicted text, sent as a string; null when {@code parts} is set
 * @param parts the predicted text as text parts, sent as an array of {@code {"type":"text"}} parts;
 *     null when {@code text} is set
 */
public record Prediction(String text, List<String> parts) {

  /**
   * Validates that exactly one form is set and copies the parts.
   *
   * @param text the predicted text; null when {@code parts} is set
   * @param parts the predicted text as parts; null when {@code text} is set
   * @throws IllegalArgumentException if both or neither are set, or {@code parts} is empty
   * @throws NullPointerException if a part is null
   */
  public Prediction {
    if ((text == null) == (parts == null)) {
      throw new IllegalArgumentException(
          "a prediction is either text or text parts: use Prediction.of(text) or"
              + " Prediction.parts(list)");
    }
    if (parts != null) {
      parts = List.copyOf(parts);
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("a prediction needs at least one text part");
      }
    }
  }

  /**
   * Creates a prediction sent as a string.
   *
   * @param text the predicted text
   * @return the prediction
   * @throws NullPointerException if {@code text} is null
   */
  public static Prediction of(String text) {
    return new Prediction(Objects.requireNonNull(text, "text must not be null"), null);
  }

  /**
   * Creates a prediction sent as text parts.
   *
   * @param parts the texts of the parts, in order
   * @return the prediction
   * @throws NullPointerException if {@code parts} or a part is null
   * @throws IllegalArgumentException if {@code parts} is empty
   */
  public static Prediction parts(List<String> parts) {
    return new Prediction(null, Objects.requireNonNull(parts, "parts must not be null"));
  }

  /** Returns the form that is set. */
  @Override
  public String toString() {
    return RecordText.of("Prediction").add("text", text).add("parts", parts).toString();
  }
}
