package io.github.kimisdk.agents;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The loop run in this process: model calls through the agent's client (streamed when it streams),
 * tool calls on the agent's pool under its tool timeout, the agent's clock. Stateless.
 */
final class LocalEngine implements Engine {

  /** This process. */
  static final LocalEngine LOCAL = new LocalEngine();

  private LocalEngine() {}

  @Override
  public ChatCompletion chat(Loop run, ChatRequest request, boolean step) {
    Setup agent = run.agent;
    if (!agent.streaming || !step) {
      return agent.kimi.chat(request);
    }
    int n = run.data().steps + 1;
    String id = run.data().id;
    try (ChatStream stream =
        agent.kimi.stream(request.toBuilder().stream(true).includeUsage(true).build())) {
      return stream.forEachText(
          r -> run.tracing().emit(new RunEvent.Streamed(id, n, r, true)),
          t -> run.tracing().emit(new RunEvent.Streamed(id, n, t, false)));
    }
  }

  @Override
  public Map<String, AgentTool> tools(Setup agent) {
    return agent.toolsNow();
  }

  @Override
  public Execution.Handled handle(Setup agent, ToolContext ctx, AgentTool tool, String arguments) {
    String name = tool.name();
    ToolDeadline deadline = ToolDeadline.start(agent.toolTimeout);
    try {
      if (tool.handler() instanceof Handlers.Formula f) {
        OfficialTools.Answer a = f.run(name, arguments);
        return a.error()
            ? new Execution.Handled("Error: " + a.text(), new IllegalStateException(a.text()))
            : new Execution.Handled(a.text().isEmpty() ? "(no output)" : a.text(), null);
      }
      String r = tool.handler().call(Json.parse(arguments), ctx);
      return new Execution.Handled(r == null || r.isEmpty() ? "(no output)" : r, null);
    } catch (Exception e) {
      if (deadline.fired() || e instanceof InterruptedException) {
        // the timeout's interrupt, whatever the handler made of it (an MCP client's own failure)
        String why = name + " did not finish within " + agent.toolTimeout.toMillis() + " ms";
        return new Execution.Handled(
            "Error: " + why + " and was cancelled", new TimeoutException(why));
      }
      if (e instanceof Handlers.BadArguments || e instanceof Handlers.SourceError) {
        return new Execution.Handled("Error: " + e.getMessage(), e);
      }
      return new Execution.Handled("Error: " + name + " failed: " + Texts.describe(e), e);
    } finally {
      deadline.close();
    }
  }

  @Override
  public <T> List<T> parallel(Setup agent, List<Supplier<T>> tasks) {
    List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
    for (Supplier<T> t : tasks) {
      futures.add(CompletableFuture.supplyAsync(t, agent.pool));
    }
    List<T> out = new ArrayList<>(tasks.size());
    RuntimeException failed = null;
    for (CompletableFuture<T> f : futures) {
      try {
        out.add(join(f));
      } catch (RuntimeException e) {
        failed = failed == null ? e : failed;
        out.add(null);
      }
    }
    if (failed != null) {
      throw failed;
    }
    return out;
  }

  /**
   * Waits for a task, an interrupt notwithstanding (kept for after): one that began finishes and is
   * recorded before the run stops. A task's failure is thrown as its unchecked self or wrapped.
   */
  static <T> T join(java.util.concurrent.Future<T> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof RuntimeException r) {
            throw r;
          }
          throw new CompletionException(c);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public Instant now(Setup agent) {
    return agent.clock.instant();
  }

  @Override
  public String newInstance() {
    return Ids.newInstance();
  }

  @Override
  public boolean tells() {
    return true;
  }
}
