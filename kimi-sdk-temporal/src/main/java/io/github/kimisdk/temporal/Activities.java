package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.RunHost;
import io.github.kimisdk.errors.KimiException;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The activities' bodies on a worker: each looks its agent up and runs the one loop's step body. A
 * model call the client failed for good is a non-retryable failure (the client retried it within
 * its own policy: Temporal retrying it again would multiply the attempts); Temporal retries an
 * attempt only when it did not finish (its worker died, it timed out, it stopped heartbeating).
 *
 * <p>A model call and a tool call heartbeat while they run, from a thread of this worker's, every
 * quarter of their heartbeat timeout (when their options set one): a worker that dies stops them,
 * and Temporal tries the call again elsewhere within the timeout. When a heartbeat learns that the
 * attempt was cancelled or is no longer the current one, the body's thread is interrupted.
 *
 * <p>Thread model: Temporal's activity threads, one per attempt; the heartbeat thread touches only
 * the attempt's context and, under the attempt's lock, its thread.
 */
final class Activities implements KimiAgentActivities {
  private final KimiAgents agents;
  private final ScheduledThreadPoolExecutor beats;

  Activities(KimiAgents agents) {
    this.agents = agents;
    this.beats =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "kimi-agent-heartbeats");
              t.setDaemon(true);
              return t;
            });
    beats.setRemoveOnCancelPolicy(true);
  }

  @Override
  public String chat(String agent, String request) {
    Agent a = agents.agent(agent);
    try {
      return beating(() -> Payloads.reply(RunHost.chat(a, Payloads.request(request))));
    } catch (KimiException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          String.valueOf(e.getMessage()), e.getClass().getSimpleName());
    }
  }

  @Override
  public String runTool(String agent, String job) {
    KimiAgents.Entry e = agents.entry(agent);
    RunHost.ToolOutcome o = beating(() -> RunHost.runTool(e.agent(), Payloads.job(job)));
    return Payloads.outcome(
        new RunHost.ToolOutcome(cut(o.content(), e.options().maxToolResultBytes), o.error()));
  }

  @Override
  public String listTools(String agent, String source) {
    return Payloads.functionTools(RunHost.listTools(agents.agent(agent), source));
  }

  /**
   * Runs {@code body}, heartbeating every quarter of the attempt's heartbeat timeout while it runs
   * (not for a local activity, nor without a timeout).
   */
  private <T> T beating(Supplier<T> body) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Duration timeout = ctx.getInfo().getHeartbeatTimeout();
    if (ctx.getInfo().isLocal() || timeout == null || timeout.isZero()) {
      return body.get();
    }
    Beat beat = new Beat(ctx, Thread.currentThread());
    long every = Math.max(100, timeout.toMillis() / 4);
    ScheduledFuture<?> f = beats.scheduleAtFixedRate(beat, 0, every, TimeUnit.MILLISECONDS);
    try {
      return body.get();
    } finally {
      f.cancel(false);
      beat.end();
    }
  }

  /** One attempt's heartbeat. */
  private static final class Beat implements Runnable {
    private final ActivityExecutionContext ctx;
    private final Thread worker;
    private boolean running = true; // guarded by this
    private boolean interrupted; // guarded by this

    Beat(ActivityExecutionContext ctx, Thread worker) {
      this.ctx = ctx;
      this.worker = worker;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (!running) {
          return;
        }
      }
      try {
        ctx.heartbeat(null);
      } catch (ActivityCompletionException e) {
        // cancelled, timed out or superseded: the attempt's result would be dropped
        synchronized (this) {
          if (running && !interrupted) {
            interrupted = true;
            worker.interrupt();
          }
        }
        throw e; // ends this attempt's schedule
      } catch (RuntimeException e) {
        // the service could not be reached this time: the next beat tries again
      }
    }

    /** Stops the beats; clears the interrupt they made, which belongs to this attempt alone. */
    void end() {
      synchronized (this) {
        running = false;
        if (interrupted) {
          Thread.interrupted();
        }
      }
    }
  }

  /** A tool's result cut to {@code max} UTF-8 bytes, its start and end kept, with a note. */
  static String cut(String content, int max) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= max) {
      return content;
    }
    String note =
        "\n[... the tool's result had "
            + bytes.length
            + " bytes; "
            + "it was cut to its start and end, "
            + max
            + " bytes in all ...]\n";
    int keep = Math.max(0, max - note.getBytes(StandardCharsets.UTF_8).length);
    int head = keep * 3 / 4;
    int tail = keep - head;
    return prefix(content, head) + note + suffix(content, tail);
  }

  /** The longest start of {@code s} of at most {@code max} UTF-8 bytes, not splitting a pair. */
  private static String prefix(String s, int max) {
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = utf8(cp);
      if (bytes + n > max) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }

  /** The longest end of {@code s} of at most {@code max} UTF-8 bytes, not splitting a pair. */
  private static String suffix(String s, int max) {
    int bytes = 0;
    int i = s.length();
    while (i > 0) {
      int cp = s.codePointBefore(i);
      int n = utf8(cp);
      if (bytes + n > max) {
        break;
      }
      bytes += n;
      i -= Character.charCount(cp);
    }
    return s.substring(i);
  }

  private static int utf8(int cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
}
