package io.github.kimisdk.ui;

import java.util.function.Supplier;

/**
 * The reasoning or text block a message streams into, at most one open at a time, as a chat's parts
 * and a run's write them: a delta of the other kind ends the open block and opens its own.
 */
final class StreamedBlocks {

  private final PartLog log;
  private PartLog.Flowing reasoning;
  private PartLog.Flowing text;

  /** Blocks written to {@code log}, none open yet. */
  StreamedBlocks(PartLog log) {
    this.log = log;
  }

  /**
   * Appends {@code delta} to the open reasoning block; with none open, ends the text and opens one
   * named {@code id}.
   */
  void reasoning(String delta, Supplier<String> id) {
    if (reasoning == null) {
      endText();
      reasoning = log.openReasoning(id.get());
    }
    log.append(reasoning, delta);
  }

  /**
   * Appends {@code delta} to the open text block; with none open, ends the reasoning and opens one
   * named {@code id}.
   */
  void text(String delta, Supplier<String> id) {
    if (text == null) {
      endReasoning();
      text = log.openText(id.get());
    }
    log.append(text, delta);
  }

  /** Ends the open block, if any. */
  void end() {
    endReasoning();
    endText();
  }

  private void endReasoning() {
    log.close(reasoning);
    reasoning = null;
  }

  private void endText() {
    log.close(text);
    text = null;
  }
}
