package io.github.kimisdk.agents;

import static io.github.kimisdk.agents.KimiRules.tokens;
import static io.github.kimisdk.agents.KimiRulesServer.DELEGATE_TASK;
import static io.github.kimisdk.agents.KimiRulesServer.DOCUMENT_LINE;
import static io.github.kimisdk.agents.KimiRulesServer.PUBLISHED;
import static io.github.kimisdk.agents.KimiRulesServer.READ_TASK;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * The model {@link KimiRulesServer} plays: it answers a conversation from what its history shows.
 */
final class KimiRulesScript {
  private KimiRulesScript() {}

  /** A call the model makes. */
  record Call(String name, String arguments) {}

  /** A reply: its text, its reasoning, its calls; {@code gated} when it waits at the gate. */
  record Reply(String content, String reasoning, List<Call> calls, boolean summary, boolean gated) {
    String finishReason() {
      return calls.isEmpty() ? "stop" : "tool_calls";
    }

    int completionTokens() {
      int n = tokens(content) + tokens(reasoning);
      for (Call c : calls) {
        n += tokens(c.name) + tokens(c.arguments);
      }
      return n;
    }
  }

  /** The model: answers a conversation from what its history shows. */
  static final class Script {
    static Reply answer(JsonObject r, List<JsonObject> m) {
      String task = conversationTask(m);
      if (task == null) {
        throw new IllegalStateException("no user message after the system messages");
      }
      JsonObject last = m.get(m.size() - 1);
      boolean noTools = "none".equals(string(r.get("tool_choice")));
      if (noTools
          && "user".equals(string(last.get("role")))
          && text(last).startsWith("Summarize")) {
        return summary(task, m);
      }
      Matcher read = READ_TASK.matcher(task);
      if (read.find()) {
        return reading(r, m, Integer.parseInt(read.group(1)), read.group(2), noTools);
      }
      Matcher delegate = DELEGATE_TASK.matcher(task);
      if (delegate.find()) {
        return delegating(r, m, delegate.group(1), Integer.parseInt(delegate.group(2)), noTools);
      }
      throw new IllegalStateException("a task the script does not know: " + task);
    }

    /** Every document the history shows as read, by index: from results or a summary. */
    static TreeMap<Integer, String> read(List<JsonObject> m, String set) {
      TreeMap<Integer, String> out = new TreeMap<>();
      boolean first = true;
      for (JsonObject x : m) {
        String role = string(x.get("role"));
        boolean user = "user".equals(role);
        if (user && first) {
          first = false; // the task itself names no document read
          continue;
        }
        if (!user && !"tool".equals(role)) {
          continue;
        }
        Matcher d = DOCUMENT_LINE.matcher(text(x));
        while (d.find()) {
          if (d.group(2).equals(set)) {
            out.put(Integer.parseInt(d.group(1)), d.group(3));
          }
        }
      }
      return out;
    }

    static Reply reading(JsonObject r, List<JsonObject> m, int count, String set, boolean noTools) {
      TreeMap<Integer, String> read = read(m, set);
      int next = 1;
      while (read.containsKey(next)) {
        next++;
      }
      if (next <= count && !noTools) {
        declared(r, "read_document");
        boolean first = m.stream().noneMatch(x -> "assistant".equals(string(x.get("role"))));
        return new Reply(
            "",
            "Documents read: "
                + read.size()
                + " of "
                + count
                + ". Document "
                + next
                + " of "
                + set
                + " is next; I read it with read_document.",
            List.of(new Call("read_document", "{\"index\":" + next + "}")),
            false,
            first);
      }
      String task = conversationTask(m);
      if (task.contains("call publish_report") && !published(m) && !noTools) {
        declared(r, "publish_report");
        return new Reply(
            "",
            "Every document is read; the task asks for the report to be published.",
            List.of(new Call("publish_report", "{\"documents\":" + count + "}")),
            false,
            false);
      }
      StringBuilder s = new StringBuilder("I read " + read.size() + " documents of " + set + ":");
      listDocuments(s, set, read);
      return new Reply(
          s.toString(), "Every document is read; I name each.", List.of(), false, false);
    }

    /** Whether the history shows the report published: a tool result, or a summary, says so. */
    static boolean published(List<JsonObject> m) {
      for (int i = 1; i < m.size(); i++) {
        String role = string(m.get(i).get("role"));
        if (("tool".equals(role) || "user".equals(role)) && text(m.get(i)).contains(PUBLISHED)) {
          return true;
        }
      }
      return false;
    }

