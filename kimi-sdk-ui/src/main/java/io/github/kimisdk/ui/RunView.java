package io.github.kimisdk.ui;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of a chat as the page sees it, made from the run's saved state alone: the user's message
 * that started it, and its assistant message (each model call a step: its reasoning, its text, its
 * tool calls with their inputs and outcomes, the calls that wait with the signed decision each
 * needs). The same view is replayed as parts (a page that reconnects), written as a UI message (a
 * page that loads the chat), and held against what a page sends back ({@link PageCheck}).
 *
 * <p>Tool calls are named as the run names them ({@code RUN_ID:STEP:POSITION}, {@link
 * PendingCall#id()}), never by the model's ids, which repeat across turns. The open turn's results
 * come from the saved form's {@code turn} member (docs/agents.md, "A run is a value"). Immutable.
 */
final class RunView {

  /** What became of a tool call. */
  enum Outcome {
    /** It has no result yet (it runs, or its turn was cut short). */
    RUNNING,
    /** It waits for a person's decision. */
    PENDING,
    /** It has a result. */
    OUTPUT,
    /** It failed (or a hook or policy denied it): its result is an error. */
    ERROR,
    /** A person rejected it. */
    DENIED
  }

  /**
   * A tool call of the run.
   *
   * @param callId {@code RUN_ID:STEP:POSITION}
   * @param name the tool
   * @param input its arguments as the page is shown them
   * @param outcome what became of it
   * @param content its result as the page is shown it (for {@code OUTPUT}, {@code ERROR}, {@code
   *     DENIED}), else null
   * @param approvalId for {@code PENDING}: the signed decision token the page carries back
   * @param reason for {@code PENDING}: why it asks
   */
  record Tool(
      String callId,
      String name,
      JsonValue input,
      Outcome outcome,
      String content,
      String approvalId,
      String reason) {}

  /**
   * A model call of the run and what came of it.
   *
   * @param number the step, from 1
   * @param reasoning its reasoning, possibly empty
   * @param text its text, possibly empty
   * @param tools its tool calls (and a subagent's calls that wait, after the call that started it)
   */
  record Step(int number, String reasoning, String text, List<Tool> tools) {}

  /** The text a rejected call's result starts with in the run (kimi-sdk-agents' words). */
  static final String REJECTED = "Error: rejected by a person: ";

  final String runId;
  final String userText;
  final List<Step> steps;
  final RunState.Status status;
  final RunState state;

  private RunView(
      String runId, String userText, List<Step> steps, RunState.Status status, RunState state) {
    this.runId = runId;
    this.userText = userText;
    this.steps = List.copyOf(steps);
    this.status = status;
    this.state = state;
  }

  /** Returns the view of a run's state; {@code agent} signs the decision tokens of its waits. */
  static RunView of(RunState state, Agent agent) {
    List<Message> messages = state.messages();
    int user = -1;
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof UserMessage) {
        user = i;
        break;
      }
    }
    String userText = user >= 0 ? Texts.scrub(((UserMessage) messages.get(user)).text()) : "";
    List<Message> own = messages.subList(user + 1, messages.size());
    int replies = 0;
    for (Message m : own) {
      if (m instanceof AssistantMessage) {
        replies++;
      }
    }
    JsonObject turn = openTurn(state);
    int openStep = turn == null ? -1 : turn.get("step").asInt();
    Map<Integer, JsonObject> openResults = new HashMap<>();
    if (turn != null && turn.get("results") instanceof JsonArray results) {
      for (JsonValue r : results) {
        openResults.put(r.get("position").asInt(), r.asObject());
      }
    }
    Map<String, PendingCall> pending = new LinkedHashMap<>();
    for (PendingCall p : state.pending()) {
      pending.put(p.id(), p);
    }
    List<Step> steps = new ArrayList<>();
    int step = Math.max(1, state.steps() - replies + 1);
    for (int i = 0; i < own.size(); i++) {
      if (!(own.get(i) instanceof AssistantMessage a)) {
        continue;
      }
      int s = step++;
      List<ToolMessage> answers = new ArrayList<>();
      for (int j = i + 1; j < own.size() && own.get(j) instanceof ToolMessage t; j++) {
        answers.add(t);
      }
      List<Tool> tools = new ArrayList<>();
      for (int pos = 0; pos < a.toolCalls().size(); pos++) {
        ToolCall call = a.toolCalls().get(pos);
        String id = state.id() + ":" + s + ":" + pos;
        String name = call.name() == null ? "unknown" : call.name();
        JsonValue input = Parts.input(call.arguments());
        PendingCall p = pending.remove(id);
        if (p != null) {
          tools.add(
              new Tool(
                  id,
                  name,
                  Parts.input(p.arguments()),
                  Outcome.PENDING,
                  null,
                  agent.token(p),
                  p.reason()));
          continue;
        }
        String content = null;
        Boolean error = null;
        ToolMessage answer = answerOf(answers, call, pos);
        if (answer != null) {
          content = answer.content();
        } else if (s == openStep && openResults.containsKey(pos)) {
          JsonObject r = openResults.get(pos);
          content = r.get("content").asString();
          error = r.get("error") instanceof JsonBoolean b && b.value();
        }
        tools.add(new Tool(id, name, input, outcome(content, error), shown(content), null, null));
        // a subagent's calls that wait, where the call that started the subagent stands
        String prefix = state.id() + "." + s + "." + pos;
        for (PendingCall sub : List.copyOf(pending.values())) {
          if (sub.runId().equals(prefix) || sub.runId().startsWith(prefix + ".")) {
            pending.remove(sub.id());
            tools.add(
                new Tool(
                    sub.id(),
                    sub.tool(),
                    Parts.input(sub.arguments()),
                    Outcome.PENDING,
                    null,
                    agent.token(sub),
                    sub.reason()));
          }
        }
      }
      steps.add(
          new Step(s, Texts.scrub(nonNull(a.reasoning())), Texts.scrub(nonNull(a.text())), tools));
    }
    return new RunView(state.id(), userText, steps, state.status(), state);
  }

  private static JsonObject openTurn(RunState state) {
    if (state.pending().isEmpty() && state.status() != RunState.Status.RUNNING) {
      return null;
    }
    JsonValue saved = Json.parse(state.toBytes());
    return saved.get("turn") instanceof JsonObject t ? t : null;
  }

  private static ToolMessage answerOf(List<ToolMessage> answers, ToolCall call, int pos) {
    if (call.id() != null) {
      for (ToolMessage t : answers) {
        if (call.id().equals(t.toolCallId())) {
          return t;
        }
      }
    }
    return pos < answers.size() ? answers.get(pos) : null;
  }

  private static Outcome outcome(String content, Boolean error) {
    if (content == null) {
      return Outcome.RUNNING;
    }
    if (content.startsWith(REJECTED)) {
      return Outcome.DENIED;
    }
    if (Boolean.TRUE.equals(error) || (error == null && content.startsWith("Error: "))) {
      return Outcome.ERROR;
    }
    return Outcome.OUTPUT;
  }

  private static String shown(String content) {
    return content == null ? null : Texts.output(content);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** Returns every tool call of the run by its id. */
  Map<String, Tool> tools() {
    Map<String, Tool> all = new LinkedHashMap<>();
    for (Step s : steps) {
      for (Tool t : s.tools()) {
        all.put(t.callId(), t);
      }
    }
    return all;
  }

  /** The id of the run's assistant message. */
  String messageId() {
    return runId;
  }

  /**
   * Writes the assistant message's parts that {@code written} does not hold yet, and adds their
   * keys to it: {@code start}, then each step. Every step but the last ends with {@code
   * finish-step}; the last ends too when {@code closeLast}. Written again with a later state of the
   * same run, it writes what the run did since (a page that follows a run another server drives).
   */
  void replay(PartLog log, Set<String> written, boolean closeLast) {
    if (written.add("start")) {
      log.single(Parts.start(messageId()));
    }
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      int n = s.number();
      if (written.add("step:" + n)) {
        log.single(Parts.startStep());
      }
      if (!s.reasoning().isEmpty() && written.add("reasoning:" + n)) {
        PartLog.Flowing r = log.openReasoning("reasoning-" + n + "-r");
        log.append(r, s.reasoning());
        log.close(r);
      }
      if (!s.text().isEmpty() && written.add("text:" + n)) {
        PartLog.Flowing t = log.openText("text-" + n + "-r");
        log.append(t, s.text());
        log.close(t);
      }
      for (Tool t : s.tools()) {
        if (written.add(inputKey(t.callId()))) {
          writeInput(log, t);
        }
      }
      for (Tool t : s.tools()) {
        String key = outcomeKey(t);
        if (key != null && written.add(key)) {
          writeOutcome(log, t);
        }
      }
      if ((i < steps.size() - 1 || closeLast) && written.add("finish:" + n)) {
        log.single(Parts.finishStep());
      }
    }
  }

  /** Whether the last step of the view is written without its end. */
  boolean lastStepOpen(Set<String> written) {
    return !steps.isEmpty() && !written.contains("finish:" + steps.get(steps.size() - 1).number());
  }

  static String inputKey(String callId) {
    return "input:" + callId;
  }

  static String outcomeKey(Tool t) {
    switch (t.outcome()) {
      case PENDING:
        return "pending:" + t.callId();
      case RUNNING:
        return null;
      default:
        return "result:" + t.callId();
    }
  }

  static void writeInput(PartLog log, Tool t) {
    PartLog.Flowing f = log.openToolInput(t.callId(), t.name());
    log.close(f, Parts.toolInputAvailable(t.callId(), t.name(), t.input()));
  }

  static void writeOutcome(PartLog log, Tool t) {
    switch (t.outcome()) {
      case PENDING:
        log.single(Parts.toolApprovalRequest(t.approvalId(), t.callId(), t.reason()));
        break;
      case OUTPUT:
        log.single(Parts.toolOutputAvailable(t.callId(), t.content()));
        break;
      case ERROR:
        log.single(Parts.toolOutputError(t.callId(), t.content()));
        break;
      case DENIED:
        log.single(Parts.toolOutputDenied(t.callId()));
        break;
      case RUNNING:
        break;
      default:
        throw new AssertionError(t.outcome());
    }
  }

  /** The user's message that started the run, as a UI message. */
  JsonObject userMessage() {
    return JsonObject.builder()
        .put("id", runId + "-user")
        .put("role", "user")
        .put(
            "parts",
            JsonArray.of(JsonObject.builder().put("type", "text").put("text", userText).build()))
        .build();
  }

  /** The run's assistant message as a UI message, as the AI SDK's client builds it from parts. */
  JsonObject assistantMessage() {
    JsonArray.Builder parts = JsonArray.builder();
    for (Step s : steps) {
      parts.add(JsonObject.of("type", io.github.kimisdk.json.JsonString.of("step-start")));
      if (!s.reasoning().isEmpty()) {
        parts.add(
            JsonObject.builder()
                .put("type", "reasoning")
                .put("text", s.reasoning())
                .put("state", "done")
                .build());
      }
      if (!s.text().isEmpty()) {
        parts.add(
            JsonObject.builder()
                .put("type", "text")
                .put("text", s.text())
                .put("state", "done")
                .build());
      }
      for (Tool t : s.tools()) {
        JsonObject.Builder p =
            JsonObject.builder()
                .put("type", "tool-" + t.name())
                .put("toolCallId", t.callId())
                .put("input", t.input());
        switch (t.outcome()) {
          case PENDING:
            JsonObject.Builder approval = JsonObject.builder().put("id", t.approvalId());
            if (t.reason() != null && !t.reason().isEmpty()) {
              approval.put("requestReason", t.reason());
            }
            p.put("state", "approval-requested").put("approval", approval.build());
            break;
          case OUTPUT:
            p.put("state", "output-available").put("output", t.content());
            break;
          case ERROR:
            p.put("state", "output-error").put("errorText", t.content());
            break;
          case DENIED:
            p.put("state", "output-denied")
                .put(
                    "approval",
                    JsonObject.builder()
                        .put("id", "decided:" + t.callId())
                        .put("approved", false)
                        .build());
            break;
          case RUNNING:
            p.put("state", "input-available");
            break;
          default:
            throw new AssertionError(t.outcome());
        }
        parts.add(p.build());
      }
    }
    return JsonObject.builder()
        .put("id", messageId())
        .put("role", "assistant")
        .put("parts", parts.build())
        .build();
  }
}
