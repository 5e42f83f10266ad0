package io.github.kimisdk.agents;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The loop run by a {@link RunHost}: each model and tool call the host's durable step. */
final class HostedEngine implements Engine {
  private final RunHost host;

  HostedEngine(RunHost host) {
    this.host = host;
  }

  @Override
  public ChatCompletion chat(Loop run, ChatRequest request, boolean step) {
    return host.chat(request);
  }

  @Override
  public Map<String, AgentTool> tools(Setup agent) {
    return agent.toolsNow(host::listTools);
  }

  @Override
  public Execution.Handled handle(Setup agent, ToolContext ctx, AgentTool tool, String arguments) {
    RunHost.ToolOutcome o =
        host.runTool(
            new RunHost.ToolJob(
                ctx.runId(),
                ctx.step(),
                ctx.position(),
                tool.name(),
                arguments,
                ctx.idempotencyKey(),
                ctx.rerun()));
    return new Execution.Handled(
        o.content(), o.error() ? new IllegalStateException(o.content()) : null);
  }

  @Override
  public <T> List<T> parallel(Setup agent, List<Supplier<T>> tasks) {
    return host.parallel(tasks);
  }

  @Override
  public boolean apart(String tool) {
    return host.runsApart(tool);
  }

  @Override
  public RunResult runApart(RunHost.SubagentJob job) {
    return host.runApart(job);
  }

  @Override
  public Instant now(Setup agent) {
    return host.now();
  }

  @Override
  public String newInstance() {
    return host.newInstance();
  }

  @Override
  public boolean tells() {
    return host.tells();
  }

  /** The host's journal: no claim, no call records (the engine keeps both), states handed over. */
  Journal journal(Setup agent) {
    return new Journal() {
      @Override
      public boolean durable() {
        return true;
      }

      @Override
      public void writeState(RunData root) {
        host.saved(new RunState(root, agent.mac(root)));
      }
    };
  }
}