    static Reply delegating(
        JsonObject r, List<JsonObject> m, String names, int count, boolean noTools) {
      List<String> tools = new ArrayList<>();
      for (String t : names.split(",")) {
        if (!t.isBlank()) {
          tools.add(t.strip());
        }
      }
      Map<String, String> results = new LinkedHashMap<>();
      List<String> calledNames = new ArrayList<>();
      for (int i = 0; i < m.size(); i++) {
        JsonObject x = m.get(i);
        if ("assistant".equals(string(x.get("role")))
            && x.get("tool_calls") instanceof JsonArray c) {
          calledNames.clear();
          for (JsonValue call : c) {
            calledNames.add(string(call.get("function").get("name")));
          }
        } else if ("tool".equals(string(x.get("role")))) {
          String id = string(x.get("tool_call_id"));
          int at = id == null ? -1 : id.lastIndexOf(':');
          int index = at < 0 ? -1 : Integer.parseInt(id.substring(at + 1));
          if (index >= 0 && index < calledNames.size()) {
            results.put(calledNames.get(index), text(x));
          }
        }
      }
      if (results.isEmpty() && !noTools) {
        List<Call> calls = new ArrayList<>();
        for (String t : tools) {
          declared(r, t);
          String region = t.startsWith("research_") ? t.substring("research_".length()) : t;
          String task =
              "Read documents 1 to "
                  + count
                  + " of "
                  + region
                  + " with read_document, one per turn, then name each document read with its"
                  + " checksum.";
          calls.add(new Call(t, Json.write(JsonObject.of("task", Json.toJson(task)))));
        }
        return new Reply(
            "", "I hand each region to its researcher, all at once.", calls, false, false);
      }
      StringBuilder s = new StringBuilder("Findings of " + results.size() + " researchers:");
      results.forEach((t, v) -> s.append("\n## ").append(t).append('\n').append(v));
      return new Reply(s.toString(), "Every researcher answered.", List.of(), false, false);
    }

    /** Appends a line per document read: its number, its set and its checksum. */
    static void listDocuments(StringBuilder s, String set, Map<Integer, String> read) {
      read.forEach(
          (i, c) ->
              s.append("\n- document ")
                  .append(i)
                  .append(" of ")
                  .append(set)
                  .append(", checksum=")
                  .append(c));
    }

    static Reply summary(String task, List<JsonObject> m) {
      StringBuilder s = new StringBuilder("Task: ").append(task).append('\n');
      Matcher read = READ_TASK.matcher(task);
      if (read.find()) {
        int count = Integer.parseInt(read.group(1));
        String set = read.group(2);
        TreeMap<Integer, String> done = read(m, set);
        s.append("Documents read so far, with their checksums:");
        listDocuments(s, set, done);
        List<Integer> open = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
          if (!done.containsKey(i)) {
            open.add(i);
          }
        }
        s.append("\nStill to read: ").append(open.isEmpty() ? "none" : open.toString());
        if (published(m)) {
          s.append("\nStatus: ").append(PUBLISHED).append('.');
        }
      } else {
        s.append("Results so far:");
        for (JsonObject x : m) {
          if ("tool".equals(string(x.get("role")))) {
            String t = text(x);
            s.append("\n- ").append(t, 0, Math.min(200, t.length()));
          }
        }
      }
      return new Reply(
          s.toString(), "I summarize what the work needs to go on.", List.of(), true, false);
    }

    private static void declared(JsonObject r, String tool) {
      if (r.get("tools") instanceof JsonArray tools) {
        for (JsonValue t : tools) {
          JsonValue f = t.get("function");
          if (f != null && tool.equals(string(f.get("name")))) {
            return;
          }
        }
      }
      throw new IllegalStateException("the tool " + tool + " is not declared");
    }
  }

  // ------------------------------------------------------------------------------------------
  // Reading messages

  /** The first user message after the leading system messages: the conversation's task. */
  static String conversationTask(List<JsonObject> m) {
    for (JsonObject x : m) {
      String role = string(x.get("role"));
      if ("user".equals(role)) {
        return text(x);
      }
      if (!"system".equals(role)) {
        return null;
      }
    }
    return null;
  }

  /** A message's text: its string content, or its text parts joined. */
  static String text(JsonObject x) {
    JsonValue c = x.get("content");
    if (c == null || c.isNull()) {
      return "";
    }
    if (c instanceof JsonArray parts) {
      StringBuilder s = new StringBuilder();
      for (JsonValue p : parts) {
        if ("text".equals(string(p.get("type")))) {
          s.append(string(p.get("text")));
        }
      }
      return s.toString();
    }
    return c.asString();
  }

  static String string(JsonValue v) {
    return v == null || v.isNull() ? null : v.asString();
  }
}
