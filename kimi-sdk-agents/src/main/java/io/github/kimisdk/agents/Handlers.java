package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolSource;

/** The handlers the SDK makes for its kinds of tools; the engine knows each by its class. */
final class Handlers {
  private Handlers() {}

  /** A built-in tool's: Kimi runs it, and the call is answered with its arguments unchanged. */
  static final ToolHandler ECHO =
      new ToolHandler() {
        @Override
        public String call(JsonValue arguments, ToolContext context) {
          throw new IllegalStateException("a built-in tool's call is answered by the agent");
        }

        @Override
        public String toString() {
          return "echo";
        }
      };

  /**
   * Arguments that do not fit a tool: the model reads the message (after {@code "Error: "}) and can
   * call again.
   */
  static final class BadArguments extends Exception {
    private static final long serialVersionUID = 1L;

    BadArguments(String message) {
      super(message, null, false, false);
    }
  }

  /** A tool whose arguments are bound to a record. */
  record Bound<P>(String name, Class<P> type, TypedHandler<? super P> handler)
      implements ToolHandler {
    @Override
    public String call(JsonValue arguments, ToolContext context) throws Exception {
      P bound;
      try {
        bound = Json.bind(arguments, type);
      } catch (RuntimeException e) {
        throw new BadArguments(
            "the arguments of "
                + name
                + " do not fit its schema ("
                + Texts.describe(e)
                + "); call it again with arguments that follow the schema");
      }
      Object result = handler.call(bound, context);
      return result == null || result instanceof String
          ? (String) result
          : Json.write(Json.toJson(result));
    }
  }

  /** A function of one of Kimi's official formulas, run on Kimi as a fiber. */
  record Formula(KimiClient kimi, String uri, OfficialTools.Polling polling)
      implements ToolHandler {
    @Override
    public String call(JsonValue arguments, ToolContext context) throws Exception {
      throw new IllegalStateException(
          "a formula's call is run by the agent with its raw arguments");
    }

    /** Runs a call with the arguments string exactly as the model wrote it. */
    OfficialTools.Answer run(String name, String rawArguments) throws InterruptedException {
      return OfficialTools.fiber(kimi, uri, name, rawArguments, polling);
    }
  }

  /** A tool of a {@link ToolSource}, run by the source under the name it declared. */
  record FromSource(ToolSource source, String name) implements ToolHandler {
    @Override
    public String call(JsonValue arguments, ToolContext context) throws Exception {
      ToolSource.Result r = source.call(name, arguments, context.idempotencyKey());
      if (r == null) {
        throw new IllegalStateException("the tool source " + source.name() + " answered null");
      }
      if (r.error()) {
        throw new SourceError(r.content().isEmpty() ? "(no output)" : r.content());
      }
      return r.content();
    }
  }

  /** An error a tool source reported as its result: the model reads its text after "Error: ". */
  static final class SourceError extends Exception {
    private static final long serialVersionUID = 1L;

    SourceError(String text) {
      super(text, null, false, false);
    }
  }
}
