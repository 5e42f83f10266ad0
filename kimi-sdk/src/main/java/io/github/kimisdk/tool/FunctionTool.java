package io.github.kimisdk.tool;

import io.github.kimisdk.base.schema.Dialect;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonValue;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Declares a function the caller implements, sent as {@code "type": "function"}.
 *
 * <p>Kimi checks {@code parameters} before anything else: the root must be {@code "type": "object"}
 * (Kimi answers "tools.function.parameters.type is required and must be \"object\""; the arguments
 * the model sends are one JSON object), and the schema must pass Moonshot's MFJS validator, walle
 * ("tools.function.parameters is not a valid moonshot flavored json schema"): only MFJS keywords,
 * nothing but {@code description} and {@code title} beside {@code anyOf} or {@code $ref}, {@code
 * $defs} at the root, recursion that can end, and so on (see {@link JsonSchema}). One bad tool
 * fails every request that declares it. The constructor checks both with {@link
 * JsonSchema#validate(JsonValue)}, unless {@code strict} is {@code false}: then the schema is sent
 * as it is, since it only guides the model (with {@code strict: false} Moonshot's own pipeline
 * reduces it to "an object"; whether the server then skips its check is not verified). A function
 * without arguments may leave {@code parameters} out (null). For a schema written for someone else,
 * {@link JsonSchema#normalize(JsonValue)} is the safer route.
 *
 * <p>A {@code $schema} keyword, which zod, Pydantic and most JSON Schema exporters write at the
 * root, is taken and left out of {@link #parameters()}, so it is never sent: it names a dialect and
 * constrains nothing, Kimi takes it, and Moonshot's own validator drops it when it simplifies a
 * schema (see {@link JsonSchema}).
 *
 * @param name the function name; Kimi expects 3 to 64 characters matching {@code
 *     [A-Za-z_][A-Za-z0-9_-]*}
 * @param description what the function does, for the model; null when absent
 * @param parameters the JSON Schema of the arguments; null when absent
 * @param strict whether the arguments must follow the schema exactly; null leaves the server's
 *     default (true in current Kimi docs)
 */
public record FunctionTool(String name, String description, JsonValue parameters, Boolean strict)
    implements Tool {

  /** The pattern Kimi requires of function names: 3 to 64 characters. */
  public static final String NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_-]{2,63}$";

  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

  /**
   * Validates the name.
   *
   * @param name the function name; Kimi expects 3 to 64 characters matching {@code
   *     [A-Za-z_][A-Za-z0-9_-]*}
   * @param description what the function does, for the model; null when absent
   * @param parameters the JSON Schema of the arguments; null when absent; a {@code $schema} in it
   *     is dropped
   * @param strict whether the arguments must follow the schema exactly; null leaves the server's
   *     default (true in current Kimi docs)
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank, starts with {@code $} or does not
   *     match {@link #NAME_PATTERN}, or if {@code strict} is not {@code false} and {@code
   *     parameters} is not a schema Kimi accepts (see {@link JsonSchema#validate(JsonValue)})
   */
  public FunctionTool {
    Objects.requireNonNull(name, "function tool name must not be null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("function tool name must not be blank");
    }
    if (name.startsWith("$")) {
      throw new IllegalArgumentException(
          "function tool name must not start with '$' (reserved for Kimi's built-in tools; use"
              + " Tool.builtin(name)): "
              + name);
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "function tool name must match "
              + NAME_PATTERN
              + " (3 to 64 letters, digits, '_' or '-', not starting with a digit or '-'): "
              + name);
    }
    parameters = Dialect.dropped(parameters);
    if (parameters != null && !Boolean.FALSE.equals(strict)) {
      try {
        JsonSchema.validate(parameters);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "parameters of function tool \"" + name + "\": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Returns a copy of this tool with {@code strict} set.
   *
   * @param strict whether the arguments must follow the schema exactly; null for the server's
   *     default
   * @return the new tool
   */
  public FunctionTool withStrict(Boolean strict) {
    return new FunctionTool(name, description, parameters, strict);
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("FunctionTool")
        .add("name", name)
        .add("description", description)
        .add("parameters", parameters)
        .add("strict", strict)
        .toString();
  }
}
