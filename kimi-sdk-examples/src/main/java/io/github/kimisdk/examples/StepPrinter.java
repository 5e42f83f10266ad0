package io.github.kimisdk.examples;

import io.github.kimisdk.agent.ToolRunner;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.tool.ToolCall;
import java.io.PrintStream;

/**
 * Prints each step of a tool-running conversation as it happens: text, tool calls, results, and
 * (when asked) what Kimi's prefix cache served of each step's prompt.
 */
final class StepPrinter implements ToolRunner.Listener {
  private final PrintStream out;
  private final boolean cache;
  private boolean answering;

  StepPrinter(PrintStream out) {
    this(out, false);
  }

  StepPrinter(PrintStream out, boolean cache) {
    this.out = out;
    this.cache = cache;
  }

  @Override
  public void onUsage(int step, Usage stepUsage, Usage total) {
    if (cache) {
      out.println("[step " + step + "] " + ExampleSession.cacheLine(stepUsage));
    }
  }

  @Override
  public void onText(int step, String text) {
    if (!answering) {
      out.print("[step " + step + "] ");
      answering = true;
    }
    out.print(text);
    out.flush();
  }

  @Override
  public void onReply(int step, ChatCompletion completion) {
    if (answering) {
      out.println();
      answering = false;
    }
  }

  @Override
  public void onToolCall(int step, ToolCall call) {
    out.println("[step " + step + "] model calls " + call.name() + " " + call.arguments());
  }

  @Override
  public void onToolResult(int step, ToolRunner.ToolResult result) {
    out.println("[step " + step + "] " + result.call().name() + " -> " + result.content());
  }
}
