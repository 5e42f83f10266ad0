package io.github.kimisdk.chat;

import io.github.kimisdk.DecodingException;
import java.util.Objects;

/**
 * Signals that a reply does not fit the type asked for: its text is not JSON, or the JSON does not
 * bind to the record (see {@link ChatCompletion#parse(Class)} and {@link
 * io.github.kimisdk.KimiClient#chat(ChatRequest, Class)}). It is a {@link DecodingException}, so a
 * {@code catch (KimiException e)} sees it like every other failure. It holds the reply's text and
 * the JSON path that failed; the message names the path and the record component, never the reply's
 * content.
 *
 * <pre>{@code
 * try {
 *   Weather w = kimi.chat(request, Weather.class);
 * } catch (StructuredOutputException e) {
 *   log(e.path() + " failed in: " + e.text());
 * }
 * }</pre>
 */
public final class StructuredOutputException extends DecodingException {
  private static final long serialVersionUID = 1L;

  private final transient ChatCompletion completion;
  private final transient Class<?> type;
  private final String path;

  /** Creates the exception with the metadata of the response the reply came in, if any. */
  StructuredOutputException(
      String message, ChatCompletion completion, Class<?> type, String path, Throwable cause) {
    super(message, cause, completion.metadata());
    this.completion = Objects.requireNonNull(completion, "completion");
    this.type = Objects.requireNonNull(type, "type");
    this.path = Objects.requireNonNull(path, "path");
  }

  /**
   * Returns the reply's text, as the model wrote it.
   *
   * @return the text of the first choice, {@code ""} when there is none
   */
  public String text() {
    return completion.text();
  }

  /**
   * Returns the JSON path where the reply stopped fitting, such as {@code $.days[2].temperature};
   * {@code $} when the text is not JSON at all, or the JSON path where parsing stopped.
   *
   * @return the path
   */
  public String path() {
    return path;
  }

  /**
   * Returns the type the reply was bound to.
   *
   * @return the class
   */
  public Class<?> type() {
    return type;
  }

  /**
   * Returns the whole reply: finish reason, usage and reasoning included.
   *
   * @return the completion
   */
  public ChatCompletion completion() {
    return completion;
  }
}
