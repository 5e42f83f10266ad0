package io.github.kimisdk.ui;

import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds what a page sends back to the chat's runs, which are the truth: every tool part the page
 * shows must be a call of the run of its turn, with the run's tool and arguments, and the run's
 * result when it shows one; a call the run holds must not be missing; an approval must carry the
 * decision token the run issued for that very call, and only for a call that still waits. What the
 * page may bring is a new user message's text, or its person's answers to the calls that wait. A
 * refusal names the message and the call, never a token. Stateless.
 */
final class PageCheck {
  private PageCheck() {}

  /**
   * What a request asks, once checked.
   *
   * @param text a new user message's text, or null
   * @param decisions the answers to the calls that wait (empty for a new message)
   */
  record Plan(String text, List<Decision> decisions) {}

  /** One user message of the page and the assistant messages after it. */
  private record Turn(int index, UiMessage user, List<Integer> indexes, List<UiMessage> replies) {}

  /**
   * Checks a request against the chat's runs.
   *
   * @param request the page's request
   * @param runs the chat's runs, oldest first
   * @param who the person, from the server's authentication
   * @throws UiRequestException 400 for what the page invented or edited, 409 for a page that is
   *     behind the chat or replays a decision
   */
  static Plan check(UiRequest request, List<RunView> runs, String who) {
    List<Turn> turns = turns(request.messages());
    UiMessage last = request.messages().get(request.messages().size() - 1);
    int k = runs.size();
    if (last.role().equals("user")) {
      if (turns.size() != k + 1) {
        throw turnsDiffer(turns.size() - 1, k);
      }
      for (int j = 0; j < k; j++) {
        compare(turns.get(j), runs.get(j), null, who);
      }
      Turn mine = turns.get(k);
      if (!mine.replies().isEmpty()) {
        throw new UiRequestException(400, "malformed request: a user message must come last");
      }
      for (JsonObject p : last.parts()) {
        String type = p.get("type").asString();
        if (!type.equals("text") && !type.equals("step-start")) {
          throw new UiRequestException(
              400,
              "messages["
                  + mine.index()
                  + "]: this chat takes text from the page ("
                  + type
                  + " parts are not taken); nothing was run");
        }
      }
      String text = last.text();
      if (text.isBlank()) {
        throw new UiRequestException(
            400, "messages[" + mine.index() + "] has no text to send; nothing was run");
      }
      return new Plan(text, List.of());
    }
    if (!last.role().equals("assistant")) {
      throw new UiRequestException(
          400, "malformed request: the last message must be the user's or the assistant's");
    }
    if (k == 0 || turns.size() != k) {
      throw turnsDiffer(turns.size(), k);
    }
    for (int j = 0; j < k - 1; j++) {
      compare(turns.get(j), runs.get(j), null, who);
    }
    List<Decision> decisions = new ArrayList<>();
    compare(turns.get(k - 1), runs.get(k - 1), decisions, who);
    if (decisions.isEmpty()) {
      throw new UiRequestException(
          400,
          "the last message is the assistant's and answers no call that waits (no approval"
              + " response); send a user message, or approve or reject a call; nothing was run");
    }
    return new Plan(null, decisions);
  }

  private static UiRequestException turnsDiffer(int page, int chat) {
    if (page < chat) {
      return new UiRequestException(
          409,
          "the page's conversation is behind this chat's ("
              + page
              + " of its "
              + chat
              + " turns): reload the page; nothing was run");
    }
    return new UiRequestException(
        400,
        "the page's conversation holds "
            + page
            + " turns, this chat "
            + chat
            + ": its messages are not this chat's (invented or edited); nothing was run");
  }

