package io.github.kimisdk.examples;

import io.github.kimisdk.agents.AgentListener;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.tool.ToolCall;
import java.io.PrintStream;
import java.util.List;
import java.util.TreeMap;

/**
 * Prints each step of an agent run as it happens: streamed text, the tool calls of each reply,
 * their results (in the order of the calls, though they run in parallel), and (when asked) what
 * Kimi's prefix cache served of each step's prompt. An {@link AgentListener}: the agent tells it
 * each {@link RunEvent}, a tool's result on the thread that ran it.
 */
final class StepPrinter implements AgentListener {
  private final PrintStream out;
  private final boolean cache;
  private boolean answering;
  // the results of the open turn, by the call's place, until those before them are printed
  private final TreeMap<Integer, RunEvent.ToolFinished> waiting = new TreeMap<>();
  private int next;

  StepPrinter(PrintStream out) {
    this(out, false);
  }

  StepPrinter(PrintStream out, boolean cache) {
    this.out = out;
    this.cache = cache;
  }

  @Override
  public synchronized void onEvent(RunEvent event) {
    if (event instanceof RunEvent.Streamed s && !s.reasoning()) {
      if (!answering) {
        out.print("[step " + s.step() + "] ");
        answering = true;
      }
      out.print(s.text());
      out.flush();
    } else if (event instanceof RunEvent.Replied r) {
      replied(r.step(), r.completion());
    } else if (event instanceof RunEvent.ToolFinished f) {
      waiting.put(f.position(), f);
      while (!waiting.isEmpty() && waiting.firstKey() == next) {
        RunEvent.ToolFinished done = waiting.pollFirstEntry().getValue();
        out.println("[step " + done.step() + "] " + done.tool() + " -> " + done.content());
        next++;
      }
    } else if (event instanceof RunEvent.Paused || event instanceof RunEvent.Ended) {
      // a call that waits for a person ends the drive with results still held: print them
      waiting
          .values()
          .forEach(d -> out.println("[step " + d.step() + "] " + d.tool() + " -> " + d.content()));
      waiting.clear();
    }
  }

  private void replied(int step, ChatCompletion completion) {
    if (answering) {
      out.println();
      answering = false;
    }
    if (cache) {
      out.println("[step " + step + "] " + ExampleSession.cacheLine(completion.usage()));
    }
    List<ToolCall> calls = completion.toolCalls();
    for (ToolCall call : calls) {
      out.println("[step " + step + "] model calls " + call.name() + " " + call.arguments());
    }
    waiting.clear();
    next = 0;
  }
}
