package io.github.kimisdk.ui;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.tool.ToolCall;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One drive of a run written as its assistant message's parts, from the agent's events as they
 * happen: each model call a step ({@code start-step} when it is called), its reasoning and text as
 * they stream ({@link RunEvent.Streamed}, or whole when the reply is saved, for an agent that does
 * not stream), its tool calls' inputs when the reply is saved, each call's output or error when it
 * has its result (a person's rejection as {@code tool-output-denied}), and, when the drive ends,
 * the approval requests of the calls that wait (each one's id the decision token the run signed),
 * the step's end and {@code finish} with the run's status, usage and cost as metadata.
 *
 * <p>Thread model: events arrive on the thread driving the run and on the threads of its tools, at
 * once for parallel calls; every method is synchronized on this writer, and the log has its own
 * monitor. {@link #claimed} completes on the driving thread when the run is claimed.
 */
final class RunParts {

  private final PartLog log;
  private final String runId;
  private final Agent agent;
  private final KimiClient kimi;
  private final Set<String> written; // the parts' keys the log holds ({@link RunView#replay})
  private final Set<String> denied = new HashSet<>();
  private final Set<Integer> streamed = new HashSet<>();
  private boolean stepOpen;
  private final StreamedBlocks open;
  private int blocks;

  /** Completes when the run is claimed (never when the drive ends without claiming it). */
  final CompletableFuture<Boolean> claimed = new CompletableFuture<>();

  // Who answers for a drive that finds its run taken: the request, while it still waits for the
  // claim (a 409, or following the run), or the drive, once the request answered with the stream.
  private final AtomicBoolean answered = new AtomicBoolean();

  /**
   * The request stops waiting for the claim and answers with the stream: true, unless the drive
   * ended first without a claim, whose outcome the request then answers itself.
   */
  boolean handOff() {
    return answered.compareAndSet(false, true);
  }

  /**
   * The drive found its run taken: true while the request still waits, which then answers for it;
   * false once the request answered with the stream, which the drive must then end or follow.
   */
  boolean handBack() {
    return answered.compareAndSet(false, true);
  }

  /** The keys of the parts the log holds, shared with whoever writes it next. */
  Set<String> written() {
    return written;
  }

  /**
   * Starts the writer.
   *
   * @param log where the parts go
   * @param runId the root run, whose events are written (a subagent's have their own id)
   * @param agent the agent, which signs the approval requests' tokens
   * @param kimi its client, whose prices give the cost
   * @param written the keys of the parts the log holds already (a replayed prefix), shared
   * @param stepOpen whether the log's last step is open (a replayed prefix that did not end it)
   */
  RunParts(
      PartLog log,
      String runId,
      Agent agent,
      KimiClient kimi,
      Set<String> written,
      boolean stepOpen) {
    this.log = log;
    this.runId = runId;
    this.agent = agent;
    this.kimi = kimi;
    this.written = written;
    this.stepOpen = stepOpen;
    this.open = new StreamedBlocks(log);
  }

  /** Writes what an event of the run shows; events of other runs are not this writer's. */
  synchronized void on(RunEvent e) {
    if (!runId.equals(e.runId())) {
      return;
    }
    if (e instanceof RunEvent.Claimed) {
      claimed.complete(true);
    } else if (e instanceof RunEvent.ModelCalled m) {
      open.end();
      if (stepOpen) {
        log.single(Parts.finishStep());
      }
      log.single(Parts.startStep());
      stepOpen = true;
    } else if (e instanceof RunEvent.Streamed s) {
      streamed.add(s.step());
      if (s.reasoning()) {
        open.reasoning(s.text(), () -> "reasoning-" + s.step() + "-" + blocks++);
      } else {
        open.text(s.text(), () -> "text-" + s.step() + "-" + blocks++);
      }
    } else if (e instanceof RunEvent.Replied r) {
      open.end();
      AssistantMessage a = r.completion().message();
      if (!streamed.contains(r.step())) {
        whole(r.step(), a);
      }
      for (int pos = 0; pos < a.toolCalls().size(); pos++) {
        ToolCall call = a.toolCalls().get(pos);
        String id = runId + ":" + r.step() + ":" + pos;
        String name = call.name() == null ? "unknown" : call.name();
        written.add(RunView.inputKey(id));
        PartLog.Flowing f = log.openToolInput(id, name);
        log.append(f, call.arguments());
        log.close(f, Parts.toolInputAvailable(id, name, Parts.input(call.arguments())));
      }
    } else if (e instanceof RunEvent.Denied d && "person".equals(d.by())) {
      denied.add(d.step() + ":" + d.position());
    } else if (e instanceof RunEvent.ToolFinished t) {
      String id = runId + ":" + t.step() + ":" + t.position();
      if (!written.contains(RunView.inputKey(id))) {
        return; // a call of a turn this message does not show
      }
      written.add("result:" + id);
      if (denied.remove(t.step() + ":" + t.position())) {
        log.single(Parts.toolOutputDenied(id));
      } else if (t.error()) {
        log.single(Parts.toolOutputError(id, Texts.output(t.content())));
      } else {
        log.single(Parts.toolOutputAvailable(id, Texts.output(t.content())));
      }
    }
  }

  private void whole(int step, AssistantMessage a) {
    if (a.reasoning() != null && !a.reasoning().isEmpty()) {
      PartLog.Flowing r = log.openReasoning("reasoning-" + step + "-" + blocks++);
      log.append(r, a.reasoning());
      log.close(r);
    }
    if (a.text() != null && !a.text().isEmpty()) {
      PartLog.Flowing t = log.openText("text-" + step + "-" + blocks++);
      log.append(t, a.text());
      log.close(t);
    }
  }

  /** Ends the message with how the drive ended. */
  synchronized void end(RunResult result) {
    open.end();
    RunState state = null;
    String reason;
    JsonObject.Builder meta;
    if (result instanceof RunResult.Answered a) {
      state = a.state();
      reason = "stop";
    } else if (result instanceof RunResult.Paused p) {
      state = p.state();
      RunView view = RunView.of(state, agent);
      for (RunView.Step s : view.steps) {
        for (RunView.Tool t : s.tools()) {
          if (t.outcome() == RunView.Outcome.PENDING) {
            if (written.add(RunView.inputKey(t.callId()))) {
              RunView.writeInput(log, t); // a subagent's call, or one found in doubt
            }
            if (written.add(RunView.outcomeKey(t))) {
              RunView.writeOutcome(log, t);
            }
          }
        }
      }
      reason = "tool-calls";
    } else if (result instanceof RunResult.Stopped s) {
      state = s.state();
      reason = "other";
    } else if (result instanceof RunResult.Failed f) {
      state = f.state();
      log.single(Parts.error(Texts.error(f.error())));
      reason = "error";
    } else if (result instanceof RunResult.AlreadyDecided) {
      // claimed, then found its call decided meanwhile (another tab): nothing ran
      log.single(
          Parts.error(
              "the call this decision names was decided already (from another tab?); nothing"
                  + " was run"));
      reason = "error";
    } else {
      // taken by another worker: nothing of this drive is written; whoever answered the request
      // follows the run (AgentChat.start and awaitClaim hand a taken run to one of them)
      return;
    }
    if (stepOpen) {
      log.single(Parts.finishStep());
      stepOpen = false;
    }
    meta = state == null ? JsonObject.builder() : metadata(state, kimi);
    meta.put("runId", runId);
    if (result instanceof RunResult.Stopped s) {
      meta.put("limit", s.limit().name().toLowerCase(Locale.ROOT));
    }
    log.single(Parts.finish(reason, meta.build()));
    log.end();
  }

  /** Ends the message with a failure of the drive itself (the store, a refused resume). */
  synchronized void fail(Throwable error) {
    open.end();
    log.single(Parts.error(Texts.error(error)));
    if (stepOpen) {
      log.single(Parts.finishStep());
      stepOpen = false;
    }
    log.single(Parts.finish("error", JsonObject.builder().put("runId", runId).build()));
    log.end();
  }

  /** A run's metadata: its status, its usage and cost so far. */
  static JsonObject.Builder metadata(RunState state, KimiClient kimi) {
    return Texts.metadata(state.spend(kimi.prices()))
        .put("status", state.status().name().toLowerCase(Locale.ROOT));
  }
}
