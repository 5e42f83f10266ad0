package io.github.kimisdk.chat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.errors.StructuredOutputException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.Objects;

/**
 * Holds the server's reply to a {@link ChatRequest}, or the result of folding a stream with a
 * {@link ChatAccumulator}.
 *
 * @param id the completion id, such as {@code chatcmpl-...}; treated as opaque; null when absent
 * @param object the object type, {@code chat.completion}; null when absent
 * @param created when the reply was created, in seconds since the epoch; 0 when absent
 * @param model the model that answered; null when absent
 * @param choices the alternative replies, usually one; never null
 * @param usage the token counts; null when absent
 * @param systemFingerprint the backend configuration fingerprint; null when absent
 * @param additionalFields the members the server sent that this record does not model, as they
 *     came; empty, never null
 * @param metadata the status and headers of the response this completion came in (Kimi's request
 *     id, rate-limit headers), also for one accumulated from a client's stream; null for a
 *     completion that did not come from a call (built, decoded or loaded). It takes no part in
 *     {@link #equals(Object)}: two completions with the same content are equal
 */
public record ChatCompletion(
    String id,
    String object,
    long created,
    String model,
    List<Choice> choices,
    Usage usage,
    String systemFingerprint,
    JsonObject additionalFields,
    ResponseMetadata metadata) {

  /**
   * Copies the choices.
   *
   * @param id the completion id, such as {@code chatcmpl-...}; treated as opaque; null when absent
   * @param object the object type, {@code chat.completion}; null when absent
   * @param created when the reply was created, in seconds since the epoch; 0 when absent
   * @param model the model that answered; null when absent
   * @param choices the alternative replies, usually one; never null
   * @param usage the token counts; null when absent
   * @param systemFingerprint the backend configuration fingerprint; null when absent
   * @param additionalFields the members the server sent that this record does not model; null is
   *     empty
   * @param metadata the response this completion came in; null when it came from none
   * @throws NullPointerException if an element of {@code choices} is null
   */
  public ChatCompletion {
    choices = choices == null ? List.of() : List.copyOf(choices);
    additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
  }

  /**
   * Creates a completion that came from no response.
   *
   * @param id the completion id; null when absent
   * @param object the object type, {@code chat.completion}; null when absent
   * @param created when the reply was created, in seconds since the epoch; 0 when absent
   * @param model the model that answered; null when absent
   * @param choices the alternative replies, usually one; never null
   * @param usage the token counts; null when absent
   * @param systemFingerprint the backend configuration fingerprint; null when absent
   * @param additionalFields the members the server sent that this record does not model; null is
   *     empty
   * @throws NullPointerException if an element of {@code choices} is null
   */
  public ChatCompletion(
      String id,
      String object,
      long created,
      String model,
      List<Choice> choices,
      Usage usage,
      String systemFingerprint,
      JsonObject additionalFields) {
    this(id, object, created, model, choices, usage, systemFingerprint, additionalFields, null);
  }

  /**
   * Creates a completion without additional fields.
   *
   * @param id the completion id; null when absent
   * @param object the object type, {@code chat.completion}; null when absent
   * @param created when the reply was created, in seconds since the epoch; 0 when absent
   * @param model the model that answered; null when absent
   * @param choices the alternative replies, usually one; never null
   * @param usage the token counts; null when absent
   * @param systemFingerprint the backend configuration fingerprint; null when absent
   * @throws NullPointerException if an element of {@code choices} is null
   */
  public ChatCompletion(
      String id,
      String object,
      long created,
      String model,
      List<Choice> choices,
      Usage usage,
      String systemFingerprint) {
    this(id, object, created, model, choices, usage, systemFingerprint, null, null);
  }

  /**
   * Returns this completion as it came in the response {@code metadata} describes.
   *
   * @param metadata the response's status and headers; null for none
   * @return a completion with the same content and {@code metadata}
   */
  public ChatCompletion withMetadata(ResponseMetadata metadata) {
    return new ChatCompletion(
        id, object, created, model, choices, usage, systemFingerprint, additionalFields, metadata);
  }

  /**
   * Compares the content: every component but {@link #metadata()}.
   *
   * @param o the other object
   * @return true when {@code o} is a completion with the same content
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ChatCompletion c
        && created == c.created
        && Objects.equals(id, c.id)
        && Objects.equals(object, c.object)
        && Objects.equals(model, c.model)
        && choices.equals(c.choices)
        && Objects.equals(usage, c.usage)
        && Objects.equals(systemFingerprint, c.systemFingerprint)
        && additionalFields.equals(c.additionalFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id, object, created, model, choices, usage, systemFingerprint, additionalFields);
  }

  /**
   * Returns the first choice's text.
   *
   * @return the content of the first choice, {@code ""} when there is none
   */
  public String text() {
    return choices.isEmpty() ? "" : choices.get(0).message().text();
  }

  /**
   * Returns the first choice's reasoning.
   *
   * @return the reasoning content of the first choice, {@code ""} when there is none
   */
  public String reasoning() {
    return choices.isEmpty() ? "" : choices.get(0).message().reasoning();
  }

  /**
   * Returns the first choice's message, ready to be appended to the history.
   *
   * @return the message
   * @throws IllegalStateException if the completion has no choices
   */
  public AssistantMessage message() {
    if (choices.isEmpty()) {
      throw new IllegalStateException("the completion has no choices");
    }
    return choices.get(0).message();
  }

  /**
   * Returns the first choice's tool calls.
   *
   * @return the calls, empty when there are none
   */
  public List<ToolCall> toolCalls() {
    return choices.isEmpty() ? List.of() : choices.get(0).message().toolCalls();
  }

  /**
   * Returns why the first choice stopped.
   *
   * @return the finish reason, or null when there is none
   */
  public FinishReason finishReason() {
    return choices.isEmpty() ? null : choices.get(0).finishReason();
  }

  /**
   * Parses the first choice's text as JSON and binds it to {@code type}, typically the record whose
   * schema the request sent with {@link ResponseFormat#jsonSchema(Class)}. The text may be wrapped
   * in a Markdown code fence (some models add one in JSON object mode); the fence is dropped.
   *
   * <pre>{@code
   * record Weather(String city, double temperature) {}
   * ChatRequest request = ChatRequest.builder("kimi-k2.6")
   *     .addUser("Weather in Paris?")
   *     .responseFormat(ResponseFormat.jsonSchema(Weather.class))
   *     .build();
   * Weather w = kimi.chat(request).parse(Weather.class);
   * }</pre>
   *
   * <p>For a stream, parse what it accumulated: {@code stream.forEachText(System.out::print)
   * .parse(Weather.class)}.
   *
   * @param <T> the type
   * @param type the class to bind to (see {@link Json#bind(JsonValue, Class)})
   * @return the bound value
   * @throws NullPointerException if {@code type} is null
   * @throws StructuredOutputException if the text is not JSON or does not fit {@code type}; it
   *     holds the text and the JSON path that failed, and its message says when the reply was cut
   *     off by the token limit
   * @throws IllegalArgumentException if {@code type} is not a type the SDK can bind to
   */
  public <T> T parse(Class<T> type) {
    Objects.requireNonNull(type, "type must not be null");
    String text = text();
    JsonValue json;
    try {
      json = Json.parse(unfenced(text));
    } catch (JsonException e) {
      throw unfit(problem(type, "is not JSON: " + e.getMessage()), type, "$", e);
    }
    try {
      return Json.bind(json, type);
    } catch (JsonException e) {
      throw unfit(problem(type, "does not match it: " + e.getMessage()), type, e.path(), e);
    }
  }

  private StructuredOutputException unfit(
      String message, Class<?> type, String path, JsonException cause) {
    return new StructuredOutputException(
        message, text(), reasoning(), finishReason(), usage, metadata, type, path, cause);
  }

  private String problem(Class<?> type, String what) {
    StringBuilder sb = new StringBuilder("The reply for ").append(type.getSimpleName());
    if (text().isEmpty()) {
      sb.append(" has no text");
      if (!toolCalls().isEmpty()) {
        sb.append(", only tool calls");
      }
    } else {
      sb.append(' ').append(what);
    }
    if (FinishReason.LENGTH.equals(finishReason())) {
      sb.append("; it was cut off at the token limit (finish_reason length): raise maxTokens");
    }
    if (metadata != null) {
      metadata.requestId().ifPresent(id -> sb.append(" [request id ").append(id).append(']'));
    }
    return sb.toString();
  }

  /** The text without one Markdown code fence around it, such as {@code ```json ... ```}. */
  private static String unfenced(String text) {
    String t = text.strip();
    if (!t.startsWith("```") || !t.endsWith("```") || t.length() < 6) {
      return text;
    }
    int firstLine = t.indexOf('\n');
    if (firstLine < 0) {
      return text;
    }
    return t.substring(firstLine + 1, t.length() - 3);
  }

  /**
   * Returns the members that are set; a choice's usage is left out where it repeats the
   * completion's, and the object type where it is {@code chat.completion}, as the name says.
   */
  @Override
  public String toString() {
    return RecordText.of("ChatCompletion")
        .add("id", id)
        .add("object", "chat.completion".equals(object) ? null : object)
        .add("created", created == 0 ? null : created)
        .add("model", model)
        .add("choices", choices.stream().map(c -> c.toString(usage)).toList())
        .add("usage", usage)
        .add("systemFingerprint", systemFingerprint)
        .add("additionalFields", additionalFields)
        .add("metadata", metadata)
        .toString();
  }
}
