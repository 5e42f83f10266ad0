package io.github.kimisdk.agent;

import io.github.kimisdk.tool.FunctionTool;
import java.util.function.Function;

/** A tool a {@link ToolRunner} answers: its declaration, and what runs a call of it. */
sealed interface Registration {

  /** Returns the declaration the model is sent. */
  FunctionTool tool();

  /** A tool whose handler takes the parsed JSON arguments. */
  record Plain(FunctionTool tool, ToolRunner.Handler handler) implements Registration {}

  /**
   * A tool whose arguments are bound to a record before its handler runs.
   *
   * @param <P> the record type
   */
  record Bound<P>(FunctionTool tool, Class<P> type, Function<? super P, ?> handler)
      implements Registration {

    /** Runs the handler on arguments bound to {@link #type()}. */
    Object apply(Object bound) {
      return handler.apply(type.cast(bound));
    }
  }

  /**
   * A function of one of Kimi's official formulas, run on Kimi as a fiber ({@code POST
   * formulas/{uri}/fibers}) with the call's {@code arguments} string as the model wrote it, then
   * polled while it is pending, within the runner's bounds.
   */
  record Formula(FunctionTool tool, String uri) implements Registration {}

  /** A tool of a {@link ToolRunner.ToolSource}, run by the source under its own {@code name}. */
  record FromSource(FunctionTool tool, ToolRunner.ToolSource source, String name)
      implements Registration {}
}