  private static List<Turn> turns(List<UiMessage> messages) {
    List<Turn> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      UiMessage m = messages.get(i);
      if (m.role().equals("system")) {
        continue;
      }
      if (m.role().equals("user")) {
        out.add(new Turn(i, m, new ArrayList<>(), new ArrayList<>()));
      } else if (out.isEmpty()) {
        throw new UiRequestException(
            400, "malformed request: messages[" + i + "] answers no user message");
      } else {
        Turn t = out.get(out.size() - 1);
        t.indexes().add(i);
        t.replies().add(m);
      }
    }
    return out;
  }

  /**
   * Holds one turn's tool parts to its run's calls; with {@code decisions}, takes the page's
   * answers to the calls that wait.
   */
  private static void compare(Turn turn, RunView run, List<Decision> decisions, String who) {
    Map<String, RunView.Tool> calls = run.tools();
    Set<String> seen = new HashSet<>();
    for (int r = 0; r < turn.replies().size(); r++) {
      UiMessage m = turn.replies().get(r);
      for (int j = 0; j < m.parts().size(); j++) {
        JsonObject p = m.parts().get(j);
        String type = p.get("type").asString();
        if (!type.equals("dynamic-tool") && !type.startsWith("tool-")) {
          continue;
        }
        String where = "messages[" + turn.indexes().get(r) + "].parts[" + j + "]";
        String id = p.get("toolCallId").asString();
        RunView.Tool call = calls.get(id);
        if (call == null) {
          throw new UiRequestException(
              400,
              where
                  + ": the tool call "
                  + id
                  + " is not a call of this chat's run (invented or edited); nothing was run");
        }
        if (!seen.add(id)) {
          throw new UiRequestException(
              400, where + ": the tool call " + id + " is shown twice; nothing was run");
        }
        String name =
            type.equals("dynamic-tool") ? p.get("toolName").asString() : type.substring(5);
        if (!name.equals(call.name())) {
          throw new UiRequestException(
              400,
              where
                  + ": the tool call "
                  + id
                  + " is a call of "
                  + call.name()
                  + " in the run, not of "
                  + name
                  + " (edited); nothing was run");
        }
        String state = p.get("state").asString();
        if (!state.equals("input-streaming") && !call.input().equals(p.get("input"))) {
          throw new UiRequestException(
              400,
              where
                  + ": the arguments of the tool call "
                  + id
                  + " differ from the run's (edited); nothing was run");
        }
        state(p, state, call, where, decisions, who);
      }
    }
    for (String id : calls.keySet()) {
      if (!seen.contains(id)) {
        throw new UiRequestException(
            400,
            "the page's messages leave out the tool call "
                + id
                + " of this chat's run (edited); nothing was run");
      }
    }
  }

  private static void state(
      JsonObject p,
      String state,
      RunView.Tool call,
      String where,
      List<Decision> decisions,
      String who) {
    String id = call.callId();
    switch (call.outcome()) {
      case OUTPUT:
      case ERROR:
      case DENIED:
        switch (state) {
          case "output-available":
            if (call.outcome() != RunView.Outcome.OUTPUT
                || !JsonString.of(call.content()).equals(p.get("output"))) {
              throw resultDiffers(where, id);
            }
            return;
          case "output-error":
            if (call.outcome() == RunView.Outcome.OUTPUT
                || !call.content().equals(p.get("errorText").asString())) {
              throw resultDiffers(where, id);
            }
            return;
          case "output-denied":
            if (call.outcome() != RunView.Outcome.DENIED) {
              throw resultDiffers(where, id);
            }
            return;
          case "approval-responded":
            throw new UiRequestException(
                409,
                where
                    + ": the tool call "
                    + id
                    + " was decided already; a decision is taken once (this one was sent again,"
                    + " or from another tab); nothing was run");
          default:
            throw new UiRequestException(
                409,
                where
                    + ": the page does not show the result the run has for the tool call "
                    + id
                    + ": reload the page; nothing was run");
        }
      case PENDING:
        switch (state) {
          case "approval-requested":
            approvalId(p, call, where);
            return;
          case "approval-responded":
            approvalId(p, call, where);
            if (decisions == null) {
              throw new UiRequestException(
                  409, where + ": the tool call " + id + " waits in another turn; nothing was run");
            }
            JsonObject a = p.get("approval").asObject();
            boolean approved = a.get("approved").asBoolean();
            JsonValue r = a.get("reason");
            String reason = r instanceof JsonString s && !s.value().isBlank() ? s.value() : null;
            Decision.Target target = Decision.Target.fromToken(call.approvalId());
            decisions.add(
                approved
                    ? Decision.approve(target).by(who, reason)
                    : Decision.reject(
                            target, reason != null ? reason : "rejected by " + who + " in the page")
                        .by(who, reason));
            return;
          case "output-available":
          case "output-error":
          case "output-denied":
            throw new UiRequestException(
                400,
                where
                    + ": the run has no result for the tool call "
                    + id
                    + ", which waits for a person's decision: the page's result is not the run's"
                    + " (invented); nothing was run");
          default:
            throw new UiRequestException(
                400,
                where
                    + ": the tool call "
                    + id
                    + " waits for approval in the run, and the page's message leaves out its"
                    + " approval request (edited); nothing was run");
        }
      case RUNNING:
        if (state.equals("input-available") || state.equals("input-streaming")) {
          return;
        }
        throw new UiRequestException(
            state.equals("approval-responded") ? 409 : 400,
            where
                + ": the run has no result for the tool call "
                + id
                + " and asks no decision on it; the page's "
                + state
                + " is not the run's; nothing was run");
      default:
        throw new AssertionError(call.outcome());
    }
  }

  private static void approvalId(JsonObject p, RunView.Tool call, String where) {
    String id = p.get("approval").get("id").asString();
    if (!id.equals(call.approvalId())) {
      throw new UiRequestException(
          400,
          where
              + ": the approval for the tool call "
              + call.callId()
              + " is not the one the run issued for it (another call's, or altered); nothing was"
              + " run");
    }
  }

  private static UiRequestException resultDiffers(String where, String id) {
    return new UiRequestException(
        400,
        where
            + ": the result of the tool call "
            + id
            + " differs from the run's (invented or edited); nothing was run");
  }
}
