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
import java.util.TreeSet;
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
      Matcher fees = FeeRun.TASK.matcher(task);
      if (fees.find()) {
        return Fees.answer(r, m, Integer.parseInt(fees.group(1)), fees.group(2), noTools);
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
      Matcher fees = FeeRun.TASK.matcher(task);
      if (fees.find()) {
        return Fees.summary(task, m, Integer.parseInt(fees.group(1)), fees.group(2));
      }
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

  /**
   * The model of {@link FeeRun}: it looks up the lowest account its context does not show as done,
   * then transfers the total it can add up, then answers; its summary carries what is done as
   * ranges and the total of their fees, in a few lines whatever the run's length (as a model that
   * condenses does).
   */
  static final class Fees {
    private Fees() {}

    /** What a conversation's context shows: the accounts done, their fees' total, a transfer. */
    record Known(TreeSet<Integer> done, long total, String transferred) {}

    /**
     * Reads the context: every summary's progress line (the accounts it lists as done and their
     * total), every fee a result or a ledger entry shows for an account no such line covers, and a
     * transfer's result.
     */
    static Known known(List<JsonObject> m, String ledger) {
      TreeSet<Integer> covered = new TreeSet<>();
      long total = 0;
      TreeMap<Integer, Long> seen = new TreeMap<>();
      String transferred = null;
      boolean first = true;
      for (JsonObject x : m) {
        String role = string(x.get("role"));
        boolean user = "user".equals(role);
        if (user && first) {
          first = false; // the task names no account done
          continue;
        }
        if (!user && !"tool".equals(role)) {
          continue;
        }
        String t = text(x);
        Matcher d = FeeRun.DONE.matcher(t);
        while (d.find()) {
          if (!d.group(2).equals(ledger)) {
            continue;
          }
          TreeSet<Integer> these = ranges(d.group(1));
          these.removeAll(covered);
          if (these.size() == ranges(d.group(1)).size()) {
            covered.addAll(these);
            total += Long.parseLong(d.group(3));
          }
        }
        Matcher f = FeeRun.FEE.matcher(t);
        while (f.find()) {
          if (f.group(2).equals(ledger)) {
            seen.put(Integer.parseInt(f.group(1)), Long.parseLong(f.group(3)));
          }
        }
        Matcher tr = FeeRun.TRANSFERRED.matcher(t);
        if (tr.find() && tr.group(2).equals(ledger)) {
          transferred = tr.group();
        }
      }
      TreeSet<Integer> done = new TreeSet<>(covered);
      for (Map.Entry<Integer, Long> e : seen.entrySet()) {
        if (done.add(e.getKey())) {
          total += e.getValue();
        }
      }
      return new Known(done, total, transferred);
    }

    static Reply answer(JsonObject r, List<JsonObject> m, int count, String ledger, boolean noTools) {
      Known k = known(m, ledger);
      int next = 1;
      while (k.done().contains(next)) {
        next++;
      }
      String progress = "Accounts looked up: " + k.done().size() + " of " + count + ".";
      if (!noTools && next <= count) {
        Script.declared(r, "lookup_fee");
        return new Reply(
            "",
            progress + " Account " + next + " is the next to look up.",
            List.of(
                new Call(
                    "lookup_fee", "{\"ledger\":\"" + ledger + "\",\"account\":" + next + "}")),
            false,
            false);
      }
      if (!noTools && next > count && k.transferred() == null) {
        Script.declared(r, "transfer_fee");
        return new Reply(
            "",
            progress + " Every fee is known; I transfer their total, " + k.total() + " cents.",
            List.of(
                new Call(
                    "transfer_fee",
                    "{\"ledger\":\"" + ledger + "\",\"amount_cents\":" + k.total() + "}")),
            false,
            false);
      }
      String text =
          k.transferred() != null
              ? "Done: " + k.transferred() + ", the fees of accounts 1 to " + count + "."
              : "Not done: " + progress;
      return new Reply(text, progress + " I answer.", List.of(), false, false);
    }

    static Reply summary(String task, List<JsonObject> m, int count, String ledger) {
      Known k = known(m, ledger);
      StringBuilder s = new StringBuilder("Task: ").append(task).append('\n');
      if (k.done().isEmpty()) {
        s.append("Accounts looked up: none yet.");
      } else {
        s.append("Accounts looked up: ")
            .append(ranges(k.done()))
            .append(" of ")
            .append(ledger)
            .append(", their fees totalling ")
            .append(k.total())
            .append(" cents.");
      }
      s.append("\nTransfer: ")
          .append(k.transferred() == null ? "not made yet." : k.transferred() + " (made).");
      int next = 1;
      while (k.done().contains(next)) {
        next++;
      }
      s.append("\nNext: ")
          .append(
              next <= count
                  ? "look up account " + next + "."
                  : k.transferred() == null ? "transfer the total." : "answer.");
      return new Reply(
          s.toString(), "I keep what the work needs to go on.", List.of(), true, false);
    }

    /** "1-3, 5, 7-9" as the numbers it names. */
    static TreeSet<Integer> ranges(String text) {
      TreeSet<Integer> out = new TreeSet<>();
      for (String part : text.split(",")) {
        String p = part.strip();
        if (p.isEmpty()) {
          continue;
        }
        int dash = p.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
        int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
        for (int i = from; i <= to; i++) {
          out.add(i);
        }
      }
      return out;
    }

    /** The numbers as ranges: "1-3, 5, 7-9". */
    static String ranges(TreeSet<Integer> numbers) {
      StringBuilder s = new StringBuilder();
      Integer from = null;
      Integer last = null;
      for (int n : numbers) {
        if (last != null && n == last + 1) {
          last = n;
          continue;
        }
        if (from != null) {
          s.append(s.length() == 0 ? "" : ", ").append(from.equals(last) ? from : from + "-" + last);
        }
        from = n;
        last = n;
      }
      if (from != null) {
        s.append(s.length() == 0 ? "" : ", ").append(from.equals(last) ? from : from + "-" + last);
      }
      return s.toString();
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
