package io.github.kimisdk.mcp;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.util.Objects;

/**
 * Answers a server's request for information from the user ({@code elicitation/create}): the server
 * sends a message and a flat JSON Schema of what it needs, and the user accepts (with the content),
 * declines or cancels. Set one with {@link McpClient.Builder#elicitation(McpElicitation)}; the
 * client then declares the {@code elicitation} capability (form mode).
 *
 * <pre>{@code
 * McpClient mcp =
 *     McpClient.httpBuilder("https://mcp.example.com/mcp")
 *         .elicitation(request -> {
 *           System.out.println(request.message());
 *           return askTheUser(request.requestedSchema()) // your UI
 *               ? McpElicitation.Result.accept(JsonObject.of("name", JsonString.of("Ada")))
 *               : McpElicitation.Result.decline();
 *         })
 *         .build();
 * }</pre>
 *
 * <p>On {@link Result#accept(JsonObject) accept} the client fills in, from the schema, the {@code
 * default} of every property the content leaves out (as the protocol asks since 2025-11-25), so a
 * handler that takes the defaults may accept with an empty object. Threads are as for {@link
 * McpSampling}: the client's own for a request the server sends, the caller's for one that comes
 * with a result ({@code input_required}); it may be called from several threads at once. An
 * exception it throws fails the request.
 */
@FunctionalInterface
public interface McpElicitation {

  /**
   * Asks the user what the server needs.
   *
   * @param request what the server asks
   * @return the user's answer
   */
  Result elicit(Request request);

  /** What the user did. */
  enum Action {
    /** The user submitted the form: the content holds the answers. */
    ACCEPT,
    /** The user said no. */
    DECLINE,
    /** The user dismissed the request without choosing. */
    CANCEL
  }

  /**
   * Holds a server's {@code elicitation/create} request.
   *
   * @param message what to show the user
   * @param requestedSchema the schema of the answer: an object of flat properties (strings,
   *     numbers, booleans, enums), each with its {@code title}, {@code description} and maybe
   *     {@code default}; an empty object when the server sent none
   * @param params the request's parameters as sent
   */
  record Request(String message, JsonObject requestedSchema, JsonObject params) {

    /**
     * Validates the components.
     *
     * @param message the message
     * @param requestedSchema the schema
     * @param params the parameters as sent
     * @throws NullPointerException if an argument is null
     */
    public Request {
      Objects.requireNonNull(message, "message must not be null");
      Objects.requireNonNull(requestedSchema, "requestedSchema must not be null");
      Objects.requireNonNull(params, "params must not be null");
    }

    /** Returns the message and the names of the properties asked for. */
    @Override
    public String toString() {
      return RecordText.of("Request")
          .add("message", ServerText.cut(message))
          .add(
              "properties",
              requestedSchema.get("properties") instanceof JsonObject p ? p.names() : null)
          .toString();
    }
  }

  /**
   * Holds the user's answer.
   *
   * @param action what the user did
   * @param content the answers, for {@link Action#ACCEPT}; null otherwise
   */
  record Result(Action action, JsonObject content) {

    /**
     * Validates the components.
     *
     * @param action what the user did
     * @param content the answers when accepted; null otherwise
     * @throws NullPointerException if {@code action} is null, or it is {@link Action#ACCEPT} and
     *     {@code content} is null
     * @throws IllegalArgumentException if {@code content} is given with another action
     */
    public Result {
      Objects.requireNonNull(action, "action must not be null");
      if (action == Action.ACCEPT) {
        Objects.requireNonNull(
            content, "an accepted answer needs content (JsonObject.of() for none)");
      } else if (content != null) {
        throw new IllegalArgumentException("only an accepted answer has content: " + action);
      }
    }

    /**
     * Returns an accepted answer.
     *
     * @param content the answers, by property name; properties left out get their schema's default
     * @return the result
     * @throws NullPointerException if {@code content} is null
     */
    public static Result accept(JsonObject content) {
      return new Result(Action.ACCEPT, content);
    }

    /**
     * Returns a declined answer.
     *
     * @return the result
     */
    public static Result decline() {
      return new Result(Action.DECLINE, null);
    }

    /**
     * Returns a cancelled answer.
     *
     * @return the result
     */
    public static Result cancel() {
      return new Result(Action.CANCEL, null);
    }

    /** Returns the action and the names of the answers, not their values. */
    @Override
    public String toString() {
      return RecordText.of("Result")
          .add("action", action)
          .add("answered", content == null ? null : content.names())
          .toString();
    }
  }
}
