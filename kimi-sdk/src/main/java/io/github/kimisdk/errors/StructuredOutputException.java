package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import java.util.Objects;
import java.util.Optional;

/**
 * Signals that a reply does not fit the type asked for: its text is not JSON, or the JSON does not
 * bind to the record (see {@link io.github.kimisdk.chat.ChatCompletion#parse(Class)} and {@link
 * io.github.kimisdk.KimiClient#chat(io.github.kimisdk.chat.ChatRequest, Class)}). It is a {@link
 * DecodingException}, so a {@code catch (KimiException e)} sees it like every other failure. It
 * holds the reply's text and the JSON path that failed; the message names the path and the record
 * component, never the reply's content.
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

  private final String text;
  private final String reasoning;
  private final transient FinishReason finishReason;
  private final transient Usage usage;
  private final transient Class<?> type;
  private final String path;

  /**
   * Creates the exception, for code that binds a reply (such as {@link
   * io.github.kimisdk.chat.ChatCompletion#parse}). It holds the parts of the reply, not the reply
   * itself, so that the reply's type can throw it.
   *
   * @param message what did not fit, never the reply's content
   * @param text the reply's text; null is {@code ""}
   * @param reasoning the reply's reasoning; null is {@code ""}
   * @param finishReason why the reply stopped; may be null
   * @param usage the tokens the call used; may be null
   * @param metadata the response the reply came in; may be null
   * @param type the type the reply was bound to
   * @param path the JSON path where the reply stopped fitting
   * @param cause the parsing or binding failure; may be null
   * @throws NullPointerException if {@code type} or {@code path} is null
   */
  public StructuredOutputException(
      String message,
      String text,
      String reasoning,
      FinishReason finishReason,
      Usage usage,
      ResponseMetadata metadata,
      Class<?> type,
      String path,
      Throwable cause) {
    super(message, cause, metadata);
    this.text = text == null ? "" : text;
    this.reasoning = reasoning == null ? "" : reasoning;
    this.finishReason = finishReason;
    this.usage = usage;
    this.type = Objects.requireNonNull(type, "type");
    this.path = Objects.requireNonNull(path, "path");
  }

  /**
   * Returns the reply's text, as the model wrote it.
   *
   * @return the text of the first choice, {@code ""} when there is none
   */
  public String text() {
    return text;
  }

  /**
   * Returns the reply's reasoning, which often says why the answer took the shape it did.
   *
   * @return the reasoning of the first choice, {@code ""} when there is none
   */
  public String reasoning() {
    return reasoning;
  }

  /**
   * Returns why the reply stopped: {@link FinishReason#LENGTH} means it was cut off at the token
   * limit.
   *
   * @return the finish reason, or empty when the reply had none
   */
  public Optional<FinishReason> finishReason() {
    return Optional.ofNullable(finishReason);
  }

  /**
   * Returns the tokens the call used.
   *
   * @return the usage, or empty when the reply had none
   */
  public Optional<Usage> usage() {
    return Optional.ofNullable(usage);
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
}
