package io.github.kimisdk.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One assistant message's parts as they are written, read by any number of readers, each from the
 * start (a page that reconnects: the AI SDK's resume replays the message) or from a given block (a
 * request that continues a message the page already holds), and each as fast as it reads.
 *
 * <p>The log keeps blocks, not events: a text, a reasoning or a tool's input is one block whose
 * text grows, and a reader is sent what it has not read yet as one delta. So memory is what the
 * message holds (its texts and parts), never one event per token, and a slow reader gets fewer,
 * larger deltas. The total is bounded ({@code maxChars}): past it, the log ends with an error part
 * saying so (the run, when there is one, goes on: its store has it), and later writes are dropped.
 *
 * <p>Order, as the AI SDK's client requires it: a block's start before its deltas, its deltas
 * before its end; a single part (a tool's output, an approval request, a step's end, the finish)
 * only after every block before it is read to its end; blocks that flow (two tool inputs streamed
 * in parallel) may interleave. {@link Parts#DONE} ends every reader's stream, after the finish.
 *
 * <p>Thread model: writers (the thread driving a run, the threads of its tools, the thread reading
 * a chat stream) and readers (the threads writing responses) share the blocks under this object's
 * monitor; each reader's cursor is its own and is touched only under the monitor. Watchers (a
 * publisher's drain) are told after each write, outside the monitor.
 */
final class PartLog {

  /** What a flowing block holds. */
  enum Kind {
    TEXT,
    REASONING,
    TOOL_INPUT
  }

  /** A block of the log. */
  abstract static class Block {}

  /** A part written whole. */
  static final class Single extends Block {
    final String json;

    Single(String json) {
      this.json = json;
    }
  }

  /** A text, a reasoning or a tool's input: its start, its text as it grows, its end. */
  static final class Flowing extends Block {
    final Kind kind;
    final String id;
    final String toolName; // for a tool's input, else null
    final String start;
    final StringBuilder text = new StringBuilder();
    // a text's or reasoning's end that may be the start of an idempotency key, held back
    final StringBuilder held = new StringBuilder();
    String end; // set when closed

    Flowing(Kind kind, String id, String toolName, String start) {
      this.kind = kind;
      this.id = id;
      this.toolName = toolName;
      this.start = start;
    }

    String delta(String d) {
      switch (kind) {
        case TEXT:
          return Parts.textDelta(id, d);
        case REASONING:
          return Parts.reasoningDelta(id, d);
        case TOOL_INPUT:
          return Parts.toolInputDelta(id, d);
        default:
          throw new AssertionError(kind);
      }
    }
  }

  private final long maxChars;
  private final List<Block> blocks = new ArrayList<>();
  private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
  private long chars;
  private long tells; // guarded by this
  private boolean ended;
  private boolean overflowed;

  PartLog(long maxChars) {
    this.maxChars = maxChars;
  }

  /** Appends a part written whole. */
  void single(String json) {
    synchronized (this) {
      if (!room(json.length())) {
        return;
      }
      blocks.add(new Single(json));
    }
    tell();
  }

  /** Opens a text block. Null when the log is full or ended. */
  Flowing openText(String id) {
    return open(new Flowing(Kind.TEXT, id, null, Parts.textStart(id)));
  }

  /** Opens a reasoning block. Null when the log is full or ended. */
  Flowing openReasoning(String id) {
    return open(new Flowing(Kind.REASONING, id, null, Parts.reasoningStart(id)));
  }

  /** Opens a tool's input. Null when the log is full or ended. */
  Flowing openToolInput(String toolCallId, String toolName) {
    return open(
        new Flowing(
            Kind.TOOL_INPUT, toolCallId, toolName, Parts.toolInputStart(toolCallId, toolName)));
  }

  /** Closes a text or reasoning block. */
  void close(Flowing f) {
    if (f != null) {
      close(f, endOf(f));
    }
  }

  private Flowing open(Flowing f) {
    String start = f.start;
    synchronized (this) {
      if (!room(start.length())) {
        return null;
      }
      blocks.add(f);
    }
    tell();
    return f;
  }

  /** Appends to a flowing block that is still open. */
  void append(Flowing f, String delta) {
    if (f == null || delta.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (f.end != null || !room(delta.length())) {
        return;
      }
      if (f.kind == Kind.TOOL_INPUT) {
        f.text.append(delta);
      } else {
        // a model may repeat an idempotency key a tool echoed: it is cut out, whatever the pieces
        f.held.append(delta);
        int from = Texts.heldFrom(f.held);
        f.text.append(Texts.scrub(f.held.substring(0, from)));
        f.held.delete(0, from);
      }
    }
    tell();
  }

  /** Closes a flowing block; its end part is {@code end}. */
  void close(Flowing f, String end) {
    if (f == null) {
      return;
    }
    synchronized (this) {
      if (f.end != null) {
        return;
      }
      f.text.append(Texts.scrub(f.held.toString()));
      f.held.setLength(0);
      f.end = end; // written even past the limit: a reader must see the block end
      chars += end.length();
    }
    tell();
  }

  /** Ends the log: the last part (the finish) was written; readers end with {@link Parts#DONE}. */
  void end() {
    synchronized (this) {
      ended = true;
      closeOpen();
    }
    tell();
  }

  /** Whether the log ended. */
  synchronized boolean ended() {
    return ended;
  }

  /** The number of blocks written so far: where a reader that skips them starts. */
  synchronized int size() {
    return blocks.size();
  }

  /** Tells the watchers and readers, written or not: a reader may want to ask for more. */
  void poke() {
    tell();
  }

  /** Adds a watcher told after every write (outside the monitor). */
  void watch(Runnable watcher) {
    watchers.add(watcher);
  }

  void unwatch(Runnable watcher) {
    watchers.remove(watcher);
  }

  /** Returns a reader that starts at block {@code from} (the blocks before it count as read). */
  Reader reader(int from) {
    return new Reader(from);
  }

  private boolean room(int n) {
    if (ended) {
      return false;
    }
    if (chars + n <= maxChars) {
      chars += n;
      return true;
    }
    overflowed = true;
    closeOpen();
    blocks.add(
        new Single(
            Parts.error(
                "The reply passed this server's limit for one streamed message ("
                    + maxChars
                    + " characters) and is not streamed further; reload the page to see it")));
    blocks.add(new Single(Parts.finish("other", null)));
    ended = true;
    return false;
  }

  private void closeOpen() {
    for (Block b : blocks) {
      if (b instanceof Flowing f && f.end == null) {
        f.text.append(Texts.scrub(f.held.toString()));
        f.held.setLength(0);
        f.end = endOf(f);
      }
    }
  }

  private static String endOf(Flowing f) {
    switch (f.kind) {
      case TEXT:
        return Parts.textEnd(f.id);
      case REASONING:
        return Parts.reasoningEnd(f.id);
      case TOOL_INPUT:
        // a tool's input cut short: the AI SDK reads what arrived as the input
        return Parts.toolInputAvailable(f.id, f.toolName, Parts.input(f.text.toString()));
      default:
        throw new AssertionError(f.kind);
    }
  }

  /** Whether the log passed its limit. */
  synchronized boolean overflowed() {
    return overflowed;
  }

  /** The number of times the log told its watchers so far: a waiter's mark. */
  synchronized long mark() {
    return tells;
  }

  /**
   * Waits up to {@code millis} for the log to tell its watchers after {@code mark}.
   *
   * @return true if it did, false if the time passed first
   */
  synchronized boolean awaitTell(long mark, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (tells == mark) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  private void tell() {
    synchronized (this) {
      tells++;
      notifyAll();
    }
    for (Runnable w : watchers) {
      w.run();
    }
  }

  /**
   * One reader's place in the log. {@link #poll()} returns the next part's JSON, {@link Parts#DONE}
   * once after the last, then null for ever; null also when nothing new is there yet.
   */
  final class Reader {
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int READ = 2;

    private int low;
    private int[] stage = new int[16];
    private int[] offset = new int[16];
    private boolean done;

    private Reader(int from) {
      this.low = from;
    }

    /** The log this reader reads. */
    PartLog log() {
      return PartLog.this;
    }

    /** Returns the next part, {@link Parts#DONE} after the last, or null when none is there yet. */
    String poll() {
      synchronized (PartLog.this) {
        return next();
      }
    }

    /**
     * Waits up to {@code millis} for the next part.
     *
     * @return the part, {@link Parts#DONE}, or null when none came in time
     */
    String await(long millis) throws InterruptedException {
      long deadline = System.nanoTime() + millis * 1_000_000L;
      synchronized (PartLog.this) {
        while (true) {
          String s = next();
          if (s != null) {
            return s;
          }
          long left = (deadline - System.nanoTime()) / 1_000_000L;
          if (left <= 0 || done) {
            return null;
          }
          PartLog.this.wait(left);
        }
      }
    }

    /** Whether {@link Parts#DONE} was read. */
    boolean finished() {
      synchronized (PartLog.this) {
        return done;
      }
    }

    private String next() {
      if (done) {
        return null;
      }
      int n = blocks.size();
      grow(n);
      boolean allBefore = true;
      for (int i = low; i < n; i++) {
        Block b = blocks.get(i);
        if (stage[i] == READ) {
          if (allBefore) {
            low = i + 1;
          }
          continue;
        }
        if (b instanceof Single s) {
          if (!allBefore) {
            break; // a single part waits for every block before it
          }
          stage[i] = READ;
          low = i + 1;
          return s.json;
        }
        Flowing f = (Flowing) b;
        if (stage[i] == NEW) {
          stage[i] = STARTED;
          return f.start;
        }
        if (offset[i] < f.text.length()) {
          String d = f.text.substring(offset[i]);
          offset[i] = f.text.length();
          return f.delta(d);
        }
        if (f.end != null) {
          stage[i] = READ;
          if (allBefore) {
            low = i + 1;
          }
          return f.end;
        }
        allBefore = false;
      }
      if (ended && low >= n) {
        done = true;
        return Parts.DONE;
      }
      return null;
    }

    private void grow(int n) {
      if (stage.length < n) {
        int size = Math.max(n, stage.length * 2);
        stage = Arrays.copyOf(stage, size);
        offset = Arrays.copyOf(offset, size);
      }
    }
  }
}
