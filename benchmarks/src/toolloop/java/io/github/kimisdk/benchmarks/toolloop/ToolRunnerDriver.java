package io.github.kimisdk.benchmarks.toolloop;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agent.ToolRunner;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.JsonSchema;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ToolLoopCost}'s tool loop on the core's {@code io.github.kimisdk.agent.ToolRunner}, which
 * the one agent loop replaced (issue 97): compiled at run time against a build that has it (such as
 * 96316f4d) and loaded from that build's jars alone, so what runs is that build's own {@code
 * ToolRunner}. One runner, built once, as a team builds it; one run per {@link #call()} of {@code
 * ToolLoopServer}'s task; the same trivial handler as {@link LoopDriver}'s. Its settings are the
 * agent's defaults where the two differ: at most 20 steps (the runner's default is 10, fewer than
 * the task's 11 model calls); 4 tool calls at once and a 60 s tool timeout are both loops'
 * defaults.
 */
public final class ToolRunnerDriver implements Callable<long[]>, AutoCloseable {
  private final KimiClient kimi;
  private final ToolRunner runner;
  private final AtomicInteger handled = new AtomicInteger();
  private final String task;
  private final String answer;

  /**
   * Builds the runner.
   *
   * @param config {@code url}, {@code task}, {@code answer}
   */
  public ToolRunnerDriver(Map<String, String> config) {
    this.task = config.get("task");
    this.answer = config.get("answer");
    this.kimi = KimiClient.builder().apiKey("sk-bench").baseUrl(config.get("url")).build();
    this.runner =
        ToolRunner.builder(kimi)
            .tool(
                "notify",
                "Tells an account holder that their statement is ready",
                JsonSchema.object().required("to", JsonSchema.string()).build(),
                this::handle)
            .maxSteps(20)
            .build();
  }

  private String handle(JsonValue arguments) {
    handled.incrementAndGet();
    return "told " + arguments.get("to").asString();
  }

  /** Nothing to start afresh: a runner keeps nothing between runs. */
  public void reset() {}

  @Override
  public long[] call() {
    handled.set(0);
    ToolRunner.Result r = runner.run(ChatRequest.of("kimi-k3", task));
    if (r.outcome() != ToolRunner.Outcome.ANSWERED || !answer.equals(r.text())) {
      throw new IllegalStateException("the runner did not answer: " + r);
    }
    return new long[] {r.steps(), handled.get()};
  }

  @Override
  public void close() {
    kimi.close();
  }
}
