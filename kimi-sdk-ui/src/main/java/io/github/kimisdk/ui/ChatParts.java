package io.github.kimisdk.ui;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.Spend;
import java.util.Map;
import java.util.TreeMap;

/**
 * A chat stream's chunks as one assistant message's parts: {@code start}, one step, the reasoning
 * ({@code reasoning_content}) and the text as they stream, each tool call's arguments as they
 * stream (parallel calls by their index) and then whole, the step's end, and {@code finish} with
 * the finish reason and the usage (and its cost, with a price table) as the message's metadata.
 * Only the first choice is written. Used by one thread at a time (the one reading the stream).
 */
final class ChatParts {

  private final PartLog log;
  private final PriceTable prices;
  private final Map<Integer, Tool> tools = new TreeMap<>();
  private final StreamedBlocks open;
  private int blocks;
  private FinishReason finishReason;
  private Usage usage;
  private String model;

  private static final class Tool {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
    PartLog.Flowing block;
  }

  ChatParts(PartLog log, String messageId, PriceTable prices) {
    this.log = log;
    this.prices = prices;
    this.open = new StreamedBlocks(log);
    log.single(Parts.start(messageId));
    log.single(Parts.startStep());
  }

  void chunk(ChatCompletionChunk c) {
    if (c.model() != null) {
      model = c.model();
    }
    if (c.usage() != null) {
      usage = c.usage();
    }
    if (c.choices().isEmpty() || c.choices().get(0).index() != 0) {
      return;
    }
    ChatCompletionChunk.ChunkChoice choice = c.choices().get(0);
    ChatCompletionChunk.Delta d = choice.delta();
    if (d.reasoningContent() != null && !d.reasoningContent().isEmpty()) {
      open.reasoning(d.reasoningContent(), () -> "reasoning-" + blocks++);
    }
    if (d.content() != null && !d.content().isEmpty()) {
      open.text(d.content(), () -> "text-" + blocks++);
    }
    for (ChatCompletionChunk.ToolCallDelta t : d.toolCalls()) {
      int index = t.index() == null ? tools.size() : t.index();
      Tool tool = tools.computeIfAbsent(index, i -> new Tool());
      if (tool.id == null && t.id() != null && !t.id().isEmpty()) {
        tool.id = t.id();
      }
      if (tool.name == null && t.name() != null && !t.name().isEmpty()) {
        tool.name = t.name();
      }
      if (tool.block == null && tool.name != null) {
        open.end();
        if (tool.id == null) {
          tool.id = "call-" + index;
        }
        tool.block = log.openToolInput(tool.id, tool.name);
        log.append(tool.block, tool.arguments.toString()); // what came before the name
      }
      if (t.arguments() != null) {
        tool.arguments.append(t.arguments());
        log.append(tool.block, t.arguments());
      }
    }
    if (choice.finishReason() != null) {
      finishReason = choice.finishReason();
    }
  }

  /** Ends the message: the stream completed. */
  void complete() {
    open.end();
    for (Tool t : tools.values()) {
      if (t.block == null) {
        t.id = t.id == null ? "call-" + blocks++ : t.id;
        t.block = log.openToolInput(t.id, t.name == null ? "unknown" : t.name);
      }
      log.close(
          t.block,
          Parts.toolInputAvailable(t.id, t.block.toolName, Parts.input(t.arguments.toString())));
    }
    log.single(Parts.finishStep());
    Spend spend = Spend.NONE;
    if (usage != null) {
      String m = model == null ? "" : model;
      spend = Spend.of(m, usage, prices == null ? null : prices.cost(m, usage).orElse(null));
    }
    io.github.kimisdk.json.JsonObject.Builder meta = Texts.metadata(spend);
    if (model != null) {
      meta.put("model", model);
    }
    log.single(Parts.finish(reason(finishReason), meta.build()));
    log.end();
  }

  /** Ends the message: the stream failed. */
  void fail(Throwable error) {
    open.end();
    for (Tool t : tools.values()) {
      if (t.block != null) {
        log.close(t.block, Parts.toolInputAvailable(t.id, t.block.toolName, Parts.input("")));
      }
    }
    log.single(Parts.error(Texts.error(error)));
    log.single(Parts.finish("error", null));
    log.end();
  }

  /** Kimi's finish reason as the AI SDK names it. */
  static String reason(FinishReason r) {
    if (r == null) {
      return "other";
    }
    switch (r.value()) {
      case "stop":
        return "stop";
      case "length":
        return "length";
      case "tool_calls":
        return "tool-calls";
      case "content_filter":
        return "content-filter";
      default:
        return "other";
    }
  }
}
